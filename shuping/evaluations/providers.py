"""The composite's inputs as a provider registry (EVA-1, EVA-3).

Each source registers a component — a function of a batch of assessments answering
{assessment pk: Value} — so the composite never imports an app that has not landed, and a missing
source simply has no score (its weight is redistributed, and the page says so):

    from shuping.evaluations.providers import provider
    @provider("field", label="实地考核")
    def field_score(assessment) -> Value | None: ...

`batch_provider` registers a function over the whole list (one query for a page, PERF-5). A value carries
the score (0–100, or None), the lines that explain it, flags the declared rules look at (e.g.
"serious_incident"), the ballot's rates, 加减分 points, and problems for the opinion draft (EVA-3).

Providers are called only by `services.compute_composites` (a write, by organizer staff) and
`services.draft_opinion`; the pages read the stored snapshot (EVA-9: results never leave the organizer's
staff and leaders before 研究).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .scoring import COMPONENT_LABELS


@dataclass(frozen=True)
class Problem:
    """A problem pointed out, with where it came from (so it can flow to rectification, RCT-1)."""

    text: str
    source: str  # "report", "commentary", "field", "observations", "ballot", "finding" …


@dataclass(frozen=True)
class Value:
    score: Fraction | int | None = None
    lines: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()
    top_rate: Fraction | None = None
    top_two_rate: Fraction | None = None
    adjustment_points: Fraction | int = 0
    problems: tuple[Problem, ...] = ()
    achievements: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)


BatchProvider = Callable[[Sequence[Any]], dict[int, Value]]


@dataclass(frozen=True)
class Registered:
    name: str
    label: str
    func: BatchProvider
    #: Supplies only `adjustment_points` (加减分), never a score: not a weighted component.
    points_only: bool = False


_REGISTRY: dict[str, Registered] = {}


def batch_provider(
    name: str, *, label: str = "", points_only: bool = False
) -> Callable[[BatchProvider], BatchProvider]:
    """Register `func(assessments) -> {pk: Value}` as component `name` (a later registration replaces).

    `points_only`: the component supplies 加减分 points and no score; the composite adds its points as its
    own step and never treats it as a weighted component (a missing score redistributes nothing)."""

    def decorator(func: BatchProvider) -> BatchProvider:
        _REGISTRY[name] = Registered(name, label or COMPONENT_LABELS.get(name, name), func, points_only)
        return func

    return decorator


def provider(name: str, *, label: str = "") -> Callable[[Callable[[Any], Value | None]], Callable]:
    """Register `func(assessment) -> Value | None` as component `name`."""

    def decorator(func: Callable[[Any], Value | None]) -> Callable[[Any], Value | None]:
        def batch(assessments: Sequence[Any]) -> dict[int, Value]:
            out = {}
            for a in assessments:
                value = func(a)
                if value is not None:
                    out[a.pk] = value
            return out

        batch.__wrapped__ = func  # type: ignore[attr-defined]
        batch_provider(name, label=label)(batch)
        return func

    return decorator


def unregister(name: str) -> None:
    """Remove a component (tests)."""
    _REGISTRY.pop(name, None)


def registered() -> dict[str, Registered]:
    return dict(_REGISTRY)


def label_of(name: str) -> str:
    item = _REGISTRY.get(name)
    return item.label if item else COMPONENT_LABELS.get(name, name)


def collect(assessments: Sequence[Any]) -> dict[int, dict[str, Value]]:
    """{assessment pk: {component: Value}} from every registered provider."""
    items = list(assessments)
    out: dict[int, dict[str, Value]] = {a.pk: {} for a in items}
    if not items:
        return out
    for name, reg in _REGISTRY.items():
        for pk, value in reg.func(items).items():
            if pk in out:
                out[pk][name] = value
    return out
