"""Wiring into other apps, done once at start-up (apps.ready):

- campaigns' carry-over hook (CMP-5, RCT-6): `findings.register_carry_over`;
- the approval of a grade (EVA-4): the evaluations app exposes no signal of its own, so Django's post_save
  of an approved `Evaluation` (approval and re-decision both save it) runs `consequences.apply_decision`
  in the same transaction — the restriction applies on approval (RCT-4);
- periodic jobs for `shuping tick` (RCT-2): registered in `shuping.core.periodic` when it exists;
- the menu entry.
"""

from __future__ import annotations

from django.db.models.signals import post_save

PERIODIC_JOBS = (
    ("rectification.reminders", "shuping.rectification.notify.send_reminders", "整改事项到期提醒"),
    ("rectification.overdue", "shuping.rectification.notify.send_overdue_notices", "整改事项逾期提醒"),
)


def _on_evaluation_saved(sender, instance, created, **kwargs) -> None:
    from shuping.evaluations.choices import EvaluationStatus

    if kwargs.get("raw") or instance.status != EvaluationStatus.APPROVED or not instance.final_grade:
        return
    from .consequences import apply_decision

    apply_decision(assessment=instance.assessment)


def run_periodic(*, today=None) -> dict[str, int]:
    """Run this app's periodic jobs directly (used by `shuping tick` through the registry, and tests)."""
    from . import notify

    return {
        "reminders": notify.send_reminders(today=today),
        "overdue": notify.send_overdue_notices(today=today),
    }


def _register_periodic() -> None:
    try:
        from shuping.core import periodic  # type: ignore[attr-defined]
    except ImportError:  # the registry is being added by another engineer; run_periodic works meanwhile
        return
    from django.utils.module_loading import import_string

    register = getattr(periodic, "register", None)
    if register is None:
        return
    for name, path, label in PERIODIC_JOBS:
        func = import_string(path)
        try:
            register(name, func, label=label)
        except TypeError:
            register(name, func)


def connect() -> None:
    from shuping.campaigns.findings import register_carry_over
    from shuping.core.navigation import NavItem, register
    from shuping.evaluations.models import Evaluation

    from .carryover import carry_over_provider

    register_carry_over(carry_over_provider)
    post_save.connect(_on_evaluation_saved, sender=Evaluation, dispatch_uid="rectification.apply_decision")
    _register_periodic()
    register(
        NavItem(
            "整改",
            "rectification:index",
            lambda user: (
                bool(getattr(user, "is_authenticated", False)) and not getattr(user, "admin_role", "")
            ),
            order=70,
        )
    )
