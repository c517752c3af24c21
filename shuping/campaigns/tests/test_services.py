"""CMP-1 … CMP-5, CMP-7 services: stages, scope, tenure, settings carried over, findings, cascade."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from shuping.audit.models import AuditEvent
from shuping.campaigns import blockers, cascade, findings, indicators, selectors, services
from shuping.campaigns.choices import STATUTORY_DIMENSIONS, CampaignRole, ReportingMode, Stage
from shuping.campaigns.models import Campaign, InspectionFinding
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization, create_person, create_secretaryship


@pytest.mark.req("CMP-1")
def test_campaign_defaults_to_year_end_and_early_next_year(world):
    c = services.create_campaign(actor=world.organizer_staff, organizer=world.province, year=2024)
    assert c.field_starts_on == date(2024, 12, 1) and c.meetings_start_on.year == 2025
    assert c.settings["grade_scale"] == ["好", "较好", "一般", "差"]
    assert (
        c.settings["lower_grades_min_percent"] is None
    )  # left open by the regulation: the organizer sets it
    assert AuditEvent.objects.filter(action="campaigns.campaign.create").exists()


@pytest.mark.req("CMP-1", "CMP-4")
def test_next_year_copies_settings_schedule_and_indicator_sets(world):
    staff = world.organizer_staff
    first = services.create_campaign(actor=staff, organizer=world.province, year=2023)
    services.update_settings(
        actor=staff, campaign=first, lower_grades_min_percent=20, weights={"ballot": 40, "field": 60}
    )
    services.update_schedule(actor=staff, campaign=first, meetings_start_on=date(2024, 1, 15))
    s = indicators.create_set_from_template(
        actor=staff, campaign=first, kind=OrgKind.LOCAL_COMMITTEE, level=AdminLevel.PREFECTURE
    )
    indicators.add_indicator(
        actor=staff,
        indicator_set=s,
        dimension="key_tasks",
        text="年度重点任务：抓党建促乡村振兴成效",
        weight=5,
    )
    second = services.create_campaign(actor=staff, organizer=world.province, year=2024)
    assert second.settings["lower_grades_min_percent"] == 20 and second.settings["weights"] == {
        "ballot": 40,
        "field": 60,
    }
    assert second.meetings_start_on == date(2025, 1, 15) and second.copied_from == first
    copied = second.indicator_sets.get()
    assert copied.indicators.count() == s.indicators.count() and copied.copied_from == s


@pytest.mark.req("CMP-1")
def test_a_stage_cannot_be_skipped_and_the_reason_is_in_chinese(world, province_campaign):
    a = province_campaign.assessments.get(organization=world.prefecture)
    services.confirm_scope(actor=world.organizer_staff, campaign=province_campaign)
    with pytest.raises(services.CampaignConflict, match="不能跳过") as exc:
        services.transition_assessment(actor=world.organizer_staff, assessment=a, to_stage=Stage.MEETING)
    assert "下一阶段应为“实地考核”" in exc.value.message
    a.refresh_from_db()
    assert a.stage == Stage.REPORT


@pytest.mark.req("CMP-1")
def test_blockers_stop_a_transition_and_say_why_in_chinese(world, province_campaign):
    a = province_campaign.assessments.get(organization=world.prefecture)
    with pytest.raises(services.StageBlocked) as exc:
        services.transition_assessment(actor=world.organizer_staff, assessment=a, to_stage=Stage.FIELD)
    assert "考核对象名单尚未确认" in exc.value.message


@pytest.mark.req("CMP-1")
def test_other_apps_register_blockers_and_one_absent_secretary_blocks_nobody_else(world, province_campaign):
    county2 = create_organization(
        name="中共丁市委员会",
        code="T-PREF2",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.PREFECTURE,
        parent=world.province,
    )
    person = create_person(actor=None, name="丁书记")
    create_secretaryship(actor=None, person=person, organization=county2, started_on=date(2018, 1, 1))
    other = services.add_assessment(
        actor=world.organizer_staff, campaign=province_campaign, organization=county2, reason="新设"
    )
    services.confirm_scope(actor=world.organizer_staff, campaign=province_campaign)
    mine = province_campaign.assessments.get(organization=world.prefecture)

    @blockers.blocker(Stage.REPORT)
    def report_missing(assessment):
        return "述职报告尚未提交。" if assessment.pk == mine.pk else None

    try:
        with pytest.raises(services.StageBlocked, match="述职报告尚未提交"):
            services.transition_assessment(actor=world.organizer_staff, assessment=mine, to_stage=Stage.FIELD)
        moved = services.transition_assessment(
            actor=world.organizer_staff, assessment=other, to_stage=Stage.FIELD
        )
        assert moved.stage == Stage.FIELD
        assert AuditEvent.objects.filter(action="campaigns.assessment.stage").count() == 1
    finally:
        blockers.unregister(report_missing)


@pytest.mark.req("CMP-2", "ORG-3")
def test_scope_resolves_the_secretary_and_puts_short_tenures_to_the_organizer(world):
    staff = world.organizer_staff
    old = create_person(actor=None, name="前任")
    new = create_person(actor=None, name="新任")
    create_secretaryship(
        actor=None,
        person=old,
        organization=world.prefecture,
        started_on=date(2018, 1, 1),
        ended_on=date(2024, 8, 31),
    )
    create_secretaryship(actor=None, person=new, organization=world.prefecture, started_on=date(2024, 9, 1))
    c = services.create_campaign(actor=staff, organizer=world.province, year=2024)
    services.apply_scope_proposal(actor=staff, campaign=c)
    a = c.assessments.get()
    assert a.person == new and a.person_name == "新任" and a.organization_name == "中共甲市委员会"
    assert set(a.tenure_flags) == {"mid_year_change", "under_six_months"}
    assert not a.is_graded and not a.is_tenure_decided  # report-only suggested, the organizer decides
    with pytest.raises(services.CampaignConflict, match="请先确定是否考核定等"):
        services.confirm_scope(actor=staff, campaign=c)
    with pytest.raises(services.CampaignError, match="处理理由"):
        services.set_grading(actor=staff, assessment=a, is_graded=False)
    services.set_grading(actor=staff, assessment=a, is_graded=False, reason="任职不满半年，只述职不定等次")
    assert services.confirm_scope(actor=staff, campaign=c).status == "open"


@pytest.mark.req("CMP-2")
def test_organizer_edits_with_reasons_and_confirms(world, province_campaign):
    staff = world.organizer_staff
    a = province_campaign.assessments.get()
    assert a.rule_text and a.paragraph == "第三条第二款" and a.is_graded
    with pytest.raises(services.CampaignError, match="理由"):
        services.exclude_assessment(actor=staff, assessment=a, reason=" ")
    services.exclude_assessment(actor=staff, assessment=a, reason="机构调整")
    with pytest.raises(services.CampaignError, match="名单为空"):
        services.confirm_scope(actor=staff, campaign=province_campaign)
    services.restore_assessment(actor=staff, assessment=a, reason="恢复")
    with pytest.raises(services.CampaignError, match="所属的党组织"):
        services.add_assessment(
            actor=staff, campaign=province_campaign, organization=world.other_prefecture, reason="x"
        )
    added = services.add_assessment(
        actor=staff, campaign=province_campaign, organization=world.county, reason="试点"
    )
    assert added.is_added_by_organizer and added.edit_reason == "试点"
    assert services.confirm_scope(actor=staff, campaign=province_campaign).is_scope_confirmed


@pytest.mark.req("CMP-2")
def test_a_person_graded_in_two_campaigns_of_the_same_year_is_flagged(world, province_campaign, secretaries):
    other = services.create_campaign(actor=None, organizer=world.other_province, year=2024)
    services.add_assessment(actor=None, campaign=other, organization=world.other_prefecture, reason="挂职")
    a = other.assessments.get()
    a.person = secretaries["prefecture"]
    a.save()
    assert selectors.graded_twice_person_ids(province_campaign) == {secretaries["prefecture"].pk}


@pytest.mark.req("CMP-3")
def test_reporting_mode_defaults_and_switches(world, province_campaign):
    a = province_campaign.assessments.get()
    assert a.reporting_mode == ReportingMode.ON_SITE
    services.set_reporting_mode(actor=world.organizer_staff, assessment=a, mode=ReportingMode.WRITTEN)
    a.refresh_from_db()
    assert a.reporting_mode == ReportingMode.WRITTEN
    with pytest.raises(services.CampaignError):
        services.set_reporting_mode(actor=world.organizer_staff, assessment=a, mode="telepathy")


@pytest.mark.req("CMP-4", "CMP-6")
def test_indicator_sets_keep_the_five_dimensions_and_store_lint_overrides(world, province_campaign):
    staff = world.organizer_staff
    full = indicators.create_set_from_template(
        actor=staff, campaign=province_campaign, kind=OrgKind.LOCAL_COMMITTEE, level=AdminLevel.COUNTY
    )
    short = indicators.create_set_from_template(
        actor=staff, campaign=province_campaign, kind=OrgKind.TOWNSHIP_COMMITTEE, level=AdminLevel.TOWNSHIP
    )
    assert indicators.missing_dimensions(full) == [] and indicators.missing_dimensions(short) == []
    assert short.indicators.count() < full.indicators.count()  # 越往下越简化
    assert {i.dimension for i in full.indicators.all()} >= set(STATUTORY_DIMENSIONS)
    only = short.indicators.get(dimension="political")
    with pytest.raises(services.CampaignError, match="必须保留"):
        indicators.remove_indicator(actor=staff, indicator=only)
    flagged = indicators.add_indicator(
        actor=staff, indicator_set=full, dimension="key_work", text="党建宣传报道篇数"
    )
    assert flagged.has_open_warning and "第六条" in flagged.lint_warnings[0]["reason"]
    with pytest.raises(services.CampaignError):
        indicators.override_lint(actor=staff, indicator=flagged, reason="")
    kept = indicators.override_lint(actor=staff, indicator=flagged, reason="省委年度部署要求，仅作参考")
    assert not kept.has_open_warning and kept.lint_overridden_by == staff
    indicators.add_adjustment(actor=staff, indicator_set=full, kind="bonus", text="经验被推广", max_points=2)


def _sheet(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(list(findings.HEADER))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


@pytest.mark.req("CMP-5")
def test_findings_import_writes_nothing_on_a_bad_row_and_reports_it_in_chinese(world, province_campaign):
    good = ["T-PREF", "巡视", "2024-05-01", "基层党组织书记培训不到位", "整改中"]
    with pytest.raises(findings.FindingImportError) as exc:
        findings.import_findings(
            actor=world.organizer_staff,
            campaign=province_campaign,
            file=_sheet([good, ["T-NOPE", "巡游", "昨天", "", ""]]),
        )
    text = exc.value.message
    assert (
        "第 3 行“组织代码”" in text and "第 3 行“来源”" in text and "反馈日期" in text and "问题描述" in text
    )
    assert not InspectionFinding.objects.exists()
    created = findings.import_findings(
        actor=world.organizer_staff, campaign=province_campaign, file=_sheet([good])
    )
    assert [f.get_source_display() for f in created] == ["巡视"]
    assert findings.carry_over_for([created[0].assessment]) == {created[0].assessment.pk: []}


@pytest.mark.req("CMP-7")
def test_cascade_notice_down_meeting_plan_up_guidance_assigned(world, province_campaign):
    staff = world.organizer_staff
    indicators.create_set_from_template(
        actor=staff, campaign=province_campaign, kind=OrgKind.LOCAL_COMMITTEE, level=AdminLevel.COUNTY
    )
    notice = cascade.publish_notice(
        actor=staff,
        campaign=province_campaign,
        title="关于开展2024年度述职评议考核的通知",
        forms=["述职报告格式"],
        statistics_tables=["基层党建统计表"],
    )
    assert list(selectors.notices_for_organizer(world.prefecture, 2024)) == [notice]
    lower = services.create_campaign(actor=None, organizer=world.prefecture, year=2024, notice=notice)
    assert (
        lower.meetings_start_on == province_campaign.meetings_start_on and lower.indicator_sets.count() == 1
    )
    plan = cascade.submit_meeting_plan(
        actor=None, campaign=lower, planned_on=date(2025, 1, 10), venue="市委常委会议室"
    )
    assert list(selectors.lower_meeting_calendar(province_campaign)) == [plan]
    with pytest.raises(services.CampaignError, match="指导人员应为"):
        cascade.assign_guidance_staff(
            actor=staff, upper_campaign=province_campaign, lower_campaign=lower, user=world.outsider
        )
    cascade.assign_guidance_staff(
        actor=staff, upper_campaign=province_campaign, lower_campaign=lower, user=world.department_leader
    )
    assert CampaignRole.GUIDANCE_STAFF in selectors.campaign_roles(
        world.department_leader, Campaign.objects.get(pk=lower.pk)
    )
    assert selectors.campaigns_visible_to(world.department_leader).filter(pk=lower.pk).exists()


@pytest.mark.req("SEC-2", "EVA-9")
def test_scope_is_by_organizer_not_by_the_assessees_subtree(world, province_campaign):
    """甲市委's own organization department holds grants on 甲市委 yet does not see its secretary's assessment
    in the province's campaign."""
    from shuping.accounts.choices import Role
    from shuping.accounts.models import RoleGrant, User

    county_dept = User.objects.create(username="pref-dept", full_name="甲市委组织部")
    RoleGrant.objects.create(
        user=county_dept, role=Role.ORGANIZER_STAFF, organization=world.prefecture, include_subtree=True
    )
    assert not selectors.campaigns_visible_to(county_dept).filter(pk=province_campaign.pk).exists()
    assert not selectors.assessments_visible_to(county_dept).exists()
    assert selectors.assessments_visible_to(world.assessee).count() == 1
