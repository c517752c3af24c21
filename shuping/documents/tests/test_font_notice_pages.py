"""DOC-4: every page that generates documents says when a stand-in font is used and how to install the
licensed ones (SHUPING_FONT_DIR) — and says nothing when every GB/T 9704 typeface is there.

The pages are those of `documents.generating`; the URL conf is checked against it (a route that answers
with a document must be listed with the page that offers it). They are visited on the demo year, reached
the way a person reaches them — by clicking from the home page (tests/crawl.py) — as the provincial
organizer's staff and the assessed secretary; every page reached that links to a document route must be a
generating page showing the notice.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse

from shuping.accounts.models import User
from shuping.demo.services import build_demo
from shuping.documents.fonts import FontFace, FontSet, configured_fonts
from shuping.documents.generating import DOCUMENT_ROUTES, GENERATING_PAGES
from tests.crawl import crawl

pytestmark = pytest.mark.req("DOC-4")

NOTICE = "生成的公文使用了替代字体"
# A route answers with a document when its path ends in a document's name or format.
DOCUMENT_PATH = re.compile(r"(\.pdf|\.docx|\.<str:fmt>|\.<docfmt:fmt>|/pack/|/letters/|/forms/)$")
#: Files that are not generated documents: the blank spreadsheet (or CSV) to fill in for an import.
NOT_DOCUMENTS = frozenset({"orgs:import_template"})


def _routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> dict[str, str]:
    """Every named route of the URL conf: view name → its path pattern."""
    out: dict[str, str] = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            out.update(_routes(pattern, prefix + str(pattern.pattern), inner))
        elif pattern.name:
            out[f"{namespace}:{pattern.name}" if namespace else pattern.name] = prefix + str(pattern.pattern)
    return out


def test_every_route_that_answers_with_a_document_is_listed_with_the_page_offering_it():
    routes = _routes()
    documents = {name for name, path in routes.items() if DOCUMENT_PATH.search(path)} - NOT_DOCUMENTS
    assert documents, "the pattern matches no route"
    assert documents - DOCUMENT_ROUTES.keys() == set()
    # Every name of the registry is a route of the URL conf.
    assert DOCUMENT_ROUTES.keys() <= routes.keys()
    assert GENERATING_PAGES <= routes.keys()


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.targets.append(a["href"])
        elif tag == "form" and a.get("action"):
            self.targets.append(a["action"])


def _document_links(html: str) -> set[str]:
    parser = _Hrefs()
    parser.feed(html)
    found = set()
    for target in parser.targets:
        try:
            name = resolve(urlsplit(target).path).view_name
        except Resolver404:
            continue
        if name in DOCUMENT_ROUTES:
            found.add(name)
    return found


def _complete_fonts() -> FontSet:
    def face(family: str) -> FontFace:
        return FontFace(family, "/fonts/x.ttf")

    return FontSet(
        title=face("方正小标宋简体"),
        body=face("仿宋_GB2312"),
        heading=face("黑体"),
        kai=face("楷体_GB2312"),
        fallbacks=(),
        dirs=(),
    )


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(scale="small")
        yield
        transaction.set_rollback(True)


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.slow
@pytest.mark.django_db
def test_every_generating_page_shows_the_stand_in_notice_and_none_when_the_fonts_are_complete(demo_year):
    stand_ins = configured_fonts().stand_ins()
    assert stand_ins, "this machine has free fonts only: the notice must show"
    visited: dict[str, str] = {}
    for username in ("sheng_zuzhi", "shuji"):
        client = _signed_in(username)
        result = crawl(client, set(GENERATING_PAGES), budget=350, per_route=2)
        assert not result.errors, result.errors
        for route, url in result.reached.items():
            response = client.get(url)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            offered = _document_links(html)
            if route in GENERATING_PAGES or offered:
                # A page linking to a document route is a generating page (documents/generating.py).
                assert route in GENERATING_PAGES, (route, offered)
                assert NOTICE in html and "SHUPING_FONT_DIR" in html, route
                for item in stand_ins:
                    assert f"应为{item.wanted}，现用 {item.used}" in html, (route, item)
                with mock.patch("shuping.documents.fonts.configured_fonts", _complete_fonts):
                    assert NOTICE not in client.get(url).content.decode(), route
                visited.setdefault(route, url)
            else:
                assert NOTICE not in html, route
    # Where the demo year has one, each generating page was visited.
    missing = GENERATING_PAGES - visited.keys()
    assert missing <= UNREACHED_IN_DEMO, sorted(missing - UNREACHED_IN_DEMO)


#: Generating pages the demo year has none of (visited below on a world of their own).
UNREACHED_IN_DEMO: frozenset[str] = frozenset({"oversight:report"})


@pytest.mark.django_db
def test_the_upward_report_page_shows_the_notice(world):
    from shuping.accounts.choices import Role
    from shuping.accounts.models import RoleGrant
    from shuping.oversight import services
    from shuping.oversight.tests.builders import decided, opened
    from tests.personas import _user

    staff = _user("pref-staff", "甲市委组织部 干事")
    RoleGrant.objects.create(
        user=staff, role=Role.ORGANIZER_STAFF, organization=world.prefecture, include_subtree=True
    )
    report = services.draft_upward_report(actor=None, campaign=decided(opened(world.county, 2024)))
    services.update_upward_report(actor=None, report=report, problems_text="问题一。")
    report = services.submit_upward_report(actor=None, report=report)
    client = Client()
    client.force_login(staff)
    url = reverse("oversight:report", args=[report.pk])
    html = client.get(url).content.decode()
    assert _document_links(html) == {"oversight:report_file"}
    assert NOTICE in html and "SHUPING_FONT_DIR" in html
    with mock.patch("shuping.documents.fonts.configured_fonts", _complete_fonts):
        assert NOTICE not in client.get(url).content.decode()


@pytest.mark.req("DOC-4")
def test_a_refused_write_drawing_its_generating_page_again_keeps_the_notice(rf):
    """A refused 印发 draws the 通报 page again from the write's own route (core.forms.handle_form): the
    notice follows the page the route hangs under; a GET of another page, or a write under one, gets none."""
    from shuping.documents.context_processors import font_notice

    assert configured_fonts().stand_ins(), "this machine has free fonts only: the notice must show"

    def notice(method: str, path: str) -> dict:
        request = getattr(rf, method)(path)
        request.resolver_match = resolve(path)
        return font_notice(request)

    assert "font_notice" in notice("post", "/feedback/campaigns/1/circulars/publish/")
    assert "font_notice" in notice("get", "/feedback/campaigns/1/circulars/")
    assert notice("get", "/feedback/campaigns/1/circulars/publish/") == {}
    assert notice("post", "/reports/") == {}
