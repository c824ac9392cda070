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
from .forms import CancelCohortForm, CohortForm, DecisionForm, MoveForm, SessionForm
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
