import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llr_academy.settings.base")

app = Celery("llr_academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_the_portals_logging(**kwargs):
    """Workers and beat log like the web processes: Django's LOGGING (JSON lines on stdout by default)."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
