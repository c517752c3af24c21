"""The organizer's proposal (EVA-2) and the opinion (EVA-3): achievements affirmed, problems pointed out with
their source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from .. import providers
from ..choices import EvaluationStatus, VersionKind
from ..models import Evaluation
from .base import (
    EvaluationConflict,
    EvaluationError,
    actor_user,
    add_version,
    audit,
    check_grade,
    locked_evaluation,
    refuse_own,
)

if TYPE_CHECKING:
    from shuping.accounts.models import User


@transaction.atomic
def propose_grade(
    *, actor: User | None, evaluation: Evaluation, grade: str, reason: str = "", source: str = "web"
) -> Evaluation:
    """The organizer proposes a grade (EVA-2). Differing from the suggestion needs a written reason; both
    grades are kept (the proposal records the suggestion it departed from)."""
    check_grade(grade)
    evaluation = locked_evaluation(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict("已经党委（党组）研究确定，只能通过重新研究改变等次。", code="locked")
    if not evaluation.assessment.is_graded:
        raise EvaluationError("该考核对象只述职不定等次。", field="grade")
    refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    reason = reason.strip()
    if evaluation.suggested_grade and grade != evaluation.suggested_grade and not reason:
        raise EvaluationError(
            f"拟定等次“{grade}”与建议等次“{evaluation.suggested_grade}”不同，须写明理由。", field="reason"
        )
    if evaluation.status != EvaluationStatus.OPEN:
        # A change after the section draft sends the evaluation back to the start of the chain.
        evaluation.transition_to(EvaluationStatus.OPEN)
    evaluation.proposed_grade = grade
    evaluation.suggested_at_proposal = evaluation.suggested_grade
    evaluation.override_reason = reason if grade != evaluation.suggested_grade else ""
    evaluation.proposed_by = actor_user(actor)
    evaluation.proposed_at = timezone.now()
    add_version(evaluation, kind=VersionKind.PROPOSAL, grade=grade, reason=reason, actor=actor)
    evaluation.save()
    audit(
        actor,
        "evaluations.propose",
        evaluation,
        source,
        grade=grade,
        suggested=evaluation.suggested_grade,
        is_override=evaluation.is_override,
    )
    return evaluation


def _clean_problems(problems: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    for p in problems:
        text = str(p.get("text", "")).strip()
        if text:
            out.append({"text": text[:1000], "source": str(p.get("source", "organizer"))[:32] or "organizer"})
    return out


@transaction.atomic
def update_opinion(
    *,
    actor: User | None,
    evaluation: Evaluation,
    achievements: str,
    problems: Sequence[Mapping[str, Any]],
    source: str = "web",
) -> Evaluation:
    """Edit the opinion (EVA-3): achievements affirmed and problems pointed out, each problem with its
    source so it can flow to the rectification list (RCT-1)."""
    evaluation = locked_evaluation(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict("已经党委（党组）研究确定，不能修改综合评价意见。", code="locked")
    refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    evaluation.achievements = achievements.strip()
    evaluation.problems = _clean_problems(problems)
    evaluation.opinion_updated_at = timezone.now()
    evaluation.save(update_fields=["achievements", "problems", "opinion_updated_at"])
    audit(actor, "evaluations.opinion", evaluation, source, problems=len(evaluation.problems))
    return evaluation


@transaction.atomic
def draft_opinion(*, actor: User | None, evaluation: Evaluation, source: str = "web") -> Evaluation:
    """Draft the opinion from the sources (EVA-3): providers' problems and achievements, and the
    inspection findings attached to the assessee (CMP-5). Existing problems are kept; nothing is doubled."""
    evaluation = locked_evaluation(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict("已经党委（党组）研究确定，不能修改综合评价意见。", code="locked")
    found = providers.collect([evaluation.assessment])[evaluation.assessment_id]
    problems = list(evaluation.problems or [])
    seen = {p["text"] for p in problems}
    for v in found.values():
        for p in v.problems:
            if p.text not in seen:
                problems.append({"text": p.text, "source": p.source})
                seen.add(p.text)
    for finding in evaluation.assessment.findings.all():
        if finding.description not in seen:
            problems.append({"text": finding.description, "source": f"finding:{finding.source}"})
            seen.add(finding.description)
    achievements = evaluation.achievements or "\n".join(a for v in found.values() for a in v.achievements)
    return update_opinion(
        actor=actor, evaluation=evaluation, achievements=achievements, problems=problems, source=source
    )
