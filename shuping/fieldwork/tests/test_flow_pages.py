"""FLOW-4: the field plan page with its checkbox list, in Chromium at 1366 and 360 px."""

from __future__ import annotations

import pytest

from shuping.ballots.tests.test_vote_page import SCREENSHOTS
from tests.browser import launch_chromium, look_at_both_widths

from .test_batch import TOWNSHIPS, county_campaign


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
@pytest.mark.req("FLOW-4", "FLD-1")
def test_the_plan_page_lists_every_uncovered_assessee_as_a_checkbox_on_a_desk_and_a_phone(
    live_server, world, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    campaign, _team = county_campaign(world)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            text = look_at_both_widths(
                browser,
                live_server,
                world.organizer_staff,
                f"/field/campaigns/{campaign.pk}/",
                "flow-field-plan",
                SCREENSHOTS,
            )
        finally:
            browser.close()
    assert f"尚未安排的 {TOWNSHIPS} 个" in text and "为勾选的对象安排实地考核" in text
