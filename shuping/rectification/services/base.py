"""What the rectification services share: the errors, the audit call and who may manage a campaign's
rectification (RCT-1 … RCT-7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from shuping.audit.services import record
from shuping.campaigns.models import Campaign
from shuping.core import uploads
from shuping.core.errors import ConflictError, DomainError

from .. import permissions

if TYPE_CHECKING:
    from shuping.accounts.models import User


MAX_EVIDENCE_BYTES = uploads.EVIDENCE.max_bytes


class RectificationError(DomainError):
    """A user-caused error in rectification."""


class RectificationConflict(ConflictError):
    """Not allowed in the current state, or not by this user."""


def audit(actor: User | None, action: str, target: models.Model | None, source: str, **detail: Any) -> None:
    record(actor=actor, action=action, target=target, source=source, detail=detail)


def actor_user(actor: User | None) -> User | None:
    return actor if getattr(actor, "pk", None) else None


def check_manager(actor: User | None, campaign: Campaign, what: str) -> None:
    if actor_user(actor) is not None and not permissions.can_manage_rectification(actor, campaign):
        raise RectificationConflict(f"只有组织部门工作人员可以{what}。", code="forbidden")
