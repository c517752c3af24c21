"""BAL-4 in Chromium: a stack of paper slips keyed with the keyboard only, a mis-key caught at once, a
spoiled ballot, the certificate; the projector turnout screen and the public receipt list (MTG-4, BAL-7).
And several clerks keying the same pile at once: no slip is ever counted twice (BAL-4, BAL-5).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, connections

from shuping.ballots import selectors, services, services_counting
from shuping.ballots.models import Ballot, Credential, TallyCertificate
from shuping.ballots.receipts import receipt_digest, receipt_fingerprint
from shuping.ballots.tests.factories import make_box
from shuping.ballots.tests.test_vote_page import CHROMIUM_ARGS, SCREENSHOTS
from shuping.campaigns.tests.test_journey import _session_cookie
from shuping.core.errors import DomainError

STACK = 20
HOTKEYS = "1234"  # 好 较好 一般 差 on the entry screen (one key per rating)


def _keys_for(number: int, subjects: int) -> str:
    return "".join(HOTKEYS[(number + j) % 4] for j in range(subjects))


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
@pytest.mark.req("BAL-4", "BAL-7", "MTG-4")
def test_a_stack_of_slips_keyed_by_keyboard_then_certified_and_published(live_server, world, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect, sync_playwright

    staff = world.organizer_staff
    box, slips = make_box(world, subjects=3, categories={"市级领导": 8, "部门负责人": 16})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 860})
            context.add_cookies([_session_cookie(staff, live_server)])
            page = context.new_page()
            page.goto(f"{base}/ballots/{box.pk}/paper/")
            status = page.locator("#status")
            keyboard = page.keyboard

            def key_slip(code: str, marks: str, count: str) -> None:
                expect(page.locator("#code")).to_be_focused()
                keyboard.type(code)
                for key in marks:
                    keyboard.press(key)
                keyboard.type(count)
                keyboard.press("Enter")

            for number, slip in enumerate(slips[:STACK]):
                marks = _keys_for(number, 3)
                if number == 4:  # planted mis-key: one subject skipped, but the paper shows 3 marks
                    key_slip(slip.display_code, marks[:2] + "0", "3")
                    expect(status).to_contain_text("核对不符")
                    page.screenshot(path=str(SCREENSHOTS / "paper-entry-miskey.png"))
                    for key in marks:  # the screen restarted the marks of this slip: key them again
                        keyboard.press(key)
                    keyboard.type("3")
                    keyboard.press("Enter")
                elif number == 9:  # a spoiled (blank) paper: X, then Enter
                    keyboard.type(slip.code)
                    keyboard.press("x")
                    keyboard.press("Enter")
                    expect(status).to_contain_text("已录入废票")
                    continue
                elif number == 12:  # a code typed wrong is caught before any mark is keyed (FLOW-4)
                    wrong = ("Z" if slip.code[0] != "Z" else "Y") + slip.code[1:]
                    keyboard.type(wrong)
                    expect(status).to_contain_text("凭条码无效")
                    expect(page.locator("#step-marks")).to_be_hidden()
                    key_slip(slip.code.lower(), marks, "3")
                else:
                    key_slip(slip.display_code if number % 2 else slip.code, marks, "3")
                expect(status).to_contain_text(f"{slip.code[:5]}-{slip.code[5:]}：已录入")
                if number == 10:
                    page.screenshot(path=str(SCREENSHOTS / "paper-entry.png"))
            keyboard.type(slips[0].code)  # the same slip again: refused on its code, counted once
            expect(status).to_contain_text("重复凭条")
            expect(page.locator("#step-marks")).to_be_hidden()
            expect(page.locator("#mine")).to_have_text(str(STACK))

            # The projector screen during counting: turnout only, no tally.
            screen = browser.new_context(viewport={"width": 1920, "height": 1080})
            screen.add_cookies([_session_cookie(staff, live_server)])
            projector = screen.new_page()
            projector.goto(f"{base}/ballots/{box.pk}/screen/")
            expect(projector.locator("body")).to_contain_text("20")
            projector.screenshot(path=str(SCREENSHOTS / "turnout-projector.png"))
            assert "好票率" not in projector.inner_text("body")
            screen.close()

            # The unused slips come back to the desk and are voided; the box is closed (sealed).
            for slip in slips[STACK:]:
                services_counting.void_slip(actor=staff, box=box, code=slip.code)
            services.close_box(actor=staff, box=box)
            page.goto(f"{base}/ballots/{box.pk}/reconcile/")
            page.fill("#attendees", str(STACK))
            page.click("text=保存签到人数")
            page.fill("#scrutineers", "王监票")
            page.fill("#counters", "李计票")
            page.click("text=确认计票结果报告单")
            expect(page.locator("body")).to_contain_text("已确认")
            page.screenshot(path=str(SCREENSHOTS / "paper-reconcile-certified.png"), full_page=True)

            # The public receipt list: every keyed slip's printed receipt is on it (BAL-7).
            public = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
            receipts_page = public.new_page()
            receipts_page.goto(f"{base}/v/{box.public_id}/receipts")
            text = receipts_page.inner_text("body")
            # A voter checks the receipt torn off the slip (DSC-3: the list shows fingerprints only).
            receipts_page.fill("#mine", slips[0].receipt)
            receipts_page.click("button[type=submit]")
            expect(receipts_page.locator("#result")).to_contain_text("已计入")
            checked = receipts_page.inner_text("#result")
            receipts_page.screenshot(path=str(SCREENSHOTS / "receipts-public.png"), full_page=True)
            public.close()
        finally:
            browser.close()

    for slip in slips[: STACK + 1]:
        assert slip.receipt not in text  # no receipt in clear on the public page
    fingerprints = {receipt_fingerprint(receipt_digest(slip.receipt)) for slip in slips[:STACK]}
    assert (
        fingerprints <= set(text.split()) and receipt_fingerprint(receipt_digest(slips[0].receipt)) in checked
    )
    # a voided slip never voted
    assert receipt_fingerprint(receipt_digest(slips[STACK].receipt)) not in text
    box.refresh_from_db()
    figures = services_counting.reconciliation(box)
    assert figures.paper == STACK - 1 and figures.spoiled == 1 and figures.is_balanced
    assert TallyCertificate.objects.filter(box=box).exists()
    result = selectors.box_tally(box)
    assert result.invalid_ballots == 1


CLERKS = 4
PILE = 16


@pytest.mark.django_db(transaction=True)
@pytest.mark.req("BAL-4", "BAL-5")
def test_several_clerks_keying_the_same_pile_at_once_never_count_a_slip_twice(world):
    """Four clerks each key the whole pile (in different orders) at the same time: every slip once."""
    staff = world.organizer_staff
    box, slips = make_box(world, subjects=2, categories={"市级领导": PILE})
    subject_ids = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    accepted: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(CLERKS)

    def clerk(index: int) -> None:
        order = slips[index:] + slips[:index]
        start.wait()
        try:
            for slip in order:
                for _attempt in range(100):
                    try:
                        services_counting.enter_paper_ballot(
                            actor=staff,
                            box=box,
                            code=slip.code,
                            ratings=dict.fromkeys(subject_ids, "good"),
                            declared_count=len(subject_ids),
                        )
                        with lock:
                            accepted.append(slip.code)
                    except DomainError as exc:
                        assert exc.code == "used", exc.message
                        with lock:
                            refused.append(slip.code)
                    except OperationalError as exc:
                        # SQLite's in-memory test database (shared cache) answers "table is locked" at
                        # once instead of waiting; the clerk's screen would say "retry". The transaction
                        # was rolled back whole, so trying again is safe.
                        assert "locked" in str(exc)
                        time.sleep(0.01)
                        continue
                    break
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(CLERKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert sorted(accepted) == sorted(s.code for s in slips)  # each slip accepted exactly once
    assert len(refused) == PILE * (CLERKS - 1)
    assert Ballot.objects.filter(box=box).count() == PILE
    assert Credential.objects.filter(box=box, is_used=True).count() == PILE
    assert sorted(Ballot.objects.filter(box=box).values_list("receipt_hash", flat=True)) == sorted(
        receipt_digest(s.receipt) for s in slips
    )
    assert connection.vendor in {"postgresql", "sqlite"}
