"""Board pack services and tasks: requests, idempotent generation, retries, the stale sweep, schedules."""

import datetime as dt
import logging
import os
import re
import smtplib

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends import locmem
from django.db import IntegrityError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from pledges import report_services as services
from pledges import tasks
from pledges.models import BoardMeeting, BoardReport, BoardReportSchedule
from tests.factories import UserFactory
from workforce.roles import Role

from .report_factories import make_report, seed_pledges

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_member():
    return UserFactory(email="board.services@nhs.net", roles=[Role.BOARD_MEMBER])


def pdf_files(root) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files)


def request_kwargs(user, **overrides):
    kwargs = {
        "requested_by": user,
        "meeting_date": dt.date(2027, 3, 12),
        "period_start": dt.date(2025, 3, 14),
        "period_end": dt.date(2027, 2, 27),
        "sections": ["pledge_progress", "front_sheet"],
        "front_sheet": {"title": "People report", "sponsor": "Chief People Officer", "ignored": "x"},
    }
    kwargs.update(overrides)
    return kwargs


def test_request_records_the_options_and_queues_generation_after_commit(
    board_member, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.board_report_generate, "delay", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.board_report_request(**request_kwargs(board_member))
        assert sent == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert sent == [report.pk]
    report.refresh_from_db()
    assert report.status == BoardReport.Status.QUEUED
    assert report.sections == ["front_sheet", "pledge_progress"]  # the pack's fixed order
    assert (report.period_start, report.period_end) == (dt.date(2025, 3, 1), dt.date(2027, 2, 1))
    assert (report.title, report.sponsor) == ("People report", "Chief People Officer")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"period_start": dt.date(2027, 3, 1), "period_end": dt.date(2027, 1, 1)}, "period_end"),
        ({"sections": []}, "sections"),
        ({"sections": ["front_sheet", "horoscope"]}, "sections"),
        ({"front_sheet": {"key_points": "a\nb\nc\nd\ne\nf"}}, "key_points"),
    ],
)
def test_request_refuses_invalid_options(board_member, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.board_report_request(**request_kwargs(board_member, **overrides))
    assert field in error.value.message_dict
    assert not BoardReport.objects.exists()


def test_generation_runs_in_the_task_and_stores_one_private_file(
    board_member, private_media, django_capture_on_commit_callbacks
):
    seed_pledges(3)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.board_report_request(**request_kwargs(board_member))  # eager: runs on commit
    report.refresh_from_db()
    assert report.status == BoardReport.Status.DONE
    assert report.progress == 100 and report.attempts == 1 and report.page_count >= 2
    assert pdf_files(private_media) == [f"board-reports/board-report-{report.pk}.pdf"]
    with pytest.raises(ValueError, match="no public URL"):
        _ = report.file.url


def test_running_the_task_twice_leaves_one_file_and_one_generation(board_member, private_media):
    report = make_report(board_member, sections=["pledge_progress"])
    assert tasks.board_report_generate.delay(report.pk).get() == "done"
    first = BoardReport.objects.get(pk=report.pk)
    assert tasks.board_report_generate.delay(report.pk).get() == "skipped"
    second = BoardReport.objects.get(pk=report.pk)
    assert pdf_files(private_media) == [f"board-reports/board-report-{report.pk}.pdf"]
    assert (second.attempts, second.finished_at, second.file.name) == (1, first.finished_at, first.file.name)


def test_a_live_run_keeps_the_row_and_a_superseded_run_cannot_write(board_member, private_media, settings):
    report = make_report(board_member, sections=["pledge_progress"])
    old_token = services.board_report_claim(report_id=report.pk)
    assert old_token is not None
    assert services.board_report_claim(report_id=report.pk) is None  # heartbeat is fresh: hands off

    # The first run's worker dies; after the stale time another run takes over.
    BoardReport.objects.filter(pk=report.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    new_token = services.board_report_claim(report_id=report.pk)
    assert new_token not in (None, old_token)
    with pytest.raises(services.RunSuperseded):
        services.board_report_progress(report_id=report.pk, token=old_token, progress=50, message="x")
    with pytest.raises(services.RunSuperseded):
        services.board_report_complete(
            report_id=report.pk, token=old_token, pdf=b"%PDF", page_count=1, seconds=1
        )
    assert pdf_files(private_media) == []
    services.board_report_complete(
        report_id=report.pk, token=new_token, pdf=b"%PDF-1.7", page_count=1, seconds=1
    )
    report.refresh_from_db()
    assert report.status == BoardReport.Status.DONE and report.attempts == 2


@pytest.mark.parametrize(
    "error",
    [
        ValueError("the chart template is missing"),
        IntegrityError('duplicate key value violates unique constraint "pledges_boardreport_pkey"'),
    ],
)
def test_an_unexpected_error_fails_the_request_with_a_plain_reason_and_a_logged_reference(
    board_member, monkeypatch, caplog, error
):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(services, "board_report_render", broken)
    report = make_report(board_member, sections=["pledge_progress"])
    with caplog.at_level(logging.ERROR, logger="pledges.tasks"):
        assert tasks.board_report_generate.delay(report.pk).get() == "failed"
    report.refresh_from_db()
    assert report.status == BoardReport.Status.FAILED
    assert report.run_token is None and not report.file
    # The person sees what happened and what to do, never the exception.
    assert report.error.startswith("The pack could not be generated because")
    assert "Try again" in report.error
    assert str(error) not in report.error and type(error).__name__ not in report.error
    reference = re.search(r"quoting reference ([0-9A-F]{8})\.", report.error).group(1)
    # The log has the exception under the same reference.
    (record,) = [r for r in caplog.records if reference in r.getMessage()]
    assert record.reference == reference and record.exc_info[1] is error


@pytest.fixture
def eager_retries(monkeypatch):
    """Eager mode runs a retry at once, unless it propagates the Retry signal to the caller."""
    conf = tasks.board_report_generate.app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = previous


def test_transient_errors_are_retried_with_backoff(board_member, monkeypatch, eager_retries):
    real = services.board_report_render
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "board_report_render", flaky)
    report = make_report(board_member, sections=["pledge_progress"])
    tasks.board_report_generate.delay(report.pk)  # eager mode runs the retries at once
    report.refresh_from_db()
    assert len(calls) == 3
    assert report.status == BoardReport.Status.DONE and report.attempts == 3
    assert [tasks.retry_countdown(n) for n in range(6)] == [5, 10, 20, 40, 80, 120]


def test_a_transient_error_that_lasts_fails_the_request(board_member, monkeypatch, eager_retries):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "board_report_render", down)
    report = make_report(board_member, sections=["pledge_progress"])
    tasks.board_report_generate.delay(report.pk)
    report.refresh_from_db()
    assert report.status == BoardReport.Status.FAILED
    assert "temporary problem" in report.error
    assert report.attempts == tasks.MAX_RETRIES + 1


