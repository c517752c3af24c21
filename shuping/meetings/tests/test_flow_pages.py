"""FLOW-4/FLOW-5 meeting pages in Chromium at 1366 and 360 px: the 点评定稿 page reached from the meeting
page, and the day screen asking to confirm voting before the meeting day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shuping.ballots.tests.test_vote_page import SCREENSHOTS
from shuping.meetings import commentary
from shuping.meetings.models import Meeting
from shuping.meetings.tests.test_meeting import prepare
from tests.browser import launch_chromium, look_at_both_widths, session_cookie


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
@pytest.mark.req("FLOW-4", "FLOW-5", "MTG-3")
def test_the_commentary_page_and_the_early_vote_confirmation_on_a_desk_and_a_phone(
    live_server, scene, world, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    meeting, *_ = prepare(scene, world)
    commentary.draft_commentaries(actor=world.organizer_staff, meeting=meeting)
    ahead = timezone.localdate() + timedelta(days=21)
    Meeting.objects.filter(pk=meeting.pk).update(held_on=ahead)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            # Reached by clicking from the meeting page.
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_cookies([session_cookie(world.organizer_staff, live_server)])
            page = context.new_page()
            page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
            page.get_by_role("link", name="在一页录入全部点评定稿").click()
            expect(page.get_by_role("heading", name="点评定稿")).to_be_visible()
            context.close()
            text = look_at_both_widths(
                browser,
                live_server,
                world.organizer_staff,
                f"/meetings/{meeting.pk}/commentary/",
                "flow-commentary-batch",
                SCREENSHOTS,
            )
            assert "马建国" in text and "代马建国录入" in text
            text = look_at_both_widths(
                browser,
                live_server,
                world.organizer_staff,
                f"/meetings/{meeting.pk}/day/",
                "flow-meeting-day-early",
                SCREENSHOTS,
            )
            assert f"{ahead.year}年{ahead.month}月{ahead.day}日" in text and "确认提前开始投票" in text
        finally:
            browser.close()
