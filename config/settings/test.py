"""Test settings: plain `pytest` with only DATABASE_URL set must run (CONVENTIONS)."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
# 32 bytes, base64: fixed so tests are reproducible; never used outside tests.
SHUPING_DATA_KEY = "dGVzdC1kYXRhLWtleS0zMi1ieXRlcy1leGFjdGx5ISE="
SHUPING_AUDIT_KEY = "dGVzdC1hdWRpdC1rZXktMzItYnl0ZXMtZXhhY3RseSE="
# No external checkpoint sink unless a test names one (shuping/audit/tests use a temporary file).
SHUPING_AUDIT_SINK = ""
DEBUG = False
# Argon2 is the production hasher (tested in test_settings); tests hash with a cheap one for speed.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# Persona tests sign in without OTP; tests of the second-factor flow override this to True.
SHUPING_REQUIRE_SECOND_FACTOR = False
MEDIA_ROOT = BASE_DIR / ".test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")

# One Redis database per xdist worker (CONVENTIONS); Redis is used where DATABASE_URL names PostgreSQL
# (the CI stage with services) or where REDIS_URL is set.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw-1")
_worker_index = int(_worker[2:]) + 1 if _worker[2:].lstrip("-").isdigit() else 0
_redis = os.environ.get("REDIS_URL") or (
    "redis://127.0.0.1:6379" if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
)
if _redis:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{_redis.rstrip('/')}/{max(_worker_index, 0) % 16}",
        }
    }
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}

# API-2: the fuzzing test calls every operation many times a minute; the 429 test sets its own limit.
SHUPING_API_RATE_LIMIT = 100_000
