"""Writes for the board report: board pack requests, their generation, the stale-run sweep and schedules.

Generation is idempotent and safe to run more than once, concurrently or after a crash:

* a run *claims* the request row under ``select_for_update``: it sets status "running", a fresh
  ``run_token`` and a heartbeat; a request that is done, or running with a fresh heartbeat, is left alone;
* progress writes carry the token, so a run that has been superseded (the sweep requeued it because its
  heartbeat stopped) notices and stops without writing;
* the file has one name per request, replaced under the row lock when the run that owns the row
  completes, so any number of runs leave exactly one file.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import smtplib
import time
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from workforce.pdf import RenderedPdf, render_pdf_document

from . import report_sections, report_selectors
from .models import BoardMeeting, BoardReport, BoardReportSchedule, BoardReportSection

logger = logging.getLogger(__name__)

FRONT_SHEET_FIELDS = (
    "meeting_name",
    "agenda_item",
    "title",
    "purpose",
    "sponsor",
    "author",
    "key_points",
    "recommendation",
    "strategic_alignment",
    "risks",
    "equality_impact",
    "previously_considered",
)
MAX_KEY_POINTS = 5


class RunSuperseded(Exception):
    """This run no longer owns the request (the sweep handed it to another run)."""


def _enqueue_generation(report_id: int) -> None:
    from . import tasks

    # robust: a broker that is down must not turn the user's committed request into an error page; the
    # row stays queued and the sweep sends it again.
    transaction.on_commit(lambda: tasks.board_report_generate.delay(report_id), robust=True)


def _validate_options(*, meeting_date, period_start, period_end, sections, front_sheet: dict) -> None:
    errors = {}
    if period_start > period_end:
        errors["period_end"] = "The end of the period must be on or after its start."
    unknown = [code for code in sections if code not in BoardReportSection.values]
    if not sections:
        errors["sections"] = "Choose at least one section for the pack."
    elif unknown:
        errors["sections"] = f"Unknown section: {', '.join(unknown)}."
    points = [line for line in (front_sheet.get("key_points") or "").splitlines() if line.strip()]
    if len(points) > MAX_KEY_POINTS:
        errors["key_points"] = (
            f"A front sheet has {MAX_KEY_POINTS} key points at most; you gave {len(points)}. "
            "Merge or remove some."
        )
    if errors:
        raise ValidationError(errors)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def board_report_request(
    *,
    requested_by,
    meeting_date: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    sections: list[str],
    front_sheet: dict | None = None,
    recipients: Iterable = (),
    schedule: BoardReportSchedule | None = None,
) -> BoardReport:
    """Record a request for a board pack and queue its generation (after the transaction commits)."""
    front_sheet = {k: v for k, v in (front_sheet or {}).items() if k in FRONT_SHEET_FIELDS}
    period_start, period_end = _month_start(period_start), _month_start(period_end)
    _validate_options(
        meeting_date=meeting_date,
        period_start=period_start,
        period_end=period_end,
        sections=sections,
        front_sheet=front_sheet,
    )
    ordered = [code for code in BoardReportSection.values if code in sections]
    report = BoardReport(
        requested_by=requested_by,
        meeting_date=meeting_date,
        period_start=period_start,
        period_end=period_end,
        sections=ordered,
        schedule=schedule,
        **front_sheet,
    )
    report.full_clean(exclude=["file"])
    report.save()
    if recipients:
        report.recipients.set(recipients)
    _enqueue_generation(report.pk)
    return report


@transaction.atomic
def board_report_retry(*, report: BoardReport, requested_by) -> BoardReport:
    """Queue a failed request again, on the same row."""
    report = BoardReport.objects.select_for_update().get(pk=report.pk)
    if report.status != BoardReport.Status.FAILED:
        raise ValidationError("Only a pack that failed can be tried again; this one is not failed.")
    report.status = BoardReport.Status.QUEUED
    report.progress = 0
    report.progress_message = f"Queued again by {requested_by.display_name}"
    report.error = ""
    report.run_token = None
    report.attempts = 0
    report.queued_at = timezone.now()
    report.enqueue_attempts = 0
    report.save()
    _enqueue_generation(report.pk)
    return report


EDITABLE_STATUSES = (BoardReport.Status.QUEUED, BoardReport.Status.FAILED)


@transaction.atomic
def board_report_front_sheet_update(*, report: BoardReport, updated_by, front_sheet: dict) -> BoardReport:
    """Change the front sheet of a pack that has not been made yet (queued, or failed and to be tried again).

    The row is locked, so a worker claims it either before (the change is refused: it is being made) or
    after (the run reads the new front sheet). A pack that is ready keeps its front sheet: the archive
    holds what was generated; request a new version to change it.
    """
    report = BoardReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(
            "The front sheet can only be changed before the pack is made: this one is "
            f"{report.get_status_display().lower()}. Request a new version to change it."
        )
    front_sheet = {k: v for k, v in front_sheet.items() if k in FRONT_SHEET_FIELDS}
    _validate_options(
        meeting_date=report.meeting_date,
        period_start=report.period_start,
        period_end=report.period_end,
        sections=report.sections,
        front_sheet=front_sheet,
    )
    for field, value in front_sheet.items():
        setattr(report, field, value)
    report.full_clean(exclude=["file"])
    report.save(update_fields=[*front_sheet])
    logger.info("Board report front sheet changed", extra={"report": report.pk, "by": updated_by.pk})
    return report


# --- Generation -------------------------------------------------------------------------------------------


def _is_stale(report: BoardReport, now: dt.datetime) -> bool:
    limit = dt.timedelta(seconds=settings.LLR_BOARD_REPORT_STALE_SECONDS)
    return report.heartbeat_at is None or report.heartbeat_at < now - limit


@transaction.atomic
def board_report_claim(*, report_id: int) -> uuid.UUID | None:
    """Take ownership of a request for one run; None when there is nothing to do."""
    report = BoardReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None or report.status in {BoardReport.Status.DONE, BoardReport.Status.FAILED}:
        return None
    now = timezone.now()
    if report.status == BoardReport.Status.RUNNING and not _is_stale(report, now):
        return None  # another run is alive and working on it
    token = uuid.uuid4()
    report.status = BoardReport.Status.RUNNING
    report.run_token = token
    report.attempts += 1
    report.enqueue_attempts = 0  # the message got through
    report.progress = 1
    report.progress_message = "Starting"
    report.started_at = report.heartbeat_at = now
    report.error = ""
    report.save()
    return token


def board_report_progress(*, report_id: int, token: uuid.UUID, progress: int, message: str) -> None:
    """Record progress and a heartbeat; raises RunSuperseded when this run no longer owns the row."""
    updated = BoardReport.objects.filter(
        pk=report_id, run_token=token, status=BoardReport.Status.RUNNING
    ).update(progress=min(progress, 99), progress_message=message[:200], heartbeat_at=timezone.now())
    if not updated:
        raise RunSuperseded(f"Board report {report_id}: this run was superseded.")


def board_report_fail(*, report_id: int, error: str, token: uuid.UUID | None = None) -> None:
    qs = BoardReport.objects.filter(pk=report_id).exclude(status=BoardReport.Status.DONE)
    if token is not None:
        qs = qs.filter(run_token=token)
    qs.update(
        status=BoardReport.Status.FAILED,
        error=error,
        run_token=None,
        finished_at=timezone.now(),
        progress_message="Failed",
    )


def _css_string(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in " .,:-" else f"\\{ord(ch):x} " for ch in text)


def board_report_html(report: BoardReport, *, on_progress=None) -> str:
    """The pack's HTML, from the section builders and their templates."""
    built = report_sections.build_sections(report, on_progress=on_progress)
    contents = [{"code": b.section.code, "title": b.section.title} for b in built if b.section.in_contents]
    return render_to_string(
        "pledges/board_report/pdf/report.html",
        {
            "report": report,
            "sections": built,
            "contents": contents,
            "period": report_sections.period_label(report.period_start, report.period_end),
            "generated_on": timezone.localtime(),
        },
    )


