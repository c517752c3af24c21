"""Demo evaluations (issue 11, item 5a): last year's campaign calibrated and decided by the committee, and
this year's campaign awaiting 研究 as far as its assessees have got. Everything goes through the services the
pages use: observations scored through fieldwork (FLD-4), composites, proposals meeting the quota (EVA-2),
opinions drafted and affirmed (EVA-3), then 科室拟定 → 部务会 (→ 常委会) with minutes (EVA-4).

The rules: 民主评议 30 / 实地考核 40 / 平时了解 30, with 述职报告质量 and 点评指出问题 at weight 0 — computed
from the reports and commentaries the reports and meetings demos left (this year's campaign) and listed for
reference only. Last year's rules are saved first, so this year's are carried over from them (EVA-1).
This year's campaign also has one 加分 and one 减分 recorded (items of the assessee's indicator set, CMP-4), so
its composites show the 加减分 step.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.campaigns.models import Campaign
from shuping.core.errors import DomainError

from . import selectors, services
from .choices import EvaluationStatus, StepKind

#: EVA-1's demo weights; report quality and commentary problems reference-only (weight 0).
DEMO_WEIGHTS = {"ballot": 30, "field": 40, "observations": 30, "report": 0, "commentary": 0}

ACHIEVEMENTS = (
    "认真履行抓基层党建第一责任人职责，带头研究解决基层党建重点难点问题。",
    "推进党群服务中心规范化建设，村级集体经济收入稳步增长。",
    "抓实软弱涣散基层党组织整顿，整顿转化工作有实效。",
)
PROBLEMS = (
    "对发展党员工作把关不够严，个别支部“三会一课”不够规范。",
    "基层党组织书记队伍培训不够系统，年轻干部储备不足。",
    "党建引领基层治理的抓手不多，办法不够新。",
)


def to_evaluation(campaign: Campaign, actor) -> list:
    """Move every assessee that can go on up to 综合评价 (stage preconditions decide); returns those moved."""
    moved = []
    for a in campaign.assessments.filter(is_excluded=False, person__isnull=False).order_by(
        "organization_path"
    ):
        try:
            for stage in (Stage.FIELD, Stage.MEETING, Stage.EVALUATION):
                if list(Stage.values).index(a.stage) < list(Stage.values).index(stage):
                    a = campaign_services.transition_assessment(
                        actor=actor, assessment=a, to_stage=stage, source="system"
                    )
            moved.append(a)
        except DomainError:
            continue  # blocked (report, field assessment, commentary …): stays where it is
    return moved


def _from_report(assessment, rng: random.Random) -> tuple[str, str]:
    """The opinion's 肯定成绩 and 存在问题 in the assessee's own terms: a line of their report's achievements and
    its first problem (the organizer confirms what the report and the field work showed), else a stock line."""
    report = getattr(assessment, "report", None)
    lines = [line for line in (getattr(report, "achievements", "") or "").splitlines() if line.strip()]
    problems = getattr(report, "problem_texts", None) or []
    return (
        rng.choice(lines) if lines else rng.choice(ACHIEVEMENTS),
        problems[0] if problems else rng.choice(PROBLEMS),
    )


def _propose(campaign: Campaign, actor, rng: random.Random, *, adjust: bool = False) -> list:
    from shuping.fieldwork import services as field_services
    from shuping.fieldwork.choices import ObservationSource

    evaluations = [
        e
        for e in services.start_evaluations(actor=actor, campaign=campaign, source="system")
        if e.assessment.stage == Stage.EVALUATION and not e.is_locked
    ]
    for e in evaluations:
        if e.computed_at is None:  # first pass only: one scored observation (平时了解) per assessee
            field_services.record_observation(
                actor=actor,
                organizer=campaign.organizer,
                observed_on=min(date(campaign.year, 9, 15), timezone.localdate()),
                source_kind=ObservationSource.RESEARCH,
                text=rng.choice(ACHIEVEMENTS),
                assessment=e.assessment,
                score=rng.randint(72, 97),
                source="system",
            )
    if adjust:
        _adjust(campaign, actor)
    services.compute_composites(actor=actor, campaign=campaign, source="system")
    evaluations = [
        e
        for e in services.start_evaluations(actor=actor, campaign=campaign, source="system")
        if e.assessment.stage == Stage.EVALUATION and not e.is_locked
    ]
    graded = sorted(
        (e for e in evaluations if e.assessment.is_graded), key=lambda e: (e.composite_score or 0, -e.pk)
    )
    lower = math.ceil(len(graded) * 0.2)  # above the default 15 %: the quota holds without reasons
    for i, e in enumerate(graded):
        grade = "一般" if i == 0 and len(graded) >= 8 else ("较好" if i < lower else "好")
        reason = (
            ""
            if grade == e.suggested_grade or not e.suggested_grade
            else "综合平时了解和群众反映，部务会研究后调整。"
        )
        services.propose_grade(actor=actor, evaluation=e, grade=grade, reason=reason, source="system")
        achievement, problem = _from_report(e.assessment, rng)
        services.update_opinion(
            actor=actor,
            evaluation=e,
            achievements=achievement,
            problems=[{"text": problem, "source": "organizer"}],
            source="system",
        )
    return evaluations


#: The demo's 加减分: (kind, points at most, 事由, 依据, supplied by).
ADJUSTMENTS = (
    (
        "bonus",
        Decimal(2),
        "推行“党建+网格”治理经验在全省组织工作会议上交流推广。",
        "省委组织部通报〔{year}〕12号",
        "省委组织部",
    ),
    (
        "penalty",
        Decimal(1),
        "巡察发现个别村党组织“三会一课”流于形式，整改不到位。",
        "省委第三巡察组反馈意见〔{year}〕7号",
        "省委巡察办",
    ),
)


def _adjust(campaign: Campaign, actor) -> int:
    """Record one 加分 and one 减分 (EVA-1) on the first assessees at 综合评价 whose indicator set offers such
    an item, through the service the page uses. Returns how many were recorded."""
    from .models import AdjustmentEntry

    if AdjustmentEntry.objects.filter(evaluation__campaign=campaign).exists():
        return 0
    wanted = list(ADJUSTMENTS)
    made = 0
    for e in services.start_evaluations(actor=actor, campaign=campaign, source="system"):
        if not wanted:
            break
        if e.is_locked or not e.assessment.is_graded or e.assessment.stage != Stage.EVALUATION:
            continue
        kind, most, reason, basis, supplier = wanted[0]
        item = next(
            (i for i in selectors.adjustment_items_for(e.assessment) if i.kind == kind and i.max_points > 0),
            None,
        )
        if item is None:
            continue
        services.add_adjustment(
            actor=actor,
            evaluation=e,
            item=item,
            points=min(most, item.max_points),
            reason=reason,
            basis=basis.format(year=campaign.year),
            on_behalf_of=supplier,
            source="system",
        )
        wanted.pop(0)
        made += 1
    return made


def _reports_of_last_year(campaign: Campaign, actor) -> None:
    """Last year's round had its reports too: written, submitted and accepted (REP-1) before 研究."""
    from shuping.reports import services as report_services
    from shuping.reports.choices import ReportStatus
    from shuping.reports.demo import build_demo_reports
    from shuping.reports.models import Report

    build_demo_reports(campaign=campaign, actor=actor, seed=2025 - 1, review=False, copies=0)
    for report in Report.objects.filter(assessment__campaign=campaign, status=ReportStatus.SUBMITTED):
        report_services.accept_report(actor=actor, report=report, source="system")


