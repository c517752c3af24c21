"""The home page's 待办 for the secretary: the report to write, then — once returned — to revise (REP-1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.core.todos import todos_for
from shuping.reports import services

from .conftest import GOOD


@pytest.mark.req("REP-1")
def test_the_secretary_sees_the_report_to_write_then_to_revise_and_nothing_once_submitted(
    world, setup, client
):
    assessment = setup.assessment
    [todo] = todos_for(world.assessee)
    assert todo.text == f"撰写并提交 {setup.campaign.year} 年度述职报告（{assessment.organization_name}）"
    assert todo.url == f"/reports/assessments/{assessment.pk}/"
    assert todos_for(world.outsider) == [] and todos_for(world.organizer_staff) == []  # own assessments only

    services.save_report(actor=world.assessee, assessment=assessment, **GOOD)
    report = services.submit_report(actor=world.assessee, assessment=assessment)
    assert todos_for(world.assessee) == []

    services.return_report(actor=world.organizer_staff, report=report, remarks="问题查摆不够具体，请补充。")
    [todo] = todos_for(world.assessee)
    assert todo.urgent and todo.text.startswith("修改并重新提交") and "问题查摆不够具体" in todo.note

    client.force_login(world.assessee)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    assert "待办事项" in page and "修改并重新提交" in page and f'href="{todo.url}"' in page
    assert len(captured) < 30


@pytest.mark.req("REP-1")
def test_organizer_staff_see_how_many_submitted_reports_wait_for_review(world, setup):
    services.save_report(actor=world.assessee, assessment=setup.assessment, **GOOD)
    assert not [t for t in todos_for(world.organizer_staff) if t.text.startswith("审核述职报告")]  # a draft
    services.submit_report(actor=world.assessee, assessment=setup.assessment)
    [todo] = [t for t in todos_for(world.organizer_staff) if t.text.startswith("审核述职报告")]
    assert todo.text.endswith(f"{setup.campaign.year} 年度，1 份已提交待审核") and todo.url == "/reports/"
    # The department leader reads but does not review; the assessee and outsiders have nothing to review.
    for user in (world.department_leader, world.assessee, world.outsider):
        assert not [t for t in todos_for(user) if t.text.startswith("审核述职报告")]


@pytest.mark.req("REP-1", "FLOW-2")
def test_other_users_grants_on_the_campaign_do_not_multiply_the_count(world, setup):
    from shuping.campaigns import services as campaign_services
    from shuping.campaigns.choices import CampaignRole

    # A field team of three on the campaign: three grant rows the role filter joins.
    for user in (world.department_leader, world.guidance_staff, world.outsider):
        campaign_services.grant_campaign_role(
            actor=None, campaign=setup.campaign, user=user, role=CampaignRole.FIELD_ASSESSOR
        )
    services.save_report(actor=world.assessee, assessment=setup.assessment, **GOOD)
    services.submit_report(actor=world.assessee, assessment=setup.assessment)
    [todo] = [t for t in todos_for(world.organizer_staff) if t.text.startswith("审核述职报告")]
    assert todo.text.endswith("1 份已提交待审核"), todo.text
