"""What the evaluations services share: the errors, the audit call, the own-grade refusal (EVA-4), the row
lock and the grade history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from shuping.audit.services import record
from shuping.campaigns.models import Assessment
from shuping.core.errors import ConflictError, DomainError

from ..choices import Grade
from ..models import DecisionStep, Evaluation, GradeVersion

if TYPE_CHECKING:
    from shuping.accounts.models import User


class EvaluationError(DomainError):
    """A user-caused error in the evaluations app."""


class EvaluationConflict(ConflictError):
    """The evaluation is not in a state that allows the action (e.g. locked by the committee's 研究)."""


def audit(
    actor: User | None,
    action: str,
    target: models.Model | None,
    source: str,
    on_behalf_of: str = "",
    **detail: Any,
) -> None:
    record(actor=actor, action=action, target=target, source=source, on_behalf_of=on_behalf_of, detail=detail)


def actor_user(actor: User | None) -> Any:
    return actor if getattr(actor, "pk", None) else None


def refuse_own(actor: User | None, assessment_ids: Iterable[int], what: str) -> None:
    """EVA-4: no one calibrates or decides on their own grade."""
    if actor_user(actor) is None:
        return
    if Assessment.objects.filter(pk__in=list(assessment_ids), person__user=actor).exists():
        raise EvaluationConflict(f"本人的考核等次在{what}范围内，应当回避，不能办理。", code="own_grade")


def check_grade(grade: str) -> None:
    if grade not in Grade.values:
        raise EvaluationError("等次应为“好”“较好”“一般”“差”之一（第六条）。", field="grade")


def locked_evaluation(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update().select_related("assessment", "campaign").get(pk=evaluation.pk)
    )


def add_version(
    evaluation: Evaluation,
    *,
    kind: str,
    grade: str,
    reason: str,
    actor: User | None,
    step: DecisionStep | None = None,
) -> GradeVersion:
    evaluation.version += 1
    return GradeVersion.objects.create(
        evaluation=evaluation,
        number=evaluation.version,
        kind=kind,
        grade=grade,
        suggested_grade=evaluation.suggested_grade,
        reason=reason,
        step=step,
        created_by=actor_user(actor),
    )
