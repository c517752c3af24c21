"""Stepping an assessment back one stage with a reason, and closing a campaign (CMP-1): services and pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuping.audit.models import AuditEvent
from shuping.campaigns import blockers, services
from shuping.campaigns.choices import CampaignRole, CampaignStatus, Stage
from shuping.campaigns.models import Assessment
from shuping.campaigns.services import CampaignConflict, CampaignError, StageBlocked


@pytest.fixture
def open_campaign(world, province_campaign):
    return services.confirm_scope(actor=world.organizer_staff, campaign=province_campaign)


def _at(assessment, stage):
    # Test setup: place an assessment at a stage directly (other apps' blockers are not under test here).
    Assessment.objects.filter(pk=assessment.pk).update(stage=stage)
    assessment.refresh_from_db()
    return assessment


@pytest.mark.req("CMP-1")
def test_reopen_steps_back_exactly_one_stage_with_an_audited_reason(world, open_campaign):
    a = _at(open_campaign.assessments.get(), Stage.MEETING)
    with pytest.raises(CampaignError, match="理由"):
        services.reopen_assessment(actor=world.organizer_staff, assessment=a, reason="  ")
    a = services.reopen_assessment(actor=world.organizer_staff, assessment=a, reason="误点了推进")
    assert a.stage == Stage.FIELD
    event = AuditEvent.objects.get(action="campaigns.assessment.reopen")
    assert event.detail == {"from_stage": "meeting", "to_stage": "field", "reason": "误点了推进"}
    a = services.reopen_assessment(actor=world.organizer_staff, assessment=a, reason="再退一步")
    with pytest.raises(CampaignConflict, match="第一个阶段"):
        services.reopen_assessment(actor=world.organizer_staff, assessment=a, reason="还想退")


@pytest.mark.req("CMP-1")
def test_another_app_can_refuse_a_step_back(world, open_campaign):
    a = _at(open_campaign.assessments.get(), Stage.FEEDBACK)

    def decided(assessment):
        return "党委已研究审定，须重新研究后才能退回。"

    blockers.reopen_guard(Stage.FEEDBACK)(decided)
    try:
        with pytest.raises(StageBlocked, match="重新研究"):
            services.reopen_assessment(actor=world.organizer_staff, assessment=a, reason="改等次")
    finally:
        blockers._REOPEN_GUARDS[:] = [g for g in blockers._REOPEN_GUARDS if g[1] is not decided]
    a.refresh_from_db()
    assert a.stage == Stage.FEEDBACK


@pytest.mark.req("CMP-1")
def test_a_campaign_closes_only_when_everyone_included_is_at_rectification_then_is_read_only(
    world, open_campaign
):
    staff = world.organizer_staff
    a = open_campaign.assessments.get()
    with pytest.raises(CampaignConflict, match="中共甲市委员会"):
        services.close_campaign(actor=staff, campaign=open_campaign)
    _at(a, Stage.RECTIFICATION)
    campaign = services.close_campaign(actor=staff, campaign=open_campaign)
    assert campaign.status == CampaignStatus.CLOSED
    assert AuditEvent.objects.filter(action="campaigns.campaign.close").count() == 1
    for attempt in (
        lambda: services.reopen_assessment(actor=staff, assessment=a, reason="x"),
        lambda: services.update_settings(actor=staff, campaign=campaign, lower_grades_min_percent=10),
        lambda: services.grant_campaign_role(
            actor=staff, campaign=campaign, user=world.liaison, role=CampaignRole.VIEWER
        ),
        lambda: services.add_liaison(actor=staff, assessment=a, user=world.liaison),
        lambda: services.close_campaign(actor=staff, campaign=campaign),
    ):
        with pytest.raises(CampaignConflict, match="已结束"):
            attempt()


@pytest.mark.req("CMP-1")
def test_excluded_assessees_do_not_hold_a_campaign_open(world, open_campaign, secretaries):
    from shuping.orgs.choices import AdminLevel, OrgKind
    from shuping.orgs.services import create_organization

    org = create_organization(
        name="中共丁市委员会",
        code="T-P9",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.PREFECTURE,
        parent=world.province,
    )
    extra = services.add_assessment(
        actor=world.organizer_staff, campaign=open_campaign, organization=org, reason="新设"
    )
    services.exclude_assessment(actor=world.organizer_staff, assessment=extra, reason="当年撤并")
    _at(open_campaign.assessments.get(organization=world.prefecture), Stage.RECTIFICATION)
    assert services.close_refusals(open_campaign) == []


@pytest.mark.req("CMP-1", "SEC-2")
def test_reopen_and_close_pages(world, open_campaign, login):
    a = _at(open_campaign.assessments.get(), Stage.FIELD)
    client = login(world.organizer_staff)
    page = client.get(reverse("campaigns:assessment", args=[a.pk])).content.decode()
    assert "退回“报告”阶段" in page
    r = client.post(reverse("campaigns:assessment_reopen", args=[a.pk]), {"reason": ""}, follow=True)
    assert "退回上一阶段须填写理由" in r.content.decode()
    r = client.post(
        reverse("campaigns:assessment_reopen", args=[a.pk]), {"reason": "实地考核未完成"}, follow=True
    )
    assert "已退回“报告”阶段" in r.content.decode()
    detail = reverse("campaigns:detail", args=[open_campaign.pk])
    assert "尚未进入“整改”阶段" in client.get(detail).content.decode()
    r = client.post(reverse("campaigns:close", args=[open_campaign.pk]), follow=True)
    assert "暂不能结束本次考核" in r.content.decode()
    _at(a, Stage.RECTIFICATION)
    r = client.post(reverse("campaigns:close", args=[open_campaign.pk]), follow=True)
    body = r.content.decode()
    assert "已结束，各项内容转为只读" in body and "添加人员" not in body and "发布通知" not in body
    assert "退回" not in client.get(reverse("campaigns:assessment", args=[a.pk])).content.decode()
    leader = login(world.department_leader)
    assert leader.post(reverse("campaigns:close", args=[open_campaign.pk])).status_code == 403
    assert (
        leader.post(reverse("campaigns:assessment_reopen", args=[a.pk]), {"reason": "x"}).status_code == 403
    )
