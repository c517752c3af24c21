"""FLOW-4: the rectification item page — the staff 代录 form, and a closed item with who closed it, when
and the 销号意见 — in Chromium at 1366 and 360 px."""

from __future__ import annotations

import pytest

from shuping.ballots.tests.test_vote_page import SCREENSHOTS
from shuping.rectification import services
from tests.browser import launch_chromium, look_at_both_widths

from .test_flow import without_liaison
from .test_services import confirmed_list


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
@pytest.mark.req("FLOW-4", "RCT-2")
def test_the_item_page_with_staff_entry_and_a_closed_item_on_a_desk_and_a_phone(
    live_server, world, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    _campaign, _assessment, rlist = confirmed_list(world)
    open_item, closed_item = rlist.items.order_by("position")[:2]
    services.add_progress(actor=world.assessee, item=closed_item, text="已完成整改", marks_done=True)
    services.close_items(
        actor=world.organizer_staff, items=[closed_item], note="经核查，整改措施已落实，同意销号。"
    )
    without_liaison(world)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            staff_text = look_at_both_widths(
                browser,
                live_server,
                world.organizer_staff,
                f"/rectification/items/{open_item.pk}/",
                "flow-rectification-proxy",
                SCREENSHOTS,
            )
            closed_text = look_at_both_widths(
                browser,
                live_server,
                world.assessee,
                f"/rectification/items/{closed_item.pk}/",
                "flow-rectification-closed",
                SCREENSHOTS,
            )
        finally:
            browser.close()
    assert "报告人（代录）" in staff_text
    assert "销号意见" in closed_text and "同意销号" in closed_text
