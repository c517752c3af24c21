"""The assessee's rectification page on a phone-sized Chromium page (RCT-1, RCT-2): the list with its sources,
an overdue item, reporting an item done without any upload (Art. 6), no sideways scroll at 360 px."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from shuping.campaigns.tests.test_journey import ARGS, _session_cookie
from shuping.rectification import services

from .builders import campaign_with_problems, prefecture_assessment

SHOTS = Path(__file__).parent / "screenshots"


@pytest.mark.journey
@pytest.mark.req("RCT-1", "RCT-2")
def test_assessee_rectification_page_on_a_phone(transactional_db, world, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    campaign = campaign_with_problems(world, grade="较好")
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    first, second = list(rlist.items.all())
    services.update_item(
        actor=world.liaison,
        item=first,
        problem=first.problem,
        measures="制定专项整治方案，每季度检查一次",
        responsible="陈书记",
        deadline=date(2024, 2, 1),
    )
    services.update_item(
        actor=world.liaison,
        item=second,
        problem=second.problem,
        measures="建立台账，逐村销号",
        responsible="组织部长",
        deadline=timezone.localdate() + timedelta(days=90),
    )
    services.submit_list(actor=world.liaison, rectification_list=rlist)
    services.confirm_list(actor=world.organizer_staff, rectification_list=rlist)
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="zh-CN", device_scale_factor=1
        )
        context.add_cookies([_session_cookie(world.assessee, live_server)])
        page = context.new_page()
        page.goto(live_server.url + f"/rectification/assessments/{assessment.pk}/")
        expect(page.get_by_role("heading", name="整改清单")).to_be_visible()
        expect(page.locator(".rct-item.is-overdue")).to_have_count(1)
        expect(page.locator(".rct-item").first.locator(".rct-chip")).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(SHOTS / "list-phone.png"), full_page=True)
        page.locator(".rct-item-link").nth(1).click()
        page.get_by_label("进展情况").fill("已建立台账，12 个村完成整顿")
        page.get_by_role("button", name="报告完成").click()
        expect(page.locator(".messages")).to_contain_text("等待上级销号")
        expect(page.get_by_role("button", name="销号")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(SHOTS / "item-phone.png"), full_page=True)
        browser.close()
