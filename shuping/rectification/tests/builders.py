"""Test data for rectification, built through services: a campaign decided by the committee."""

from __future__ import annotations

from datetime import date

from shuping.campaigns.findings import add_finding
from shuping.evaluations import services as evaluation_services
from shuping.evaluations.choices import StepKind
from shuping.evaluations.tests.builders import campaign_at_evaluation

SHARED_PROBLEM = "党支部“三会一课”落实不到位，部分支部组织生活不规范"


def decide(world, campaign, grades: dict | None = None, held_on: date = date(2024, 1, 20)):
    """Propose (default 好, the assessee's 甲市委 as given) and approve every evaluation (EVA-4)."""
    grades = grades or {}
    evaluations = evaluation_services.start_evaluations(actor=world.organizer_staff, campaign=campaign)
    for e in evaluations:
        grade = grades.get(e.assessment.organization_id, "好")
        evaluation_services.propose_grade(
            actor=world.organizer_staff, evaluation=e, grade=grade, reason="测试"
        )
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
            held_on=held_on,
            minutes_reference=ref,
            quota_reasons={"__all__": "测试数据"},
        )
    return campaign


def prefecture_assessment(campaign, world):
    return campaign.assessments.select_related("campaign", "person").get(organization=world.prefecture)


def campaign_with_problems(world, *, grade: str = "较好", year: int = 2023, decided: bool = True):
    """示范省委's campaign: 甲市委's secretary (the assessee persona) with one problem pointed out by an
    inspection finding, the opinion and the field findings (three sources), and one opinion-only problem."""
    campaign = campaign_at_evaluation(world, year=year, extra=3)
    assessment = prefecture_assessment(campaign, world)
    add_finding(
        actor=world.organizer_staff,
        assessment=assessment,
        source_kind="circuit_inspection",
        description=SHARED_PROBLEM,
    )
    evaluation_services.start_evaluations(actor=world.organizer_staff, campaign=campaign)
    evaluation = assessment.evaluation
    evaluation_services.update_opinion(
        actor=world.organizer_staff,
        evaluation=evaluation,
        achievements="基层党建工作有进展。",
        problems=[
            {"text": SHARED_PROBLEM, "source": "field"},
            {"text": "软弱涣散村党组织整顿进度偏慢", "source": "organizer"},
        ],
    )
    if decided:
        decide(world, campaign, {world.prefecture.pk: grade})
    return campaign