class _LayoutProgress(logging.Handler):
    """Turns WeasyPrint's "Step 5 - Creating layout - Page N" log lines into throttled heartbeats."""

    def __init__(self, callback):
        super().__init__(level=logging.INFO)
        self.callback = callback
        self.last = 0.0

    def emit(self, record):
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        self.callback(record.getMessage())


def board_report_render(report: BoardReport, html: str, *, on_step=None) -> RenderedPdf:
    handler = _LayoutProgress(on_step) if on_step else None
    progress_logger = logging.getLogger("weasyprint.progress")
    if handler:
        progress_logger.addHandler(handler)
    try:
        return render_pdf_document(html)
    finally:
        if handler:
            progress_logger.removeHandler(handler)


@transaction.atomic
def board_report_complete(
    *, report_id: int, token: uuid.UUID, pdf: bytes, page_count: int, seconds: float
) -> BoardReport:
    """Store the file and mark the request done, if this run still owns it."""
    report = BoardReport.objects.select_for_update().get(pk=report_id)
    if report.run_token != token or report.status != BoardReport.Status.RUNNING:
        raise RunSuperseded(f"Board report {report_id}: another run finished or took over.")
    name = f"board-reports/board-report-{report.pk}.pdf"
    storage = report.file.storage
    if report.file and report.file.name != name and storage.exists(report.file.name):
        storage.delete(report.file.name)
    if storage.exists(name):
        storage.delete(name)
    report.file.save(name.rsplit("/", 1)[1], ContentFile(pdf), save=False)
    if report.file.name != name:  # the storage must never have picked another name
        raise RuntimeError(f"Board report {report_id} stored as {report.file.name}, expected {name}.")
    report.file_size = len(pdf)
    report.page_count = page_count
    report.render_seconds = round(seconds, 3)
    report.status = BoardReport.Status.DONE
    report.progress = 100
    report.progress_message = "Ready"
    report.run_token = None
    report.finished_at = timezone.now()
    report.save()
    from . import tasks

    transaction.on_commit(lambda: tasks.board_report_notify.delay(report_id))
    return report


