"""A team member plans, visits and records on a 360×740 Chromium page, including a draft made offline and
submitted after the network comes back; the field score appears (FLD-1, FLD-2, FLD-5). Screenshots in
screenshots/ were looked at."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuping.campaigns.tests.test_journey import ARGS, _session_cookie
from shuping.fieldwork.models import FieldRecord, IndicatorScore, SiteVisit

from .conftest import build_field

SHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 360, "height": 740}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.journey
@pytest.mark.req("FLD-1", "FLD-2", "FLD-5")
def test_team_member_records_online_and_offline_on_a_phone(transactional_db, world, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    field = build_field(world)
    indicators = list(field.fa.indicator_set.indicators.order_by("position", "pk"))
    first, second, third = indicators[1], indicators[2], indicators[4]
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        # The organizer's staff look at the plan on a phone.
        staff = browser.new_context(viewport=PHONE, locale="zh-CN")
        staff.add_cookies([_session_cookie(world.organizer_staff, live_server)])
        page = staff.new_page()
        page.goto(f"{live_server.url}/field/campaigns/{field.campaign.pk}/")
        expect(page.get_by_text("第一考核组").first).to_be_visible()
        expect(page.get_by_text("种子 20241215")).to_be_visible()
        assert _no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / "1-plan-staff.png"), full_page=True)
        staff.close()

        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        context.add_cookies([_session_cookie(field.member, live_server)])
        page = context.new_page()
        page.goto(f"{live_server.url}/field/")
        page.get_by_role("link", name="中共甲市委员会").click()
        expect(page.get_by_text("考核表：")).to_contain_text("共 7 项")
        assert _no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / "2-plan-phone.png"), full_page=True)

        # Online: a site visit and a talk, one indicator scored on what was seen.
        page.locator("#f-unit").select_option(index=1)
        page.get_by_label("地点").fill("一区党群服务中心")
        page.get_by_label("看到的具体情况").fill("便民窗口有人值守，公开栏列出今年为群众办成的 12 件实事")
        page.locator("input[name=members_count]").fill("3")
        page.locator("input[name=masses_count]").fill("5")
        page.locator("input[name=categories][value=masses]").check()
        page.get_by_label("听到的主要情况").fill("群众说村里路灯修好了，办事不用跑镇上")
        page.locator(f"#s-{first.pk}").fill("90")
        page.locator(f"input[name=ev_{first.pk}][value=new_visit]").check()
        # Only the ledger on a site indicator: the Art. 6 warning shows before anything is sent.
        page.locator(f"#s-{second.pk}").fill("95")
        page.locator(f"input[name=ev_{second.pk}][value=document_review]").check()
        warning = page.locator(f".fw-item[data-indicator='{second.pk}'] .fw-live")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("第六条")
        page.screenshot(path=str(SHOTS / "3-warning.png"), full_page=True)
        page.locator(f"input[name=ev_{second.pk}][value=new_talk]").check()
        expect(warning).to_be_hidden()
        page.get_by_role("button", name="提交记录").click()
        expect(page.locator(".fw-total")).not_to_have_text("—")
        page.wait_for_load_state()
        assert FieldRecord.objects.count() == 1
        page.screenshot(path=str(SHOTS / "4-after-online.png"), full_page=True)

        # Offline: the network dies in the village; the draft waits on the phone.
        context.set_offline(True)
        page.get_by_label("地点").fill("三区某村活动室")
        page.get_by_label("看到的具体情况").fill("活动室门锁着，群众说平时很少开放")
        page.locator(f"#s-{third.pk}").fill("60")
        page.locator(f"input[name=ev_{third.pk}][value=new_visit]").check()
        page.get_by_role("button", name="提交记录").click()
        expect(page.locator("#fw-status")).to_have_text("草稿已保存在本机，联网后提交。")
        expect(page.locator("#fw-drafts")).to_be_visible()
        assert FieldRecord.objects.count() == 1
        assert _no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / "5-offline-draft.png"), full_page=True)

        # Back online: the draft goes by itself, once.
        context.set_offline(False)
        expect(page.locator("#fw-drafts")).to_be_hidden(timeout=10_000)
        page.wait_for_load_state()
        expect(page.get_by_text("三区某村活动室").first).to_be_visible(timeout=10_000)
        assert FieldRecord.objects.count() == 2 and SiteVisit.objects.count() == 2
        assert IndicatorScore.objects.filter(field_assessment=field.fa).count() == 3
        expect(page.locator(".fw-total")).to_have_text("83.6")  # (20×90 + 20×95 + 15×60) / 55
        assert (
            page.evaluate(
                "Object.keys(JSON.parse(localStorage.getItem('shuping.fieldDrafts') || '{}')).length"
            )
            <= 1
        )
        page.locator("#score").screenshot(path=str(SHOTS / "6-score.png"))
        page.screenshot(path=str(SHOTS / "7-after-sync.png"), full_page=True)
        browser.close()
