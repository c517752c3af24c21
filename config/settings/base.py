"""Settings shared by every environment (SPEC §11).

Environment variables: DATABASE_URL (default SQLite ./shuping.sqlite3), REDIS_URL (optional cache),
SHUPING_SECRET_KEY, SHUPING_DATA_KEY, SHUPING_MEDIA_ROOT, SHUPING_FONT_DIR, SHUPING_DEBUG.
Keys are resolved by the environment-specific modules (dev generates them, prod refuses to start).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from dj_database_url import DBConfig

BASE_DIR = Path(__file__).resolve().parent.parent.parent
WORK_DIR = Path.cwd()

DEBUG = os.environ.get("SHUPING_DEBUG", "") in {"1", "true", "True", "yes"}
ALLOWED_HOSTS = [h for h in os.environ.get("SHUPING_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "shuping.core",
    "shuping.audit",
    "shuping.accounts",
    "shuping.orgs",
    "shuping.jobs",
    "shuping.documents",
    "shuping.demo",
    "shuping.campaigns",
    "shuping.ballots",
    "shuping.reports",
    "shuping.fieldwork",
    "shuping.oversight",
    "shuping.evaluations",
    "shuping.meetings",
    "shuping.rectification",
    "shuping.feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shuping.core.security.ContentSecurityPolicyMiddleware",
    "shuping.core.security.RejectNullCharactersMiddleware",
    # API-2: every error under /api/v1/ (404 of the resolver, 405, CSRF …) in the API's Chinese JSON body.
    "shuping.core.api_base.ApiErrorBodyMiddleware",
    # POST /v/session and /v/submit skip the session/auth/messages middlewares below (PERF-1, BAL-3).
    "shuping.ballots.middleware.VotingFastPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shuping.accounts.middleware.SessionTimeoutMiddleware",
    "shuping.accounts.middleware.SecondFactorMiddleware",
    "shuping.accounts.middleware.PasswordRotationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # SEC-5: the loaders write the CSP nonce into inline <script>/<style> of template sources
            # (inside django-template-partials' loader, which would otherwise install the default ones).
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "shuping.core.security.FilesystemLoader",
                                "shuping.core.security.AppDirectoriesLoader",
                            ],
                        )
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "shuping.core.context_processors.navigation",
                "shuping.documents.context_processors.font_notice",
            ],
        },
    }
]


def database_from_env(default_sqlite: Path) -> DBConfig:
    """DATABASE_URL or the embedded SQLite file, tuned for concurrent writers.

    SQLite: WAL so readers never block the writer, BEGIN IMMEDIATE so two writers never deadlock on a
    read-to-write upgrade (needed for exact ballot consumption, BAL-5), and a busy timeout.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        url = f"sqlite:///{default_sqlite}"
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=30000;"
            ),
        }
    else:
        config.setdefault("OPTIONS", {})
        # Persistent connections: a new PostgreSQL connection per request costs more than a ballot's
        # whole transaction (PERF-1); health checks drop a connection the server has closed.
        config["CONN_MAX_AGE"] = int(os.environ.get("SHUPING_DB_CONN_MAX_AGE", "60"))
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_from_env(WORK_DIR / "shuping.sqlite3")}
# A PostgreSQL streaming replica for dashboard reads (shuping/core/replica.py, docs/deployment.md).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["shuping.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# SEC-3: Argon2 first; >= 12 characters; common passwords refused.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# SEC-3: idle timeout 30 min (refreshed on activity), absolute timeout 12 h.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SHUPING_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
# SEC-3 sign-in policy (docs/security.md): lockout per account, never per address; a high per-address
# throttle against password spraying; administrators rotate passwords; a second factor for administrators
# and organizer staff. The header names are set only when a proxy in front sets (and strips) them.
SHUPING_LOGIN_LOCKOUT_FAILURES = 5
SHUPING_LOGIN_LOCKOUT_SECONDS = 15 * 60
SHUPING_LOGIN_IP_THROTTLE_FAILURES = 100
SHUPING_LOGIN_IP_THROTTLE_SECONDS = 10 * 60
SHUPING_CLIENT_IP_HEADER = os.environ.get("SHUPING_CLIENT_IP_HEADER", "")
# DSC-4: session starts at /v/session per window (docs/security.md). Generous: a venue of several hundred
# voters behind one NAT address, each starting once or twice, stays far below; wrong codes are counted
# apart, so guessing is capped without troubling a venue that mistypes now and then. 0 turns a limit off.
SHUPING_VOTE_RATE_WINDOW = int(os.environ.get("SHUPING_VOTE_RATE_WINDOW", "600"))
SHUPING_VOTE_STARTS_PER_ADDRESS = int(os.environ.get("SHUPING_VOTE_STARTS_PER_ADDRESS", "2000"))
SHUPING_VOTE_FAILED_STARTS_PER_ADDRESS = int(os.environ.get("SHUPING_VOTE_FAILED_STARTS_PER_ADDRESS", "200"))
SHUPING_VOTE_STARTS_PER_BOX = int(os.environ.get("SHUPING_VOTE_STARTS_PER_BOX", "3000"))
SHUPING_ADMIN_PASSWORD_MAX_AGE_DAYS = 90
SHUPING_DORMANT_ACCOUNT_DAYS = 90
# Audit anchoring (INT-2): the checkpoint signing key (separate from the data key; generated beside the
# database in development, required in production) and the sink outside the database the signed
# checkpoints are also appended to — a file, a directory, or "syslog:[host[:port]|/dev/log]".
SHUPING_AUDIT_KEY = os.environ.get("SHUPING_AUDIT_KEY", "")
SHUPING_AUDIT_SINK = os.environ.get("SHUPING_AUDIT_SINK", "")
SHUPING_REQUIRE_SECOND_FACTOR = True
SHUPING_SECOND_FACTOR_PROVIDERS = ["shuping.accounts.second_factor.TOTPProvider"]
SHUPING_CLIENT_CERT_HEADER = os.environ.get("SHUPING_CLIENT_CERT_HEADER", "")
OTP_TOTP_ISSUER = "述评"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = WORK_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/swagger-ui", BASE_DIR / "node_modules" / "swagger-ui-dist"),
]

