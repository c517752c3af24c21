"""The upper level's calendar of lower meetings as a month grid with htmx month navigation, the table kept
as a list view (CMP-7)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuping.campaigns import cascade, rules, services
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization


def test_month_helpers():
    assert rules.parse_month("2025-01") == (2025, 1) and rules.parse_month("2025-13") is None
    assert rules.parse_month("x") is None and rules.shift_month((2025, 1), -1) == (2024, 12)
    weeks = rules.month_weeks(2025, 1)
    assert weeks[0][0] == date(2024, 12, 30) and all(len(w) == 7 for w in weeks)  # Monday first


@pytest.fixture
def plans(world, province_campaign):
    staff = world.organizer_staff
    notice = cascade.publish_notice(actor=staff, campaign=province_campaign, title="通知")
    lower = services.create_campaign(actor=None, organizer=world.prefecture, year=2024, notice=notice)
    first = cascade.submit_meeting_plan(
        actor=None, campaign=lower, planned_on=date(2025, 1, 10), venue="市委常委会议室"
    )
    cascade.assign_guidance_staff(
        actor=staff, upper_campaign=province_campaign, lower_campaign=lower, user=world.department_leader
    )
    return province_campaign, first


@pytest.mark.req("CMP-7")
def test_month_grid_shows_lower_meetings_and_navigates_by_htmx(world, plans, login):
    campaign, first = plans
    client = login(world.organizer_staff)
    url = reverse("campaigns:calendar", args=[campaign.pk])
    page = client.get(url, {"month": "2025-01"}).content.decode()
    assert "2025 年 1 月" in page and 'class="month"' in page
    assert "甲市委" in page and "市委常委会议室" in page and "组织部 李部长" in page
    assert f"?view=list#plan-{first.pk}" in page
    partial = client.get(url, {"month": "2024-12"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section id="month-grid"') and "2024 年 12 月" in partial
    assert "市委常委会议室" not in partial.split("<h2")[0]  # no shell, no January meeting
    listing = client.get(url, {"view": "list"}).content.decode()
    assert f'id="plan-{first.pk}"' in listing and "派出" in listing
    # A bad month falls back to the meeting period instead of an error.
    assert client.get(url, {"month": "2025-99"}).status_code == 200


@pytest.mark.req("CMP-7", "PERF-5")
def test_month_grid_query_count_does_not_grow_with_plans(world, plans, login):
    campaign, _first = plans
    client = login(world.organizer_staff)
    url = reverse("campaigns:calendar", args=[campaign.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"month": "2025-01"}).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    notice = campaign.notices.get()
    for i in range(4):
        org = create_organization(
            name=f"中共第{i}市委员会",
            code=f"T-C{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.PREFECTURE,
            parent=world.province,
        )
        lower = services.create_campaign(actor=None, organizer=org, year=2024, notice=notice)
        cascade.submit_meeting_plan(
            actor=None, campaign=lower, planned_on=date(2025, 1, 12 + i), venue=f"会议室{i}"
        )
    assert count() == before
