"""What the fieldwork services share: the errors, the audit call, the open-campaign check and the upload
limits (FLD-*)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from shuping.audit.services import record as audit_record
from shuping.campaigns.choices import CampaignStatus
from shuping.campaigns.models import Campaign
from shuping.core import uploads
from shuping.core.errors import ConflictError, DomainError

if TYPE_CHECKING:
    from shuping.accounts.models import User


MAX_SAMPLE = 30
MAX_PHOTO_BYTES = uploads.PHOTO.max_bytes
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF", b"GIF8")


class FieldworkError(DomainError):
    """A user-caused error in field assessment."""


class FieldworkConflict(ConflictError):
    """The field assessment is not in a state that allows the action."""


def audit(actor: User | None, action: str, target: models.Model | None, source: str, **detail: Any) -> None:
    audit_record(actor=actor, action=action, target=target, source=source, detail=detail)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise FieldworkError(message, code="forbidden")


def check_open_campaign(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise FieldworkConflict("本年度述职评议考核已结束，不能再修改实地考核。")
