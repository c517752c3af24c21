"""FLOW-5 on the schedule step: the quota and weights prefilled (last year's, else the documented
defaults), a blank quota refused citing Art. 6, dates already past warned about but saved."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shuping.campaigns import rules, services
from shuping.evaluations import selectors as evaluation_selectors

FUTURE = {
    "starts_on": 10,
    "field_starts_on": 20,
    "field_ends_on": 40,
    "meetings_start_on": 50,
    "meetings_end_on": 60,
    "ends_on": 90,
}


def _dates(shift: int = 0) -> dict[str, str]:
    today = timezone.localdate()
    return {k: (today + timedelta(days=v + shift)).isoformat() for k, v in FUTURE.items()}


@pytest.mark.req("FLOW-5", "CMP-1", "EVA-1")
def test_a_first_campaign_is_prefilled_with_the_documented_defaults(world, province_campaign, login):
    client = login(world.organizer_staff)
    page = client.get(reverse("campaigns:wizard_schedule", args=[province_campaign.pk])).content.decode()
    assert 'name="lower_grades_min_percent" value="15"' in page
    assert 'name="weight_ballot" value="30"' in page and 'name="weight_field" value="40"' in page
    assert 'name="weight_observations" value="30"' in page and "已按默认值预填" in page
    # One source: the evaluations app computes with the same defaults the step prefills.
    assert evaluation_selectors.DEFAULT_WEIGHTS == rules.DEFAULT_WEIGHTS
    assert evaluation_selectors.DEFAULT_LOWER_PERCENT == rules.DEFAULT_LOWER_GRADES_MIN_PERCENT == 15


@pytest.mark.req("FLOW-5", "CMP-1")
def test_next_years_step_is_prefilled_with_last_years_rules(world, province_campaign, login):
    services.update_settings(
        actor=world.organizer_staff,
        campaign=province_campaign,
        lower_grades_min_percent=20,
        weights={"ballot": 40, "field": 40, "observations": 20},
    )
    nxt = services.create_campaign(actor=world.organizer_staff, organizer=world.province, year=2025)
    client = login(world.organizer_staff)
    page = client.get(reverse("campaigns:wizard_schedule", args=[nxt.pk])).content.decode()
    assert 'name="lower_grades_min_percent" value="20"' in page and 'name="weight_ballot" value="40"' in page
    assert "沿用 2024 年度的设置" in page and "已按默认值预填" not in page


@pytest.mark.req("FLOW-5", "CMP-1", "EVA-2")
def test_a_blank_quota_is_refused_citing_article_6_and_nothing_is_saved(world, province_campaign, login):
    client = login(world.organizer_staff)
    url = reverse("campaigns:wizard_schedule", args=[province_campaign.pk])
    response = client.post(url, {**_dates(), "lower_grades_min_percent": ""})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400  # the page again, with the error (core.forms.handle_form)
    assert "第六条" in page and "评价为'较好'或以下等次的应占一定比例" in page
    province_campaign.refresh_from_db()
    assert province_campaign.settings["lower_grades_min_percent"] is None
    assert province_campaign.starts_on != date.fromisoformat(_dates()["starts_on"])


@pytest.mark.req("FLOW-5", "CMP-1")
def test_dates_already_past_are_saved_with_a_warning(world, province_campaign, login):
    client = login(world.organizer_staff)
    url = reverse("campaigns:wizard_schedule", args=[province_campaign.pk])
    past = _dates(shift=-30)  # starts_on, field_starts_on and field_ends_on fall before today
    response = client.post(url, {**past, "lower_grades_min_percent": "15"}, follow=True)
    page = response.content.decode()
    province_campaign.refresh_from_db()
    assert province_campaign.starts_on == date.fromisoformat(past["starts_on"])  # saved, not refused
    assert "早于今天" in page and f"启动日期 {past['starts_on']}" in page
    assert f"实地考核开始 {past['field_starts_on']}" in page
    assert f"实地考核结束 {past['field_ends_on']}" not in page and f"结束日期 {past['ends_on']}" not in page
    future = client.post(url, {**_dates(), "lower_grades_min_percent": "15"}, follow=True).content.decode()
    assert "早于今天" not in future


@pytest.mark.req("FLOW-5")
def test_past_dates_names_only_the_dates_before_today():
    today = date(2025, 6, 1)
    got = rules.past_dates({"a": date(2025, 5, 31), "b": today, "c": date(2025, 6, 2), "d": None}, today)
    assert got == ["a"]
