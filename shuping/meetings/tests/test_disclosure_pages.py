"""DSC-1 in Chromium: what an organizer reads after voting — a stand-alone box whose small categories are
merged (no weighted score), a box with one slip (no line), a 分会场 box that points to the meeting, and the
meeting page's 测评结果 over all boxes, with its category lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuping.ballots import services as ballot_services
from shuping.ballots.tests.factories import make_box
from shuping.meetings import voting
from tests.browser import CHROMIUM_ARGS as ARGS
from tests.browser import session_cookie as _session_cookie

from .conftest import build_scene
from .test_meeting import grade_all, phone_vote, prepare

SHOTS = Path(__file__).parent / "screenshots"


def _vote_all(box, slips, grade_of) -> None:
    for slip in slips:
        session = ballot_services.start_session(code=slip.code)
        ballot_services.submit_ballot(
            token=session.token,
            ratings={str(pk): grade_of(slip) for pk in box.subjects.values_list("id", flat=True)},
        )


@pytest.mark.journey
@pytest.mark.req("DSC-1", "BAL-6", "MTG-2")
def test_suppressed_figures_read_clearly_and_the_meeting_results_stay_useful(
    transactional_db, world, live_server, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    staff = world.organizer_staff
    weighted, slips = make_box(
        world, subjects=2, categories={"领导": 3, "代表": 2}, weights={"领导": 50, "代表": 50}
    )
    _vote_all(weighted, slips, lambda s: "poor" if s is slips[-1] else "good")
    ballot_services.close_box(actor=staff, box=weighted)
    lone, slips = make_box(world, subjects=2, categories={"领导": 1}, title="单张凭条测评")
    _vote_all(lone, slips, lambda s: "poor")
    ballot_services.close_box(actor=staff, box=lone)

    scene = build_scene(world)
    meeting, _plan, _boxes, issued = prepare(scene, world)
    voting.open_voting(actor=staff, meeting=meeting)
    for mb in meeting.boxes.all():
        for n, slip in enumerate(issued[mb.pk]):
            phone_vote(slip.code, grade_all(mb, "good" if n % 3 else "fairly_good"))
    voting.close_voting(actor=staff, meeting=meeting)
    sub = meeting.boxes.get(venue__is_main=False)

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.add_cookies([_session_cookie(staff, live_server)])
        page = context.new_page()
        base = live_server.url

        page.goto(f"{base}/ballots/{weighted.pk}/tally/")
        expect(page.locator("#tally")).to_contain_text("80.00")
        expect(page.locator("#score-note")).to_contain_text("未按类别权重加权")
        expect(page.locator("#by-category")).to_contain_text("合并后即为总体评价")
        page.screenshot(path=str(SHOTS / "dsc-1-merged-categories.png"), full_page=True)

        page.goto(f"{base}/ballots/{lone.pk}/tally/")
        expect(page.locator("#tally")).to_contain_text("不足5票，不单独显示")
        assert "差" not in page.locator("#tally tbody").inner_text()
        page.screenshot(path=str(SHOTS / "dsc-2-one-slip.png"), full_page=True)

        page.goto(f"{base}/ballots/{sub.box.pk}/tally/")
        expect(page.locator("#merged-only")).to_contain_text("合并计票的一部分")
        page.get_by_role("link", name="查看会议合并结果").click()
        results = page.locator("#meeting-results")
        expect(results).to_be_visible()
        # 7 voters rate 陈志远 over three boxes; 林海 (recused) is rated by 6 — both over k, so shown.
        expect(results.locator("tr[data-reporter='陈志远']")).to_contain_text("%")
        expect(results.locator("tr[data-reporter='林海']")).to_contain_text("%")
        page.locator("#results").screenshot(path=str(SHOTS / "dsc-3-meeting-results.png"))
        browser.close()
