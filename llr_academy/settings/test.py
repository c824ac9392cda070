"""Test runs: the base settings (DATABASE_URL / REDIS_URL from the environment) with faster hashing."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in-process; the stack test starts a real worker with its own settings.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
LOG_FORMAT = "plain"
LOGGING["handlers"]["stdout"]["formatter"] = "plain"  # noqa: F405