def test_the_soft_time_limit_fails_the_request(board_member, monkeypatch):
    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "board_report_render", slow)
    report = make_report(board_member, sections=["pledge_progress"])
    assert tasks.board_report_generate.delay(report.pk).get() == "timed out"
    report.refresh_from_db()
    assert report.status == BoardReport.Status.FAILED and "took longer than" in report.error
    assert "reference" not in report.error  # a deliberate message, kept as it is


def test_task_options_make_it_safe_to_redeliver():
    task = tasks.board_report_generate
    assert task.acks_late and task.reject_on_worker_lost
    assert task.soft_time_limit < task.time_limit


def test_retry_reuses_the_same_row(board_member, django_capture_on_commit_callbacks):
    report = make_report(board_member, sections=["pledge_progress"], status="failed", error="boom")
    with django_capture_on_commit_callbacks(execute=True):
        services.board_report_retry(report=report, requested_by=board_member)  # eager: regenerates
    report.refresh_from_db()
    assert report.status == BoardReport.Status.DONE and report.error == ""
    assert BoardReport.objects.count() == 1
    with pytest.raises(ValidationError, match="Only a pack that failed"):
        services.board_report_retry(report=report, requested_by=board_member)


def test_sweep_requeues_stale_runs_and_fails_them_after_too_many_attempts(
    board_member, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.LLR_BOARD_REPORT_STALE_SECONDS = 60
    settings.LLR_BOARD_REPORT_MAX_ATTEMPTS = 3
    queued = []
    monkeypatch.setattr(tasks.board_report_generate, "delay", lambda pk: queued.append(pk))
    old = timezone.now() - dt.timedelta(minutes=5)
    stale = make_report(board_member, status="running", heartbeat_at=old, attempts=1)
    worn_out = make_report(board_member, status="running", heartbeat_at=old, attempts=3)
    alive = make_report(board_member, status="running", heartbeat_at=timezone.now(), attempts=1)
    done = make_report(board_member, status="done", heartbeat_at=old, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.board_report_sweep_stale()

    assert outcome == {"requeued": [stale.pk], "failed": [worn_out.pk]}
    assert queued == [stale.pk]
    statuses = dict(BoardReport.objects.values_list("pk", "status"))
    assert statuses == {stale.pk: "queued", worn_out.pk: "failed", alive.pk: "running", done.pk: "done"}
    assert "stopped 3 times" in BoardReport.objects.get(pk=worn_out.pk).error


def test_sweep_sends_queued_requests_that_no_worker_picked_up_again_then_fails_them(
    board_member, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.LLR_BOARD_REPORT_STALE_SECONDS = 60
    settings.LLR_BOARD_REPORT_MAX_ATTEMPTS = 2
    sent = []
    monkeypatch.setattr(tasks.board_report_generate, "delay", lambda pk: sent.append(pk))
    start = timezone.now()
    lost = make_report(board_member, queued_at=start - dt.timedelta(minutes=5))  # its message was lost
    waiting = make_report(board_member, queued_at=start - dt.timedelta(seconds=30))  # still in the queue

    def sweep(minutes_later):
        with django_capture_on_commit_callbacks(execute=True):
            return services.board_report_sweep_stale(now=start + dt.timedelta(minutes=minutes_later))

    assert sweep(0) == {"requeued": [lost.pk], "failed": []}
    assert sent == [lost.pk]
    lost.refresh_from_db()
    assert (lost.status, lost.enqueue_attempts, lost.queued_at) == ("queued", 1, start)
    assert lost.progress_message == "Sent to the task queue again"
    assert sweep(0.5) == {"requeued": [], "failed": []}  # sent again a moment ago: left alone

    assert sweep(2) == {"requeued": [lost.pk, waiting.pk], "failed": []}
    assert sweep(4) == {"requeued": [waiting.pk], "failed": [lost.pk]}
    assert sweep(6) == {"requeued": [], "failed": [waiting.pk]}
    assert sent == [lost.pk, lost.pk, waiting.pk, waiting.pk]
    lost.refresh_from_db()
    assert lost.status == BoardReport.Status.FAILED and lost.finished_at is not None
    assert lost.error.startswith("The pack was never started: it was sent to the task queue 3 times")
    assert "Try again" in lost.error

    # "Try again" starts afresh, and a run claiming the row shows the message got through.
    with django_capture_on_commit_callbacks(execute=True):
        services.board_report_retry(report=lost, requested_by=board_member)
    lost.refresh_from_db()
    assert (lost.status, lost.enqueue_attempts) == ("queued", 0)
    assert lost.queued_at > start
    BoardReport.objects.filter(pk=waiting.pk).update(status="queued", enqueue_attempts=2)
    assert services.board_report_claim(report_id=waiting.pk) is not None
    assert BoardReport.objects.get(pk=waiting.pk).enqueue_attempts == 0


def test_a_retry_whose_publish_fails_leaves_the_row_queued_for_the_sweep(
    board_member, settings, monkeypatch, eager_retries, django_capture_on_commit_callbacks
):
    settings.LLR_BOARD_REPORT_STALE_SECONDS = 60

    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    def publish_fails(*args, **kwargs):
        raise BrokerError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(services, "board_report_render", down)
    monkeypatch.setattr(tasks.board_report_generate, "retry", publish_fails)
    report = make_report(board_member, sections=["pledge_progress"])
    before = timezone.now()
    tasks.board_report_generate.delay(report.pk)
    report.refresh_from_db()
    assert report.status == BoardReport.Status.QUEUED and report.queued_at >= before

    sent = []
    monkeypatch.setattr(tasks.board_report_generate, "delay", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.board_report_sweep_stale(now=timezone.now() + dt.timedelta(minutes=2))
    assert outcome == {"requeued": [report.pk], "failed": []} and sent == [report.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_request_whose_enqueue_fails_after_commit_is_kept_for_the_sweep(monkeypatch, caplog):
    board_member = UserFactory(email="board.enqueue@nhs.net", roles=[Role.BOARD_MEMBER])

    def broker_down(pk):
        raise BrokerError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.board_report_generate, "delay", broker_down)
    report = services.board_report_request(**request_kwargs(board_member))  # commits; must not raise
    assert BoardReport.objects.get(pk=report.pk).status == BoardReport.Status.QUEUED
    assert "Connection refused" in caplog.text  # Django logs the failed on-commit callback


def test_ready_email_goes_to_recipients_with_a_link_and_no_attachment(
    board_member, settings, django_capture_on_commit_callbacks
):
    settings.LLR_PORTAL_URL = "https://academy.example.nhs.uk"
    other_board = UserFactory(email="other.board@nhs.net", roles=[Role.BOARD_MEMBER])
    staff = UserFactory(email="just.staff@nhs.net")
    schedule = BoardReportSchedule.objects.create(created_by=board_member)
    schedule.recipients.add(other_board, staff)
    report = make_report(board_member, sections=["pledge_progress"], schedule=schedule)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.board_report_generate.delay(report.pk)  # notify runs on commit, eagerly

    assert sorted(m.to[0] for m in mail.outbox) == ["board.services@nhs.net", "other.board@nhs.net"]
    message = mail.outbox[0]
    assert f"https://academy.example.nhs.uk/board/reports/{report.pk}/" in message.body
    assert message.attachments == []
    assert services.board_report_notify(report_id=report.pk) == 0  # sent once only
    assert len(mail.outbox) == 2


class FailsOnceBackend(locmem.EmailBackend):
    """Refuses the second message it is given, once (an SMTP server that drops the connection)."""

    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_a_failed_ready_email_is_retried_and_everyone_gets_exactly_one(
    board_member, settings, monkeypatch, eager_retries
):
    settings.EMAIL_BACKEND = f"{__name__}.FailsOnceBackend"
    monkeypatch.setattr(FailsOnceBackend, "calls", 0)
    others = [UserFactory(email=f"board.{n}@nhs.net", roles=[Role.BOARD_MEMBER]) for n in range(3)]
    report = make_report(board_member, status="done")
    report.recipients.set(others)

    tasks.board_report_notify.delay(report.pk)  # eager: the retry runs at once

    expected = sorted(["board.services@nhs.net", *(p.email for p in others)])
    assert sorted(m.to[0] for m in mail.outbox) == expected  # each exactly once
    assert FailsOnceBackend.calls == len(expected) + 1  # one failed send, retried
    report.refresh_from_db()
    assert report.notified_at is not None
    assert sorted(report.notified_recipients.values_list("email", flat=True)) == expected
    assert services.board_report_notify(report_id=report.pk) == 0
    assert len(mail.outbox) == len(expected)


def test_ready_email_is_not_marked_sent_while_a_send_keeps_failing(board_member, settings, monkeypatch):
    settings.EMAIL_BACKEND = f"{__name__}.FailsOnceBackend"
    monkeypatch.setattr(FailsOnceBackend, "calls", 0)
    other = UserFactory(email="board.other@nhs.net", roles=[Role.BOARD_MEMBER])
    report = make_report(board_member, status="done")
    report.recipients.set([other])
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.board_report_notify(report_id=report.pk)
    report.refresh_from_db()
    assert report.notified_at is None and report.notified_recipients.count() == 1
    assert services.board_report_notify(report_id=report.pk) == 1  # only the one still to be told
    assert len(mail.outbox) == 2


def test_working_days_skip_weekends():
    friday = dt.date(2027, 3, 12)
    assert services.working_days_before(friday, 0) == friday
    assert services.working_days_before(friday, 5) == dt.date(2027, 3, 5)
    assert services.working_days_before(dt.date(2027, 3, 15), 1) == dt.date(2027, 3, 12)  # Monday -> Friday
    assert services.working_days_before(friday, 10) == dt.date(2027, 2, 26)


def test_working_days_skip_bank_holidays_in_england():
    # Easter 2027: Good Friday 26 March and Easter Monday 29 March are bank holidays.
    thursday = dt.date(2027, 4, 1)
    assert services.working_days_before(thursday, 2) == dt.date(2027, 3, 30)
    assert services.working_days_before(thursday, 3) == dt.date(2027, 3, 25)  # over the long weekend
    assert not services.is_working_day(dt.date(2027, 3, 26))
    assert services.is_working_day(dt.date(2027, 3, 25))
    # Christmas 2026: Friday 25, and Boxing Day (a Saturday) observed on Monday 28 December.
    assert services.working_days_before(dt.date(2026, 12, 30), 2) == dt.date(2026, 12, 24)
    # 10 working days before a meeting just after Easter reach back 16 days, not 14.
    assert services.working_days_before(dt.date(2027, 4, 8), 10) == dt.date(2027, 3, 23)


def test_schedule_creates_each_meeting_pack_once_when_it_is_due(
    board_member, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.board_report_generate, "delay", lambda pk: queued.append(pk))
    admin = UserFactory(email="admin.schedule@nhs.net", roles=[Role.ACADEMY_ADMIN])
    schedule = services.board_report_schedule_save(
        schedule=None,
        saved_by=admin,
        meeting_dates=[dt.date(2027, 3, 12), dt.date(2027, 6, 11)],
        recipients=[board_member],
        fields={"working_days_before": 10, "period_months": 12, "sponsor": "Chief People Officer"},
    )
    assert list(BoardMeeting.objects.values_list("date", flat=True).order_by("date")) == [
        dt.date(2027, 3, 12),
        dt.date(2027, 6, 11),
    ]

    assert services.board_report_run_schedules(today=dt.date(2027, 2, 25)) == []  # 11 working days before
    with django_capture_on_commit_callbacks(execute=True):
        created = services.board_report_run_schedules(today=dt.date(2027, 2, 26))
    assert len(created) == 1
    report = created[0]
    assert report.meeting_date == dt.date(2027, 3, 12) and report.schedule == schedule
    assert (report.period_start, report.period_end) == (dt.date(2026, 3, 1), dt.date(2027, 2, 1))
    assert report.sponsor == "Chief People Officer" and report.requested_by == admin
    assert services.board_report_run_schedules(today=dt.date(2027, 3, 1)) == []  # not twice
    assert queued == [report.pk]

    schedule.is_active = False
    schedule.save()
    assert services.board_report_run_schedules(today=dt.date(2027, 6, 1)) == []


@pytest.mark.parametrize("status", ["queued", "failed"])
def test_the_front_sheet_can_be_changed_before_the_pack_is_made(board_member, status):
    report = make_report(board_member, sections=["front_sheet"], status=status, key_points="Old point")
    services.board_report_front_sheet_update(
        report=report,
        updated_by=board_member,
        front_sheet={
            "key_points": "Turnover is falling\nVacancies are down",
            "agenda_item": "7.2",
            "file": "x",
        },
    )
    report.refresh_from_db()
    assert (report.key_points, report.agenda_item, report.status) == (
        "Turnover is falling\nVacancies are down",
        "7.2",
        status,
    )
    assert not report.file


@pytest.mark.parametrize("status", ["running", "done"])
def test_the_front_sheet_of_a_pack_being_made_or_made_cannot_change(board_member, status):
    report = make_report(board_member, status=status, key_points="Old point")
    with pytest.raises(ValidationError, match="Request a new version"):
        services.board_report_front_sheet_update(
            report=report, updated_by=board_member, front_sheet={"key_points": "New point"}
        )
    report.refresh_from_db()
    assert report.key_points == "Old point"


def test_a_changed_front_sheet_must_still_be_valid(board_member):
    report = make_report(board_member, key_points="Old point")
    with pytest.raises(ValidationError) as error:
        services.board_report_front_sheet_update(
            report=report, updated_by=board_member, front_sheet={"key_points": "a\nb\nc\nd\ne\nf"}
        )
    assert "key_points" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.board_report_front_sheet_update(
            report=report, updated_by=board_member, front_sheet={"purpose": "gossip"}
        )
    assert "purpose" in error.value.message_dict
    report.refresh_from_db()
    assert (report.key_points, report.purpose) == ("Old point", "assurance")


def test_the_pack_is_made_with_the_front_sheet_saved_while_it_was_queued(board_member):
    from .pdfcheck import pdf_text, reader_for

    report = make_report(board_member, sections=["front_sheet"], key_points="Old point")
    services.board_report_front_sheet_update(
        report=report, updated_by=board_member, front_sheet={"key_points": "Agency spend is down a third"}
    )
    assert tasks.board_report_generate.delay(report.pk).get() == "done"
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        text = pdf_text(reader_for(handle.read()))
    assert "Agency spend is down a third" in text and "Old point" not in text


def test_beat_sweeps_stale_packs_every_minute_and_runs_the_schedules(settings):
    from celery.schedules import crontab

    from llr_academy.celery import app

    app.loader.import_default_modules()
    entries = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["pledges.tasks.board_report_sweep_stale"].total_seconds() == 60
    assert isinstance(entries["pledges.tasks.board_report_run_schedules"], crontab)
    assert {"pledges.tasks.board_report_sweep_stale", "pledges.tasks.board_report_run_schedules"} <= set(
        app.tasks
    )
