"""REP-3 journey: a Party member opens the publication page on a 360×740 phone page in Chromium and sends an
opinion; the organizer sees it on the publication page."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from shuping.campaigns.tests.test_journey import _session_cookie
from shuping.reports import publication, services
from shuping.reports.models import Opinion

from .conftest import GOOD

SHOTS = Path(os.environ.get("SHUPING_SCREENSHOT_DIR", "/tmp/shuping-screenshots"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.journey
@pytest.mark.req("REP-3")
def test_a_member_sends_an_opinion_from_a_phone_and_it_reaches_the_organizer(
    transactional_db, setup, world, live_server, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    services.save_report(actor=world.assessee, assessment=setup.assessment, **GOOD)
    report = services.submit_report(actor=world.assessee, assessment=setup.assessment)
    now = timezone.now()
    pub = publication.publish_reports(
        actor=world.organizer_staff,
        campaign=setup.campaign,
        audience=world.prefecture,
        reports=[report],
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=7),
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        phone = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="zh-CN", device_scale_factor=2
        )
        page = phone.new_page()
        page.goto(f"{live_server.url}/p/{pub.token}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("述职报告公开")
        page.screenshot(path=str(SHOTS / "reports-public-360-top.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.get_by_label("针对").select_option(str(report.pk))
        page.get_by_label("您的意见").fill("建议把青山村整改时限公开，接受群众监督。")
        page.get_by_role("button", name="提交意见").click()
        expect(page.get_by_role("status")).to_contain_text("意见已收到")
        page.screenshot(path=str(SHOTS / "reports-public-360-sent.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        organizer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        organizer.add_cookies([_session_cookie(world.organizer_staff, live_server)])
        staff_page = organizer.new_page()
        staff_page.goto(f"{live_server.url}/reports/publications/{pub.pk}/")
        expect(staff_page.get_by_text("建议把青山村整改时限公开，接受群众监督。")).to_be_visible()
        staff_page.screenshot(path=str(SHOTS / "reports-publication-organizer.png"), full_page=True)
        staff_page.get_by_role("button", name="采纳").first.click()
        expect(staff_page.get_by_text("已处理。")).to_be_visible()
        browser.close()
    opinion = Opinion.objects.get()
    assert opinion.report_id == report.pk and opinion.status == "kept"
