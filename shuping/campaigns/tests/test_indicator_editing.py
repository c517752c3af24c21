"""Editing indicators with the formalism lint live, 加减分 items, and the composite weights per campaign,
copied from last year (CMP-4, CMP-6, EVA-1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from shuping.audit.models import AuditEvent
from shuping.campaigns import indicators, services
from shuping.campaigns.choices import AdjustmentKind, AssessmentMethod, CampaignStatus
from shuping.campaigns.services import CampaignConflict, CampaignError
from shuping.orgs.choices import AdminLevel, OrgKind


@pytest.fixture
def indicator_set(world, province_campaign):
    return indicators.create_set_from_template(
        actor=world.organizer_staff,
        campaign=province_campaign,
        kind=OrgKind.LOCAL_COMMITTEE,
        level=AdminLevel.PREFECTURE,
    )


@pytest.mark.req("CMP-4", "CMP-6")
def test_editing_an_indicator_relints_it_and_a_changed_warning_needs_a_new_reason(world, indicator_set):
    staff = world.organizer_staff
    indicator = indicator_set.indicators.first()
    assert not indicator.lint_warnings
    indicator = indicators.update_indicator(
        actor=staff, indicator=indicator, weight="12.5", scoring_guidance="查阅会议记录，每少开一次扣 1 分"
    )
    assert indicator.weight == Decimal("12.5") and indicator.has_open_warning
    assert indicator.lint_warnings[0]["evidence"].startswith("评分标准：")
    indicator = indicators.update_indicator(
        actor=staff, indicator=indicator, override_reason="本年度专项整治要求"
    )
    assert indicator.lint_override_reason == "本年度专项整治要求" and not indicator.has_open_warning
    # The method alone can trigger the paper warning; the warnings change, so the old reason no longer holds.
    indicator = indicators.update_indicator(
        actor=staff, indicator=indicator, scoring_guidance="", method=AssessmentMethod.REPORT_HEARING
    )
    assert [w["code"] for w in indicator.lint_warnings] == ["paper"] and indicator.has_open_warning
    event = AuditEvent.objects.filter(action="campaigns.indicator.update").last()
    assert event.detail["changed"]["method"] == "report_hearing"
    with pytest.raises(CampaignError, match="不能为空"):
        indicators.update_indicator(actor=staff, indicator=indicator, text="  ")


@pytest.mark.req("CMP-4")
def test_adjustments_are_added_and_removed_and_a_closed_campaign_refuses(
    world, indicator_set, province_campaign
):
    staff = world.organizer_staff
    before = indicator_set.adjustments.count()
    item = indicators.add_adjustment(
        actor=staff,
        indicator_set=indicator_set,
        kind=AdjustmentKind.PENALTY,
        text="发生重大安全事故",
        max_points=5,
    )
    assert indicator_set.adjustments.count() == before + 1
    indicators.remove_adjustment(actor=staff, adjustment=item)
    assert indicator_set.adjustments.count() == before
    province_campaign.status = CampaignStatus.CLOSED
    province_campaign.save()
    with pytest.raises(CampaignConflict):
        indicators.add_adjustment(
            actor=staff, indicator_set=indicator_set, kind=AdjustmentKind.BONUS, text="x", max_points=1
        )
    with pytest.raises(CampaignConflict):
        indicators.update_indicator(actor=staff, indicator=indicator_set.indicators.first(), weight=1)


@pytest.mark.req("CMP-4", "CMP-6")
def test_indicator_page_edits_lints_live_and_manages_adjustments(
    world, indicator_set, province_campaign, login
):
    client = login(world.organizer_staff)
    url = reverse("campaigns:wizard_indicators", args=[province_campaign.pk])
    indicator = indicator_set.indicators.first()
    page = client.get(url).content.decode()
    assert "编辑" in page and "添加加减分项" in page
    live = client.post(
        url + "lint/",
        {"text": indicator.text, "scoring_guidance": "", "method": "document_review"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "第六条" in live and "考核方式：查阅资料" in live
    r = client.post(
        url + "edit/",
        {
            "indicator": indicator.pk,
            "text": indicator.text,
            "weight": "20",
            "scoring_guidance": "走访党员群众",
            "method": "member_visit",
            "override_reason": "",
        },
        follow=True,
    )
    assert "指标已保存" in r.content.decode()
    indicator.refresh_from_db()
    assert indicator.weight == 20 and indicator.method == "member_visit"
    r = client.post(
        url + "adjustments/add/",
        {
            "indicator_set": indicator_set.pk,
            "kind": "bonus",
            "text": "获省级表彰",
            "max_points": "2",
        },
        follow=True,
    )
    assert "获省级表彰" in r.content.decode()
    adjustment = indicator_set.adjustments.get(text="获省级表彰")
    client.post(url + "adjustments/remove/", {"adjustment": adjustment.pk})
    assert not indicator_set.adjustments.filter(text="获省级表彰").exists()


@pytest.mark.req("EVA-1", "CMP-1")
def test_composite_weights_are_set_on_the_schedule_step_and_copied_next_year(world, province_campaign, login):
    client = login(world.organizer_staff)
    url = reverse("campaigns:wizard_schedule", args=[province_campaign.pk])
    assert "综合评价权重" in client.get(url).content.decode()
    dates = {
        "starts_on": "2024-11-20",
        "field_starts_on": "2024-12-01",
        "field_ends_on": "2024-12-20",
        "meetings_start_on": "2025-01-06",
        "meetings_end_on": "2025-01-20",
        "ends_on": "2025-02-20",
        "lower_grades_min_percent": "15",  # required since FLOW-5 (Art. 6)
    }
    r = client.post(
        url, {**dates, "weight_ballot": "30", "weight_field": "40", "weight_observations": "20"}, follow=True
    )
    assert "合计 100" in r.content.decode()
    province_campaign.refresh_from_db()
    assert province_campaign.settings["weights"] == {}
    r = client.post(url, {**dates, "weight_ballot": "30", "weight_field": "40", "weight_observations": "30"})
    assert r.status_code == 302
    province_campaign.refresh_from_db()
    assert province_campaign.settings["weights"] == {
        "ballot": 30,
        "field": 40,
        "observations": 30,
        "report": 0,
        "commentary": 0,
    }
    nxt = services.create_campaign(actor=world.organizer_staff, organizer=world.province, year=2025)
    assert nxt.settings["weights"]["field"] == 40
    page = client.get(reverse("campaigns:wizard_schedule", args=[nxt.pk])).content.decode()
    assert 'name="weight_field" value="40"' in page
    with pytest.raises(CampaignError):
        services.update_settings(actor=None, campaign=nxt, weights={"Ballot!": 100})
