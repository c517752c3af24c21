"""Wiring into other apps, done once at start-up (apps.ready):

- campaigns' carry-over hook (CMP-5, RCT-6): `findings.register_carry_over`;
- the decided grade's consequences (EVA-4, Art. 7): `consequences.apply_decision` is registered with the
  evaluations app's decision-consequence registry, which its decision service (the committee's approval and
  a re-decision) calls with the actor inside its own transaction — the restriction applies on approval
  (RCT-4);
- periodic jobs for `shuping tick` (RCT-2) are in `periodic.py`, autodiscovered by `shuping.core.periodic`;
- the menu entry.
"""

from __future__ import annotations


def connect() -> None:
    from shuping.campaigns.findings import register_carry_over
    from shuping.core.navigation import NavItem, register
    from shuping.evaluations.consequences import register_decision_consequence

    from .carryover import carry_over_provider
    from .consequences import apply_decision
    from .permissions import can_use_rectification

    register_carry_over(carry_over_provider)
    register_decision_consequence(apply_decision)
    register(
        NavItem(
            "整改",
            "rectification:index",
            can_use_rectification,
            order=260,
        )
    )
