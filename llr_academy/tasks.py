import time

from celery import shared_task
from django.core.cache import cache
from django.core.management import call_command

HEARTBEAT_CACHE_KEY = "llr:worker-heartbeat"


@shared_task(ignore_result=False)
def record_worker_heartbeat() -> float:
    """Beat sends this every minute; /healthz reports how long ago a worker last ran it."""
    now = time.time()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=24 * 60 * 60)
    return now


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")
