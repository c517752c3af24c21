"""Pages: the wizard end to end through the test client, the stage board's Chinese blockers, EVA-9 on the
assessment page, and constant query counts (PERF-5)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuping.campaigns import services
from shuping.campaigns.choices import Stage
from shuping.campaigns.models import Campaign
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization, create_person, create_secretaryship


@pytest.mark.req("CMP-1", "CMP-2", "CMP-4", "CMP-6")
def test_wizard_end_to_end(world, secretaries, login):
    client = login(world.organizer_staff)
    r = client.post(reverse("campaigns:wizard_start"), {"organizer": world.province.pk, "year": 2024})
    campaign = Campaign.objects.get(organizer=world.province, year=2024)
    assert r.status_code == 302 and r["Location"] == reverse("campaigns:wizard_scope", args=[campaign.pk])
    scope_url = reverse("campaigns:wizard_scope", args=[campaign.pk])
    r = client.post(scope_url + "propose/", {}, HTTP_HX_REQUEST="true", follow=True)
    assert (
        r.status_code == 200
        and "中共甲市委员会" in r.content.decode()
        and "第三条第二款" in r.content.decode()
    )
    r = client.post(scope_url + "confirm/", {}, follow=True)
    assert "考核对象名单已确认" in r.content.decode()
    ind_url = reverse("campaigns:wizard_indicators", args=[campaign.pk])
    client.post(ind_url + "template/", {"kind": OrgKind.LOCAL_COMMITTEE, "level": AdminLevel.PREFECTURE})
    s = campaign.indicator_sets.get()
    r = client.post(ind_url + "lint/", {"text": "召开党建工作会议次数"}, HTTP_HX_REQUEST="true")
    assert "第六条" in r.content.decode()
    r = client.post(
        ind_url + "add/",
        {
            "indicator_set": s.pk,
            "dimension": "key_tasks",
            "text": "印发党建文件数量",
            "weight": "5",
            "method": "",
        },
        follow=True,
    )
    assert "形式主义提示" in r.content.decode()
    r = client.post(
        reverse("campaigns:wizard_schedule", args=[campaign.pk]),
        {
            "starts_on": "2024-11-20",
            "field_starts_on": "2024-12-01",
            "field_ends_on": "2024-12-20",
            "meetings_start_on": "2025-01-06",
            "meetings_end_on": "2025-01-20",
            "ends_on": "2025-02-20",
            "lower_grades_min_percent": "15",
        },
    )
    assert r.status_code == 302
    campaign.refresh_from_db()
    assert campaign.settings["lower_grades_min_percent"] == 15 and campaign.field_ends_on == date(
        2024, 12, 20
    )
    r = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert "进入“实地考核”" in r.content.decode()


@pytest.mark.req("CMP-1")
def test_board_shows_blockers_in_chinese_and_a_skip_is_refused(world, province_campaign, login):
    client = login(world.organizer_staff)
    body = client.get(reverse("campaigns:detail", args=[province_campaign.pk])).content.decode()
    assert "考核对象名单尚未确认" in body
    services.confirm_scope(actor=world.organizer_staff, campaign=province_campaign)
    a = province_campaign.assessments.get()
    r = client.post(
        reverse("campaigns:assessment_stage", args=[a.pk]), {"to_stage": Stage.DECISION}, follow=True
    )
    assert "不能跳过" in r.content.decode()
    a.refresh_from_db()
    assert a.stage == Stage.REPORT


@pytest.mark.req("EVA-9", "SEC-2")
def test_confidential_results_are_hidden_from_assessee_and_liaison_before_decision(
    world, province_campaign, login
):
    services.confirm_scope(actor=world.organizer_staff, campaign=province_campaign)
    a = province_campaign.assessments.get()
    url = reverse("campaigns:assessment", args=[a.pk])
    for user in (world.assessee, world.liaison):
        assert "仅对组织部门承办人员和部门领导可见" in login(user).get(url).content.decode()
    assert "综合评价尚未形成" in login(world.organizer_staff).get(url).content.decode()


@pytest.mark.req("PERF-5")
def test_list_and_board_query_counts_do_not_grow_with_data(world, secretaries, login):
    staff = world.organizer_staff
    campaign = services.create_campaign(actor=staff, organizer=world.province, year=2024)
    services.apply_scope_proposal(actor=staff, campaign=campaign)
    client = login(staff)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [
        reverse("campaigns:list"),
        reverse("campaigns:detail", args=[campaign.pk]),
        reverse("campaigns:wizard_scope", args=[campaign.pk]),
    ]
    before = [count(u) for u in urls]
    for i in range(6):
        org = create_organization(
            name=f"中共第{i}市委员会",
            code=f"T-P{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.PREFECTURE,
            parent=world.province,
        )
        person = create_person(actor=None, name=f"书记{i}")
        create_secretaryship(actor=None, person=person, organization=org, started_on=date(2018, 1, 1))
    services.apply_scope_proposal(actor=staff, campaign=campaign)
    services.create_campaign(actor=staff, organizer=world.province, year=2023)
    assert campaign.assessments.count() == 7
    assert [count(u) for u in urls] == before
