"""Thin Celery tasks: they take primary keys, re-read the rows and call services or the email sender."""

import logging

from celery import shared_task
from django.db import transaction

from . import emails, services
from .models import Notification

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    time_limit=60,
    soft_time_limit=50,
)
def notification_send(notification_pk: int) -> bool:
    """Send one email. Idempotent: the row is locked and marked sent in the same transaction, and a row
    already sent (or being sent by another worker) is skipped."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("enrolment__cohort__programme", "enrolment__person", "recipient", "session")
            .filter(pk=notification_pk, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        emails.notification_email(notification).send()
        from django.utils import timezone

        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    logger.info("notification sent", extra={"notification_id": notification_pk, "kind": notification.kind})
    return True


@shared_task(time_limit=300, soft_time_limit=270)
def notifications_resend_unsent() -> int:
    """Beat, every quarter hour: queue again emails whose task was lost (e.g. the broker was down)."""
    return services.notifications_resend_unsent()


@shared_task(time_limit=300, soft_time_limit=270)
def offers_expire() -> int:
    """Beat, every few minutes: lapse waiting-list offers past their deadline and pass the places on."""
    return services.offers_expire()


@shared_task(time_limit=300, soft_time_limit=270)
def session_reminders_send() -> int:
    """Beat, daily: a reminder to everyone with a place on a session tomorrow, each sent once."""
    return services.session_reminders_send()


@shared_task(
    acks_late=True,  # idempotent: the certificate row says whether its PDF is current
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=120,
    soft_time_limit=100,
)
def certificate_generate_task(certificate_id: int) -> None:
    from . import services

    services.certificate_generate(certificate_id=certificate_id)


@shared_task(time_limit=30 * 60, soft_time_limit=29 * 60)
def certificates_refresh_task(
    person_id: int | None = None, programme_id: int | None = None, cohort_id: int | None = None
) -> int:
    """Nightly for every certificate; queued after a save for one person's, programme's or cohort's."""
    from . import services

    return services.certificates_refresh(person_id=person_id, programme_id=programme_id, cohort_id=cohort_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
)
def survey_invitations_send_due_task() -> int:
    """Each invitation is claimed (sent_at set) in the same transaction as its email is handed over."""
    from . import services

    return services.survey_invitations_send_due()


@shared_task(time_limit=30 * 60, soft_time_limit=29 * 60)
def completions_refresh_ended_cohorts_task() -> int:
    """Nightly: cohorts that ended recently get final completion statuses even without new attendance."""
    from . import services

    return services.completions_refresh_ended_cohorts()
