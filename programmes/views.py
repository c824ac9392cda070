# ==== Catalogue and enrolment views (issue 3) go above this line ====


# ==== Admin editing of workstreams and programmes (issue 6) ==========================================
from django.contrib import messages  # noqa: E402
from django.contrib.auth.mixins import PermissionRequiredMixin  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.shortcuts import get_object_or_404, redirect  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.views.generic import DetailView, FormView, ListView  # noqa: E402

from workforce.views import BreadcrumbMixin, ConfirmActionMixin, FormPageMixin  # noqa: E402

from . import services as manage_services  # noqa: E402
from .forms import ProgrammeForm, WorkstreamForm  # noqa: E402
from .models import Programme, Workstream  # noqa: E402

# HOOK (history): Workstream and Programme get `history = HistoricalRecords()` with issue 3. Then add
# history/restore views here exactly like pledges' (workforce.history.HistoryViewMixin and
# HistoryRestoreViewMixin with DetailView) under manage/workstreams/<pk>/history/ and
# manage/programmes/<pk>/history/. The services below already set `_history_user`.


class ManageProgrammesMixin(PermissionRequiredMixin, BreadcrumbMixin):
    """Who: academy admins (programmes.manage_programmes)."""

    permission_required = "programmes.manage_programmes"


WORKSTREAM_CRUMBS = (("Home", "home"), ("Manage workstreams", "programmes:manage_workstreams"))
PROGRAMME_CRUMBS = (("Home", "home"), ("Manage programmes", "programmes:manage_programmes"))


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ManageWorkstreamListView(ManageProgrammesMixin, ListView):
    template_name = "programmes/manage_workstream_list.html"
    context_object_name = "workstreams"

    def get_queryset(self):
        return Workstream.objects.order_by("order", "name")


class WorkstreamFormView(ManageProgrammesMixin, FormPageMixin, FormView):
    form_class = WorkstreamForm
    breadcrumbs = WORKSTREAM_CRUMBS
    workstream = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs and request.user.has_perm(self.permission_required):
            self.workstream = get_object_or_404(Workstream, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.workstream}

    def get_context_data(self, **kwargs):
        title = f"Edit {self.workstream.name}" if self.workstream else "Add a workstream"
        return super().get_context_data(page_title=title, **kwargs)

    def form_valid(self, form):
        creating = self.workstream is None
        try:
            workstream = manage_services.workstream_save(workstream=form.instance, user=self.request.user)
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Workstream {'added' if creating else 'saved'}: {workstream.name}.")
        return redirect("programmes:manage_workstreams")


class WorkstreamArchiveView(ManageProgrammesMixin, ConfirmActionMixin, DetailView):
    queryset = Workstream.objects.filter(is_archived=False)
    breadcrumbs = WORKSTREAM_CRUMBS
    question = "Archive the workstream {obj.name}?"
    explanation = (
        "It will no longer be offered for new programmes. Nothing is deleted; you can bring it back."
    )
    button = "Archive workstream"
    done = "Workstream archived: {obj.name}."
    archived = True

    def get_cancel_url(self):
        return reverse("programmes:manage_workstreams")

    def act(self):
        manage_services.workstream_set_archived(
            workstream=self.object, user=self.request.user, archived=self.archived
        )


class WorkstreamUnarchiveView(WorkstreamArchiveView):
    queryset = Workstream.objects.filter(is_archived=True)
    question = "Bring back the workstream {obj.name}?"
    explanation = "It will be offered for programmes again."
    button = "Bring back workstream"
    done = "Workstream brought back: {obj.name}."
    archived = False


class WorkstreamMoveView(ManageProgrammesMixin, DetailView):
    model = Workstream
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        workstream = self.get_object()
        try:
            manage_services.workstream_move(
                workstream=workstream, user=request.user, direction=request.POST.get("direction", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Workstream moved {request.POST['direction']}: {workstream.name}.")
        return redirect("programmes:manage_workstreams")


class ManageProgrammeListView(ManageProgrammesMixin, ListView):
    template_name = "programmes/manage_programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        return Programme.objects.select_related("workstream", "lead").order_by("workstream__order", "title")


class ProgrammeFormView(ManageProgrammesMixin, FormPageMixin, FormView):
    form_class = ProgrammeForm
    breadcrumbs = PROGRAMME_CRUMBS
    programme = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs and request.user.has_perm(self.permission_required):
            self.programme = get_object_or_404(Programme, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.programme}

    def get_context_data(self, **kwargs):
        title = f"Edit {self.programme.title}" if self.programme else "Add a programme"
        return super().get_context_data(page_title=title, **kwargs)

    def form_valid(self, form):
        creating = self.programme is None
        try:
            programme = manage_services.programme_save(programme=form.instance, user=self.request.user)
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Programme {'added' if creating else 'saved'}: {programme.title}.")
        return redirect("programmes:manage_programmes")


class ProgrammeArchiveView(ManageProgrammesMixin, ConfirmActionMixin, DetailView):
    queryset = Programme.objects.exclude(status=Programme.Status.ARCHIVED)
    breadcrumbs = PROGRAMME_CRUMBS
    question = "Archive the programme {obj.title}?"
    explanation = (
        "It leaves the catalogue. Nothing is deleted: its cohorts, enrolments, links and history are kept, "
        "and you can bring it back as a draft."
    )
    button = "Archive programme"
    done = "Programme archived: {obj.title}."
    archived = True

    def get_cancel_url(self):
        return reverse("programmes:manage_programmes")

    def act(self):
        manage_services.programme_set_archived(
            programme=self.object, user=self.request.user, archived=self.archived
        )


class ProgrammeUnarchiveView(ProgrammeArchiveView):
    queryset = Programme.objects.filter(status=Programme.Status.ARCHIVED)
    question = "Bring back the programme {obj.title}?"
    explanation = "It comes back as a draft: check it, then publish it."
    button = "Bring back programme"
    done = "Programme brought back as a draft: {obj.title}."
    archived = False


# ==== end of issue 6 block ==========================================================================
