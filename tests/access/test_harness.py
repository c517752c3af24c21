"""SEC-2 / REL-3: every route × every persona, as docs/permissions.md states it."""

from __future__ import annotations

from typing import Any

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


@pytest.mark.req("SEC-2", "REL-3", "INT-3")
@pytest.mark.parametrize("row", ROWS, ids=[f"{r.case}:{r.method}" for r in ROWS])
def test_matrix_row(row: harness.MatrixRow, world):
    """Each persona gets the status the matrix states; and on a write route (INT-3), a request that wrote
    anything to a domain table left an audit row naming that persona as actor."""
    registry = harness.target_registry()
    path = harness.resolve_path(row.path, world, registry)
    failures = []
    for persona, expected in row.expected.items():
        client = Client()
        user = None
        if persona != "anonymous":
            user = world.users[persona]
            client.force_login(user)
        response: Any
        if row.method == "GET":
            response = client.generic(row.method, path)
        else:
            response, unaudited = harness.request_and_check_audit(client, row.method, path, user)
            if unaudited:
                failures.append(f"{persona}: wrote {', '.join(unaudited)} without an audit row naming them")
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


# --- the write check itself must fail on an unaudited write (INT-3) ---------------------------------------


def _unaudited_write(request):
    from django.contrib.auth.models import Group
    from django.http import HttpResponse

    Group.objects.create(name="未审计的写入")
    return HttpResponse("ok")


def _audited_write(request):
    from django.contrib.auth.models import Group
    from django.http import HttpResponse

    from shuping.audit.services import record

    group = Group.objects.create(name=f"已审计的写入 {Group.objects.count()}")
    record(actor=request.user, action="probe.create", target=group)
    return HttpResponse("ok")


@pytest.mark.req("INT-3")
def test_the_write_check_catches_a_write_without_an_audit_row(world, settings):
    from django.urls import clear_url_caches, include, path

    import config.urls

    module = type(pytest)("tests.access._write_probe_urls")
    module.urlpatterns = [
        path("w/bad/", _unaudited_write),
        path("w/good/", _audited_write),
        path("", include(config.urls.urlpatterns)),
    ]
    import sys

    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    try:
        clear_url_caches()
        client = Client()
        user = world.users["organizer_staff"]
        client.force_login(user)
        _response, unaudited = harness.request_and_check_audit(client, "POST", "/w/bad/", user)
        assert unaudited == ["auth_group"]
        _response, unaudited = harness.request_and_check_audit(client, "POST", "/w/good/", user)
        assert unaudited == []
        # An audit row by someone else does not count for this persona.
        other = world.users["outsider"]
        _response, unaudited = harness.request_and_check_audit(client, "POST", "/w/good/", other)
        assert unaudited == ["auth_group"]
    finally:
        del sys.modules[module.__name__]
        clear_url_caches()
