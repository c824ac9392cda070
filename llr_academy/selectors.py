import time

from django.core.cache import cache
from django.db import connection

from .tasks import HEARTBEAT_CACHE_KEY


def worker_heartbeat_age() -> int | None:
    """Seconds since a worker last ran the heartbeat beat sends; None if none is recorded."""
    heartbeat = cache.get(HEARTBEAT_CACHE_KEY)
    return round(time.time() - heartbeat) if heartbeat else None


def health_status() -> dict:
    """Whether the database and cache answer; never includes configuration or secrets."""
    status = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        status["database"] = "unavailable"
    try:
        cache.set("llr:healthz", "1", timeout=10)
        if cache.get("llr:healthz") != "1":
            status["cache"] = "unavailable"
        heartbeat_age = worker_heartbeat_age()
    except Exception:
        status["cache"] = "unavailable"
        heartbeat_age = None
    status["worker_heartbeat_age_seconds"] = heartbeat_age
    status["status"] = "ok" if status["database"] == status["cache"] == "ok" else "unavailable"
    return status
