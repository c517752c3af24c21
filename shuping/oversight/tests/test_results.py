"""The dashboard's results widgets (OVS-2, EVA-9, RCT-2): grades counted only once the committee has
decided them, rectification completion and overdue computed on the day — one aggregate query each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.evaluations import services as evaluation_services
from shuping.evaluations.choices import StepKind
from shuping.evaluations.tests.builders import campaign_at_evaluation
from shuping.oversight import providers, selectors
from shuping.rectification import services as rectification_services
from shuping.rectification.choices import ItemStatus

pytestmark = pytest.mark.django_db


def _propose(world, campaign, grades: dict[int, str]):
    evaluations = evaluation_services.start_evaluations(actor=world.organizer_staff, campaign=campaign)
    for e in evaluations:
        evaluation_services.propose_grade(
            actor=world.organizer_staff,
            evaluation=e,
            grade=grades.get(e.assessment.organization_id, "好"),
            reason="测试",
        )
    return evaluations


def _decide(world, campaign, evaluations):
    for kind, ref in (
        (StepKind.SECTION_DRAFT, "拟定稿"),
        (StepKind.DEPARTMENT_MEETING, "部务会纪要〔2024〕1号"),
        (StepKind.COMMITTEE, "常委会纪要〔2024〕2号"),
    ):
        evaluation_services.record_step(
            actor=world.organizer_staff,
            campaign=campaign,
            kind=kind,
            evaluations=evaluations,
            held_on=campaign.ends_on,
            minutes_reference=ref,
            quota_reasons={"__all__": "测试数据"},
        )


def _by_child(board):
    return {(g["child_name"], g["grade"]): g["count"] for g in board.grades}


def test_the_oversight_app_registers_both_providers():
    assert providers.approved_grades in selectors._GRADE_PROVIDERS
    assert providers.rectification_progress in selectors._RECTIFICATION_PROVIDERS


@pytest.mark.req("OVS-2", "EVA-9")
def test_grades_appear_only_once_the_committee_has_decided_them_grouped_by_child(world):
    # 甲市委 organizes its own campaign (its counties below it) in the province's subtree.
    campaign = campaign_at_evaluation(
        world, organizer=world.prefecture, assessee_org=world.county, year=2024, extra=3
    )
    graded = campaign.assessments.filter(is_excluded=False, is_graded=True).count()
    assert selectors.dashboard_for(world.province, year=2024).grades is None  # nothing proposed yet

    evaluations = _propose(world, campaign, {world.county.pk: "较好"})
    board = selectors.dashboard_for(world.province, year=2024)
    assert board.grades is None  # proposals stay with the organizer's staff until 研究 (EVA-9)

    _decide(world, campaign, evaluations)
    board = selectors.dashboard_for(world.province, year=2024)
    assert _by_child(board) == {("甲市委", "较好"): 1, ("甲市委", "好"): graded - 1}
    assert {g["child"] for g in board.grades} == {world.prefecture.path}
    # The prefecture's own dashboard shows them on its own level.
    own = selectors.dashboard_for(world.prefecture, year=2024)
    assert _by_child(own) == {(selectors.OWN_LEVEL, "较好"): 1, (selectors.OWN_LEVEL, "好"): graded - 1}


@pytest.mark.req("OVS-2", "EVA-9")
def test_a_county_does_not_see_grades_of_the_prefecture_campaign_that_assessed_its_secretary(world):
    campaign = campaign_at_evaluation(
        world, organizer=world.prefecture, assessee_org=world.county, year=2024, extra=1
    )
    _decide(world, campaign, _propose(world, campaign, {}))
    assert selectors.dashboard_for(world.county, year=2024).grades is None


@pytest.mark.req("OVS-2", "PERF-5")
def test_each_results_widget_is_one_query_whatever_the_number_of_assessees(world):
    campaign = campaign_at_evaluation(world, year=2024, extra=4)
    _decide(world, campaign, _propose(world, campaign, {}))
    decided = selectors._decided(world.province, 2024)
    counts = []
    for provider in (providers.approved_grades, providers.rectification_progress):
        args = (
            (decided, "child")
            if provider is providers.approved_grades
            else (decided, "child", campaign.ends_on)
        )
        with CaptureQueriesContext(connection) as ctx:
            provider(*args)
        counts.append(len(ctx.captured_queries))
    assert counts == [1, 1]


@pytest.mark.req("OVS-2", "RCT-2")
def test_rectification_completion_and_overdue_are_counted_on_the_day(world):
    campaign = campaign_at_evaluation(world, year=2024, extra=1)
    _decide(world, campaign, _propose(world, campaign, {}))
    assert selectors.dashboard_for(world.province, year=2024).rectification is None  # no items yet

    assessment = campaign.assessments.get(organization=world.prefecture)
    rlist = rectification_services.start_list(actor=world.organizer_staff, assessment=assessment)
    deadline = rlist.starts_on + timedelta(days=30)
    for problem in ("三会一课不规范", "软弱涣散党组织整顿偏慢"):
        rectification_services.add_item(
            actor=world.organizer_staff,
            rectification_list=rlist,
            problem=problem,
            measures="逐项整改",
            responsible="书记",
            deadline=deadline,
        )
    rectification_services.submit_list(actor=world.organizer_staff, rectification_list=rlist)
    rectification_services.confirm_list(actor=world.organizer_staff, rectification_list=rlist)
    first = rlist.items.order_by("pk").first()
    rectification_services.add_progress(actor=world.assessee, item=first, text="已完成", marks_done=True)
    rectification_services.close_items(actor=world.organizer_staff, items=[first])
    total = rlist.items.count()
    assert rlist.items.filter(status=ItemStatus.CLOSED).count() == 1

    on_time = selectors.dashboard_for(world.province, year=2024, today=deadline).rectification
    assert on_time == [
        {
            "child": world.province.path,
            "child_name": selectors.OWN_LEVEL,
            "items": total,
            "done": 1,
            "open": total - 1,
            "overdue": 0,
        }
    ]
    late = selectors.dashboard_for(world.province, year=2024, today=deadline + timedelta(days=1))
    assert late.rectification[0]["overdue"] == total - 1  # the closed item is never overdue