def _chain(campaign: Campaign, actor, evaluations: list, *, approve: bool, first_on: date) -> None:
    """科室拟定 → 部务会 (→ 常委会), a week apart from `first_on`; the minutes numbered in that year."""
    year = first_on.year
    steps = [
        (StepKind.SECTION_DRAFT, "", f"组织一处拟定稿（{first_on.month}月{first_on.day}日）"),
        (StepKind.DEPARTMENT_MEETING, "部务会", f"部务会纪要〔{year}〕2号"),
    ]
    if approve:
        steps.append(
            (StepKind.COMMITTEE, f"{campaign.organizer.display_name}常委会", f"常委会会议纪要〔{year}〕3号")
        )
    for n, (kind, body, minutes) in enumerate(steps):
        services.record_step(
            actor=actor,
            campaign=campaign,
            kind=kind,
            evaluations=evaluations,
            held_on=first_on + timedelta(days=7 * n),
            minutes_reference=minutes,
            body=body,
            on_behalf_of=body,
            source="system",
        )


def decide_last_year(*, campaign: Campaign, actor: Any, rng: random.Random | None = None) -> Campaign:
    """Last year's round of `campaign`'s organizer: scope, reports accepted, composites, proposals meeting the
    quota and the committee's 研究 in January after the assessed year (its assessees at 反馈). Returns it."""
    rng = rng or random.Random(2024)
    previous = Campaign.objects.filter(organizer=campaign.organizer, year=campaign.year - 1).first()
    if previous is None:
        previous = campaign_services.create_campaign(
            actor=actor, organizer=campaign.organizer, year=campaign.year - 1, source="system"
        )
        campaign_services.apply_scope_proposal(actor=actor, campaign=previous, source="system")
        for a in previous.assessments.filter(is_tenure_decided=False):
            campaign_services.set_grading(
                actor=actor,
                assessment=a,
                is_graded=False,
                reason="任职不满半年，只述职不定等次（演示）",
                source="system",
            )
        previous = campaign_services.confirm_scope(actor=actor, campaign=previous, source="system")
    _reports_of_last_year(previous, actor)
    if not services.is_config_locked(previous) and not (previous.settings or {}).get("weights"):
        services.save_config(actor=actor, campaign=previous, weights=DEMO_WEIGHTS, source="system")
    to_evaluation(previous, actor)
    decided = _propose(previous, actor, rng)
    if decided:
        # Decided in last year's round, in January after the assessed year, within its window.
        _chain(previous, actor, decided, approve=True, first_on=date(previous.year + 1, 1, 10))
    return previous


