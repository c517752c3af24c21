"""The assessee signs their feedback on a phone (EVA-5): 360×740 in Chromium, from the menu to 签收."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuping.campaigns.tests.test_journey import ARGS, _session_cookie
from shuping.feedback import services

from .builders import decided_campaign

SHOTS = Path(__file__).parent / "screenshots"


@pytest.mark.journey
@pytest.mark.req("EVA-5")
def test_the_assessee_acknowledges_feedback_on_a_phone(transactional_db, world, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    campaign = decided_campaign(world, extra=1)
    assessment = campaign.assessments.get(organization=world.prefecture)
    services.draft_feedback(
        actor=world.organizer_staff,
        assessment=assessment,
        summary="与会同志认为抓基层党建思路清晰、措施有力；希望进一步加强对软弱涣散村党组织的整顿。",
    )
    services.release_feedback(actor=world.organizer_staff, assessment=assessment)
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        context.add_cookies([_session_cookie(world.assessee, live_server)])
        page = context.new_page()
        page.goto(live_server.url + "/feedback/")
        expect(page.get_by_text("待签收")).to_be_visible()
        page.get_by_role("link", name=campaign.title).click()
        expect(page.get_by_role("heading", name="考核反馈")).to_be_visible()
        expect(page.locator(".fb-grade")).to_contain_text("较好")
        page.screenshot(path=str(SHOTS / "feedback-before.png"), full_page=True)
        page.get_by_role("button", name="签收").click()
        expect(page.locator(".fb-done")).to_contain_text("已签收")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"page scrolls sideways on a phone: {width}px"
        page.screenshot(path=str(SHOTS / "feedback-signed.png"), full_page=True)
        browser.close()
    assessment.feedback.refresh_from_db()
    assert assessment.feedback.acknowledged_by == world.assessee
