"""The offline venue pages in Chromium (MTG-6): export a sub-venue's pack from the meeting page (secret,
pack file and slips shown once), then import its sealed results file and see the venue marked as back."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from shuping.meetings import offline
from tests.browser import CHROMIUM_ARGS as ARGS
from tests.browser import session_cookie as _session_cookie

from .conftest import build_scene
from .test_meeting import prepare

SHOTS = Path(__file__).parent / "screenshots"


@pytest.mark.journey
@pytest.mark.req("MTG-6")
def test_offline_venue_export_and_import_in_chromium(
    transactional_db, world, live_server, monkeypatch, tmp_path
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    scene = build_scene(world)
    meeting, _plan, _boxes, _slips = prepare(scene, world)
    sub = meeting.boxes.get(venue__is_main=False)
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.add_cookies([_session_cookie(world.organizer_staff, live_server)])
        page = context.new_page()
        page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
        page.locator("summary", has_text="导出离线会场包").click()
        form = page.locator("form", has_text=sub.venue.name).filter(has=page.get_by_role("button"))
        form.get_by_label("笔记本投票地址", exact=False).fill("http://10.0.0.8:8000/v/")
        page.screenshot(path=str(SHOTS / "offline-1-meeting.png"), full_page=True)
        form.get_by_role("button", name="导出离线会场包").click()
        expect(page.get_by_role("heading", name=f"离线会场包：{sub.venue.name}")).to_be_visible()
        secret = page.locator(".secret code").inner_text()
        href = page.get_by_role("link", name="下载离线会场包文件").get_attribute("href")
        pack = json.loads(base64.b64decode(href.split(",", 1)[1]))
        assert len(page.locator(".slip").all()) == 2
        expect(page.get_by_text("该票箱原有的线上凭条已全部作废")).to_be_visible()
        page.screenshot(path=str(SHOTS / "offline-2-export.png"), full_page=True)

        page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
        expect(page.get_by_text("离线投票中，待导入结果")).to_be_visible()
        subjects = [str(s["id"]) for s in pack["payload"]["box"]["subjects"]]
        results = offline.seal_results(
            pack=pack,
            pairing_secret=secret,
            ballots=[("党代表", {s: "good" for s in subjects}), ("党代表", {s: "average" for s in subjects})],
            figures={"issued": 2, "cast": 2, "handed_out": 2, "valid": 2, "spoiled": 0},
        )
        (tmp_path / "results.json").write_bytes(results)
        page.get_by_label("离线会场结果文件").set_input_files(str(tmp_path / "results.json"))
        page.get_by_role("button", name="导入离线会场结果").click()
        expect(page.get_by_text("已计入本次会议的测评汇总")).to_be_visible()
        expect(page.get_by_text("已离线投票，结果已导入")).to_be_visible()
        page.screenshot(path=str(SHOTS / "offline-3-imported.png"), full_page=True)
        browser.close()
