"""FLOW-4 paper entry: the slip code is checked as soon as it is keyed, before any mark — a slip already
voted by phone or already entered is refused at once — and the previous slip's message goes when the next
slip is being keyed."""

from __future__ import annotations

import json

import pytest

from shuping.audit.models import AuditEvent
from shuping.ballots import services_counting
from shuping.ballots.services import CredentialError
from shuping.ballots.tests.factories import make_box, vote
from shuping.ballots.tests.test_vote_page import CHROMIUM_ARGS, SCREENSHOTS
from shuping.campaigns.tests.test_journey import _session_cookie


def _check(client, box, code):
    response = client.post(
        f"/ballots/{box.pk}/paper/check",
        json.dumps({"mode": "enter", "code": code}),
        content_type="application/json",
    )
    return response.status_code, response.json()


def _enter(world, box, code):
    s = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    services_counting.enter_paper_ballot(
        actor=world.organizer_staff,
        box=box,
        code=code,
        ratings=dict.fromkeys(s, "good"),
        declared_count=len(s),
    )


@pytest.mark.req("FLOW-4", "BAL-4")
def test_the_code_check_refuses_a_phone_voted_an_entered_a_voided_and_a_foreign_slip(world, login):
    box, slips = make_box(world, subjects=2, categories={"市级领导": 5})
    _other, other_slips = make_box(world, categories={"市级领导": 1})
    vote(box, slips[0])
    _enter(world, box, slips[1].code)
    services_counting.void_slip(actor=world.organizer_staff, box=box, code=slips[2].code)
    client = login(world.organizer_staff)
    before = AuditEvent.objects.count()
    status, body = _check(client, box, slips[0].display_code)
    assert status == 409 and "已用手机投票" in body["detail"] and body["field"] == "code"
    status, body = _check(client, box, slips[1].code.lower())
    assert status == 409 and "已录入过" in body["detail"]
    status, body = _check(client, box, slips[2].code)
    assert status == 409 and "已登记作废" in body["detail"]
    status, body = _check(client, box, other_slips[0].code)
    assert status == 400 and "凭条码无效" in body["detail"]
    status, body = _check(client, box, slips[3].code)
    assert status == 200 and body["ok"] is True
    assert AuditEvent.objects.count() == before  # a read: no event per slip (BAL-6)
    with pytest.raises(CredentialError, match="已用手机投票"):
        services_counting.check_paper_slip(actor=world.organizer_staff, box=box, code=slips[0].code)
    # A department leader sees the box but does not key ballots.
    leader = login(world.department_leader)
    refused = leader.post(
        f"/ballots/{box.pk}/paper/check",
        json.dumps({"mode": "enter", "code": slips[3].code}),
        content_type="application/json",
    )
    assert refused.status_code == 403


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
@pytest.mark.req("FLOW-4", "BAL-4")
def test_a_phone_voted_slip_is_refused_before_its_marks_and_the_last_message_clears(
    live_server, world, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect, sync_playwright

    box, slips = make_box(world, subjects=3, categories={"市级领导": 4})
    vote(box, slips[0])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for width, height in ((1366, 860), (360, 740)):
                context = browser.new_context(viewport={"width": width, "height": height})
                context.add_cookies([_session_cookie(world.organizer_staff, live_server)])
                page = context.new_page()
                page.goto(f"{live_server.url}/ballots/{box.pk}/paper/")
                status = page.locator("#status")
                # The phone-voted slip: refused on its code alone, back at the code step, no mark keyed.
                page.keyboard.type(slips[0].code)
                expect(status).to_contain_text("已用手机投票")
                expect(page.locator("#step-marks")).to_be_hidden()
                expect(page.locator("#code")).to_be_focused()
                page.screenshot(path=str(SCREENSHOTS / f"paper-check-phone-voted-{width}.png"))
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                if width == 1366:
                    page.keyboard.type(slips[1].code)
                    for key in "123":
                        page.keyboard.press(key)
                    page.keyboard.type("3")
                    page.keyboard.press("Enter")
                    expect(status).to_contain_text("已录入")
                    # Keying the next slip: the previous slip's message is gone at the first character.
                    page.keyboard.type(slips[2].code[:1])
                    expect(status).to_have_text("")
                    page.keyboard.press("Escape")
                    page.locator("#code").fill("")
                    page.keyboard.type(slips[1].code)  # the slip just entered, again: refused at once
                    expect(status).to_contain_text("已录入过")
                    expect(page.locator("#step-marks")).to_be_hidden()
                context.close()
        finally:
            browser.close()
    assert box.ballots.count() == 2  # the phone ballot and one paper ballot: nothing counted twice
