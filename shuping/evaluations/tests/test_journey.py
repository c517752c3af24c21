"""The calibration screen in Chromium (EVA-2): groups against the rule, how many must move, proposals."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuping.campaigns.tests.test_journey import ARGS, _session_cookie
from shuping.evaluations import providers, services
from shuping.evaluations.providers import Value

from .builders import campaign_at_evaluation

SHOTS = Path(__file__).parent / "screenshots"


@pytest.mark.journey
@pytest.mark.req("EVA-2", "EVA-1")
def test_calibration_screen_in_chromium(transactional_db, world, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    campaign = campaign_at_evaluation(world, extra=6)
    ballots = {a.pk: 98 - 5 * i for i, a in enumerate(campaign.assessments.order_by("organization_path"))}
    ballots[max(ballots)] = 99  # last in the tree, top of the ballot: disagrees with the field

    @providers.provider("ballot", label="民主评议")
    def ballot(assessment):
        return Value(score=ballots.get(assessment.pk))

    @providers.provider("field", label="实地考核")
    def field(assessment):
        return Value(score=100 - ballots.get(assessment.pk, 80) + 60 if assessment.pk == max(ballots) else 90)

    try:
        services.compute_composites(actor=world.organizer_staff, campaign=campaign)
    finally:
        from shuping.evaluations import components

        providers.batch_provider("ballot", label="民主评议")(components.ballot_component)
        providers.batch_provider("field", label="实地考核")(components.field_component)
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.add_cookies([_session_cookie(world.organizer_staff, live_server)])
        page = context.new_page()
        page.goto(live_server.url + f"/evaluations/campaigns/{campaign.pk}/")
        expect(page.get_by_role("heading", name="综合评价与等次校准")).to_be_visible()
        page.get_by_role("button", name="未提出的按建议等次提出").click()
        group = page.locator(".eva-group").first
        expect(group).to_contain_text("应不少于")
        expect(page.locator(".eva-flag").first).to_contain_text("各来源排名差异较大")
        page.screenshot(path=str(SHOTS / "calibration.png"), full_page=True)
        browser.close()
