"""Granting a campaign role and naming a liaison in Chromium (SEC-1), at 1280 and 360 px wide."""

from __future__ import annotations

from datetime import date

import pytest

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.campaigns import services
from shuping.campaigns.models import CampaignGrant
from shuping.orgs.services import create_person, create_secretaryship
from tests.personas import _user

from .test_journey import ARGS, SHOTS, _session_cookie


@pytest.mark.journey
@pytest.mark.req("SEC-1")
def test_grant_a_role_and_name_a_liaison_in_chromium(transactional_db, world, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    staff = world.organizer_staff
    person = create_person(actor=None, name="陈书记", user=world.assessee)
    create_secretaryship(
        actor=None, person=person, organization=world.prefecture, started_on=date(2019, 3, 1)
    )
    campaign = services.create_campaign(actor=staff, organizer=world.province, year=2024)
    services.apply_scope_proposal(actor=staff, campaign=campaign)
    services.confirm_scope(actor=staff, campaign=campaign)
    assessment = campaign.assessments.get()
    clerk = _user("county-clerk", "乙县委组织部 刘干事")
    RoleGrant.objects.create(user=clerk, role=Role.ORGANIZER_STAFF, organization=world.county)
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.add_cookies([_session_cookie(staff, live_server)])
        page = context.new_page()
        page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
        panel = page.locator("#people-panel")
        expect(panel.get_by_role("heading", name="人员与权限")).to_be_visible()
        panel.get_by_label("添加人员").fill("刘")
        result = panel.locator("#people-results li", has_text="乙县委组织部 刘干事")
        expect(result).to_be_visible()
        result.get_by_label("授予 乙县委组织部 刘干事 的角色").select_option("field_assessor")
        result.get_by_role("button", name="授予").click()
        expect(panel.get_by_text("已授予 乙县委组织部 刘干事“实地考核组成员”角色")).to_be_visible()
        expect(panel.locator("tr", has_text="乙县委组织部 刘干事")).to_contain_text("实地考核组成员")
        assert CampaignGrant.objects.filter(user=clerk, role="field_assessor").exists()
        panel.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "people-1280.png"), full_page=True)

        page.goto(f"{live_server.url}/campaigns/assessments/{assessment.pk}/")
        liaisons = page.locator("#liaison-panel")
        expect(liaisons.get_by_text("未指定")).to_be_visible()
        liaisons.get_by_label("本单位人员").select_option(label="甲市委 联络员 赵（liaison）")
        liaisons.get_by_role("button", name="指定", exact=True).click()
        expect(liaisons.get_by_text("已指定 甲市委 联络员 赵 为联络员")).to_be_visible()
        liaisons.locator("summary", has_text="指定联络员").click()
        liaisons.get_by_label("姓名").fill("甲市委办 钱秘书")
        liaisons.get_by_label("用户名").fill("qian-mishu")
        liaisons.get_by_role("button", name="创建并指定").click()
        expect(liaisons.get_by_text("初始密码只显示这一次")).to_be_visible()
        assert len(liaisons.locator("code.secret").inner_text()) == 19
        assert set(assessment.liaisons.values_list("username", flat=True)) == {"liaison", "qian-mishu"}
        page.screenshot(path=str(SHOTS / "liaison-1280.png"), full_page=True)

        phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
        phone.add_cookies([_session_cookie(staff, live_server)])
        small = phone.new_page()
        small.goto(f"{live_server.url}/campaigns/{campaign.pk}/people/")
        small.get_by_label("添加人员").fill("干事")
        expect(small.locator("#people-results li").first).to_be_visible()
        small.screenshot(path=str(SHOTS / "people-360.png"), full_page=True)
        assert small.evaluate("document.documentElement.scrollWidth") <= 360
        small.goto(f"{live_server.url}/campaigns/assessments/{assessment.pk}/")
        small.locator("#liaison-panel summary", has_text="指定联络员").click()
        small.screenshot(path=str(SHOTS / "liaison-360.png"), full_page=True)
        assert small.evaluate("document.documentElement.scrollWidth") <= 360
        browser.close()


@pytest.mark.journey
@pytest.mark.req("CMP-7")
def test_meeting_calendar_month_grid_in_chromium(transactional_db, world, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    from shuping.campaigns import cascade

    staff = world.organizer_staff
    campaign = services.create_campaign(actor=staff, organizer=world.province, year=2024)
    notice = cascade.publish_notice(actor=staff, campaign=campaign, title="通知")
    lower = services.create_campaign(actor=None, organizer=world.prefecture, year=2024, notice=notice)
    cascade.submit_meeting_plan(
        actor=None, campaign=lower, planned_on=date(2025, 1, 10), venue="市委常委会议室"
    )
    cascade.assign_guidance_staff(
        actor=staff, upper_campaign=campaign, lower_campaign=lower, user=world.department_leader
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width, height in ((1280, 900), (360, 740)):
            context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            context.add_cookies([_session_cookie(staff, live_server)])
            page = context.new_page()
            page.goto(f"{live_server.url}/campaigns/{campaign.pk}/calendar/?month=2024-12")
            page.get_by_role("link", name="下个月").click()
            expect(page.get_by_role("heading", name="2025 年 1 月")).to_be_visible()
            assert page.url.endswith("month=2025-01")
            expect(page.locator(".event", has_text="甲市委")).to_be_visible()
            page.screenshot(path=str(SHOTS / f"calendar-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            context.close()
        browser.close()
