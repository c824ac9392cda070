import logging

from celery import shared_task

logger = logging.getLogger(__name__)


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
def certificates_refresh_task() -> int:
    from . import services

    return services.certificates_refresh()


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
