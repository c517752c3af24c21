"""Production settings (SEC-5): refuse to start without keys; pass `check --deploy --fail-level WARNING`."""

import os

from .base import *  # noqa: F403
from .keys import require

DEBUG = False
SECRET_KEY = require("SHUPING_SECRET_KEY")
SHUPING_DATA_KEY = require("SHUPING_DATA_KEY")
SHUPING_AUDIT_KEY = require("SHUPING_AUDIT_KEY")
ALLOWED_HOSTS = [h for h in os.environ.get("SHUPING_ALLOWED_HOSTS", "").split(",") if h]

SECURE_SSL_REDIRECT = os.environ.get("SHUPING_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
