"""The meeting day in Chromium (MTG-4, MTG-2): slips printed, reporters called in order, live turnout as
phones vote, voting closed with no tally shown (not announced on the spot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuping.meetings import commentary
from tests.browser import CHROMIUM_ARGS as ARGS
from tests.browser import session_cookie as _session_cookie

from .conftest import build_scene
from .test_meeting import grade_all, phone_vote

SHOTS = Path(__file__).parent / "screenshots"


@pytest.mark.journey
@pytest.mark.req("MTG-4", "MTG-2", "MTG-1")
def test_meeting_day_journey_in_chromium(transactional_db, world, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    from .test_meeting import prepare as _prepare_with_slips  # noqa: F401  (same scene as the service tests)

    scene = build_scene(world)
    staff = world.organizer_staff
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.add_cookies([_session_cookie(staff, live_server)])
        page = context.new_page()
        base = live_server.url
        meeting = scene.meeting
        page.goto(f"{base}/meetings/{meeting.pk}/")
        # Agenda through the page: tick the three reporters.
        page.locator("summary", has_text="调整述职人").click()
        for name in ("陈志远", "林海", "周文"):
            page.get_by_label(name, exact=False).check()
        page.get_by_role("button", name="保存述职人").click()
        expect(page.get_by_text("已保存述职人名单")).to_be_visible()
        # Attendance: 5 committee members at the main venue.
        page.get_by_text("登记参会人员", exact=True).click()
        form = page.locator("form.mini").first
        form.get_by_label("类别").select_option("committee_member")
        form.get_by_label("人数").fill("5")
        form.get_by_role("button", name="保存").click()
        expect(page.get_by_text("已保存参会人员")).to_be_visible()
        page.get_by_role("button", name="按述职人和参会人员建立票箱").click()
        expect(page.get_by_text("已建立测评票箱")).to_be_visible()
        page.get_by_role("button", name="按问题对照表起草点评稿").click()
        expect(page.get_by_text("已起草点评稿")).to_be_visible()
        page.screenshot(path=str(SHOTS / "1-meeting.png"), full_page=True)
        page.get_by_role("button", name="生成并打印凭条").click()
        expect(page.get_by_role("heading", name="投票凭条")).to_be_visible()
        codes = [c.replace("-", "") for c in page.locator(".slip code").all_inner_texts()]
        assert len(codes) == 5
        page.screenshot(path=str(SHOTS / "2-slips.png"), full_page=True)

        page.goto(f"{base}/meetings/{meeting.pk}/day/")
        page.get_by_role("button", name="开始会议").click()
        expect(page.locator(".now-name")).to_contain_text("陈志远")
        page.get_by_role("button", name="开始投票").click()
        expect(page.get_by_text("已开始投票")).to_be_visible()
        box = meeting.boxes.get()
        for code in codes[:3]:
            phone_vote(code, grade_all(box, "good"))
        # The live partial polls every 5 s (htmx, no websockets): turnout appears without a reload.
        expect(page.get_by_text("3 / 5")).to_be_visible(timeout=12000)
        page.screenshot(path=str(SHOTS / "3-day-voting.png"), full_page=True)
        page.get_by_role("button", name="下一位述职").click()
        expect(page.locator(".now-name")).to_contain_text("林海")
        page.get_by_role("button", name="结束投票并封箱").click()
        expect(page.get_by_text("测评结果在党委研究前保密")).to_be_visible()
        page.get_by_role("button", name="会议结束").click()
        expect(page.get_by_text("已召开")).to_be_visible()
        page.screenshot(path=str(SHOTS / "4-day-closed.png"), full_page=True)
        item = meeting.commentaries.filter(commenter__role="presiding").first()
        page.goto(f"{base}/meetings/{meeting.pk}/commentary/{item.pk}/")
        page.get_by_label("点评意见").fill("思路清晰，措施有力。")
        page.get_by_label("努力方向").fill("聚焦软弱涣散党组织整顿。")
        page.get_by_role("button", name="确认定稿").click()
        expect(page.get_by_text("已代马建国录入点评定稿")).to_be_visible()
        page.screenshot(path=str(SHOTS / "5-commentary.png"), full_page=True)
        browser.close()
    assert commentary  # services stay the only writers; the pages called them
