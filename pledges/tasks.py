"""Celery tasks for the pledges app: thin wrappers taking primary keys; the work is in services."""

import logging
import uuid
from smtplib import SMTPException

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import report_services as services

logger = logging.getLogger(__name__)

# Problems worth retrying: the database or the broker went away for a moment.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)
MAX_RETRIES = 4


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 5, 10, 20, 40 seconds (capped at 2 minutes)."""
    return min(5 * 2**retries, 120)


@shared_task(
    bind=True,
    # Safe because the task is idempotent (state on the row): a message redelivered after a worker
    # died runs again and finds the row done, running elsewhere, or stale and claimable.
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.LLR_BOARD_REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.LLR_BOARD_REPORT_TIME_LIMIT,
)
def board_report_generate(self, report_id: int) -> str:
    try:
        report = services.board_report_generate(report_id=report_id)
        return "done" if report else "skipped"
    except services.RunSuperseded:
        return "superseded"
    except SoftTimeLimitExceeded:
        services.board_report_fail(
            report_id=report_id,
            error=(
                f"The pack took longer than {settings.LLR_BOARD_REPORT_SOFT_TIME_LIMIT} seconds to "
                "generate and was stopped. Try a shorter period or fewer sections, then try again."
            ),
        )
        return "timed out"
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            _fail_quietly(
                report_id,
                "A temporary problem (the database or the task queue was unavailable) lasted too long. "
                "Try again in a few minutes.",
            )
            return "failed"
        _release_quietly(report_id)
        logger.warning("Board report %s: temporary problem, retrying: %s", report_id, exc)
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
    except DatabaseError:
        _fail_with_reference(report_id, "the database refused to save or read part of it")
        return "failed"
    except Exception:
        _fail_with_reference(report_id, "of an unexpected problem in the portal")
        return "failed"


def _fail_with_reference(report_id: int, because: str) -> None:
    """Fail the request with a plain message; the exception itself goes to the log under a reference."""
    reference = uuid.uuid4().hex[:8].upper()
    logger.exception(
        "Board report %s failed (reference %s)", report_id, reference, extra={"reference": reference}
    )
    _fail_quietly(
        report_id,
        f"The pack could not be generated because {because}. Try again; if it fails again, contact the "
        f"academy team quoting reference {reference}.",
    )


def _release_quietly(report_id: int) -> None:
    from .models import BoardReport

    try:
        BoardReport.objects.filter(pk=report_id, status=BoardReport.Status.RUNNING).update(
            status=BoardReport.Status.QUEUED,
            queued_at=timezone.now(),
            run_token=None,
            progress_message="Retrying after a temporary problem",
        )
    except Exception:  # the database may still be away; the stale-run sweep will catch the row
        logger.warning("Board report %s: could not release the row before retrying", report_id)


def _fail_quietly(report_id: int, error: str) -> None:
    try:
        services.board_report_fail(report_id=report_id, error=error)
    except Exception:
        logger.exception("Board report %s: could not record the failure", report_id)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def board_report_notify(self, report_id: int) -> int:
    # Safe to run again: the service records each person as they are emailed and skips them next time.
    try:
        return services.board_report_notify(report_id=report_id)
    except (SMTPException, OSError) as exc:
        if self.request.retries >= MAX_RETRIES:
            logger.error("Board report %s: the ready email could not be sent to everyone: %s", report_id, exc)
            return 0
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task
def board_report_sweep_stale() -> dict:
    return services.board_report_sweep_stale()


@shared_task
def board_report_run_schedules() -> list[int]:
    return [report.pk for report in services.board_report_run_schedules()]
