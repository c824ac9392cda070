import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView
from django_tables2 import SingleTableView

from workforce.views import BreadcrumbMixin

from . import report_selectors as selectors
from . import report_services as services
from .models import BoardReport, BoardReportSchedule, BoardReportSection
from .report_forms import (
    FRONT_SHEET_FORM_FIELDS,
    BoardReportFrontSheetForm,
    BoardReportRequestForm,
    BoardReportScheduleForm,
)
from .tables import BoardReportTable

ARCHIVE_CRUMBS = (("Home", "home"), ("Board reports", "pledges:board_reports"))


def add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error)


class BoardReportPermissionMixin(PermissionRequiredMixin):
    permission_required = "pledges.request_board_report"


class BoardReportObjectMixin(BoardReportPermissionMixin):
    """The object views: only packs this user may see; anyone else's is a 404."""

    def get_report(self) -> BoardReport:
        return get_object_or_404(selectors.board_report_visible_to(self.request.user), pk=self.kwargs["pk"])


class BoardReportListView(BoardReportPermissionMixin, BreadcrumbMixin, SingleTableView):
    """Who: board members (their own packs and those sent to them) and academy admins (every pack)."""

    template_name = "pledges/board_report/list.html"
    table_class = BoardReportTable
    paginate_by = 25

    def get_queryset(self):
        return selectors.board_report_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_schedule=self.request.user.has_perm("pledges.manage_pledges"), **kwargs
        )


def _default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    end = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    start = end
    for _ in range(23):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, end


class BoardReportCreateView(BoardReportPermissionMixin, BreadcrumbMixin, FormView):
    """Who: board members and academy admins (pledges.request_board_report)."""

    template_name = "pledges/board_report/new.html"
    form_class = BoardReportRequestForm
    breadcrumbs = ARCHIVE_CRUMBS

    def get_initial(self):
        today = timezone.localdate()
        start, end = _default_period(today)
        next_meeting = selectors.upcoming_board_meetings(today=today).first()
        initial = {
            "meeting_date": next_meeting.date if next_meeting else today + dt.timedelta(days=28),
            "period_start": start,
            "period_end": end,
            "sections": list(BoardReportSection.values),
        }
        # A new version of a pack this person may see starts from its options and front sheet; otherwise
        # the front-sheet defaults come from the schedule, when an admin has set one up.
        previous = self.previous_report()
        if previous is not None:
            initial.update(
                meeting_date=previous.meeting_date,
                period_start=previous.period_start,
                period_end=previous.period_end,
                sections=list(previous.sections),
            )
        source = previous or selectors.board_report_schedule_get() or BoardReport()
        initial.update({field: getattr(source, field) for field in FRONT_SHEET_FORM_FIELDS})
        return initial

    def previous_report(self) -> BoardReport | None:
        pk = self.request.GET.get("from", "")
        if not pk.isdigit():
            return None
        return selectors.board_report_visible_to(self.request.user).filter(pk=int(pk)).first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(previous=self.previous_report(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            report = services.board_report_request(
                requested_by=self.request.user,
                meeting_date=data["meeting_date"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                sections=data["sections"],
                front_sheet={field: data[field] for field in FRONT_SHEET_FORM_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your board pack has been requested. It is being generated now.")
        return redirect("pledges:board_report_detail", pk=report.pk)


class BoardReportDetailView(BoardReportObjectMixin, BreadcrumbMixin, DetailView):
    template_name = "pledges/board_report/detail.html"
    context_object_name = "report"
    breadcrumbs = ARCHIVE_CRUMBS

    def get_object(self, queryset=None):
        return self.get_report()


class BoardReportStatusView(BoardReportObjectMixin, DetailView):
    """The progress panel alone, polled by htmx until the pack is ready or failed."""

    template_name = "pledges/board_report/_status.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return self.get_report()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = self.request.GET.get("shown", "")
        report = self.object
        if shown and shown != report.status:
            context["announce"] = {
                BoardReport.Status.QUEUED: "The pack is waiting to be generated.",
                BoardReport.Status.RUNNING: "The pack is being generated.",
                BoardReport.Status.DONE: f"The board pack is ready to download: {report.page_count} pages.",
                BoardReport.Status.FAILED: f"The pack could not be made. {report.error}",
            }[report.status]
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


class BoardReportRetryView(BoardReportObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        report = self.get_report()
        try:
            services.board_report_retry(report=report, requested_by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "The pack is being generated again.")
        return redirect("pledges:board_report_detail", pk=report.pk)


class BoardReportFrontSheetView(BoardReportObjectMixin, BreadcrumbMixin, FormView):
    """Change the front sheet of a pack before it is made (queued, or failed and to be tried again)."""

    template_name = "pledges/board_report/front_sheet.html"
    form_class = BoardReportFrontSheetForm
    breadcrumbs = ARCHIVE_CRUMBS

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return self.handle_no_permission()
        self.report = self.get_report()
        if self.report.status not in services.EDITABLE_STATUSES:
            messages.error(
                request,
                "The front sheet can only be changed before the pack is made. Request a new version "
                "to change it.",
            )
            return redirect("pledges:board_report_detail", pk=self.report.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [
            *super().get_breadcrumbs(),
            (
                f"Board pack for {self.report.meeting_date:%-d %B %Y}",
                reverse("pledges:board_report_detail", args=[self.report.pk]),
            ),
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.report}

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.board_report_front_sheet_update(
                report=self.report,
                updated_by=self.request.user,
                front_sheet={field: data[field] for field in FRONT_SHEET_FORM_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "The front sheet has been saved.")
        return redirect("pledges:board_report_detail", pk=self.report.pk)


class BoardReportDownloadView(BoardReportObjectMixin, View):
    """Serves the file from private storage to people who may see this pack; never a public URL."""

    def get(self, request, pk):
        report = self.get_report()
        if report.status != BoardReport.Status.DONE or not report.file:
            raise Http404("This pack has no file yet.")
        filename = f"board-pack-{report.meeting_date:%Y-%m-%d}-{report.pk}.pdf"
        response = FileResponse(
            report.file.open("rb"), content_type="application/pdf", filename=filename, as_attachment=False
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class BoardReportScheduleView(PermissionRequiredMixin, BreadcrumbMixin, FormView):
    """Who: academy admins (pledges.manage_pledges) set when packs are made and who receives them."""

    permission_required = "pledges.manage_pledges"
    template_name = "pledges/board_report/schedule.html"
    form_class = BoardReportScheduleForm
    breadcrumbs = ARCHIVE_CRUMBS

    def get_form_kwargs(self):
        self.schedule = selectors.board_report_schedule_get()
        return {**super().get_form_kwargs(), "instance": self.schedule or BoardReportSchedule()}

    def get_initial(self):
        return {"sections": list(BoardReportSection.values)} if self.schedule is None else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # builds the form, which reads self.schedule
        schedule = self.schedule if self.schedule and self.schedule.is_active else None
        context["meetings"] = [
            (
                meeting,
                services.working_days_before(meeting.date, schedule.working_days_before)
                if schedule
                else None,
            )
            for meeting in selectors.upcoming_board_meetings()
        ]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        fields = {k: data[k] for k in ("is_active", "working_days_before", "period_months", "sections")}
        fields.update({k: data[k] for k in FRONT_SHEET_FORM_FIELDS})
        try:
            services.board_report_schedule_save(
                schedule=self.schedule,
                saved_by=self.request.user,
                meeting_dates=data["meeting_dates"],
                recipients=data["recipients"],
                fields=fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "The board pack schedule has been saved.")
        return redirect("pledges:board_report_schedule")
