"""The day's 整改通报 (RCT-2): a numbered document from the organizer's 发文 register."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from shuping.campaigns.models import Campaign
from shuping.documents.models import RegisteredDocument

from .. import permissions
from .base import RectificationError

if TYPE_CHECKING:
    from shuping.accounts.models import User


@transaction.atomic
def issue_progress_circular(
    *, actor: User | None, campaign: Campaign, on: date, source: str = "web"
) -> RegisteredDocument:
    """The day's 整改通报 (Art. 7) numbered in the organizer's 发文 register (DOC-1); issuing it again the
    same day keeps the number."""
    from django.urls import reverse

    from shuping.documents.services import register_document

    from ..exports import progress_subject, progress_title

    if actor is not None and not permissions.can_manage_rectification(actor, campaign):
        raise RectificationError("只有本次考核的组织部门工作人员可以印发整改通报。", code="forbidden")
    return register_document(
        actor=actor,
        organization=campaign.organizer,
        subject=progress_subject(campaign, on),
        kind="通报",
        title=progress_title(campaign),
        url=reverse("rectification:circular_pdf", args=[campaign.pk]),
        source=source,
    )
