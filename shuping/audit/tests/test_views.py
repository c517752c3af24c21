"""The read-only audit page: the audit administrator only (SEC-1 三员分立, SEC-4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuping.audit.models import AuditEvent, ChainHead, Checkpoint
from shuping.audit.services import record
from shuping.audit.verify import verify_chain
from shuping.core.navigation import items_for
from tests.personas import PERSONAS

from .conftest import frozen_at

URL = "/audit/"


def test_the_page_is_named_audit_list():
    assert reverse("audit:list") == URL


@pytest.mark.req("SEC-4", "SEC-1")
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "audit_admin"])
def test_the_audit_page_is_forbidden_to_everyone_but_the_audit_administrator(world, client, persona):
    client.force_login(world.users[persona])
    assert client.get(URL).status_code == 403


@pytest.mark.req("SEC-4")
def test_the_audit_administrator_reads_the_log_in_chinese(world, client):
    record(
        actor=world.organizer_staff,
        action="meetings.record_commentary",
        target=world.county,
        on_behalf_of="县委书记 张三",
        detail={"words": 812},
    )
    client.force_login(world.audit_admin)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "审计日志",
        "组织科 王干事",
        "县委书记 张三",
        "meetings.record_commentary",
        "中共乙县委员会",
        "成功",
    ):
        assert text in page


def test_anonymous_visitors_are_sent_to_sign_in(db, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.req("SEC-4")
def test_the_page_cannot_change_anything(world, client):
    record(actor=world.organizer_staff, action="orgs.create")
    client.force_login(world.audit_admin)
    assert client.post(URL, {"action": "orgs.delete"}).status_code == 405
    assert verify_chain().ok


@pytest.mark.req("SEC-4")
def test_the_audit_tables_are_not_in_django_admin():
    for model in (AuditEvent, ChainHead, Checkpoint):
        assert not admin.site.is_registered(model)


@pytest.mark.req("SEC-4")
def test_only_the_audit_administrator_sees_the_menu_entry(world):
    for persona, user in world.users.items():
        names = [item["name"] for item in items_for(user)]
        assert ("audit:list" in names) == (persona == "audit_admin"), persona


def _filtered(client, **query) -> list[int]:
    response = client.get(URL, query)
    assert response.status_code == 200
    return [event.sequence for event in response.context["page"].object_list]


def test_filters_by_action_prefix_actor_and_day(world, client):
    base = AuditEvent.objects.count()  # building the world is audited too
    with frozen_at(timezone.now() - timedelta(days=3)):
        record(actor=world.organizer_staff, action="reports.submit")
    record(actor=world.department_leader, action="campaigns.open")
    record(actor=world.organizer_staff, action="reports.update")
    client.force_login(world.audit_admin)
    assert _filtered(client)[:3] == [base + 3, base + 2, base + 1]
    assert _filtered(client, action="reports.") == [base + 3, base + 1]
    assert _filtered(client, actor="李部长") == [base + 2]
    today = timezone.localdate()
    recent = _filtered(client, date_from=today.isoformat())
    assert recent[:2] == [base + 3, base + 2]
    assert base + 1 not in recent
    assert _filtered(client, date_to=(today - timedelta(days=1)).isoformat()) == [base + 1]


def test_bad_filter_input_gives_a_message_not_an_error(world, client):
    record(actor=world.organizer_staff, action="orgs.create")
    client.force_login(world.audit_admin)
    response = client.get(URL, {"date_from": "昨天", "date_to": "2025-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.get(URL, {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_pages_of_fifty_newest_first(world, client):
    for n in range(55):
        record(actor=world.organizer_staff, action="orgs.update", detail={"n": n})
    total = AuditEvent.objects.count()
    client.force_login(world.audit_admin)
    first = _filtered(client)
    assert first == list(range(total, total - 50, -1))
    assert _filtered(client, page=2) == list(range(total - 50, 0, -1))
    assert _filtered(client, page="abc") == first


def test_the_query_count_does_not_grow_with_the_log(world, client):
    client.force_login(world.audit_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    for _ in range(3):
        record(actor=world.organizer_staff, action="orgs.update")
    few = queries()
    for _ in range(40):
        record(actor=world.department_leader, action="orgs.update")
    assert queries() == few
