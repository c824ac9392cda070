from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from workforce.exports import csv_bytes
from workforce.pdf import render_pdf
from workforce.views import BreadcrumbMixin

from . import selectors, services
from .forms import ExternalLearningForm, ProgrammeOutcomeForm
from .models import Programme, ProgrammeOutcome

# --- Learning record ------------------------------------------------------------------------------------


class LearningRecordView(BreadcrumbMixin, TemplateView):
    """Who: any signed-in user, for their own record only."""

    template_name = "programmes/learning_record.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=selectors.learning_record(person=self.request.user), **kwargs)


class ExternalLearningFormView(BreadcrumbMixin, FormView):
    """Who: any signed-in user, adding or changing their own entries (someone else's entry: 404)."""

    template_name = "programmes/external_learning_form.html"
    form_class = ExternalLearningForm
    breadcrumbs = (("Home", "home"), ("Your learning record", "programmes:learning_record"))

    def dispatch(self, request, *args, **kwargs):
        self.entry = None
        if "pk" in kwargs and request.user.is_authenticated:
            self.entry = get_object_or_404(
                selectors.external_learning_for(person=request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.entry}

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, **kwargs)

    def form_valid(self, form):
        data = {k: form.cleaned_data[k] for k in ("title", "completed_on", "cpd_hours", "evidence_note")}
        try:
            if self.entry is None:
                services.external_learning_create(person=self.request.user, **data)
                messages.success(self.request, f"“{data['title']}” has been added to your learning record.")
            else:
                services.external_learning_update(entry=self.entry, **data)
                messages.success(self.request, f"“{data['title']}” has been updated.")
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("programmes:learning_record")


class ExternalLearningDeleteView(BreadcrumbMixin, TemplateView):
    """Who: any signed-in user, deleting their own entry (someone else's entry: 404)."""

    template_name = "programmes/external_learning_delete.html"
    breadcrumbs = (("Home", "home"), ("Your learning record", "programmes:learning_record"))

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.entry = get_object_or_404(
                selectors.external_learning_for(person=request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, **kwargs)

    def post(self, request, *args, **kwargs):
        title = self.entry.title
        services.external_learning_delete(entry=self.entry)
        messages.success(request, f"“{title}” has been removed from your learning record.")
        return redirect("programmes:learning_record")


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class LearningRecordCsvView(View):
    """Who: any signed-in user, their own record."""

    def get(self, request):
        record = selectors.learning_record(person=request.user)
        content = csv_bytes(selectors.LEARNING_RECORD_HEADER, selectors.learning_record_rows(record))
        return _download(content, content_type="text/csv; charset=utf-8", filename="learning-record.csv")


class LearningRecordPdfView(View):
    """Who: any signed-in user, their own record."""

    def get(self, request):
        record = selectors.learning_record(person=request.user)
        html = render_to_string(
            "programmes/pdf/learning_record.html", {"record": record, "today": timezone.localdate()}
        )
        return _download(render_pdf(html), content_type="application/pdf", filename="learning-record.pdf")


# --- Programme outcomes and evaluation --------------------------------------------------------------------


class ProgrammeLeadObjectMixin:
    """Loads ``self.programme`` from the slug; 403 unless this user leads it (or is an academy admin)."""

    def dispatch(self, request, *args, **kwargs):
        self.programme = get_object_or_404(Programme, slug=kwargs["slug"])
        if not selectors.user_can_lead_programme(request.user, self.programme):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ProgrammeOutcomeEditView(ProgrammeLeadObjectMixin, BreadcrumbMixin, FormView):
    """Who: the programme's lead and academy admins."""

    template_name = "programmes/outcome_form.html"
    form_class = ProgrammeOutcomeForm

    def get_breadcrumbs(self):
        return [
            ("Home", reverse("home")),
            (self.programme.title, reverse("programmes:evaluation", kwargs={"slug": self.programme.slug})),
        ]

    def get_form_kwargs(self):
        outcome = ProgrammeOutcome.objects.filter(programme=self.programme).first()
        return {**super().get_form_kwargs(), "instance": outcome}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def form_valid(self, form):
        services.programme_outcome_update(
            programme=self.programme,
            updated_by=self.request.user,
            **{name: form.cleaned_data[name] for name in ProgrammeOutcome.ELEMENTS},
        )
        messages.success(self.request, f"The outcomes of {self.programme.title} have been saved.")
        return redirect("programmes:evaluation", slug=self.programme.slug)
