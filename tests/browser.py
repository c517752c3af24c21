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


def look_at_both_widths(browser, live_server, user, path: str, name: str, directory) -> str:
    """Open `path` as `user` at 1366 px and at 360 px (a phone), save a screenshot of each into
    `directory` as `<name>-<width>.png`, check that the page never scrolls sideways, and return the text
    of the page at 1366 px (FLOW-4, FLOW-5: every changed page looked at on a desk and on a phone)."""
    text = ""
    for width, height, mobile in ((1366, 900, False), (360, 740, True)):
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=mobile)
        context.add_cookies([session_cookie(user, live_server)])
        page = context.new_page()
        page.goto(live_server.url + path)
        page.screenshot(path=str(directory / f"{name}-{width}.png"), full_page=True)
        # Against the configured width: a phone's layout viewport widens with content that overflows.
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
        if width == 1366:
            text = page.inner_text("body")
        context.close()
    return text
