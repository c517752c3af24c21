"""The composite (EVA-1): recomputed from the registered providers and stored as a snapshot; the facts the
vetoes look at."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shuping.campaigns.models import Campaign

from .. import providers, scoring, selectors
from ..models import Evaluation
from .base import EvaluationConflict, EvaluationError, audit, locked_evaluation, refuse_own
from .config import start_evaluations

if TYPE_CHECKING:
    from shuping.accounts.models import User


@transaction.atomic
def compute_composites(*, actor: User | None, campaign: Campaign, source: str = "web") -> list[Evaluation]:
    """Recompute every unlocked evaluation's composite from the registered providers (EVA-1).

    The snapshot (components, score, suggested grade, explanation lines, rules that fired) is stored, so the
    calibration screen reads it in a constant number of queries and the proposal keeps what it was based on.
    """
    evaluations = [
        e for e in start_evaluations(actor=actor, campaign=campaign, source=source) if not e.is_locked
    ]
    compute_snapshot(campaign, evaluations)
    audit(actor, "evaluations.compute", campaign, source, evaluations=len(evaluations))
    return evaluations


def compute_snapshot(campaign: Campaign, evaluations: Sequence[Evaluation]) -> None:
    """Compose and store the snapshot of `evaluations` (unlocked, of `campaign`).

    Points-only components (加减分: `Value.adjustment_points`, no score) are never weighted components: they
    are left out of the weights even if someone set one (a missing score must not redistribute a weight),
    and their points go to `Facts.adjustment_points`, the composite's own step (scoring.compose step 2).
    """
    rules = selectors.scoring_rules(campaign)
    points_only = {name for name, reg in providers.registered().items() if reg.points_only}
    if points_only & set(rules.weights):
        rules = dataclasses.replace(
            rules, weights={n: w for n, w in rules.weights.items() if n not in points_only}
        )
    values = providers.collect([e.assessment for e in evaluations])
    now = timezone.now()
    for e in evaluations:
        found = values.get(e.assessment_id, {})
        components = [
            scoring.Component(name, found[name].score if name in found else None, providers.label_of(name))
            for name in rules.weights
        ]
        components += [
            scoring.Component(name, v.score, providers.label_of(name))
            for name, v in found.items()
            if name not in rules.weights and name not in points_only
        ]
        flags = frozenset(e.flags or {}) | frozenset(f for v in found.values() for f in v.flags)
        ballot = found.get("ballot")
        facts = scoring.Facts(
            flags=flags,
            top_rate=ballot.top_rate if ballot else None,
            top_two_rate=ballot.top_two_rate if ballot else None,
            adjustment_points=sum((Fraction(v.adjustment_points) for v in found.values()), Fraction(0)),
        )
        result = scoring.compose(components, facts, rules)
        lines = [line for v in found.values() for line in v.lines] + list(result.lines)
        for name, note in (e.flags or {}).items():
            lines.insert(0, f"组织部门记录：{note or name}。")
        e.components = {
            c.name: {
                "label": c.title,
                "score": None if c.score is None else str(Fraction(c.score)),
                "score_text": scoring.fmt(c.score),
                "weight": str(rules.weights.get(c.name, 0)),
                "lines": list(found[c.name].lines) if c.name in found else [],
            }
            for c in components
        }
        for name in sorted(points_only & set(found)):
            points = Fraction(found[name].adjustment_points)
            e.components[name] = {
                "label": providers.label_of(name),
                "score": None,
                "score_text": "—",
                "weight": "0",
                "points": str(points),
                "points_text": scoring.signed(points),
                "lines": list(found[name].lines),
            }
        if ballot is not None:
            e.components["ballot"]["top_rate"] = scoring.pct(ballot.top_rate)
            e.components["ballot"]["top_two_rate"] = scoring.pct(ballot.top_two_rate)
        e.composite_score = None if result.score is None else Decimal(scoring.fmt(result.score, 2))
        e.suggested_grade = result.suggested_grade or ""
        e.explanation = lines
        e.fired_rules = list(result.fired)
        e.computed_at = now
    Evaluation.objects.bulk_update(
        evaluations,
        ["components", "composite_score", "suggested_grade", "explanation", "fired_rules", "computed_at"],
    )


@transaction.atomic
def set_flag(
    *,
    actor: User | None,
    evaluation: Evaluation,
    flag: str,
    note: str,
    is_set: bool = True,
    source: str = "web",
) -> Evaluation:
    """Record (or clear) a fact a declared veto looks at, e.g. a serious incident, with a note (EVA-1)."""
    evaluation = locked_evaluation(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict("已经党委（党组）研究确定，不能修改。")
    refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    known = {v["flag"] for v in selectors.config_for(evaluation.campaign).vetoes or ()}
    if flag not in known:
        raise EvaluationError("不是本年度设定的否决情形。", field="flag")
    if is_set and not note.strip():
        raise EvaluationError("请写明情况。", field="note")
    flags = dict(evaluation.flags or {})
    if is_set:
        flags[flag] = note.strip()
    else:
        flags.pop(flag, None)
    evaluation.flags = flags
    evaluation.save(update_fields=["flags"])
    audit(actor, "evaluations.flag", evaluation, source, flag=flag, is_set=is_set)
    return evaluation