@transaction.atomic
def build_demo_evaluations(*, campaign: Campaign, actor: Any, seed: int = 2024) -> dict[str, Any]:
    """Create last year's campaign of `campaign`'s organizer and take it through the committee's 研究
    (assessees at 反馈), and bring `campaign`'s assessees that can reach 综合评价 up to 部务会 (awaiting 研究).

    `actor` is organizer staff of the organizer. Deterministic for a given `seed`. Returns
    {"approved": Campaign, "awaiting": Campaign, "awaiting_count": int}.
    """
    rng = random.Random(seed)
    previous = decide_last_year(campaign=campaign, actor=actor, rng=rng)
    if not services.is_config_locked(campaign) and not (campaign.settings or {}).get("weights"):
        # Carried over from last year's rules (selectors.config_for), with the same weights.
        services.save_config(actor=actor, campaign=campaign, weights=DEMO_WEIGHTS, source="system")
    to_evaluation(campaign, actor)
    awaiting = _propose(campaign, actor, rng, adjust=True)
    if awaiting:
        # This year's round: drafted and through 部务会 in the last fortnight, never dated ahead of today.
        first_on = max(campaign.meetings_start_on, timezone.localdate() - timedelta(days=10))
        _chain(campaign, actor, awaiting, approve=False, first_on=first_on)
    return {
        "approved": previous,
        "awaiting": campaign,
        "awaiting_count": campaign.evaluations.filter(status=EvaluationStatus.DEPARTMENT_REVIEWED).count(),
    }
