"""What every browser test shares: Debian's Chromium launch flags and a signed-in session cookie.

Browser tests drive Debian's `chromium` through Playwright (never a downloaded browser). The flags keep
Chromium off the closed network (background networking, component updates, sync) and headless as root.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the flags above."""
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)


def session_cookie(user, live_server) -> dict:
    """A cookie signing `user` in on `live_server` without going through the login form (and its 2FA)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    host = live_server.url.split("//", 1)[1].split(":")[0]
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": store.session_key,
        "domain": host,
        "path": "/",
    }
