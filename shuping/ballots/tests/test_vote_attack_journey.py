"""DSC-3/DSC-4 journey on a 360 px phone: a code in a query string, a slip opened on two phones, and the
receipt checked on the published list after sealing."""

from __future__ import annotations

import pytest

from shuping.ballots import services
from shuping.ballots.tests.factories import make_box

from .test_vote_page import CHROMIUM_ARGS, PHONE, SCREENSHOTS


@pytest.mark.journey
@pytest.mark.req("DSC-3", "DSC-4")
def test_a_voter_moves_a_slip_to_another_phone_and_checks_the_receipt_after_sealing(
    live_server, world, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect, sync_playwright

    box, slips = make_box(world, subjects=2, categories={"市级领导": 5})
    slip = slips[0]
    subjects = list(box.subjects.all())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            phone = dict(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
            first = browser.new_context(**phone).new_page()
            # A forwarded link with the code in its query string: moved to the fragment, then erased.
            first.goto(f"{live_server.url}/v/?code={slip.display_code}&from=singlemessage")
            first.wait_for_selector("#step-ballot:not([hidden])")
            assert first.url == f"{live_server.url}/v/"

            second = browser.new_context(**phone).new_page()
            second.goto(f"{live_server.url}/v/#{slip.code}")
            expect(second.locator("#message")).to_contain_text("另一部手机或另一个页面")
            expect(second.locator("#take-over")).to_be_visible()
            second.screenshot(path=str(SCREENSHOTS / "vote-360-session-open.png"), full_page=True)
            assert second.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            second.click("#take-over")
            second.wait_for_selector("#step-ballot:not([hidden])")

            # The first phone's session has ended: its ballot is refused with the reason.
            for subject in subjects:
                first.locator(f"#subject-{subject.pk} .grades label").first.click()
            first.click("text=下一步：核对")
            first.click("#submit")
            expect(first.locator("#message")).to_contain_text("会话已失效")

            for subject in subjects:
                second.locator(f"#subject-{subject.pk} .grades label").nth(1).click()
            second.click("text=下一步：核对")
            second.click("#submit")
            second.wait_for_selector("#step-done:not([hidden])")
            receipt = second.inner_text("#receipt").strip()
            assert receipt == slip.receipt

            services.close_box(actor=world.organizer_staff, box=box)
            check = browser.new_context(**phone).new_page()
            check.goto(f"{live_server.url}/v/{box.public_id}/receipts")
            assert receipt not in check.inner_text("body")  # the list shows fingerprints only
            check.fill("#mine", receipt.lower())
            check.click("button[type=submit]")
            expect(check.locator("#result")).to_contain_text("已计入")
            assert check.url == f"{live_server.url}/v/{box.public_id}/receipts"  # never in the address
            fingerprint = check.locator("#result strong").inner_text()
            expect(check.locator("#list")).to_contain_text(fingerprint)
            check.screenshot(path=str(SCREENSHOTS / "receipts-360-checked.png"), full_page=True)
            assert check.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            browser.close()
