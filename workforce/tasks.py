"""Thin Celery tasks: take a primary key, re-fetch, call a service. Each is safe to run twice (the state
lives on the WorkforceImport row), so they acknowledge late and retry on transient database errors."""

from celery import shared_task
from django.db import OperationalError

from . import services
from .models import WorkforceImport


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, time_limit=15 * 60
)
def workforce_import_check_task(workforce_import_id: int) -> str:
    workforce_import = WorkforceImport.objects.filter(pk=workforce_import_id).first()
    if workforce_import is None:
        return "missing"
    return services.workforce_import_check(workforce_import=workforce_import).status


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, time_limit=15 * 60
)
def workforce_import_apply_task(workforce_import_id: int) -> str:
    return services.workforce_import_apply(workforce_import_id=workforce_import_id).status
