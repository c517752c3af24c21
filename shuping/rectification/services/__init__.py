"""Writes to 整改清单 and 整改事项 (RCT-1, RCT-2): every page, API call, job and the demo calls these.

Each is keyword-only, typed, atomic, checks who may act and in what state, raises `RectificationError`
(a DomainError with a Chinese message) before writing, and writes its audit event in the same transaction.
Consequences (RCT-4, RCT-5, RCT-7) are in `consequences.py`; notifications and reminders in `notify.py`.

A package (the file outgrew 600 lines): `base` holds what the modules share; every public name is
re-exported here, so `from shuping.rectification import services; services.foo(...)` keeps working.
"""

from __future__ import annotations

from ..selectors import admonition_days, list_days, reminder_days
from .base import MAX_EVIDENCE_BYTES, RectificationConflict, RectificationError
from .circulars import issue_progress_circular
from .lists import add_item, confirm_list, merge_items, return_list, start_list, submit_list, update_item
from .progress import add_progress, close_by_sampling, close_items, send_back_item, set_milestone_done
from .settings import set_rectification_settings

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "RectificationConflict",
    "RectificationError",
    "add_item",
    "add_progress",
    "admonition_days",
    "close_by_sampling",
    "close_items",
    "confirm_list",
    "issue_progress_circular",
    "list_days",
    "merge_items",
    "reminder_days",
    "return_list",
    "send_back_item",
    "set_milestone_done",
    "set_rectification_settings",
    "start_list",
    "submit_list",
    "update_item",
]
