"""SEC-2 / REL-3: every route × every persona, as docs/permissions.md states it."""

from __future__ import annotations

import pytest
from django.test import Client

from shuping.core.access import public
from tests.access import harness

ROWS = harness.load_matrix()


@pytest.mark.req("SEC-2")
def test_every_route_is_declared_and_in_the_matrix():
    routes = harness.collect_routes()
    undeclared = harness.undeclared(routes)
    assert not undeclared, "routes without an access declaration: " + ", ".join(
        f"{r.name} ({r.pattern})" for r in undeclared
    )
    missing = harness.missing_from_matrix(routes, ROWS)
    assert not missing, "routes without rows in docs/permissions.md: " + ", ".join(
        f"{r.name} ({r.pattern})" for r in missing
    )
    stale = harness.stale_rows(routes, ROWS)
    assert not stale, "rows in docs/permissions.md for routes that do not exist: " + ", ".join(
        f"line {row.line}: {row.case}" for row in stale
    )


@pytest.mark.req("SEC-2", "REL-3")
@pytest.mark.parametrize("row", ROWS, ids=[f"{r.case}:{r.method}" for r in ROWS])
def test_matrix_row(row: harness.MatrixRow, world):
    registry = harness.target_registry()
    path = harness.resolve_path(row.path, world, registry)
    failures = []
    for persona, expected in row.expected.items():
        client = Client()
        if persona != "anonymous":
            client.force_login(world.users[persona])
        response = client.generic(row.method, path)
        if response.status_code != expected:
            failures.append(f"{persona}: expected {expected}, got {response.status_code}")
    assert not failures, f"{row.case} {row.method} {path}: " + "; ".join(failures)


# --- the harness itself: it must fail when a route without scoping is added --------------------------


def _undeclared_view(request):  # a view someone forgot to scope
    raise AssertionError("never called")


@public("harness self-test")
def _declared_view(request):
    raise AssertionError("never called")


@pytest.mark.req("SEC-2")
def test_harness_catches_a_new_route_without_declaration(settings):
    from django.urls import clear_url_caches, include, path

    import config.urls

    module = type(config)("tests.access._probe_urls")
    module.urlpatterns = [
        path("", include(config.urls.urlpatterns)),
        path("probe/forgot/", _undeclared_view, name="probe-forgot"),
        path("probe/declared/", _declared_view, name="probe-declared"),
    ]
    import sys

    sys.modules[module.__name__] = module
    try:
        clear_url_caches()
        routes = harness.collect_routes(module.__name__)
        assert [r.name for r in harness.undeclared(routes)] == ["probe-forgot"]
        # Declared but absent from the matrix: caught by the second check.
        missing = {r.name for r in harness.missing_from_matrix(routes, ROWS)}
        assert {"probe-forgot", "probe-declared"} <= missing
    finally:
        del sys.modules[module.__name__]
        clear_url_caches()


def test_matrix_parser_reads_rows_and_rejects_ragged_ones():
    text = "\n".join(
        [
            "| " + " | ".join(harness.HEADER) + " |",
            "|" + "---|" * len(harness.HEADER),
            "| core:home | GET | / | 302 | 200 | 200 | 200 | 200 | 200 | 200 | 200 | 200 | 200 |",
        ]
    )
    rows = harness.parse_matrix(text)
    assert rows[0].route_name == "core:home" and rows[0].expected["anonymous"] == 302
    with pytest.raises(ValueError):
        harness.parse_matrix(text + "\n| core:home | GET | / | 302 |")
