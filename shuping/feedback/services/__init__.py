"""Writes for 反馈、通报与归档 (EVA-5 … EVA-7): every page, API call, job and the demo calls these.

Keyword-only, atomic, preconditions checked before anything is written, `FeedbackError` /
`FeedbackConflict` with a Chinese message, and the audit event in the same transaction. Order of Art. 6:
研究 → 反馈 → 通报 → 归档 (综合评价意见及等次经党委（党组）研究后，向被评议考核人反馈，在一定范围内通报，
并按照干部管理权限……归入干部人事档案).

A package (the file outgrew 600 lines): `base` holds what the modules share; every public name is
re-exported here, so `from shuping.feedback import services; services.foo(...)` keeps working.
"""

from __future__ import annotations

from .archive import (
    acknowledge_transfer,
    manifest,
    save_holder_rules,
    seal_transfers,
    set_file_authority,
    zip_bytes,
)
from .base import ART6, FeedbackConflict, FeedbackError
from .circulars import mark_circular_read, publish_circular
from .feedback import (
    acknowledge_feedback,
    draft_feedback,
    record_paper_acknowledgement,
    release_all,
    release_feedback,
)
from .settings import save_config

__all__ = [
    "ART6",
    "FeedbackConflict",
    "FeedbackError",
    "acknowledge_feedback",
    "acknowledge_transfer",
    "draft_feedback",
    "manifest",
    "mark_circular_read",
    "publish_circular",
    "record_paper_acknowledgement",
    "release_all",
    "release_feedback",
    "save_config",
    "save_holder_rules",
    "seal_transfers",
    "set_file_authority",
    "zip_bytes",
]
