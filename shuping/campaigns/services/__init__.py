"""Writes to campaigns and assessments (CMP-1 … CMP-3): every web view, API call, CLI command and the demo
calls these. Each is keyword-only, atomic, checks its preconditions, raises `CampaignError` (a DomainError
with a Chinese message) before writing anything, and writes its audit event in the same transaction.

Indicator sets are in `indicators.py`, carry-over findings in `findings.py`, the cascade in `cascade.py`.

A package (the file outgrew 600 lines): `base` holds what the modules share; every public name is
re-exported here, so `from shuping.campaigns import services; services.foo(...)` keeps working.
"""

from __future__ import annotations

from .base import CampaignConflict, CampaignError, StageBlocked
from .campaigns import create_campaign, previous_campaign, update_schedule, update_settings
from .roles import add_liaison, grant_campaign_role
from .scope import (
    add_assessment,
    add_predecessor,
    apply_scope_proposal,
    confirm_scope,
    exclude_assessment,
    restore_assessment,
    set_grading,
    set_reporting_mode,
)
from .stages import close_campaign, close_refusals, reopen_assessment, stage_after, transition_assessment

__all__ = [
    "CampaignConflict",
    "CampaignError",
    "StageBlocked",
    "add_assessment",
    "add_liaison",
    "add_predecessor",
    "apply_scope_proposal",
    "close_campaign",
    "close_refusals",
    "confirm_scope",
    "create_campaign",
    "exclude_assessment",
    "grant_campaign_role",
    "previous_campaign",
    "reopen_assessment",
    "restore_assessment",
    "set_grading",
    "set_reporting_mode",
    "stage_after",
    "transition_assessment",
    "update_schedule",
    "update_settings",
]
