"""A breadth-first crawler over the site as one signed-in person sees it (FLOW-1).

It starts at `/` and follows only what a person can click: `<a href>` links and the buttons of GET forms
(submitted with the values the form already holds) — never a URL it made up. Every page reached is named
by its route (`resolve(path).view_name`), so a test can say "the department leader reaches
evaluations:decisions" without knowing any primary key.

To stay within a page budget on a year's worth of data, it opens at most `per_route` URLs of each route
(the tenth assessment page teaches nothing the first did not) and stops as soon as every route it was asked
to find has been reached.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

#: Never followed: leaving the session, the voters' and the public's pages, files (they are not pages).
SKIP_PREFIXES = ("/accounts/logout", "/v/", "/p/", "/static/", "/api/", "/health")
#: The test client's host names: a link elsewhere leaves the site and is not followed.
LOCAL_HOSTS = ("", "testserver", "127.0.0.1")
SKIP_SUFFIXES = (".pdf", ".docx", ".xlsx", ".csv", ".svg", ".png", ".zip", "/file", "/qr.svg")


class _Links(HTMLParser):
    """`<a href>` targets and GET forms (action + the values of their named fields) of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self._form: dict | None = None
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "get" and not a.get("id"):
            self._form = {"action": a.get("action") or "", "fields": []}
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form["fields"].append((a["name"], a.get("value") or ""))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
        elif self._select is not None and tag == "option":
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            self._form["fields"].append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append((self._form["action"], self._form["fields"]))
            self._form = None


@dataclass
class Crawl:
    reached: dict[str, str] = field(default_factory=dict)  # route name → first URL that reached it
    opened: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # URL → status of a page that failed (5xx)


def _route(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _targets(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = list(parser.links)
    for action, fields in parser.forms:
        query = urlencode([(k, v) for k, v in fields if v])
        out.append((action or base.split("?")[0]) + (f"?{query}" if query else ""))
    return out


def crawl(client, wanted: set[str], *, budget: int = 400, per_route: int = 3) -> Crawl:
    """Open pages breadth-first from `/` until every route in `wanted` is reached or `budget` pages are
    opened. Returns what was reached; 5xx answers are recorded as errors (4xx are links the person may see
    but not open — a crawler of their own menu and pages should meet none, and they are not followed)."""
    result = Crawl()
    queue: deque[str] = deque(["/"])
    seen: set[str] = {"/"}
    per: dict[str, int] = {}
    while queue and result.opened < budget and not wanted <= result.reached.keys():
        url = queue.popleft()
        route = _route(urlsplit(url).path)
        if route is None:
            continue
        if per.get(route, 0) >= per_route:
            continue
        per[route] = per.get(route, 0) + 1
        response = client.get(url, follow=False)
        result.opened += 1
        if response.status_code >= 500:
            result.errors[url] = response.status_code
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            parts = urlsplit(urljoin(url, response["Location"]))
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc in LOCAL_HOSTS and target not in seen:
                seen.add(target)
                queue.appendleft(target)
            continue
        if response.status_code != 200:
            continue
        result.reached.setdefault(route, url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in _targets(url, response.content.decode(errors="replace")):
            parts = urlsplit(urljoin(url, href))
            if parts.netloc not in LOCAL_HOSTS or parts.scheme not in ("", "http", "https"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or target.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            seen.add(target)
            queue.append(target)
    return result
