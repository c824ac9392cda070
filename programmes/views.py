"""Catalogue, programme pages, enrolment actions, My learning, approvals and the lead's cohort pages.

Who may do what is written on each view. Object rules: a person's enrolments are theirs alone (others get
404); a request is decided by the person's approver or an academy admin (others get 403); a cohort is
managed by its programme's lead or an academy admin (others get 403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableView

from workforce.exports import csv_bytes, xlsx_bytes
from workforce.history import HistoryRestoreViewMixin, HistoryViewMixin
from workforce.pdf import render_pdf
from workforce.views import BreadcrumbMixin, ConfirmActionMixin, FormPageMixin

from . import selectors, services
from .calendar import calendar_filename, enrolment_calendar
from .filters import CatalogueFilter
from .forms import (
    CancelCohortForm,
    CancelSessionForm,
    CertificateVerifyForm,
    CohortForm,
    CompletionOverrideForm,
    CompletionRuleForm,
    DecisionForm,
    ExternalLearningForm,
    MoveForm,
    ProgrammeForm,
    ProgrammeOutcomeForm,
    ReachFilterForm,
    SessionForm,
    SurveyAnswerForm,
    SurveyForm,
    SurveyQuestionFormSet,
    WorkstreamForm,
)
from .models import (
    Attendance,
    Certificate,
    Cohort,
    Completion,
    CompletionRule,
    Enrolment,
    Programme,
    ProgrammeOutcome,
    Session,
    Survey,
    SurveyInvitation,
    Workstream,
)
from .tables import ApprovalsTable, ManagedCohortsTable


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- catalogue and programme pages (any signed-in user) ----------------------------------------------


class CatalogueView(BreadcrumbMixin, FilterView):
    """Who: any signed-in user. Published programmes only."""

    template_name = "programmes/catalogue.html"
    filterset_class = CatalogueFilter
    paginate_by = 20
    context_object_name = "programmes"

    def get_queryset(self):
        return selectors.programme_catalogue()


class ProgrammeView(BreadcrumbMixin, TemplateView):
    """Who: any signed-in user for a published programme; its lead and admins also see drafts."""

    template_name = "programmes/programme.html"
    breadcrumbs = (("Home", "home"), ("Programmes", "programmes:catalogue"))

    def get_context_data(self, **kwargs):
        programme = get_object_or_404(
            selectors.programme_visible_to(user=self.request.user), slug=kwargs["slug"]
        )
        page = selectors.programme_page(programme=programme, person=self.request.user)
        can_manage = self.request.user.has_perm("programmes.manage_programmes") or (
            self.request.user.has_perm("programmes.lead_programmes")
            and programme.lead_id == self.request.user.pk
        )
        return super().get_context_data(page=page, programme=programme, can_manage=can_manage, **kwargs)


class EnrolView(View):
    """Who: any signed-in user, for themselves (POST only). Eligibility and the window are checked by the
    service; a repeated POST returns the same enrolment."""

    def post(self, request, pk):
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
        programme_url = reverse("programmes:programme", args=[cohort.programme.slug])
        try:
            enrolment = services.enrolment_create(cohort=cohort, person=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(programme_url)
        texts = {
            Enrolment.Status.CONFIRMED: f"Your place on {cohort.name} is confirmed. "
            "We have emailed you the details.",
            Enrolment.Status.WAITING: f"{cohort.name} is full, so you have joined its waiting list.",
            Enrolment.Status.AWAITING_APPROVAL: "Your request has been sent for approval. We will email you "
            "when it is decided.",
            Enrolment.Status.OFFERED: "A place is already offered to you: accept it below.",
        }
        messages.success(request, texts.get(enrolment.status, "Done."))
        return redirect("programmes:my_learning")


# --- My learning (a person's own enrolments) ---------------------------------------------------------


class MyLearningView(BreadcrumbMixin, TemplateView):
    """Who: any signed-in user; only their own enrolments."""

    template_name = "programmes/my_learning.html"

    def get_context_data(self, **kwargs):
        learning = selectors.my_learning(person=self.request.user)
        return super().get_context_data(learning=learning, today=timezone.localdate(), **kwargs)


class OwnEnrolmentMixin:
    """The enrolment must belong to the signed-in person; anyone else's is 404 (existence stays hidden)."""

    def get_enrolment(self):
        return get_object_or_404(
            Enrolment.objects.select_related("cohort__programme", "person"),
            pk=self.kwargs["pk"],
            person=self.request.user,
        )


