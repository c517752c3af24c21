"""A journey types no address but the home page and what a person opens from outside the site (FLOW-1).

Checked without a browser: `Actor.visit` refuses before it opens anything, so a journey that regresses to
typing `/campaigns/…` fails at once instead of hiding a missing link.
"""

from __future__ import annotations

import pytest

from .conftest import Actor


class _NoBrowser:
    """Stands in for an Actor whose page must never be asked to open a refused address."""

    base = "http://testserver"
    phone = False

    class page:
        opened: list[str] = []

        @classmethod
        def goto(cls, url):
            cls.opened.append(url)

        @staticmethod
        def wait_for_load_state(state):
            return None

    def check(self):
        return None


@pytest.mark.req("FLOW-1")
@pytest.mark.parametrize(
    "path",
    [
        "/campaigns/",
        "/campaigns/12/",
        "/reports/assessments/3/",
        "/meetings/4/day/",
        "/ballots/5/paper/",
        "/oversight/orgs/2/?year=2024",
        "/audit/",
        "//evil.example/",
        "/v/../campaigns/",
    ],
)
def test_a_journey_cannot_type_a_pages_address(path):
    actor = _NoBrowser()
    _NoBrowser.page.opened.clear()
    with pytest.raises(AssertionError, match="click your way"):
        Actor.visit(actor, path)
    assert _NoBrowser.page.opened == []


@pytest.mark.req("FLOW-1")
@pytest.mark.parametrize("path", ["/", "/v/", "/v/#ABCD2345EF", "/accounts/login/", "/p/3kT9xQ/"])
def test_the_home_page_the_voters_slip_the_login_and_public_pages_may_be_typed(path):
    actor = _NoBrowser()
    _NoBrowser.page.opened.clear()
    Actor.visit(actor, path)
    assert _NoBrowser.page.opened == [f"http://testserver{path}"]
