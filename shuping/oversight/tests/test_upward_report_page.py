"""The organizer reaches the upward report from the campaign page (OVS-1): a disabled button with the reason
before 研究, the draft button after, the report afterwards; the draft's grades section is the decided grade
distribution, not placeholder text."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.evaluations.tests.builders import campaign_at_evaluation
from shuping.oversight import services
from shuping.oversight.models import UpwardReport
from shuping.oversight.tests.builders import decided, opened
from shuping.oversight.tests.test_results import _decide, _propose
from tests.personas import _user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_staff(world):
    user = _user("county-staff", "乙县委组织部 干事")
    RoleGrant.objects.create(
        user=user, role=Role.ORGANIZER_STAFF, organization=world.county, include_subtree=True
    )
    return user


@pytest.mark.req("OVS-1")
def test_the_campaign_page_leads_the_organizer_to_the_upward_report_once_all_are_decided(
    world, county_staff, client
):
    campaign = opened(world.county, 2024)
    client.force_login(county_staff)
    url = reverse("campaigns:detail", args=[campaign.pk])
    draft_url = reverse("oversight:report_draft", args=[campaign.pk])

    page = client.get(url).content.decode()
    assert "向上级党组织报告" in page and "disabled" in page
    pending = campaign.assessments.filter(is_excluded=False).count()
    assert f"还有 {pending} 名考核对象未完成党委（党组）研究审定" in page
    assert draft_url not in page

    decided(campaign)
    page = client.get(url).content.decode()
    assert f'action="{draft_url}"' in page and "未完成党委（党组）研究审定" not in page
    assert world.prefecture.display_name in page  # whom it goes to

    response = client.post(draft_url)
    report = UpwardReport.objects.get(campaign=campaign)
    assert response["Location"] == reverse("oversight:report", args=[report.pk])
    page = client.get(url).content.decode()
    assert reverse("oversight:report", args=[report.pk]) in page and "继续修改并报送" in page
    assert f'action="{draft_url}"' not in page


@pytest.mark.req("OVS-1")
def test_the_panel_is_not_shown_to_those_who_cannot_draft(world, county_staff, client):
    campaign = decided(opened(world.county, 2024))
    client.force_login(world.assessee)
    response = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert "向上级党组织报告" not in response.content.decode()


@pytest.mark.req("OVS-1", "EVA-9")
def test_the_drafts_grades_section_is_the_decided_grade_distribution(world):
    campaign = campaign_at_evaluation(
        world, organizer=world.prefecture, assessee_org=world.county, year=2024, extra=3
    )
    graded = campaign.assessments.filter(is_excluded=False, is_graded=True).count()
    evaluations = _propose(world, campaign, {world.county.pk: "较好"})
    assert "尚无经党委（党组）研究确定的考核等次" in services.draft_content(campaign)["grades_text"]

    _decide(world, campaign, evaluations)
    report = services.draft_upward_report(actor=None, campaign=campaign)
    assert report.grades_text == (
        f"经党委（党组）研究确定，考核定等的 {graded} 名党组织书记中："
        f"“好”等次 {graded - 1} 人，“较好”等次 1 人，“一般”等次 0 人，“差”等次 0 人。"
    )
    assert "自动填入" not in report.grades_text


@pytest.mark.req("OVS-1", "EVA-8")
def test_the_reports_document_number_carries_the_year_it_is_issued(world, county_staff):
    from datetime import datetime

    from django.utils import timezone

    from shuping.oversight import documents

    campaign = decided(opened(world.county, 2022))
    report = services.draft_upward_report(actor=None, campaign=campaign)
    assert documents.report_document(report).document_number == ""  # a draft is not numbered yet
    report.problems_text = "个别党组织书记述职查摆问题不深。"
    report.save()
    sent_at = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
    with mock.patch("django.utils.timezone.now", return_value=sent_at):
        services.submit_upward_report(actor=None, report=report)
    report.refresh_from_db()
    document = documents.report_document(report)
    # 发文 register (DOC-1): the campaign organizer's 机关代字, the year of issue, the organ's next number.
    assert document.document_number == "乙县委组〔2026〕1号"
    assert document.issued_on.year == 2026


@pytest.mark.req("OVS-1", "EVA-8")
def test_a_province_reports_upward_to_the_central_department_outside_the_system(world, client):
    """Art. 8 binds the province too: its parent (中共中央组织部) is not in the system, so the campaign page
    asks for the addressee (prefilled), and the same report and documents follow, addressed to it."""
    from io import BytesIO

    from docx import Document

    from shuping.oversight.documents import report_document, report_docx, report_pdf

    campaign = decided(opened(world.province, 2024))
    staff = world.organizer_staff
    client.force_login(staff)
    url = reverse("campaigns:detail", args=[campaign.pk])
    draft_url = reverse("oversight:report_draft", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "向上级党组织报告" in page and f'action="{draft_url}"' in page
    assert 'name="addressee" value="中共中央组织部"' in page

    refused = client.post(draft_url, {"addressee": " "})  # SEC-6: the campaign page again with why, 400
    assert refused.status_code == 400 and "请填写报送单位" in refused.content.decode()
    assert "向上级党组织报告" in refused.content.decode() and not UpwardReport.objects.exists()
    done = client.post(draft_url, {"addressee": "中共中央组织部"})
    report = UpwardReport.objects.get(campaign=campaign)
    assert done.status_code == 302 and done.url == reverse("oversight:report", args=[report.pk])
    assert report.to_organization is None and report.to_name == "中共中央组织部"
    assert report.grades_text and report.scope_text  # the same draft as any other level's
    services.update_upward_report(
        actor=staff, report=report, problems_text="个别市委书记抓党建压力传导不够。"
    )
    page = client.get(reverse("oversight:report", args=[report.pk])).content.decode()
    assert "→ 中共中央组织部（系统外，导出文件报送）" in page and "报送中共中央组织部" in page
    client.post(reverse("oversight:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.is_submitted

    assert report_document(report).addressee == "中共中央组织部："
    assert report_pdf(report).startswith(b"%PDF")
    text = "\n".join(p.text for p in Document(BytesIO(report_docx(report))).paragraphs)
    assert "中共中央组织部：" in text and "个别市委书记抓党建压力传导不够。" in text
    # Next year the addressee is offered again.
    following = decided(opened(world.province, 2025))
    assert (
        'name="addressee" value="中共中央组织部"'
        in client.get(reverse("campaigns:detail", args=[following.pk])).content.decode()
    )


@pytest.mark.req("OVS-1")
def test_an_empty_addressee_is_refused_with_a_message_and_nothing_drafted(world, client):
    campaign = decided(opened(world.province, 2024))
    client.force_login(world.organizer_staff)
    response = client.post(
        reverse("oversight:report_draft", args=[campaign.pk]), {"addressee": " "}, follow=True
    )
    assert "请填写报送单位" in response.content.decode()
    assert not UpwardReport.objects.filter(campaign=campaign).exists()