def board_report_generate(*, report_id: int) -> BoardReport | None:
    """Generate the pack for one request; returns None when another run owns it or it is finished.

    Temporary problems (database or broker connection) propagate after the row is released, so the task
    can retry; anything else marks the request failed with a reason a person can act on.
    """
    token = board_report_claim(report_id=report_id)
    if token is None:
        return None
    started = time.monotonic()
    report = BoardReport.objects.get(pk=report_id)
    sections = report_sections.ordered_sections(report.sections)
    done = {"n": 0}

    def section_progress(title: str) -> None:
        done["n"] += 1
        percent = 5 + int(55 * done["n"] / max(len(sections), 1))
        board_report_progress(
            report_id=report_id, token=token, progress=percent, message=f"Preparing {title}"
        )

    def layout_progress(message: str) -> None:
        page = message.rsplit("Page", 1)[-1].strip() if "Page" in message else ""
        text = f"Laying out page {page}" if page.isdigit() else "Laying out the pages"
        board_report_progress(report_id=report_id, token=token, progress=70, message=text)

    html = board_report_html(report, on_progress=section_progress)
    board_report_progress(report_id=report_id, token=token, progress=65, message="Laying out the pages")
    rendered = board_report_render(report, html, on_step=layout_progress)
    board_report_progress(report_id=report_id, token=token, progress=95, message="Saving the file")
    return board_report_complete(
        report_id=report_id,
        token=token,
        pdf=rendered.data,
        page_count=rendered.page_count,
        seconds=time.monotonic() - started,
    )


