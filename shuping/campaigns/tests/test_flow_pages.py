"""FLOW-5: the schedule step (prefilled quota and weights, past dates warned) and the indicator step
(points flagged) in Chromium at 1366 and 360 px."""

from __future__ import annotations

import pytest

from shuping.ballots.tests.test_vote_page import SCREENSHOTS
from shuping.campaigns import indicators
from shuping.orgs.choices import AdminLevel, OrgKind
from tests.browser import launch_chromium, look_at_both_widths


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
@pytest.mark.req("FLOW-5", "CMP-1", "CMP-4")
def test_the_schedule_and_indicator_steps_on_a_desk_and_a_phone(
    live_server, world, province_campaign, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    indicator_set = indicators.create_set_from_template(
        actor=world.organizer_staff,
        campaign=province_campaign,
        kind=OrgKind.LOCAL_COMMITTEE,
        level=AdminLevel.PREFECTURE,
    )
    indicators.add_indicator(
        actor=world.organizer_staff,
        indicator_set=indicator_set,
        dimension="key_tasks",
        text="推进党建引领基层治理年度重点任务落实",
        weight=10,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            schedule = look_at_both_widths(
                browser,
                live_server,
                world.organizer_staff,
                f"/campaigns/{province_campaign.pk}/schedule/",
                "flow-schedule",
                SCREENSHOTS,
            )
            steps = look_at_both_widths(
                browser,
                live_server,
                world.organizer_staff,
                f"/campaigns/{province_campaign.pk}/indicators/",
                "flow-indicators",
                SCREENSHOTS,
            )
        finally:
            browser.close()
    assert "已按默认值预填" in schedule and "早于今天" in schedule  # 2024's dates are long past
    assert "指标分值合计 110 分，超过总分 100 分" in steps
