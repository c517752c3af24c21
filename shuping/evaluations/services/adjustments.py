"""加减分 (EVA-1, CMP-4): items of the assessee's indicator set applied with points, 事由 and 依据; the composite
recomputed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction

from .. import selectors
from ..models import AdjustmentEntry, Evaluation
from .base import EvaluationConflict, EvaluationError, actor_user, audit, locked_evaluation, refuse_own
from .composites import compute_snapshot

if TYPE_CHECKING:
    from shuping.accounts.models import User
    from shuping.campaigns.models import Adjustment


# --- 加减分 (EVA-1, CMP-4) ------------------------------------------------------------------------------


def _points(value: Any) -> Decimal:
    """The points as typed: a positive number with at most two decimals (the sign comes from the item)."""
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise EvaluationError("分值应为数字，如 1 或 0.5。", field="points") from None
    if not points.is_finite():
        raise EvaluationError("分值应为数字，如 1 或 0.5。", field="points")
    if points != points.quantize(Decimal("0.01")):
        raise EvaluationError("分值最多保留两位小数。", field="points")
    if points <= 0:
        raise EvaluationError("分值应大于 0（减分也填正数，按减分项扣减）。", field="points")
    return points.quantize(Decimal("0.01"))


@transaction.atomic
def add_adjustment(
    *,
    actor: User | None,
    evaluation: Evaluation,
    item: Adjustment | int | str | None,  # the item, or its id as posted
    points: Any,
    reason: str,
    basis: str = "",
    on_behalf_of: str = "",
    source: str = "web",
) -> AdjustmentEntry:
    """Apply a 加减分 item of the assessee's indicator set to this evaluation (EVA-1, CMP-4), entered by
    organizer staff (代录 for whoever supplied it), and recompute this evaluation's composite.

    `points` is the magnitude (0 < points ≤ the item's 最高分值); a 减分 item subtracts it. Refused when the
    item is not in the assessee's indicator set, the points are out of range, the 事由 is empty, or the
    evaluation is locked by the committee's 研究 (EVA-4: changed only by a re-decision).
    """
    from shuping.campaigns.models import Adjustment

    evaluation = locked_evaluation(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict(
            "已经党委（党组）研究确定，不能再增减加减分；如需改变等次，请录入重新研究。", code="locked"
        )
    refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    raw = item.pk if isinstance(item, Adjustment) else item
    item_pk: int | None
    try:
        item_pk = int(raw) if raw is not None else None
    except ValueError:
        item_pk = None
    found = Adjustment.objects.filter(pk=item_pk).first() if item_pk is not None else None
    indicator_set = selectors.indicator_set_of(evaluation.assessment)
    if found is None or indicator_set is None or found.indicator_set_id != indicator_set.pk:
        name = f"“{indicator_set.name}”" if indicator_set is not None else ""
        raise EvaluationError(f"请选择该考核对象适用的考核指标{name}中的加减分项。", field="item")
    item = found
    points = _points(points)
    if points > item.max_points:
        raise EvaluationError(
            f"“{item.text}”最高 {item.max_points.normalize():f} 分，不能填 {points.normalize():f} 分。",
            field="points",
        )
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError("请写明事由。", field="reason")
    basis = (basis or "").strip()
    on_behalf_of = (on_behalf_of or "").strip()
    if len(basis) > 200:
        raise EvaluationError("依据（文号）最多 200 字。", field="basis")
    if len(on_behalf_of) > 100:
        raise EvaluationError("代录单位最多 100 字。", field="on_behalf_of")
    entry = AdjustmentEntry.objects.create(
        evaluation=evaluation,
        item=item,
        kind=item.kind,
        item_text=item.text,
        max_points=item.max_points,
        points=points,
        reason=reason,
        basis=basis,
        recorded_by=actor_user(actor),
        on_behalf_of=on_behalf_of,
    )
    compute_snapshot(evaluation.campaign, [evaluation])
    audit(
        actor,
        "evaluations.adjustment.add",
        evaluation,
        source,
        on_behalf_of=on_behalf_of,
        entry=entry.pk,
        item=item.pk,
        kind=item.kind,
        points=str(points),
    )
    return entry


@transaction.atomic
def remove_adjustment(*, actor: User | None, entry: AdjustmentEntry, source: str = "web") -> Evaluation:
    """Remove a recorded 加减分 (EVA-1) and recompute the composite; refused once locked (EVA-4)."""
    evaluation = locked_evaluation(entry.evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict(
            "已经党委（党组）研究确定，不能再增减加减分；如需改变等次，请录入重新研究。", code="locked"
        )
    refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    current = AdjustmentEntry.objects.filter(pk=entry.pk, evaluation=evaluation).first()
    if current is None:
        raise EvaluationConflict("该加减分记录已被删除。", code="gone")
    entry = current
    audit(
        actor,
        "evaluations.adjustment.remove",
        evaluation,
        source,
        entry=entry.pk,
        kind=entry.kind,
        points=str(entry.points),
        item_text=entry.item_text[:100],
        reason=entry.reason[:200],
    )
    entry.delete()
    compute_snapshot(evaluation.campaign, [evaluation])
    return evaluation
