"""Adapters to other apps, and the registry of problem SOURCES (RCT-1).

Adapters — the one place this app reads the evaluations app's results:
  - `approved_grade(assessment)`: the grade fixed by the committee's 研究 (EVA-4), or None while undecided
    (`shuping.evaluations.selectors.decided_grade`, the one definition feedback and oversight read too);
  - `approved_on(assessment)`: the date of that approval (the committee step's meeting date);
  - `feedback_released_on(assessment)`: the date results were fed back (EVA-5, the feedback app's selector).
    The list's period counts from feedback when it has been released, else from approval.

Problem sources: each kind registers `func(assessments) -> {assessment pk: [Problem, …]}`; a Problem
carries its source kind, the source's own reference and the text. One assessment may see the same problem
from several sources; the drafting service folds identical texts into one item with several sources.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shuping.core.dates import local_date


@dataclass(frozen=True)
class Problem:
    kind: str  # choices.SourceKind
    reference: str  # e.g. "campaigns.InspectionFinding:12"
    text: str


ProblemProvider = Callable[[Sequence[Any]], dict[int, list[Problem]]]
_PROVIDERS: dict[str, ProblemProvider] = {}


def register_problem_source(name: str) -> Callable[[ProblemProvider], ProblemProvider]:
    """Register a batch provider of problems under `name` (idempotent; last registration wins)."""

    def decorator(func: ProblemProvider) -> ProblemProvider:
        _PROVIDERS[name] = func
        return func

    return decorator


def unregister(name: str) -> None:
    _PROVIDERS.pop(name, None)


def problems_for(assessments: Sequence[Any]) -> dict[int, list[Problem]]:
    """{assessment pk: problems from every registered source}, a few queries for a whole batch."""
    out: dict[int, list[Problem]] = {a.pk: [] for a in assessments}
    for name in sorted(_PROVIDERS):
        for pk, problems in _PROVIDERS[name](assessments).items():
            out.setdefault(pk, []).extend(problems)
    return out


# --- adapters to evaluations ------------------------------------------------------------------------


def _evaluation(assessment) -> Any | None:
    from shuping.evaluations.models import Evaluation

    cached = assessment.__dict__.get("_rct_evaluation", "unset")
    if cached != "unset":
        return cached
    evaluation = Evaluation.objects.filter(assessment_id=assessment.pk).first()
    assessment.__dict__["_rct_evaluation"] = evaluation
    return evaluation


def approved_grade(assessment) -> str | None:
    """The grade decided by the committee (EVA-4), None while not approved or report-only: the evaluations
    app's one selector, `decided_grade`."""
    from shuping.evaluations.selectors import decided_grade

    return decided_grade(assessment)


def approved_on(assessment) -> date | None:
    """The date of the committee's 研究 that approved the grade (its step's meeting date)."""
    from shuping.evaluations.choices import StepKind
    from shuping.evaluations.models import DecisionStep

    e = _evaluation(assessment)
    if e is None or not e.is_locked:
        return None
    held = (
        DecisionStep.objects.filter(evaluations=e, kind__in=[StepKind.COMMITTEE, StepKind.REDECISION])
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    if held:
        return held
    return local_date(e.decided_at)


def feedback_released_on(assessment) -> date | None:
    """EVA-5: the day the result was fed back (`shuping.feedback.selectors.feedback_released_on`), or None
    while it has not been released — the list's period then counts from the committee's approval."""
    from shuping.feedback.selectors import feedback_released_on as released_on

    return released_on(assessment)


def period_start(assessment) -> tuple[date | None, str]:
    """(date the list's period counts from, "feedback" | "approval") — RCT-1."""
    fed_back = feedback_released_on(assessment)
    if fed_back:
        return fed_back, "feedback"
    return approved_on(assessment), "approval"
