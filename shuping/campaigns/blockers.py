"""Pluggable stage preconditions (CMP-1): what blocks an assessment from leaving its current stage.

Other apps register their own blockers here — reports ("述职报告尚未提交"), meetings, evaluations
("研究会议纪要尚未录入"), rectification (last year's unfinished items, CMP-5) — without the campaigns app
knowing them:

    from shuping.campaigns.blockers import blocker
    @blocker(Stage.REPORT)
    def report_missing(assessment) -> str | None: ...

A blocker returns a Chinese reason or None. Per-assessment blockers must only read the assessment and its
select_related campaign; a blocker that needs a query registers with `batch_blocker`, taking the whole list
of assessments and answering {assessment pk: reason}, so the campaign page stays at a constant number of
queries (PERF-5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils import timezone

from .choices import CampaignStatus, Stage

Blocker = Callable[[Any], "str | None"]
BatchBlocker = Callable[[Sequence[Any]], dict[int, str]]

#: (stage left, or None for every stage) → batch functions.
_REGISTRY: list[tuple[str | None, BatchBlocker]] = []


def batch_blocker(stage: str | None) -> Callable[[BatchBlocker], BatchBlocker]:
    def decorator(func: BatchBlocker) -> BatchBlocker:
        if all(existing is not func for _s, existing in _REGISTRY):
            _REGISTRY.append((stage, func))
        return func

    return decorator


def blocker(stage: str | None) -> Callable[[Blocker], Blocker]:
    """Register `func(assessment) -> str | None` as a precondition for leaving `stage` (None: any stage)."""

    def decorator(func: Blocker) -> Blocker:
        def batch(assessments: Sequence[Any]) -> dict[int, str]:
            out = {}
            for a in assessments:
                reason = func(a)
                if reason:
                    out[a.pk] = reason
            return out

        batch.__wrapped__ = func  # type: ignore[attr-defined]
        batch_blocker(stage)(batch)
        return func

    return decorator


def unregister(func: Callable[..., Any]) -> None:
    """Remove a blocker (tests)."""
    _REGISTRY[:] = [
        (s, f) for s, f in _REGISTRY if f is not func and getattr(f, "__wrapped__", None) is not func
    ]


def blockers_for_many(assessments: Iterable[Any]) -> dict[int, list[str]]:
    """{assessment pk: reasons (Chinese) it cannot leave its current stage}, for a whole page at once."""
    items = list(assessments)
    out: dict[int, list[str]] = {a.pk: [] for a in items}
    for stage, func in _REGISTRY:
        subset = [a for a in items if stage is None or a.stage == stage]
        if not subset:
            continue
        for pk, reason in func(subset).items():
            out[pk].append(reason)
    return out


def blockers_for(assessment: Any) -> list[str]:
    return blockers_for_many([assessment])[assessment.pk]


#: Guards on stepping an assessment back one stage (services.reopen_assessment): (stage left, func).
_REOPEN_GUARDS: list[tuple[str | None, Blocker]] = []


def reopen_guard(stage: str | None) -> Callable[[Blocker], Blocker]:
    """Register `func(assessment) -> str | None` refusing a step back out of `stage` (None: any stage).

    E.g. the evaluations app refuses to step back out of 反馈 once a decision is recorded (EVA-4: later
    change only by a recorded re-decision)."""

    def decorator(func: Blocker) -> Blocker:
        if all(f is not func for _s, f in _REOPEN_GUARDS):
            _REOPEN_GUARDS.append((stage, func))
        return func

    return decorator


def reopen_refusals(assessment: Any) -> list[str]:
    return [
        reason
        for stage, func in _REOPEN_GUARDS
        if stage is None or stage == assessment.stage
        if (reason := func(assessment))
    ]


# --- the campaigns app's own preconditions ----------------------------------------------------------


@blocker(None)
def scope_not_confirmed(assessment) -> str | None:
    if assessment.campaign.scope_confirmed_at is None:
        return "考核对象名单尚未确认：组织单位确认名单后才能推进。"
    return None


@blocker(None)
def campaign_closed(assessment) -> str | None:
    if assessment.campaign.status == CampaignStatus.CLOSED:
        return "本年度述职评议考核已结束。"
    return None


@blocker(None)
def excluded(assessment) -> str | None:
    if assessment.is_excluded:
        return "已移出考核名单。"
    return None


@blocker(None)
def no_secretary(assessment) -> str | None:
    if assessment.person_id is None:
        return "尚未确定述职的书记。"
    return None


@blocker(None)
def tenure_undecided(assessment) -> str | None:
    if not assessment.is_tenure_decided:
        return "书记年中调整或任职不满半年，待组织单位确定是否考核定等。"
    return None


@blocker(Stage.FIELD)
def field_not_started(assessment) -> str | None:
    # Art. 6: 述职评议前 … 进行实地考核 — the field stage cannot close before it has begun.
    starts = assessment.campaign.field_starts_on
    if timezone.localdate() < starts:
        return f"实地考核尚未开始（计划 {starts.isoformat()} 开始）。"
    return None
