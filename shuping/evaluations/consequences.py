"""What follows a decided grade (EVA-4, Art. 7): a registry of decision consequences.

The committee's 研究 fixes a grade (`services.record_step`, the 常委会 / 党组会 step) and a later recorded
re-decision may change it (`services.redecide`). Other apps attach what the grade sets in motion — the
rectification app's 不得评优名单, 约谈提醒 and 限期整改, the unit's annual evaluation (Art. 7) — without this
app importing them: each registers a consequence in its `ready()` (as the blocker and 待办 registries do):

    from shuping.evaluations.consequences import register_decision_consequence

    register_decision_consequence(apply_decision)  # fn(*, assessment, actor, source) -> None

The decision service calls every registered consequence, in registration order, for each assessee whose
grade it fixed or changed, with the person who recorded the decision and the request's source, inside its
own transaction: a consequence that raises undoes the decision with it. A consequence reads the grade with
`selectors.decided_grade(assessment)`; report-only assessees (只述职不定等次) receive none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shuping.accounts.models import User
    from shuping.campaigns.models import Assessment

#: Called as `fn(assessment=…, actor=…, source=…)`, like the services it extends.
Consequence = Callable[..., Any]
_CONSEQUENCES: list[Consequence] = []


def register_decision_consequence(fn: Consequence) -> Consequence:
    """Register `fn(*, assessment, actor, source)` to run when a grade is decided or re-decided (idempotent)."""
    if fn not in _CONSEQUENCES:
        _CONSEQUENCES.append(fn)
    return fn


def unregister_decision_consequence(fn: Consequence) -> None:
    """Remove a consequence (tests)."""
    if fn in _CONSEQUENCES:
        _CONSEQUENCES.remove(fn)


def registered() -> list[Consequence]:
    return list(_CONSEQUENCES)


def apply_consequences(*, assessment: Assessment, actor: User | None, source: str) -> None:
    """Run every registered consequence of the grade just decided for `assessment` (the caller's
    transaction)."""
    for fn in list(_CONSEQUENCES):
        fn(assessment=assessment, actor=actor, source=source)