# --- Stale runs -------------------------------------------------------------------------------------------


def board_report_sweep_stale(*, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Requeue, or fail after too many tries, the requests that stopped moving.

    Running rows whose heartbeat stopped (their worker died), and queued rows that no worker picked up
    within the stale time (the task message was lost: the enqueue after commit or a retry's publish
    failed). Sending a queued row again is safe: a second message for a row already claimed is skipped.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.LLR_BOARD_REPORT_STALE_SECONDS)
    outcome: dict[str, list[int]] = {"requeued": [], "failed": []}
    stale_ids = list(
        BoardReport.objects.filter(
            Q(status=BoardReport.Status.RUNNING, heartbeat_at__lt=cutoff)
            | Q(status=BoardReport.Status.QUEUED, queued_at__lt=cutoff)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for report_id in stale_ids:
        with transaction.atomic():
            report = BoardReport.objects.select_for_update().get(pk=report_id)
            if report.status == BoardReport.Status.RUNNING and _is_stale(report, now):
                gave_up = report.attempts >= settings.LLR_BOARD_REPORT_MAX_ATTEMPTS
                reason = (
                    f"The generation stopped {report.attempts} times without finishing (the worker "
                    "was interrupted or ran out of time). Try again; if it keeps failing, tell the "
                    "portal's support team."
                )
                restart_message = "Restarting after an interruption"
            elif report.status == BoardReport.Status.QUEUED and report.queued_at < cutoff:
                report.enqueue_attempts += 1
                gave_up = report.enqueue_attempts > settings.LLR_BOARD_REPORT_MAX_ATTEMPTS
                reason = (
                    "The pack was never started: it was sent to the task queue "
                    f"{report.enqueue_attempts} times and no worker picked it up. Try again in a few "
                    "minutes; if it keeps happening, tell the portal's support team."
                )
                restart_message = "Sent to the task queue again"
            else:
                continue  # it moved on since the list was read
            report.run_token = None
            if gave_up:
                report.status = BoardReport.Status.FAILED
                report.finished_at = now
                report.progress_message = "Failed"
                report.error = reason
                outcome["failed"].append(report_id)
            else:
                report.status = BoardReport.Status.QUEUED
                report.queued_at = now
                report.progress_message = restart_message
                _enqueue_generation(report_id)
                outcome["requeued"].append(report_id)
            report.save()
    if stale_ids:
        logger.warning("Board report sweep", extra=outcome)
    return outcome


# --- Distribution -------------------------------------------------------------------------------------------


def board_report_recipients(report: BoardReport) -> list:
    people = {}
    if report.requested_by_id:
        people[report.requested_by_id] = report.requested_by
    for person in report.recipients.all():
        people[person.pk] = person
    if report.schedule_id:
        for person in report.schedule.recipients.all():
            people[person.pk] = person
    return [p for p in people.values() if p.is_active and p.has_perm("pledges.request_board_report")]


def board_report_notify(*, report_id: int) -> int:
    """Email everyone the pack is for a link to it (never the file); returns how many were sent now.

    Each person is recorded as they are sent to, under the row lock, so a retry after a failed send (or
    a second delivery of the task) emails only those who have not had it; ``notified_at`` is set once
    everyone has. A failed send is raised after the others were tried, for the task to retry.
    """
    report = BoardReport.objects.filter(pk=report_id).first()
    if report is None or report.status != BoardReport.Status.DONE or report.notified_at is not None:
        return 0
    url = settings.LLR_PORTAL_URL.rstrip("/") + reverse("pledges:board_report_detail", args=[report.pk])
    sent = 0
    failure: Exception | None = None
    for person in board_report_recipients(report):
        try:
            with transaction.atomic():
                locked = BoardReport.objects.select_for_update().get(pk=report_id)
                if locked.notified_recipients.filter(pk=person.pk).exists():
                    continue
                _send_ready_email(locked, person, url)
                locked.notified_recipients.add(person)
            sent += 1
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning(
                "Board report %s: the ready email to user %s failed: %s", report_id, person.pk, exc
            )
            failure = failure or exc
    if failure is not None:
        raise failure
    BoardReport.objects.filter(pk=report_id, notified_at__isnull=True).update(notified_at=timezone.now())
    return sent


def _send_ready_email(report: BoardReport, person, url: str) -> None:
    from django.core.mail import EmailMultiAlternatives

    context = {"report": report, "url": url, "person": person}
    message = EmailMultiAlternatives(
        subject=f"Board pack ready: {report.meeting_name}, {report.meeting_date:%-d %B %Y}",
        body=render_to_string("pledges/board_report/email/ready.txt", context),
        to=[person.email],
    )
    message.attach_alternative(
        render_to_string("pledges/board_report/email/ready.html", context), "text/html"
    )
    message.send()


# --- Schedules --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _england_bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    # The LLR organisations are in England: England's bank holidays, including one-off ones.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a bank holiday in England."""
    return day.weekday() < 5 and day not in _england_bank_holidays(day.year)


def working_days_before(day: dt.date, n: int) -> dt.date:
    """The date ``n`` working days (Monday to Friday, not England's bank holidays) before ``day``."""
    current = day
    while n > 0:
        current -= dt.timedelta(days=1)
        if is_working_day(current):
            n -= 1
    return current


@transaction.atomic
def board_report_schedule_save(
    *,
    schedule: BoardReportSchedule | None,
    saved_by,
    meeting_dates: list[dt.date],
    recipients: Iterable,
    fields: dict,
) -> BoardReportSchedule:
    """Create or update the schedule and its recipients; add board meetings for the dates given.

    Meetings are the board's own (pledges.BoardMeeting, also set from the board overview); dates given
    here are added, never removed, since the overview uses past meetings too.
    """
    schedule = schedule or BoardReportSchedule(created_by=saved_by)
    for key, value in fields.items():
        setattr(schedule, key, value)
    unknown = [code for code in schedule.sections if code not in BoardReportSection.values]
    if not schedule.sections or unknown:
        raise ValidationError({"sections": "Choose at least one of the listed sections."})
    schedule.full_clean()
    schedule.save()
    schedule.recipients.set(recipients)
    for day in sorted(set(meeting_dates)):
        BoardMeeting.objects.get_or_create(date=day, defaults={"set_by": saved_by})
    return schedule


def board_report_run_schedules(*, today: dt.date | None = None) -> list[BoardReport]:
    """Create the pack for every upcoming board meeting that is now due and has none yet."""
    today = today or timezone.localdate()
    created = []
    meetings = list(report_selectors.upcoming_board_meetings(today=today))
    for schedule in BoardReportSchedule.objects.filter(is_active=True):
        for meeting in meetings:
            if working_days_before(meeting.date, schedule.working_days_before) > today:
                continue
            if BoardReport.objects.filter(schedule=schedule, meeting_date=meeting.date).exists():
                continue
            period_end = _month_start(meeting.date.replace(day=1) - dt.timedelta(days=1))
            period_start = period_end
            for _ in range(schedule.period_months - 1):
                period_start = _month_start(period_start - dt.timedelta(days=1))
            try:
                created.append(
                    board_report_request(
                        requested_by=schedule.created_by,
                        meeting_date=meeting.date,
                        period_start=period_start,
                        period_end=period_end,
                        sections=schedule.sections,
                        front_sheet={f: getattr(schedule, f) for f in FRONT_SHEET_FIELDS},
                        schedule=schedule,
                    )
                )
            except IntegrityError:
                # Another beat run created it a moment ago (one pack per scheduled meeting).
                continue
    return created
