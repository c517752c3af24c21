"""The year's journey in Debian's Chromium: one browser per module, one context per role.

`Actor` wraps a Playwright page so that every page a role sees is checked the same way — every form
control has a label, phone pages do not scroll sideways — and so that the burden (pages visited, fields
typed, submits that write, values typed twice) is counted for the township secretary, the liaison and the
county clerk (为基层减负).

A journey starts at the role's home page (`/`, signed in) and reaches every page by clicking links and
buttons, as a user does (FLOW-1): `visit` refuses any other address except the few a person really opens
from outside the site — the voter's slip (`/v/`, what a printed slip's QR code opens), the login page and
the public pages (`/p/…`, a link handed to party members).
Screenshots for the user guide are written into docs/guide/img/ when SHUPING_GUIDE_SCREENSHOTS=1
(`make guide`); otherwise no screenshot is taken.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM_ARGS, launch_chromium, session_cookie  # noqa: F401  (re-exported to the journeys)

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
GUIDE_DIR = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
GUIDE = os.environ.get("SHUPING_GUIDE_SCREENSHOTS") == "1"

#: Every form control (shown or in a hidden step) must be named: a <label for>, a wrapping <label>, aria-label(ledby) or title.
UNLABELLED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || el.getAttribute('title');
    if (!named) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
}"""


@dataclass
class Burden:
    """What one grassroots role did over the year: pages seen, fields typed, and every value typed."""

    pages: int = 0
    fields: int = 0
    submits: int = 0  # requests that write (POST): a form submitted, a button pressed
    typed: dict[str, str] = field(default_factory=dict)  # normalised value → where it was first typed
    repeats: list[str] = field(default_factory=list)


#: Kept across the module's phases (the year), read by the last test and printed.
BURDEN: dict[str, Burden] = defaultdict(Burden)

#: The only addresses a journey may type: the home page, and what a person opens from outside the site.
TYPED_OK = re.compile(r"^/(\?.*)?$|^/v/(#[0-9A-Za-z-]*)?$|^/accounts/login/$|^/p/[^/]+/$")


class Actor:
    """One role in its own browser context; navigation and typing go through here to be counted."""

    def __init__(self, browser, live_server, user=None, *, phone: bool = False, burden: str | None = None):
        self.base = live_server.url
        self.phone = phone
        options: dict[str, Any] = {"viewport": PHONE if phone else DESK, "locale": "zh-CN"}
        if phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=1)
        self.context = browser.new_context(**options)
        if user is not None:
            self.context.add_cookies([session_cookie(user, live_server)])
        self.page = self.context.new_page()
        self.burden = BURDEN[burden] if burden else None
        self.unlabelled: list[str] = []
        if self.burden is not None:
            self.page.on("framenavigated", self._navigated)
            self.page.on("request", self._requested)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and self.burden is not None:
            self.burden.pages += 1

    def _requested(self, request) -> None:
        """Every write the browser sends (a form posted, an htmx or fetch button) is one submit."""
        if request.method not in ("GET", "HEAD", "OPTIONS") and self.burden is not None:
            self.burden.submits += 1

    # Navigation ----------------------------------------------------------------------------------------
    def visit(self, path: str = "/"):
        """Open an address typed by hand: only the home page, the voter's slip, the login and public pages."""
        if not TYPED_OK.match(path):
            raise AssertionError(f"a journey types no address but the home page; click your way to {path}")
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("domcontentloaded")
        self.check()
        return self.page

    def home(self):
        """The role's home page: where every journey starts."""
        return self.visit("/")

    def click(self, name: str, *, exact: bool = False, within=None):
        """Click the first link named `name` (in `within`, else anywhere on the page), wait for the page it
        leads to and check it."""
        scope = within if within is not None else self.page
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            scope.get_by_role("link", name=name, exact=exact).first.click()
        self.check()
        return self.page

    def menu(self, label: str):
        """Home page, then its card for the menu entry `label` (the cards are the menu's entries)."""
        self.home()
        return self.click(label, exact=True, within=self.page.locator("main .cards"))

    def todo(self, text: str):
        """Home page, then the 待办 item whose text contains `text`."""
        self.home()
        return self.click(text, within=self.page.locator(".todo-list"))

    def check(self) -> None:
        """Labels on every control; at 360 px nothing scrolls sideways."""
        missing = self.page.evaluate(UNLABELLED_JS)
        assert not missing, f"{self.page.url}: form controls without a label: {missing}"
        if self.phone:
            width = self.page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= PHONE["width"], f"{self.page.url} scrolls sideways at 360 px: {width}"

    # Typing ----------------------------------------------------------------------------------------------
    def fill(self, locator, value: str) -> None:
        """Type into a field, counted; a grassroots role never types the same thing twice in the year."""
        if self.burden is not None:
            self.burden.fields += 1
            key = " ".join(str(value).split())
            if key in self.burden.typed:
                self.burden.repeats.append(
                    f"{key!r} again at {self.page.url} (first: {self.burden.typed[key]})"
                )
            else:
                self.burden.typed[key] = self.page.url.replace(self.base, "")
        locator.fill(value)

    def press(self, keys: str) -> None:
        """Keys on the keyboard-only pages (paper entry): counted as one field per call for grassroots roles."""
        for key in keys:
            self.page.keyboard.press(key)

    # Pictures ----------------------------------------------------------------------------------------------
    def shot(self, name: str, *, full_page: bool = True) -> None:
        if GUIDE:
            GUIDE_DIR.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(GUIDE_DIR / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def chromium():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop here
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def actors(chromium, live_server, transactional_db):
    """`actors(user, phone=…, burden=…)` opens a role's context; all are closed after the test."""
    opened: list[Actor] = []

    def _open(user=None, **kwargs) -> Actor:
        actor = Actor(chromium, live_server, user, **kwargs)
        opened.append(actor)
        return actor

    yield _open
    for actor in opened:
        actor.close()
