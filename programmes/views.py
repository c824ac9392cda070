"""Catalogue, programme pages, enrolment actions, My learning, approvals and the lead's cohort pages.

Who may do what is written on each view. Object rules: a person's enrolments are theirs alone (others get
404); a request is decided by the person's approver or an academy admin (others get 403); a cohort is
managed by its programme's lead or an academy admin (others get 403).
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableView

from workforce.exports import csv_bytes
from workforce.views import BreadcrumbMixin

from . import selectors, services
from .calendar import calendar_filename, enrolment_calendar
from .filters import CatalogueFilter
from .forms import CohortForm, DecisionForm, MoveForm, SessionForm
from .models import Cohort, Enrolment, Programme, Session
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
        return super().get_context_data(enrolment=self.get_enrolment(), **kwargs)

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
    """Who: the person offered the place (POST only): accept or decline."""

    accept = True

    def post(self, request, pk):
        enrolment = self.get_enrolment()
        try:
            if self.accept:
                services.enrolment_accept_offer(enrolment=enrolment)
                messages.success(request, f"Your place on {enrolment.cohort} is confirmed.")
            else:
                services.enrolment_decline_offer(enrolment=enrolment)
                messages.success(request, "You have declined the place; it goes to the next person waiting.")
        except ValidationError as error:
            messages.error(request, _error_text(error))
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


class SessionCancelView(CohortManagerMixin, View):
    def post(self, request, pk, session_pk):
        cohort = self.get_cohort(pk)
        session = get_object_or_404(Session, pk=session_pk, cohort=cohort)
        services.session_cancel(session=session)
        messages.success(request, f"{session} cancelled. People with places have been told.")
        return redirect("programmes:cohort", pk=cohort.pk)


# ==== Admin editing of workstreams and programmes (issue 6) ==========================================
from django.contrib.auth.mixins import PermissionRequiredMixin  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.views.generic import DetailView, FormView, ListView  # noqa: E402

from workforce.history import HistoryRestoreViewMixin, HistoryViewMixin  # noqa: E402
from workforce.views import BreadcrumbMixin, ConfirmActionMixin, FormPageMixin  # noqa: E402

from . import services as manage_services  # noqa: E402
from .forms import ProgrammeForm, WorkstreamForm  # noqa: E402
from .models import Workstream  # noqa: E402


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
            programme = manage_services.programme_save(
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


class WorkstreamHistoryView(ManageProgrammesMixin, HistoryViewMixin, DetailView):
    model = Workstream
    breadcrumbs = WORKSTREAM_CRUMBS
    history_url_name = "programmes:workstream_history"
    restore_url_name = "programmes:workstream_restore"

    def get_object_url(self):
        return reverse("programmes:workstream_edit", kwargs={"pk": self.object.pk})


class WorkstreamRestoreView(ManageProgrammesMixin, HistoryRestoreViewMixin, DetailView):
    model = Workstream
    breadcrumbs = WORKSTREAM_CRUMBS
    history_url_name = "programmes:workstream_history"
    restore_url_name = "programmes:workstream_restore"

    def get_object_url(self):
        return reverse("programmes:workstream_edit", kwargs={"pk": self.object.pk})


class ProgrammeHistoryView(ManageProgrammesMixin, HistoryViewMixin, DetailView):
    model = Programme
    breadcrumbs = PROGRAMME_CRUMBS
    history_url_name = "programmes:programme_history"
    restore_url_name = "programmes:programme_restore"

    def get_object_url(self):
        return reverse("programmes:programme_edit", kwargs={"pk": self.object.pk})


class ProgrammeRestoreView(ManageProgrammesMixin, HistoryRestoreViewMixin, DetailView):
    model = Programme
    breadcrumbs = PROGRAMME_CRUMBS
    history_url_name = "programmes:programme_history"
    restore_url_name = "programmes:programme_restore"

    def get_object_url(self):
        return reverse("programmes:programme_edit", kwargs={"pk": self.object.pk})


class CohortHistoryView(ManageProgrammesMixin, HistoryViewMixin, DetailView):
    """Who: academy admins. A cohort's own page (issue 3) is at cohorts/<pk>/."""

    model = Cohort
    breadcrumbs = PROGRAMME_CRUMBS
    history_url_name = "programmes:cohort_history"
    restore_url_name = "programmes:cohort_restore"

    def get_object_url(self):
        return reverse("programmes:cohort", kwargs={"pk": self.object.pk})


class CohortRestoreView(CohortHistoryView, HistoryRestoreViewMixin):
    template_name = HistoryRestoreViewMixin.template_name
    get_context_data = HistoryRestoreViewMixin.get_context_data
    get_record = HistoryRestoreViewMixin.get_record
    post = HistoryRestoreViewMixin.post


# ==== end of issue 6 block ==========================================================================
