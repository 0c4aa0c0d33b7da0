"""Settings for every environment, driven by the environment (12-factor).

With no environment at all this runs the embedded default: SQLite and a
Celery broker on the file system under ``var/``, so ``make run`` needs no
servers. Production sets ``DJANGO_SETTINGS_MODULE=config.settings_production``
(see that module) plus ``DATABASE_URL`` and ``CELERY_BROKER_URL``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

# Off by default even locally: a debug error page would show a child's data.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="embedded-default-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "guardian",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "knox",
    "privacy",
    "agencies",
    "cases",
    "notifications",
    "commission",
    "casework",
    "evidence",
    "support",
    "directory",
    "oversight",
    "tipline",
    "accounts",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their cache lifetime, nothing else is stored.
    "config.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed its second factor (accounts app).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session time-outs, sessions signed out from the account page, and
    # the second-factor gate (accounts app).
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "agencies.middleware.JurisdictionTimezoneMiddleware",
    # Last: turns a lockout flagged during the request into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.nav.nav_context",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the embedded database: wait for locks, write at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
# Transactions are explicit: each service is atomic (HackSoft style), so a refused
# access is recorded even though the request ends in a 404.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user is not needed: anonymous reporting has its own path.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Passwords per NIST SP 800-63B §5.1.1.2 (accounts.validators): a minimum length, long
# phrases allowed, a list of common and breached passwords, not the login or the name,
# no composition rules.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.LocalBlocklistValidator"},
]

# Second factor (issue #11 §2, accounts.permissions): who must use one. Entries: a StaffRole
# value ("head", "commission_secretary", ...), "agency_staff" (every agency that is not a
# school) or "ombudsman" (the ombudsman offices). Others may set one up.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES",
                              default=["head", "agency_staff", "commission_secretary", "ombudsman"])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ChildSafe")
# Demo only (bin/run sets it): the verification page shows the demo logins' current code.
DEMO_HINTS = env.bool("DEMO_HINTS", default=False)
# Sessions (NIST SP 800-63B §7.2): ended after this long without a request, and this long
# after log-in whatever happens (accounts.middleware).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
# API tokens (django-rest-knox): stored as hashes, expiring, revoked on log-out and password change.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=10)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

# Brute force (issue #7): AXES_FAILURE_LIMIT failed log-ins in a row for one
# username, or from one client address, lock that username or address out of
# the log-in page and the token endpoint for AXES_COOLOFF_MINUTES; every
# further failure during the lockout starts the wait again. A successful
# log-in clears the count. Failures are counted in the database (shared by
# every web process); lockouts are audited (privacy.lockout).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "privacy.lockout.lockout_response"
# No username or address in log lines, and no record of every successful log-in.
AXES_CLIENT_STR_CALLABLE = "privacy.lockout.client_str"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True
# The client's address behind DJANGO_TRUSTED_PROXY_COUNT proxies (0: REMOTE_ADDR),
# read the way DRF's throttles read it (NUM_PROXIES below).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "privacy.lockout.client_address"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "login"

# Languages: the two source documents' languages, Russian as the common one,
# and English as the source language of every string.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One unambiguous date form per language (01.12.2026 11:30), Kazakh included.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from here after collectstatic
# The embedded default serves static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        # Refuses a session that still owes its second factor (accounts app).
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A service's InputError becomes a 400 with its messages per field (config/errors.py).
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    # Rates per client (a user, or an address when anonymous), counted in each
    # web process's memory: a bound on hammering, not an exact quota.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
        # The token endpoint (privacy.lockout.TokenObtainApi), per address.
        "auth_token": env.str("API_THROTTLE_AUTH_TOKEN", default="20/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Child protection case management API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are for signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids from the resource ("cases"), not the version.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Choice sets used by fields of different names, or by same-named fields with other
    # choices ("kind", "outcome"), get one stable name each instead of a generated one.
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "agencies.models.AgencyKind",
        "CaseOutcomeEnum": "cases.vocabulary.CaseOutcome",
    },
    # Swagger UI and ReDoc assets are served by the app (no CDN): it must work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Content Security Policy (issue #7): scripts, styles, images and connections
# from the app itself only — no inline script or style, no eval, no framing.
# Templates keep to it: behaviour lives in static/js, looks in static/css.
# Swagger UI's icons are data: images in its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Celery: the embedded default is kombu's file-system transport, which needs no
# server; production and CI set CELERY_BROKER_URL to Redis.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"  # writes each message atomically
    for sub in ("in", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# DESIGN §2: the sweep claims due deadlines from the database at least every 30 s.
SWEEP_INTERVAL_SECONDS = env.int("SWEEP_INTERVAL_SECONDS", default=15)
# UA IV.4, IV.6: a commission meeting opens at its time, or this many minutes before it.
COMMISSION_OPEN_GRACE_MINUTES = env.int("COMMISSION_OPEN_GRACE_MINUTES", default=15)
# Reports of one incident from several channels (SPEC §2, multi-channel dedup): a party with the same
# identity number and incident dates at most this many days apart make a possible duplicate.
CASE_DUPLICATE_WINDOW_DAYS = env.int("CASE_DUPLICATE_WINDOW_DAYS", default=3)
# SPEC D4: a dashboard, export or summary count from 1 to this minus one is suppressed.
DASHBOARD_MIN_CELL = env.int("DASHBOARD_MIN_CELL", default=5)
# A dashboard's drawn figures are cached until the aggregator next changes the summary
# tables (oversight.selectors.figures_cache_key), and at most this long.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)

# The cache: API throttles, the pupils' reports rate limits and drawn dashboard figures.
# CACHE_URL (redis://host:6379/1) shares it between the web processes, as docker-compose
# does; the embedded default keeps one in each process's memory.
CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
          if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# KZ §19.6: the local hour (each country's own time) after which the previous day's summary is sent.
DAILY_SUMMARY_HOUR = env.int("DAILY_SUMMARY_HOUR", default=8)
# Pupils' anonymous reports (issue #11): abuse control without tracking, counted in the cache per
# school and per follow-up code, never per person (no IP address is kept or counted).
TIPLINE_REPORTS_PER_SCHOOL_PER_HOUR = env.int("TIPLINE_REPORTS_PER_SCHOOL_PER_HOUR", default=30)
TIPLINE_FAILED_FOLLOW_UPS_PER_SCHOOL_PER_HOUR = env.int("TIPLINE_FAILED_FOLLOW_UPS_PER_SCHOOL_PER_HOUR", default=30)
TIPLINE_FAILED_FOLLOW_UPS_PER_CODE_PER_HOUR = env.int("TIPLINE_FAILED_FOLLOW_UPS_PER_CODE_PER_HOUR", default=5)
TIPLINE_MESSAGES_PER_CODE_PER_HOUR = env.int("TIPLINE_MESSAGES_PER_CODE_PER_HOUR", default=20)
# Issue #10: how often the aggregator brings the dashboards' summary tables up to date (oversight.tasks).
TALLY_DRAIN_INTERVAL_SECONDS = env.int("TALLY_DRAIN_INTERVAL_SECONDS", default=20)
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "notifications.tasks.sweep_deadlines", "schedule": SWEEP_INTERVAL_SECONDS,
                        "options": {"expires": SWEEP_INTERVAL_SECONDS}},
    "deliver-outbox": {"task": "notifications.tasks.deliver_outbox", "schedule": 10.0,
                       "options": {"expires": 10}},
    # Issue #11: "urgent report received" alerts of pupils' anonymous reports.
    "deliver-tip-alerts": {"task": "tipline.tasks.deliver_alerts", "schedule": 10.0, "options": {"expires": 10}},
    "seal-audit": {"task": "privacy.tasks.seal_audit", "schedule": env.float("AUDIT_SEAL_INTERVAL_SECONDS", default=5.0),
                   "options": {"expires": 30}},
    # Issue #10: the dashboards' summary tables follow the cases within this interval.
    "drain-tallies": {"task": "oversight.tasks.drain_tallies", "schedule": TALLY_DRAIN_INTERVAL_SECONDS,
                      "options": {"expires": TALLY_DRAIN_INTERVAL_SECONDS}},
    # Issue #10, KZ §19.6: the daily summary to the ombudsman offices, once a day per country.
    "daily-summaries": {"task": "oversight.tasks.send_daily_summaries", "schedule": 300.0,
                        "options": {"expires": 300}},
}
# The audit trail's unsealed tail (privacy.audit): verify_audit fails when its oldest
# event is older than this, i.e. when the sealer has stopped or a transaction hangs.
AUDIT_SEAL_MAX_LAG_SECONDS = env.int("AUDIT_SEAL_MAX_LAG_SECONDS", default=300)

# Field encryption (privacy.crypto). FIELD_ENCRYPTION_KEYS is a comma-separated
# list of "key_id:base64_32_byte_key", newest first; BLIND_INDEX_KEY keys the
# HMAC used for exact-match lookups. With neither set, a local key file is
# generated under var/ on first use.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
LOCAL_KEY_FILE = VAR_DIR / "keys" / "field-keys.json"

# Documents and evidence (issue #9 item 7, evidence app). Files are encrypted with
# the field keys above before they reach the storage. The embedded default keeps
# them on the file system under var/evidence; EVIDENCE_S3_BUCKET switches to an
# S3-compatible store (django-storages), with EVIDENCE_S3_ENDPOINT_URL for a
# non-AWS one (MinIO…) and the usual AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
EVIDENCE_ROOT = Path(env.str("EVIDENCE_ROOT", default=str(VAR_DIR / "evidence")))
EVIDENCE_S3_BUCKET = env.str("EVIDENCE_S3_BUCKET", default="")
if EVIDENCE_S3_BUCKET:
    EVIDENCE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env.str("EVIDENCE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("EVIDENCE_S3_REGION", default="") or None,
            "location": env.str("EVIDENCE_S3_PREFIX", default="evidence"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    EVIDENCE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(EVIDENCE_ROOT), "file_permissions_mode": 0o600,
                    "directory_permissions_mode": 0o700},
    }
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Sniffed from the bytes, never taken from the client.
EVIDENCE_ALLOWED_TYPES = env.list(
    "EVIDENCE_ALLOWED_TYPES", default=["image/jpeg", "image/png", "application/pdf", "text/plain"])
# An uploaded file stays in memory up to the upload routes' body limit: a plaintext
# photo of a child is never spooled to a temporary file on disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = EVIDENCE_MAX_BYTES + 64 * 1024

# Public base address used in notice links (never in the notice body: data).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@childsafe.local")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Request logs would carry query strings and form data: keep them at warning.
    "loggers": {"django.request": {"level": "WARNING"}},
}