class WithdrawView(OwnEnrolmentMixin, BreadcrumbMixin, TemplateView):
    """Who: the enrolled person. GET asks to confirm; POST withdraws."""

    template_name = "programmes/withdraw.html"
    breadcrumbs = (("Home", "home"), ("My learning", "programmes:my_learning"))

    def get_context_data(self, **kwargs):
        enrolment = self.get_enrolment()
        return super().get_context_data(enrolment=enrolment, started=enrolment.cohort.has_started(), **kwargs)

    def post(self, request, pk):
        enrolment = self.get_enrolment()
        try:
            services.enrolment_withdraw(enrolment=enrolment, withdrawn_by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("programmes:my_learning")
        messages.success(request, f"You have withdrawn from {enrolment.cohort}.")
        return redirect("programmes:my_learning")


class OfferView(OwnEnrolmentMixin, View):
    """Who: the person offered the place (POST only): accept."""

    def post(self, request, pk):
        enrolment = self.get_enrolment()
        try:
            services.enrolment_accept_offer(enrolment=enrolment)
            messages.success(request, f"Your place on {enrolment.cohort} is confirmed.")
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect("programmes:my_learning")


class DeclineOfferView(OwnEnrolmentMixin, BreadcrumbMixin, TemplateView):
    """Who: the person offered the place. GET asks to confirm (the place is gone once declined); POST
    declines."""

    template_name = "programmes/decline_offer.html"
    breadcrumbs = (("Home", "home"), ("My learning", "programmes:my_learning"))

    def get_context_data(self, **kwargs):
        enrolment = self.get_enrolment()
        return super().get_context_data(enrolment=enrolment, started=enrolment.cohort.has_started(), **kwargs)

    def post(self, request, pk):
        enrolment = self.get_enrolment()
        if enrolment.status != Enrolment.Status.OFFERED:
            messages.error(request, "This offer is no longer open, so there is nothing to decline.")
            return redirect("programmes:my_learning")
        services.enrolment_decline_offer(enrolment=enrolment)
        messages.success(request, "You have declined the place; it goes to the next person waiting.")
        return redirect("programmes:my_learning")


class CalendarView(OwnEnrolmentMixin, View):
    """Who: the enrolled person, for a confirmed place: every session as an .ics file."""

    def get(self, request, pk):
        enrolment = self.get_enrolment()
        if enrolment.status != Enrolment.Status.CONFIRMED:
            messages.error(request, "Only a confirmed place has a calendar file.")
            return redirect("programmes:my_learning")
        response = HttpResponse(
            enrolment_calendar(enrolment=enrolment), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{calendar_filename(enrolment)}"'
        return response


# --- approvals (line managers, programme leads, admins) ----------------------------------------------


class ApprovalsView(BreadcrumbMixin, SingleTableView):
    """Who: any signed-in user (anyone may be a line manager); lists only the requests sent to them
    (academy admins: every open request)."""

    template_name = "programmes/approvals.html"
    table_class = ApprovalsTable
    paginate_by = 25

    def get_queryset(self):
        return selectors.approvals_pending(user=self.request.user)


class ApprovalView(BreadcrumbMixin, FormView):
    """Who: the person's approver (line manager, or the programme lead when none) or an academy admin;
    anyone else 403."""

    template_name = "programmes/approval.html"
    form_class = DecisionForm
    breadcrumbs = (("Home", "home"), ("To approve", "programmes:approvals"))

    def dispatch(self, request, *args, **kwargs):
        self.enrolment = get_object_or_404(
            Enrolment.objects.select_related(
                "cohort__programme", "person__organisation", "person__staff_group", "person__band"
            ),
            pk=kwargs["pk"],
        )
        if not services.user_may_decide(user=request.user, enrolment=self.enrolment):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(enrolment=self.enrolment, **kwargs)

    def form_valid(self, form):
        approve = form.cleaned_data["decision"] == "approve"
        try:
            enrolment = services.enrolment_decide(
                enrolment=self.enrolment,
                decided_by=self.request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        name = enrolment.person.display_name
        if not approve:
            messages.success(self.request, f"You declined {name}'s request.")
        elif enrolment.status == Enrolment.Status.CONFIRMED:
            messages.success(self.request, f"You approved {name}'s request; their place is confirmed.")
        else:
            messages.success(
                self.request, f"You approved {name}'s request; the cohort is full, so they are waiting."
            )
        return redirect("programmes:approvals")


# --- the lead's cohort pages (programme leads of the programme, academy admins) ----------------------


class CohortManagerMixin(PermissionRequiredMixin):
    """Signed-in users without the lead role get 403; leads may manage only their own programmes' cohorts."""

    permission_required = "programmes.lead_programmes"

    def get_cohort(self, pk) -> Cohort:
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
        if not services.user_may_manage_cohort(user=self.request.user, cohort=cohort):
            raise PermissionDenied
        return cohort


class ManagedCohortsView(CohortManagerMixin, BreadcrumbMixin, SingleTableView):
    template_name = "programmes/cohort_list.html"
    table_class = ManagedCohortsTable
    paginate_by = 25

    def get_queryset(self):
        return selectors.cohorts_managed_by(user=self.request.user)


class CohortView(CohortManagerMixin, BreadcrumbMixin, TemplateView):
    template_name = "programmes/cohort.html"
    breadcrumbs = (("Home", "home"), ("Your cohorts", "programmes:cohorts"))

    def get_context_data(self, **kwargs):
        cohort = self.get_cohort(kwargs["pk"])
        cohort_row = selectors.cohorts_with_places(Cohort.objects.filter(pk=cohort.pk)).get()
        people = list(selectors.cohort_people(cohort=cohort))
        return super().get_context_data(
            cohort=cohort,
            counts=cohort_row,
            people=people,
            live=[e for e in people if e.is_live],
            left=[e for e in people if not e.is_live],
            sessions=cohort.sessions.all(),
            today=timezone.localdate(),
            **kwargs,
        )


class CohortExportView(CohortManagerMixin, View):
    """The cohort's people as CSV; every text cell is formula-safe."""

    def get(self, request, pk):
        cohort = self.get_cohort(pk)
        header = [
            "Name",
            "Email",
            "Organisation",
            "Staff group",
            "Band",
            "Status",
            "Waiting position",
            "Since",
        ]
        rows = [
            [
                e.person.display_name,
                e.person.email,
                e.person.organisation.name if e.person.organisation else "",
                e.person.staff_group.name if e.person.staff_group else "",
                e.person.band.name if e.person.band else "",
                e.get_status_display(),
                e.position if e.status == Enrolment.Status.WAITING else "",
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
            for e in selectors.cohort_people(cohort=cohort)
        ]
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{cohort.programme.slug}-{cohort.pk}-people.csv"'
        )
        return response


class MoveView(CohortManagerMixin, BreadcrumbMixin, FormView):
    """Move a person to another upcoming cohort of the same programme."""

    template_name = "programmes/move.html"
    form_class = MoveForm
    breadcrumbs = (("Home", "home"), ("Your cohorts", "programmes:cohorts"))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.cohort = self.get_cohort(kwargs["pk"])
        self.enrolment = get_object_or_404(
            Enrolment.objects.select_related("person"),
            pk=kwargs["enrolment_pk"],
            cohort=self.cohort,
            status__in=Enrolment.LIVE_STATUSES,
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [
            *super().get_breadcrumbs(),
            (str(self.cohort), reverse("programmes:cohort", args=[self.cohort.pk])),
        ]

    def get_form_kwargs(self):
        cohorts = Cohort.objects.filter(
            programme=self.cohort.programme_id,
            status=Cohort.Status.SCHEDULED,
            starts_on__gt=timezone.localdate(),
        ).exclude(pk=self.cohort.pk)
        return {**super().get_form_kwargs(), "cohorts": cohorts}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, enrolment=self.enrolment, **kwargs)

    def form_valid(self, form):
        try:
            moved = services.enrolment_move(
                enrolment=self.enrolment, to_cohort=form.cleaned_data["to_cohort"], moved_by=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{self.enrolment.person.display_name} moved to {moved.cohort.name} "
            f"({moved.get_status_display().lower()}).",
        )
        return redirect("programmes:cohort", pk=self.cohort.pk)


class CohortFormView(CohortManagerMixin, BreadcrumbMixin, FormView):
    """Create a cohort of a programme (leads of that programme, admins) or edit one."""

    template_name = "programmes/cohort_form.html"
    form_class = CohortForm
    breadcrumbs = (("Home", "home"), ("Your cohorts", "programmes:cohorts"))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        if "pk" in kwargs:
            self.cohort = self.get_cohort(kwargs["pk"])
            self.programme = self.cohort.programme
        else:
            self.programme = get_object_or_404(Programme, slug=kwargs["slug"])
            self.cohort = Cohort(programme=self.programme)
            if not services.user_may_manage_cohort(user=request.user, cohort=self.cohort):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.cohort}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, programme=self.programme, **kwargs)

    def form_valid(self, form):
        try:
            cohort = services.cohort_save(cohort=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Cohort {cohort.name} saved.")
        return redirect("programmes:cohort", pk=cohort.pk)


class SessionFormView(CohortManagerMixin, BreadcrumbMixin, FormView):
    """Add a session to a cohort or change one; people with places get an updated calendar invite."""

    template_name = "programmes/session_form.html"
    form_class = SessionForm
    breadcrumbs = (("Home", "home"), ("Your cohorts", "programmes:cohorts"))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.cohort = self.get_cohort(kwargs["pk"])
        if "session_pk" in kwargs:
            self.session = get_object_or_404(Session, pk=kwargs["session_pk"], cohort=self.cohort)
        else:
            self.session = Session(cohort=self.cohort, date=self.cohort.starts_on)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.session}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, session=self.session, **kwargs)

    def form_valid(self, form):
        try:
            services.session_save(session=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Session saved. People with places have been sent the change.")
        return redirect("programmes:cohort", pk=self.cohort.pk)


class SessionCancelView(CohortManagerMixin, BreadcrumbMixin, FormView):
    """Cancel one session after confirming, with a reason (its programme's lead or an admin); everyone with
    a place is told. A session whose date has passed cannot be cancelled."""

    template_name = "programmes/session_cancel.html"
    form_class = CancelSessionForm
    breadcrumbs = (("Home", "home"), ("Your cohorts", "programmes:cohorts"))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.cohort = self.get_cohort(kwargs["pk"])
        self.session = get_object_or_404(Session, pk=kwargs["session_pk"], cohort=self.cohort)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cohort=self.cohort,
            session=self.session,
            refusal=services.session_cancel_refusal(session=self.session),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.session_cancel(session=self.session, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.session} cancelled. People with places have been told.")
        return redirect("programmes:cohort", pk=self.cohort.pk)


# --- Admin editing of workstreams and programmes ------------------------------------------------------


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
            workstream = services.workstream_save(workstream=form.instance, user=self.request.user)
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
        services.workstream_set_archived(
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
            services.workstream_move(
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
        return Programme.objects.select_related("workstream", "lead").order_by(
            "workstream__order", "workstream__name", "workstream_id", "order", "title", "pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programmes = context["programmes"] = list(context["programmes"])
        # Up/Down buttons move a programme within its own workstream only.
        for index, programme in enumerate(programmes):
            before = programmes[index - 1] if index else None
            after = programmes[index + 1] if index + 1 < len(programmes) else None
            programme.can_move_up = before is not None and before.workstream_id == programme.workstream_id
            programme.can_move_down = after is not None and after.workstream_id == programme.workstream_id
        return context


class ProgrammeMoveView(ManageProgrammesMixin, DetailView):
    """POST only: move a programme up or down within its workstream."""

    model = Programme
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        programme = self.get_object()
        direction = request.POST.get("direction", "")
        try:
            services.programme_move(programme=programme, user=request.user, direction=direction)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Programme moved {direction}: {programme.title}.")
        return redirect("programmes:manage_programmes")


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
            programme = services.programme_save(
                programme=form.instance,
                user=self.request.user,
                audience={
                    name: form.cleaned_data[name]
                    for name in ("audience_staff_groups", "audience_bands", "audience_organisations")
                },
            )
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
        services.programme_set_archived(programme=self.object, user=self.request.user, archived=self.archived)


class ProgrammeUnarchiveView(ProgrammeArchiveView):
    queryset = Programme.objects.filter(status=Programme.Status.ARCHIVED)
    question = "Bring back the programme {obj.title}?"
    explanation = "It comes back as a draft: check it, then publish it."
    button = "Bring back programme"
    done = "Programme brought back as a draft: {obj.title}."
    archived = False


class WorkstreamHistoryMixin(ManageProgrammesMixin):
    model = Workstream
    breadcrumbs = WORKSTREAM_CRUMBS
    history_url_name = "programmes:workstream_history"
    restore_url_name = "programmes:workstream_restore"
    object_url_name = "programmes:workstream_edit"


class WorkstreamHistoryView(WorkstreamHistoryMixin, HistoryViewMixin, DetailView):
    pass


class WorkstreamRestoreView(WorkstreamHistoryMixin, HistoryRestoreViewMixin, DetailView):
    restore_keeps = services.WORKSTREAM_RESTORE_KEEPS
    restore_note = (
        "Restoring never archives the workstream or brings it back: use the archive and bring back buttons "
        "for that."
    )

    def restore(self, record) -> None:
        services.workstream_restore(
            workstream=self.object, history_id=record.history_id, user=self.request.user
        )


class ProgrammeHistoryMixin(ManageProgrammesMixin):
    model = Programme
    breadcrumbs = PROGRAMME_CRUMBS
    history_url_name = "programmes:programme_history"
    restore_url_name = "programmes:programme_restore"
    object_url_name = "programmes:programme_edit"


class ProgrammeHistoryView(ProgrammeHistoryMixin, HistoryViewMixin, DetailView):
    pass


class ProgrammeRestoreView(ProgrammeHistoryMixin, HistoryRestoreViewMixin, DetailView):
    restore_keeps = services.PROGRAMME_RESTORE_KEEPS
    restore_note = (
        "Restoring keeps the programme's status (draft, published or archived): publish it on its edit page, "
        "or archive it or bring it back with their own buttons. An archived programme comes back as a draft. "
        "If that version is in another workstream, the programme goes to the end of that workstream's list."
    )

    def restore(self, record) -> None:
        services.programme_restore(
            programme=self.object, history_id=record.history_id, user=self.request.user
        )


class CohortHistoryMixin(ManageProgrammesMixin):
    """Who: academy admins. A cohort's own page is at cohorts/<pk>/."""

    model = Cohort
    breadcrumbs = PROGRAMME_CRUMBS
    history_url_name = "programmes:cohort_history"
    restore_url_name = "programmes:cohort_restore"
    object_url_name = "programmes:cohort"


class CohortHistoryView(CohortHistoryMixin, HistoryViewMixin, DetailView):
    pass


class CohortRestoreView(CohortHistoryMixin, HistoryRestoreViewMixin, DetailView):
    def restore(self, record) -> None:
        services.cohort_restore(cohort=self.object, history_id=record.history_id, user=self.request.user)


class CohortCancelView(CohortManagerMixin, BreadcrumbMixin, FormView):
    """Cancel a whole cohort (its programme's lead or an admin); everyone enrolled is told."""

    template_name = "programmes/cohort_cancel.html"
    form_class = CancelCohortForm
    breadcrumbs = (("Home", "home"), ("Your cohorts", "programmes:cohorts"))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.cohort = self.get_cohort(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, **kwargs)

    def form_valid(self, form):
        try:
            services.cohort_cancel(
                cohort=self.cohort, cancelled_by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.cohort.name} is cancelled; everyone enrolled has been told.")
        return redirect("programmes:cohort", pk=self.cohort.pk)


# --- Learning record ------------------------------------------------------------------------------------


class LearningRecordView(BreadcrumbMixin, TemplateView):
    """Who: any signed-in user, for their own record only."""

    template_name = "programmes/learning_record.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            record=selectors.learning_record(person=self.request.user),
            surveys=selectors.surveys_waiting_for(person=self.request.user),
            **kwargs,
        )


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


class ProgrammeEvaluationView(ProgrammeLeadObjectMixin, BreadcrumbMixin, TemplateView):
    """Who: the programme's lead and academy admins. Cohort results only from 5 responses."""

    template_name = "programmes/evaluation.html"
    breadcrumbs = (("Home", "home"), ("Evaluation", "programmes:evaluations"))

    def get_context_data(self, **kwargs):
        programme = self.programme
        return super().get_context_data(
            programme=programme,
            outcome=ProgrammeOutcome.objects.filter(programme=programme).first(),
            figures=selectors.programme_figures(programme=programme),
            completion_results=selectors.programme_cohort_results(programme=programme, kind="completion"),
            follow_up_results=selectors.programme_cohort_results(programme=programme, kind="follow_up"),
            rule=services.completion_rule_for(programme),
            cohorts=programme.cohorts.order_by("-starts_on"),
            min_responses=selectors.MIN_RESPONSES,
            can_read_responses=self.request.user.has_perm("programmes.view_individual_responses"),
            own_surveys=[s.get_kind_display().lower() for s in programme.surveys.all()],
            **kwargs,
        )


class EvaluationIndexView(PermissionRequiredMixin, BreadcrumbMixin, TemplateView):
    """Who: programme leads (their programmes) and academy admins (all)."""

    permission_required = "programmes.lead_programmes"
    template_name = "programmes/evaluation_index.html"

    def get_context_data(self, **kwargs):
        programmes = selectors.programmes_led_by(self.request.user).select_related("workstream")
        return super().get_context_data(programmes=programmes, **kwargs)


class ProgrammeResponsesView(PermissionRequiredMixin, BreadcrumbMixin, TemplateView):
    """Who: academy admins only (programmes.view_individual_responses); nobody else sees one response."""

    permission_required = "programmes.view_individual_responses"
    template_name = "programmes/responses.html"

    def dispatch(self, request, *args, **kwargs):
        # The role first: someone without it learns nothing, not even whether the programme exists.
        if not self.has_permission():
            return self.handle_no_permission()
        self.programme = get_object_or_404(Programme, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [
            ("Home", reverse("home")),
            (self.programme.title, reverse("programmes:evaluation", kwargs={"slug": self.programme.slug})),
        ]

    def get_context_data(self, **kwargs):
        paginator = Paginator(selectors.programme_responses(programme=self.programme), 25)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            programme=self.programme, page_obj=page, paginator=paginator, **kwargs
        )


class CompletionRuleEditView(ProgrammeLeadObjectMixin, BreadcrumbMixin, FormView):
    """Who: the programme's lead and academy admins."""

    template_name = "programmes/completion_rule_form.html"
    form_class = CompletionRuleForm

    def get_breadcrumbs(self):
        return ProgrammeOutcomeEditView.get_breadcrumbs(self)

    def get_form_kwargs(self):
        rule = CompletionRule.objects.filter(programme=self.programme).first()
        return {**super().get_form_kwargs(), "instance": rule}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def form_valid(self, form):
        try:
            changed = services.completion_rule_update(
                programme=self.programme,
                min_attendance_percent=form.cleaned_data["min_attendance_percent"],
                required_session_titles=form.cleaned_data["required_session_titles"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Completion rule for {self.programme.title} saved; {changed} completions rechecked.",
        )
        return redirect("programmes:evaluation", slug=self.programme.slug)


# --- Attendance -----------------------------------------------------------------------------------------


class SessionListView(PermissionRequiredMixin, BreadcrumbMixin, TemplateView):
    """Who: programme leads (their cohorts' sessions) and academy admins (all)."""

    permission_required = "programmes.lead_programmes"
    template_name = "programmes/session_list.html"

    def get_context_data(self, **kwargs):
        paginator = Paginator(selectors.sessions_to_mark(user=self.request.user), 20)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(page_obj=page, paginator=paginator, **kwargs)


class SessionLeadObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(Session.objects.select_related("cohort__programme"), pk=kwargs["pk"])
        if not selectors.user_can_lead_programme(request.user, self.session.cohort.programme):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AttendanceView(SessionLeadObjectMixin, BreadcrumbMixin, TemplateView):
    """Who: the lead of the session's programme and academy admins. One page per session."""

    template_name = "programmes/attendance.html"
    breadcrumbs = (("Home", "home"), ("Attendance", "programmes:sessions"))

    def get_context_data(self, **kwargs):
        rows = selectors.session_attendance(session=self.session)
        return super().get_context_data(
            session=self.session,
            cohort=self.session.cohort,
            rows=rows,
            choices=Attendance.Status.choices,
            marked=sum(1 for r in rows if r.status),
            is_future=self.session.date > timezone.localdate(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        not_saved = []
        try:
            if "all_present" in request.POST:
                changed = services.attendance_mark_all_present(session=self.session, marked_by=request.user)
            else:
                marks = {
                    int(key.removeprefix("attendance-")): value
                    for key, value in request.POST.items()
                    if key.startswith("attendance-") and key.removeprefix("attendance-").isdigit() and value
                }
                result = services.attendance_mark_from_page(
                    session=self.session, marks=marks, marked_by=request.user
                )
                changed, not_saved = result.changed, result.not_saved
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages), status=400)
        messages.success(
            request,
            f"Attendance saved for {self.session}: {changed} {'change' if changed == 1 else 'changes'}.",
        )
        if not_saved:
            messages.warning(
                request,
                "Not saved, as the list changed after the page loaded: "
                + "; ".join(f"{m.name} ({m.reason})" for m in not_saved)
                + ".",
            )
        return redirect("programmes:attendance", pk=self.session.pk)


class CohortCompletionView(BreadcrumbMixin, TemplateView):
    """Who: the lead of the cohort's programme and academy admins."""

    template_name = "programmes/cohort_completion.html"
    breadcrumbs = (("Home", "home"), ("Attendance", "programmes:sessions"))

    def dispatch(self, request, *args, **kwargs):
        self.cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=kwargs["pk"])
        if not selectors.user_can_lead_programme(request.user, self.cohort.programme):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cohort=self.cohort,
            completions=selectors.cohort_completions(cohort=self.cohort),
            sessions=self.cohort.sessions.all(),
            rule=services.completion_rule_for(self.cohort.programme),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        changed = services.cohort_completions_refresh(cohort=self.cohort)
        messages.success(request, f"Completion rechecked for {changed} people in {self.cohort.name}.")
        return redirect("programmes:cohort_completion", pk=self.cohort.pk)


class CompletionOverrideView(BreadcrumbMixin, FormView):
    """Who: the lead of the programme and academy admins."""

    template_name = "programmes/completion_override.html"
    form_class = CompletionOverrideForm

    def dispatch(self, request, *args, **kwargs):
        self.completion = get_object_or_404(
            Completion.objects.select_related("enrolment__cohort__programme", "enrolment__person"),
            pk=kwargs["pk"],
        )
        if not selectors.user_can_lead_programme(request.user, self.completion.enrolment.cohort.programme):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        cohort = self.completion.enrolment.cohort
        return [
            ("Home", reverse("home")),
            (f"Completion: {cohort.name}", reverse("programmes:cohort_completion", kwargs={"pk": cohort.pk})),
        ]

    def get_initial(self):
        return {"status": self.completion.status}

    def get_context_data(self, **kwargs):
        return super().get_context_data(completion=self.completion, **kwargs)

    def form_valid(self, form):
        person = self.completion.enrolment.person
        try:
            if form.cleaned_data["status"] == "computed":
                services.completion_override_clear(completion=self.completion, cleared_by=self.request.user)
            else:
                services.completion_override(
                    completion=self.completion,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    overridden_by=self.request.user,
                )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Completion status for {person.display_name} has been changed.")
        return redirect("programmes:cohort_completion", pk=self.completion.enrolment.cohort_id)


# --- Certificates ---------------------------------------------------------------------------------------


class CertificateDownloadView(View):
    """Who: the person the certificate is for, their programme's lead and academy admins."""

    def get(self, request, code):
        certificate = get_object_or_404(
            Certificate.objects.select_related("completion__enrolment__cohort__programme"), code=code
        )
        enrolment = certificate.completion.enrolment
        if enrolment.person_id != request.user.pk and not selectors.user_can_lead_programme(
            request.user, enrolment.cohort.programme
        ):
            raise Http404
        if not certificate.is_current:
            raise Http404("This certificate is being prepared or is no longer valid.")
        response = FileResponse(
            certificate.file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"certificate-{certificate.code}.pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


VERIFY_LIMIT = 20  # lookups per address per window
VERIFY_WINDOW_SECONDS = 10 * 60


def _client_address(request) -> str:
    """The client's address as allauth's rate limits see it (they share the trusted-proxy settings)."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request)


@method_decorator(login_not_required, name="dispatch")
class CertificateVerifyView(FormView):
    """Who: anyone, signed in or not. Shows name, programme and date for a valid code, nothing else.

    Codes are 60-bit random values, a wrong or revoked code gets the same answer, and lookups are rate
    limited per address, so the page cannot be used to list certificates.
    """

    template_name = "programmes/certificate_verify.html"
    form_class = CertificateVerifyForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and "code" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound:
            return self.form_valid(form) if form.is_valid() else self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        key = f"llr:certificate-verify:{_client_address(self.request)}"
        cache.add(key, 0, timeout=VERIFY_WINDOW_SECONDS)
        try:
            attempts = cache.incr(key)
        except ValueError:
            attempts = 1
        if attempts > VERIFY_LIMIT:
            form.add_error("code", "You have checked too many codes. Wait 10 minutes, then try again")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        result = services.certificate_verify(code=form.cleaned_data["code"])
        response = self.render_to_response(self.get_context_data(form=form, result=result, checked=True))
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response


# --- Evaluation surveys ---------------------------------------------------------------------------------


class SurveyAnswerView(BreadcrumbMixin, FormView):
    """Who: the participant the invitation is for (anyone else: 404)."""

    template_name = "programmes/survey_answer.html"
    form_class = SurveyAnswerForm
    breadcrumbs = (("Home", "home"), ("Your learning record", "programmes:learning_record"))

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.invitation = get_object_or_404(
                SurveyInvitation.objects.select_related("survey", "enrolment__cohort__programme"),
                pk=kwargs["pk"],
                enrolment__person=request.user,
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.invitation.responded_at:
            messages.info(request, "You have already answered this survey. Thank you.")
            return redirect("programmes:learning_record")
        if self.invitation.due_on > timezone.localdate():
            raise Http404("This survey is not open yet.")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "questions": list(self.invitation.survey.questions.all())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            invitation=self.invitation, programme=self.invitation.enrolment.cohort.programme, **kwargs
        )

    def form_valid(self, form):
        try:
            services.survey_response_submit(invitation=self.invitation, answers=form.answers())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Thank you: your answers have been saved.")
        return redirect("programmes:learning_record")


# --- Programme reach ------------------------------------------------------------------------------------


class ReachView(PermissionRequiredMixin, BreadcrumbMixin, TemplateView):
    """Who: board members and academy admins (programmes.view_programme_reach). Always suppressed."""

    permission_required = "programmes.view_programme_reach"
    template_name = "programmes/reach.html"

    def get_reach(self, form: ReachFilterForm) -> selectors.Reach:
        data = form.cleaned_data if form.is_bound else {}
        enrolments = selectors.reach_enrolments(
            workstream=data.get("workstream"),
            pillar=data.get("pillar") or "",
            starts_from=data.get("starts_from"),
            starts_to=data.get("starts_to"),
        )
        return selectors.programme_reach(
            dimension=data.get("dimension") or "organisation", enrolments=enrolments
        )

    def get(self, request, *args, **kwargs):
        fmt = kwargs.get("format")
        if fmt and fmt not in ("csv", "xlsx"):
            raise Http404
        form = ReachFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            # Never export something other than what was asked for: show the errors instead.
            return self.render_to_response(self.get_context_data(form=form, reach=None), status=400)
        reach = self.get_reach(form)
        if fmt:
            header, rows = selectors.reach_export_rows(reach)
            name = f"programme-reach-by-{reach.dimension.replace('_', '-')}"
            if fmt == "csv":
                return _download(
                    csv_bytes(header, rows), content_type="text/csv; charset=utf-8", filename=f"{name}.csv"
                )
            return _download(
                xlsx_bytes(header, rows, sheet_title=f"Reach by {reach.dimension_label}"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                filename=f"{name}.xlsx",
            )
        query = request.GET.urlencode()
        return self.render_to_response(self.get_context_data(form=form, reach=reach, query=query))


class SurveyEditView(BreadcrumbMixin, TemplateView):
    """Who: the programme's lead and academy admins (its own survey); academy admins (the shared default).

    A programme without its own survey uses the shared default; "Use our own survey" copies it first.
    """

    template_name = "programmes/survey_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.kind = kwargs["kind"].replace("-", "_")
        if self.kind not in Survey.Kind.values:
            raise Http404
        slug = kwargs.get("slug")
        if slug:
            self.programme = get_object_or_404(Programme, slug=slug)
            if not selectors.user_can_lead_programme(request.user, self.programme):
                raise PermissionDenied
        else:
            self.programme = None
            if not request.user.has_perm("programmes.manage_programmes"):
                raise PermissionDenied
        self.survey = Survey.objects.filter(programme=self.programme, kind=self.kind).first()
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        if self.programme is None:
            return [("Home", reverse("home")), ("Evaluation", reverse("programmes:evaluations"))]
        return [
            ("Home", reverse("home")),
            (self.programme.title, reverse("programmes:evaluation", kwargs={"slug": self.programme.slug})),
        ]

    def get_context_data(self, **kwargs):
        if self.survey is not None and "form" not in kwargs:
            kwargs["form"] = SurveyForm(instance=self.survey)
            kwargs["formset"] = SurveyQuestionFormSet(instance=self.survey)
        return super().get_context_data(
            programme=self.programme,
            survey=self.survey,
            kind_label=Survey.Kind(self.kind).label,
            default=Survey.objects.filter(programme__isnull=True, kind=self.kind).first(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if self.survey is None:
            if self.programme is None:
                self.survey = services.survey_default_create(kind=self.kind)
                messages.success(
                    request, "The shared default survey has been created. Add its questions below."
                )
            else:
                self.survey = services.survey_customise(programme=self.programme, kind=self.kind)
                messages.success(
                    request, "This programme now has its own survey. Change the questions below."
                )
            return redirect(request.path)
        form = SurveyForm(request.POST, instance=self.survey)
        formset = SurveyQuestionFormSet(request.POST, instance=self.survey)
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset), status=200)
        questions = [
            {
                "pk": f.instance.pk,
                "delete": bool(f.cleaned_data.get("DELETE")),
                **{
                    name: f.cleaned_data.get(name)
                    for name in ("text", "kind", "required", "is_overall_rating")
                },
            }
            for f in formset.forms
            # Blank extra rows are left out; so is a new row ticked for removal.
            if f.cleaned_data
            and (f.instance.pk or (f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")))
        ]
        try:
            services.survey_update(
                survey=self.survey,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data.get("introduction", ""),
                send_after_months=form.cleaned_data.get("send_after_months"),
                questions=questions,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _add_errors(form, error)
            else:
                formset._non_form_errors = formset.error_class(error.messages)
            return self.render_to_response(self.get_context_data(form=form, formset=formset), status=200)
        messages.success(request, f"“{form.cleaned_data['title']}” has been saved.")
        return redirect(request.path)
