"""The oversight dashboard in Chromium (OVS-2): charts drawn by ECharts from the npm package, tables, drill
down to a child, the read-only county campaign; screenshots at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization
from shuping.oversight.tests.builders import advance, decided, opened
from tests.browser import CHROMIUM_ARGS as ARGS
from tests.browser import session_cookie as _session_cookie

SHOTS = Path(__file__).parent / "screenshots"


@pytest.mark.journey
@pytest.mark.req("OVS-2", "OVS-3")
def test_dashboard_journey_in_chromium(transactional_db, world, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    for i in range(3):
        county = create_organization(
            name=f"中共{'东西南'[i]}县委员会",
            short_name=f"{'东西南'[i]}县委",
            code=f"J-C{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.COUNTY,
            parent=world.prefecture,
        )
        for j in range(2 + i):
            create_organization(
                name=f"中共{'东西南'[i]}县{j + 1}镇委员会",
                code=f"J-T{i}{j}",
                kind=OrgKind.TOWNSHIP_COMMITTEE,
                admin_level=AdminLevel.TOWNSHIP,
                parent=county,
            )
        decided(opened(county, 2024), "rectification" if i else "decision")
        campaign = opened(county, 2025)
        for k, a in enumerate(campaign.assessments.order_by("pk")):
            advance(a, ("report", "field", "meeting")[(k + i) % 3])
    decided(opened(world.prefecture, 2024))
    opened(world.province, 2025)
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.add_cookies([_session_cookie(world.organizer_staff, live_server)])
        page = context.new_page()
        page.goto(live_server.url + "/oversight/")
        page.get_by_role("link", name="中共示范省委员会").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("中共示范省委员会")
        expect(page.locator("html")).to_have_attribute("data-charts-ready", "3")
        expect(page.locator("#chart-stages svg")).to_be_visible()
        page.screenshot(path=str(SHOTS / "dashboard-province.png"), full_page=True)
        page.get_by_role("link", name="甲市委").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("中共甲市委员会")
        expect(page.locator("table.data").first).to_contain_text("东县委")
        expect(page.locator("html")).to_have_attribute("data-charts-ready", "3")
        page.screenshot(path=str(SHOTS / "dashboard-prefecture.png"), full_page=True)
        page.locator("a[href*='/oversight/campaigns/']").first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator("main")).to_contain_text("只读")
        assert page.locator("main form").count() == 0
        page.screenshot(path=str(SHOTS / "campaign-read-only.png"), full_page=True)
        phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        phone.add_cookies([_session_cookie(world.organizer_staff, live_server)])
        small = phone.new_page()
        small.goto(live_server.url + f"/oversight/orgs/{world.prefecture.pk}/?year=2025")
        expect(small.locator("html")).to_have_attribute("data-charts-ready", "3")
        width = small.evaluate("document.documentElement.scrollWidth")
        small.screenshot(path=str(SHOTS / "dashboard-phone.png"), full_page=True)
        assert width <= 360 + 1, f"sideways scroll at 360 px: {width}"
        browser.close()
