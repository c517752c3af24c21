"""The campaign wizard end to end in Chromium (CMP-1, CMP-2, CMP-4, CMP-6): year → scope → indicators → schedule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shuping.orgs.services import create_person, create_secretaryship
from tests.browser import CHROMIUM_ARGS as ARGS
from tests.browser import session_cookie as _session_cookie

SHOTS = Path(__file__).parent / "screenshots"


@pytest.mark.journey
@pytest.mark.req("CMP-1", "CMP-2", "CMP-4", "CMP-6")
def test_wizard_journey_in_chromium(transactional_db, world, live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls below are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    person = create_person(actor=None, name="陈书记", user=world.assessee)
    create_secretaryship(
        actor=None, person=person, organization=world.prefecture, started_on=date(2024, 9, 1)
    )
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.add_cookies([_session_cookie(world.organizer_staff, live_server)])
        page = context.new_page()
        page.goto(live_server.url + "/campaigns/")
        page.get_by_role("link", name="开展年度述职评议考核").click()
        page.get_by_label("考核年度").fill("2024")
        page.screenshot(path=str(SHOTS / "1-year.png"), full_page=True)
        page.get_by_role("button", name="下一步：审核考核对象").click()
        page.get_by_role("button", name="生成建议名单").click()
        expect(page.get_by_text("中共甲市委员会").first).to_be_visible()
        expect(page.get_by_text("任职不满半年").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "2-scope.png"), full_page=True)
        row = page.locator("tr", has_text="中共甲市委员会")
        row.get_by_placeholder("处理理由").fill("任职不满半年，只述职不定等次")
        row.get_by_role("button", name="维持").click()
        expect(page.get_by_text("待确定是否定等")).to_have_count(0)
        page.get_by_role("button", name="确认考核对象名单").click()
        expect(page.get_by_text("考核对象名单已确认").first).to_be_visible()
        page.get_by_role("link", name="下一步：考核指标").click()
        page.locator("select[name=kind]").select_option("local_committee")
        page.locator("select[name=level]").select_option("prefecture")
        page.get_by_role("button", name="生成").click()
        field = page.locator("form.add-indicator:not(.add-adjustment) input[name=text]").first
        field.fill("全年召开党建工作会议次数不少于4次")
        expect(page.locator(".lint-live .lint-warning").first).to_contain_text("第六条")
        page.screenshot(path=str(SHOTS / "3-indicators.png"), full_page=True)
        page.get_by_role("link", name="下一步：时间安排").click()
        page.get_by_label("“较好”及以下等次至少占比（%）").fill("15")
        page.screenshot(path=str(SHOTS / "4-schedule.png"), full_page=True)
        page.get_by_role("button", name="保存并完成").click()
        expect(page.get_by_text("时间安排已保存")).to_be_visible()
        expect(page.get_by_text("进入“实地考核”")).to_be_visible()
        page.screenshot(path=str(SHOTS / "5-board.png"), full_page=True)
        browser.close()
