"""REP-1: writing, uploading, submitting, returning and accepting reports; the 报告 stage blocker."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from django.utils import timezone

from shuping.audit.models import AuditEvent
from shuping.campaigns import findings as campaign_findings
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.campaigns.services import StageBlocked
from shuping.reports import services
from shuping.reports.choices import ReportStatus
from shuping.reports.models import Report

from .conftest import GOOD


def signed_docx(*, heading_style: bool = False) -> bytes:
    """A signed report as secretaries send it: 一、… headings, numbered problems, a signature line."""
    document = docx.Document()
    document.add_paragraph("中共甲市委书记抓基层党建工作述职报告")
    document.add_paragraph("各位领导、同志们：")

    def heading(text):
        if heading_style:
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)

    heading("一、工作成效")
    document.add_paragraph("全年主持召开党建专题会议6次，推动12个软弱涣散村党组织完成整顿。")
    document.add_paragraph("新建党群服务中心8个，选派第一书记46名。")
    heading("二、存在的突出问题")
    document.add_paragraph("一是对软弱涣散党组织整顿跟踪问效不够，青山村等3个村整顿后反弹。")
    document.add_paragraph("二是发展党员把关不严，抽查的40份档案中有5份程序不全。")
    heading("三、原因分析")
    document.add_paragraph("督导以听汇报为主，到村现场看得少。")
    heading("四、下一步措施")
    document.add_paragraph("建立县级领导包村联系制度，每季度到村一次。")
    document.add_paragraph("签名：陈某某    2025年1月5日")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.req("REP-1")
@pytest.mark.parametrize("heading_style", [False, True])
def test_uploading_a_signed_docx_fills_the_sections_and_keeps_the_original(setup, world, heading_style):
    data = signed_docx(heading_style=heading_style)
    report = services.upload_report_docx(
        actor=world.liaison, assessment=setup.assessment, data=data, filename="述职报告（签字版）.docx"
    )
    assert "专题会议6次" in report.achievements and "选派第一书记46名" in report.achievements
    assert report.problem_texts == [
        "一是对软弱涣散党组织整顿跟踪问效不够，青山村等3个村整顿后反弹。",
        "二是发展党员把关不严，抽查的40份档案中有5份程序不全。",
    ]
    assert report.causes == "督导以听汇报为主，到村现场看得少。"
    assert report.measures.startswith("建立县级领导包村联系制度")
    assert report.source == "docx"
    assert report.original_name == "述职报告（签字版）.docx"
    with report.original_file.open("rb") as stored:
        assert stored.read() == data
    assert AuditEvent.objects.filter(action="reports.report.upload").exists()


@pytest.mark.req("REP-1")
def test_a_damaged_or_wrong_file_is_refused_in_chinese_and_changes_nothing(setup, world):
    with pytest.raises(services.ReportError, match="无法读取"):
        services.upload_report_docx(
            actor=world.assessee, assessment=setup.assessment, data=b"PK\x03\x04junk", filename="a.docx"
        )
    with pytest.raises(services.ReportError, match=r"\.docx"):
        services.upload_report_docx(
            actor=world.assessee, assessment=setup.assessment, data=b"x", filename="a.pdf"
        )
    assert not Report.objects.exists()


@pytest.mark.req("REP-1")
def test_a_report_without_problems_cannot_be_submitted(setup, world):
    services.save_report(
        actor=world.assessee, assessment=setup.assessment, **{**GOOD, "problems": ["   ", ""]}
    )
    with pytest.raises(services.ReportError, match="突出问题"):
        services.submit_report(actor=world.assessee, assessment=setup.assessment)
    assert Report.objects.get().status == ReportStatus.DRAFT


@pytest.mark.req("REP-1")
def test_returned_with_remarks_then_resubmitted_then_accepted(setup, world):
    services.save_report(actor=world.liaison, assessment=setup.assessment, **GOOD)
    report = services.submit_report(actor=world.liaison, assessment=setup.assessment)
    with pytest.raises(services.ReportError, match="修改意见"):
        services.return_report(actor=world.organizer_staff, report=report, remarks=" ")
    report = services.return_report(
        actor=world.organizer_staff, report=report, remarks="问题二请补充整改时限。"
    )
    assert report.status == ReportStatus.RETURNED and report.remarks == "问题二请补充整改时限。"
    with pytest.raises(services.ReportConflict):
        services.accept_report(actor=world.organizer_staff, report=report)
    services.save_report(
        actor=world.assessee,
        assessment=setup.assessment,
        **{**GOOD, "measures": GOOD["measures"] + "6月底前完成。"},
    )
    report = services.submit_report(actor=world.assessee, assessment=setup.assessment)
    assert report.status == ReportStatus.SUBMITTED and report.submission_count == 2
    report = services.accept_report(actor=world.organizer_staff, report=report)
    assert report.status == ReportStatus.ACCEPTED
    with pytest.raises(services.ReportConflict):
        services.save_report(actor=world.assessee, assessment=setup.assessment, **GOOD)
    actions = list(
        AuditEvent.objects.filter(action__startswith="reports.report.").values_list("action", flat=True)
    )
    assert actions.count("reports.report.submit") == 2 and "reports.report.return" in actions
    assert "reports.report.accept" in actions


@pytest.mark.req("REP-1")
def test_a_late_report_is_kept_and_marked_late(setup, world):
    campaign = setup.campaign
    campaign.settings = {
        **campaign.settings,
        "report_due_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
    }
    campaign.save()
    setup.assessment.campaign.refresh_from_db()
    services.save_report(actor=world.assessee, assessment=setup.assessment, **GOOD)
    report = services.submit_report(actor=world.assessee, assessment=setup.assessment)
    assert report.status == ReportStatus.SUBMITTED and report.is_late
    assert report.due_on == timezone.localdate() - timedelta(days=3)


@pytest.mark.req("REP-1")
def test_on_time_report_is_not_late_and_deadline_defaults_to_field_start(setup, world):
    services.save_report(actor=world.assessee, assessment=setup.assessment, **GOOD)
    report = services.submit_report(actor=world.assessee, assessment=setup.assessment)
    assert report.due_on == setup.campaign.field_starts_on
    assert report.is_late == (timezone.localdate() > setup.campaign.field_starts_on)


@pytest.mark.req("REP-1", "CMP-5")
def test_each_carried_over_finding_gets_an_answer(setup, world):
    finding = campaign_findings.add_finding(
        actor=world.organizer_staff,
        assessment=setup.assessment,
        source_kind="circuit_inspection",
        description="基层党组织“三会一课”落实不到位",
    )
    report = services.save_report(
        actor=world.assessee,
        assessment=setup.assessment,
        carry_over_answers={f"finding:{finding.pk}": "已对全市支部开展专项检查，整改完毕。"},
        **GOOD,
    )
    assert report.carry_over_answers == [
        {
            "key": f"finding:{finding.pk}",
            "item": "【巡察】基层党组织“三会一课”落实不到位",
            "answer": "已对全市支部开展专项检查，整改完毕。",
        }
    ]


@pytest.mark.req("REP-1", "CMP-1")
def test_the_assessment_leaves_the_report_stage_only_with_an_accepted_report(setup, world):
    staff = world.organizer_staff
    services.save_report(actor=world.assessee, assessment=setup.assessment, **GOOD)
    with pytest.raises(StageBlocked, match="草稿"):
        campaign_services.transition_assessment(
            actor=staff, assessment=setup.assessment, to_stage=Stage.FIELD
        )
    report = services.submit_report(actor=world.assessee, assessment=setup.assessment)
    with pytest.raises(StageBlocked, match="尚未审核通过"):
        campaign_services.transition_assessment(
            actor=staff, assessment=setup.assessment, to_stage=Stage.FIELD
        )
    services.accept_report(actor=staff, report=report)
    moved = campaign_services.transition_assessment(
        actor=staff, assessment=setup.assessment, to_stage=Stage.FIELD
    )
    assert moved.stage == Stage.FIELD


@pytest.mark.req("REP-1")
def test_report_required_setting_blocks_assessments_without_any_report(setup, world):
    campaign = setup.campaign
    campaign.settings = {**campaign.settings, "report_required": True}
    campaign.save()
    with pytest.raises(StageBlocked, match="尚未提交"):
        campaign_services.transition_assessment(
            actor=world.organizer_staff,
            assessment=campaign.assessments.get(pk=setup.assessment.pk),
            to_stage=Stage.FIELD,
        )
