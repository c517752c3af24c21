"""Stage preconditions registered with campaigns (CMP-1): 综合评价 needs a proposed grade; 研究 needs the
committee's approval (Art. 6 经党委（党组）研究后，向被评议考核人反馈). And a reopen guard (EVA-4): once the
committee has approved, the assessment cannot be stepped back out of 研究 or 反馈 — a decided grade changes
only through a recorded re-decision (`services.redecide`).

Enforced for campaigns that use the evaluations app — those with at least one evaluation — and for any
campaign whose settings say `"evaluation_required": true` (`false` turns it off, e.g. a campaign run on
paper). One query for a whole campaign page (batch blockers, PERF-5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shuping.campaigns.blockers import batch_blocker, reopen_guard
from shuping.campaigns.choices import Stage


def _state(assessments: Sequence[Any]) -> tuple[dict[int, tuple[str, str]], set[int]]:
    from .models import Evaluation

    campaign_ids = {a.campaign_id for a in assessments}
    rows = list(
        Evaluation.objects.filter(campaign_id__in=campaign_ids).values_list(
            "assessment_id", "campaign_id", "proposed_grade", "status"
        )
    )
    return {a: (g, s) for a, _c, g, s in rows}, {c for _a, c, _g, _s in rows}


def _required(assessment, using: set[int]) -> bool:
    setting = (assessment.campaign.settings or {}).get("evaluation_required")
    return setting if isinstance(setting, bool) else assessment.campaign_id in using


@batch_blocker(Stage.EVALUATION)
def grade_not_proposed(assessments: Sequence[Any]) -> dict[int, str]:
    if not assessments:
        return {}
    state, using = _state(assessments)
    out = {}
    for a in assessments:
        if not a.is_graded or not _required(a, using):
            continue
        if not state.get(a.pk, ("", ""))[0]:
            out[a.pk] = "综合评价尚未提出拟定等次。"
    return out


@batch_blocker(Stage.DECISION)
def not_approved(assessments: Sequence[Any]) -> dict[int, str]:
    from .choices import EvaluationStatus

    if not assessments:
        return {}
    state, using = _state(assessments)
    out = {}
    for a in assessments:
        if _required(a, using) and state.get(a.pk, ("", ""))[1] != EvaluationStatus.APPROVED:
            out[a.pk] = "尚未经党委（党组）研究确定（会议纪要未录入）。"
    return out


#: Stepping back out of these stages would undo the committee's 研究 (EVA-4).
DECIDED_STAGES = (Stage.DECISION, Stage.FEEDBACK)


@reopen_guard(None)
def decision_recorded(assessment) -> str | None:
    """EVA-4: approval locks the set; change only by a recorded re-decision, never by stepping back."""
    if assessment.stage not in DECIDED_STAGES:
        return None
    from .choices import StepKind
    from .models import DecisionStep, Evaluation

    if not Evaluation.objects.filter(assessment_id=assessment.pk, is_locked=True).exists():
        return None
    step = (
        DecisionStep.objects.filter(
            evaluations__assessment_id=assessment.pk, kind__in=(StepKind.COMMITTEE, StepKind.REDECISION)
        )
        .order_by("-held_on", "-pk")
        .first()
    )
    minutes = f"（{step.minutes_reference}）" if step else ""
    return (
        f"综合评价等次已经党委（党组）研究确定{minutes}，不能退回；"
        "如需改变等次，请在综合评价页面录入“重新研究”（EVA-4）。"
    )
