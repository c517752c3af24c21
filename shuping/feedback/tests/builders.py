"""Test data for feedback, built through services (CONVENTIONS): a campaign decided by the committee."""

from __future__ import annotations

from datetime import date

from shuping.evaluations import services as evaluation_services
from shuping.evaluations.choices import StepKind
from shuping.evaluations.tests.builders import campaign_at_evaluation

STEPS = (
    (StepKind.SECTION_DRAFT, "科室拟定稿"),
    (StepKind.DEPARTMENT_MEETING, "部务会纪要〔{y}〕2号"),
    (StepKind.COMMITTEE, "常委会纪要〔{y}〕4号"),
)


def decide(campaign, staff, *, grades=None, approve: bool = True):
    """Propose grades (the assessee's org 较好, others 好 then 较好) and run the chain; `approve=False` stops
    after the department meeting (awaiting 研究)."""
    evaluations = evaluation_services.start_evaluations(actor=staff, campaign=campaign)
    for i, e in enumerate(evaluations):
        grade = (grades or {}).get(e.assessment.organization_id) or ("好" if i % 2 else "较好")
        evaluation_services.propose_grade(actor=staff, evaluation=e, grade=grade)
        evaluation_services.update_opinion(
            actor=staff,
            evaluation=e,
            achievements="抓基层党建责任落实较好，村级组织阵地建设有新进展。",
            problems=[{"text": "软弱涣散党组织整顿进度不平衡", "source": "field"}],
        )
    steps = STEPS if approve else STEPS[:2]
    for kind, ref in steps:
        evaluation_services.record_step(
            actor=staff,
            campaign=campaign,
            kind=kind,
            evaluations=evaluations,
            held_on=date(campaign.year + 1, 1, 20),
            minutes_reference=ref.format(y=campaign.year + 1),
            body="部务会" if kind == StepKind.DEPARTMENT_MEETING else "",
        )
    return campaign


def decided_campaign(world, *, year: int = 2023, extra: int = 3, organizer=None, assessee_org=None):
    campaign = campaign_at_evaluation(
        world, year=year, extra=extra, organizer=organizer, assessee_org=assessee_org
    )
    return decide(campaign, world.organizer_staff)
