"""FLOW-5: an indicator set's points checked against its total of 100 — items totalling 110 are flagged
when saved and on the page; back at 100 the flag goes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuping.campaigns import indicators, rules
from shuping.orgs.choices import AdminLevel, OrgKind


@pytest.fixture
def indicator_set(world, province_campaign):
    return indicators.create_set_from_template(
        actor=world.organizer_staff,
        campaign=province_campaign,
        kind=OrgKind.LOCAL_COMMITTEE,
        level=AdminLevel.PREFECTURE,
    )


@pytest.mark.req("FLOW-5", "CMP-4")
def test_points_totalling_110_in_a_100_point_set_are_flagged_on_save_and_on_the_page(
    world, province_campaign, indicator_set, login
):
    client = login(world.organizer_staff)
    url = reverse("campaigns:wizard_indicators", args=[province_campaign.pk])
    page = client.get(url).content.decode()
    assert "指标分值合计 100 分（总分 100 分）" in page and "超过总分" not in page
    saved = client.post(
        url + "add/",
        {
            "indicator_set": indicator_set.pk,
            "dimension": "key_tasks",
            "text": "推进党建引领基层治理年度重点任务落实",
            "weight": "10",
            "method": "",
        },
        follow=True,
    ).content.decode()
    assert "指标分值合计 110 分，超过总分 100 分" in saved  # the save's message, and the set's flag
    assert saved.count("超过总分 100 分") == 2
    # Taking 10 points off another indicator brings the set back to 100: no flag any more.
    other = indicator_set.indicators.exclude(text__startswith="推进党建引领").order_by("-weight").first()
    page = client.post(
        url + "edit/",
        {
            "indicator": other.pk,
            "text": other.text,
            "weight": str(other.weight - 10),
            "scoring_guidance": other.scoring_guidance,
            "method": other.method,
        },
        follow=True,
    ).content.decode()
    assert "超过总分" not in page and "指标分值合计 100 分（总分 100 分）" in page


@pytest.mark.req("FLOW-5", "CMP-4")
def test_the_points_rule_flags_over_and_under_the_total():
    assert "超过总分 100 分" in rules.points_problem(110)
    assert "不足总分 100 分" in rules.points_problem(95.5)
    assert rules.points_problem(100) is None
    assert "110 分" in rules.points_problem(110.0)
