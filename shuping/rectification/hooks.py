"""Wiring into other apps, done once at start-up (apps.ready):

- campaigns' carry-over hook (CMP-5, RCT-6): `findings.register_carry_over`;
- the approval of a grade (EVA-4): the evaluations app exposes no signal of its own, so Django's post_save
  of an approved `Evaluation` (approval and re-decision both save it) runs `consequences.apply_decision`
  in the same transaction — the restriction applies on approval (RCT-4);
- periodic jobs for `shuping tick` (RCT-2) are in `periodic.py`, autodiscovered by `shuping.core.periodic`;
- the menu entry.
"""

from __future__ import annotations

from django.db.models.signals import post_save


def _on_evaluation_saved(sender, instance, created, **kwargs) -> None:
    from shuping.evaluations.choices import EvaluationStatus

    if kwargs.get("raw") or instance.status != EvaluationStatus.APPROVED or not instance.final_grade:
        return
    from .consequences import apply_decision

    apply_decision(assessment=instance.assessment)


def connect() -> None:
    from shuping.campaigns.findings import register_carry_over
    from shuping.core.navigation import NavItem, register
    from shuping.evaluations.models import Evaluation

    from .carryover import carry_over_provider
    from .permissions import can_use_rectification

    register_carry_over(carry_over_provider)
    post_save.connect(_on_evaluation_saved, sender=Evaluation, dispatch_uid="rectification.apply_decision")
    register(
        NavItem(
            "整改",
            "rectification:index",
            can_use_rectification,
            order=260,
        )
    )
