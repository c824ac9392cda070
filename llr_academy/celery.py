import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llr_academy.settings.base")

app = Celery("llr_academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