# SEC-8: one storage abstraction for every file; S3-compatible storage can replace "default".
MEDIA_ROOT = Path(os.environ.get("SHUPING_MEDIA_ROOT", str(WORK_DIR / "shuping-media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SHUPING_FONT_DIR = os.environ.get("SHUPING_FONT_DIR", "")

# Background jobs: the Django tasks API with the database backend (CONVENTIONS: one job mechanism).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# SEC-6/BAL-6/DSC-4: logs never carry request paths of /v/ (credentials), receipts, /p/ tokens nor personal
# data. Every record is scrubbed where it is made (shuping.core.logging.install, at start-up); the handlers
# below filter again. The "django" logger is given no handler of its own: Django's defaults would add an
# unfiltered console handler under DEBUG and `mail_admins`, whose e-mails carry the request and the local
# variables of the failing frames (a code among them).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub_secrets": {"()": "shuping.core.logging.ScrubSecretsFilter"},
        "drop_voting_paths": {"()": "shuping.core.logging.DropVotingPathsFilter"},
        "redact_credentials": {"()": "shuping.core.logging.RedactCredentialsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "shuping.core.logging.JsonFormatter"},  # SHUPING_LOG_FORMAT=json
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("SHUPING_LOG_FORMAT", "") == "json" else "plain",
            "filters": ["scrub_secrets", "drop_voting_paths", "redact_credentials"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# SEC-5: Content-Security-Policy (shuping/core/security.py); path patterns allowed 'unsafe-inline' (none).
SHUPING_CSP_INLINE_PATHS: list[str] = []

# API-2: requests per account (or per address when anonymous) per window under /api/v1/; 429 past it.
SHUPING_API_RATE_LIMIT = int(os.environ.get("SHUPING_API_RATE_LIMIT", "600"))
SHUPING_API_RATE_WINDOW = int(os.environ.get("SHUPING_API_RATE_WINDOW", "60"))
