"""BAL-3 journey: a 30-voter box voted through phone-sized Chromium pages ends with the right tally."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shuping.ballots import selectors, services
from shuping.ballots.tests.factories import make_box

VOTERS = 30
GRADES = ["good", "fairly_good", "average", "poor"]
PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("SHUPING_SCREENSHOT_DIR", "/tmp/shuping-screenshots"))


def grade_for(voter: int, subject_index: int) -> int:
    """Voter i gives subject j grade (i + j) mod 4, skewed so the counts differ per subject."""
    return (voter * (subject_index + 1) + subject_index) % 4 if voter % 5 else 0


@pytest.mark.journey
@pytest.mark.req("BAL-3")
def test_thirty_phones_vote_and_the_tally_is_right(live_server, world, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect, sync_playwright

    box, slips = make_box(world, subjects=3, categories={"市级领导": 10, "部门负责人": 20})
    subjects = list(box.subjects.all())  # display order: on-site section first, then written
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    receipts = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for voter, slip in enumerate(slips[:VOTERS]):
                context = browser.new_context(
                    viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
                )
                page = context.new_page()
                if voter == 0:  # one voter types the code from the slip instead of scanning
                    page.goto(f"{live_server.url}/v/")
                    page.fill("#code", slip.display_code.lower())
                    page.screenshot(path=str(SCREENSHOTS / "vote-360-code.png"))
                    page.click("text=开始投票")
                else:
                    page.goto(f"{live_server.url}/v/#{slip.code}")
                page.wait_for_selector("#step-ballot:not([hidden])")
                assert "#" not in page.url  # the code left the address bar at once
                if voter == 1:  # rating nothing is refused with a Chinese message
                    page.click("text=下一步：核对")
                    assert "未评价" in page.inner_text("#message")
                for index, subject in enumerate(subjects):
                    page.locator(f"#subject-{subject.pk} .grades label").nth(grade_for(voter, index)).click()
                if voter == 0:
                    page.screenshot(path=str(SCREENSHOTS / "vote-360-ballot.png"), full_page=True)
                    width = page.evaluate("document.documentElement.scrollWidth")
                    assert width <= PHONE["width"], "the ballot must not scroll sideways on a 360 px phone"
                page.click("text=下一步：核对")
                page.wait_for_selector("#step-review:not([hidden])")
                if voter == 0:
                    page.screenshot(path=str(SCREENSHOTS / "vote-360-review.png"))
                page.click("#submit")
                page.wait_for_selector("#step-done:not([hidden])")
                receipts.append(page.inner_text("#receipt").strip())
                if voter == 0:
                    page.screenshot(path=str(SCREENSHOTS / "vote-360-done.png"))
                    page.reload()  # a reload keeps showing the receipt, never a second ballot
                    page.wait_for_selector("#step-done:not([hidden])")
                if voter == 2:  # the same slip again, in a fresh phone
                    again = context.browser.new_context(viewport=PHONE).new_page()
                    again.goto(f"{live_server.url}/v/#{slip.code}")
                    again.wait_for_selector("#message:not([hidden])")
                    # Not wait_for_function: a string predicate is eval'd, which the page's CSP forbids.
                    expect(again.locator("#message")).to_contain_text("已投过票")
                    again.screenshot(path=str(SCREENSHOTS / "vote-360-used.png"))
                context.close()
        finally:
            browser.close()

    assert len(set(receipts)) == VOTERS
    services.close_box(actor=world.organizer_staff, box=box)
    result = selectors.box_tally(box)
    assert result.valid_ballots == VOTERS
    for index, subject in enumerate(subjects):
        expected = {g: 0 for g in GRADES}
        for voter in range(VOTERS):
            expected[GRADES[grade_for(voter, index)]] += 1
        assert result.result(str(subject.pk)).grade_counts == expected
