"""Settings for every environment, read from environment variables.

The defaults are the embedded development setup that `make run` uses: SQLite, an in-process cache, Celery
tasks run eagerly, email printed to the console. Setting DATABASE_URL / REDIS_URL switches the same code to
PostgreSQL, Redis and real Celery workers. `production.py` removes the development defaults for secrets.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE

from llr_academy.log_format import FORMATTERS, stdout_handler

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_tables2",
    "django_celery_beat",
    "django_htmx",
    "simple_history",
    "csp",
    # Our apps, ground floor first: workforce <- programmes <- pledges <- llr_academy.
    "workforce",
    "programmes",
    "pledges",
    "llr_academy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, so the 400 page for a host we do not serve has the policy (and its nonce) too.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in user unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "workforce.middleware.RequireMfaForRolesMiddleware",
]

ROOT_URLCONF = "llr_academy.urls"
WSGI_APPLICATION = "llr_academy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "llr_academy.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ----------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A real (per-process) cache, so allauth's rate limits work in the embedded setup too.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Schedules in code; django-celery-beat syncs them into its tables so admins can see and pause them.
# How often beat sends the worker heartbeat; check_heartbeat calls it stale after three missed beats.
LLR_HEARTBEAT_SECONDS = env.int("LLR_HEARTBEAT_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "llr_academy.tasks.record_worker_heartbeat",
        "schedule": timedelta(seconds=LLR_HEARTBEAT_SECONDS),
    },
    "clear-expired-sessions": {"task": "llr_academy.tasks.clear_expired_sessions", "schedule": crontab(3, 3)},
    # Board packs: fail or requeue runs whose worker died; create the scheduled packs that are due.
    "board-report-sweep-stale": {
        "task": "pledges.tasks.board_report_sweep_stale",
        "schedule": timedelta(seconds=env.int("LLR_BOARD_REPORT_SWEEP_SECONDS", default=60)),
    },
    "board-report-schedules": {
        "task": "pledges.tasks.board_report_run_schedules",
        "schedule": crontab(minute=15, hour="6-18"),
    },
    # Programmes: lapse waiting-list offers past their deadline; remind people the day before a session.
    "programmes-offers-expire": {"task": "programmes.tasks.offers_expire", "schedule": crontab(minute="*/5")},
    "programmes-notifications-resend": {
        "task": "programmes.tasks.notifications_resend_unsent",
        "schedule": crontab(minute="*/15"),
    },
    "programmes-session-reminders": {
        "task": "programmes.tasks.session_reminders_send",
        "schedule": crontab(hour=7, minute=30),
    },
    # Programmes, learning: final completion statuses for ended cohorts, certificates re-issued
    # when details change, evaluation surveys sent when due.
    "completions-refresh-ended-cohorts": {
        "task": "programmes.tasks.completions_refresh_ended_cohorts_task",
        "schedule": crontab(15, 2),
    },
    "certificates-refresh": {
        "task": "programmes.tasks.certificates_refresh_task",
        "schedule": crontab(30, 2),
    },
    "survey-invitations-send-due": {
        "task": "programmes.tasks.survey_invitations_send_due_task",
        "schedule": crontab(0, 8),
    },
}
# Redis redelivers a message whose worker died without acking it after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
}

# --- Board report PDF -------------------------------------------------------------------------------------
# A run whose heartbeat is older than this is treated as dead (its worker was killed) by the sweep.
LLR_BOARD_REPORT_STALE_SECONDS = env.int("LLR_BOARD_REPORT_STALE_SECONDS", default=5 * 60)
# A dead run is requeued until the request has had this many attempts, then marked failed.
LLR_BOARD_REPORT_MAX_ATTEMPTS = env.int("LLR_BOARD_REPORT_MAX_ATTEMPTS", default=3)
LLR_BOARD_REPORT_SOFT_TIME_LIMIT = env.int("LLR_BOARD_REPORT_SOFT_TIME_LIMIT", default=3 * 60)
LLR_BOARD_REPORT_TIME_LIMIT = env.int("LLR_BOARD_REPORT_TIME_LIMIT", default=4 * 60)

# --- Authentication (django-allauth) -------------------------------------------------------------------
AUTH_USER_MODEL = "workforce.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "LLR Academy: "
ACCOUNT_ADAPTER = "workforce.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "workforce.forms.SignupForm"}
# allauth's defaults, spelt out so nobody turns them off by accident (they need a shared cache).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LLR Academy"
# Academy admins and board members must set up MFA before they use the portal (on in production).
LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES = env.bool("LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES", default=False)
# Sign-up is open only to these email domains ("*.example.nhs.uk" allows any subdomain).
LLR_SIGNUP_EMAIL_DOMAINS = env.list(
    "LLR_SIGNUP_EMAIL_DOMAINS",
    default=[
        "nhs.net",
        "uhl-tr.nhs.uk",
        "leicspart.nhs.uk",
        "ems.nhs.uk",
        "leicester.gov.uk",
        "leics.gov.uk",
        "rutland.gov.uk",
    ],
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Email ------------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="LLR Academy <no-reply@llr-academy.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's public address, for links in emails sent by workers (which have no request).
LLR_PORTAL_URL = env("LLR_PORTAL_URL", default="http://127.0.0.1:8000")

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files only a permission-checked view may serve (board packs): no URL of their own, outside MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "workforce.storages.PrivateFileStorage"},
    "staticfiles": {
        "BACKEND": env("STATICFILES_BACKEND", default="whitenoise.storage.CompressedStaticFilesStorage")
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Workforce figure imports (CSV / XLSX): the largest file and the most rows one upload may hold.
WORKFORCE_IMPORT_MAX_BYTES = env.int("WORKFORCE_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
WORKFORCE_IMPORT_MAX_ROWS = env.int("WORKFORCE_IMPORT_MAX_ROWS", default=200_000)

# --- Security headers -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # The nonce is for the one-line script that flags JS support before the page paints.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Tables, logging --------------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "includes/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "nhsuk-table"}

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": FORMATTERS,
    "handlers": {"stdout": stdout_handler(env("LOG_FORMAT", default="json"))},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Route Django's own loggers through the one stdout handler only (no duplicate console lines).
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        # WeasyPrint logs every layout step at INFO; the board pack turns those into progress itself.
        "weasyprint": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        "weasyprint.progress": {"handlers": [], "level": "INFO", "propagate": False},
    },
}

# Forms render with the NHS.UK frontend's markup (templates/includes/forms, templates/django/forms).
FORM_RENDERER = "llr_academy.forms.NHSFormRenderer"
