"""The 通报 (EVA-6): published with 密级 and 份号 to every addressee, read receipts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shuping.campaigns.models import Campaign
from shuping.orgs.models import Organization

from .. import selectors
from ..choices import CLASSIFICATIONS, CircularStyle
from ..models import Circular, CircularCopy
from .base import FeedbackConflict, FeedbackError, actor_user, audit, register_entry

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- circulars (EVA-6) ---------------------------------------------------------------------------------


@transaction.atomic
def publish_circular(
    *,
    actor: User | None,
    campaign: Campaign,
    title: str,
    audience: Sequence[Organization],
    issued_on: date | None = None,
    classification: str = "",
    classification_period: str = "",
    introduction: str = "",
    closing: str = "",
    has_seal: bool = True,
    style: str = "",
    source: str = "web",
) -> Circular:
    """Issue the 通报 to the configured audience, one numbered copy (份号) each, into their inboxes.

    Only once every included assessee has been decided and fed back (Art. 6: 研究 → 反馈 → 通报). `style` is
    名单式 or 表格式 (EVA-6); empty takes the campaign's, and the chosen one becomes the campaign's (copied to
    next year's)."""
    config = selectors.config_for(campaign)
    style = style or config.circular_style
    if style not in CircularStyle.values:
        raise FeedbackError("通报样式应为“名单式”或“表格式”。", field="style")
    if not title.strip():
        raise FeedbackError("请填写标题。", field="title")
    if classification not in CLASSIFICATIONS:
        raise FeedbackError("密级应为“内部”“秘密”“机密”之一或不标注。", field="classification")
    orgs = list(dict.fromkeys(audience))
    if not orgs:
        raise FeedbackError("请选择通报范围。", field="audience")
    allowed = set(selectors.audience_candidates(campaign).values_list("pk", flat=True))
    if any(o.pk not in allowed for o in orgs):
        raise FeedbackError("通报范围只能是组织单位和本次考核的党组织。", field="audience")
    included = campaign.assessments.filter(is_excluded=False)
    if not included.exists():
        raise FeedbackConflict("本次考核没有考核对象。")
    pending = list(
        included.filter(feedback__released_at__isnull=True).values_list("organization_name", flat=True)[:6]
    ) + list(included.filter(feedback__isnull=True).values_list("organization_name", flat=True)[:6])
    if pending:
        raise FeedbackConflict(
            "以下考核对象尚未反馈，不能通报（第六条：研究后反馈，再在一定范围内通报）："
            + "、".join(dict.fromkeys(pending[:5])),
            code="not_fed_back",
        )
    circular = Circular.objects.create(
        campaign=campaign,
        title=title.strip()[:200],
        classification=classification,
        classification_period=classification_period.strip()[:16] if classification else "",
        introduction=introduction.strip(),
        closing=closing.strip(),
        has_seal=has_seal,
        style=style,
        issued_on=issued_on or timezone.localdate(),
        published_by=actor_user(actor),
    )
    if config.circular_style != style or config.pk is None:
        config.circular_style = style
        config.save()
    CircularCopy.objects.bulk_create(
        [CircularCopy(circular=circular, organization=o, copy_number=i) for i, o in enumerate(orgs, start=1)]
    )
    # Its 文号 comes from the organizer's 发文 register (DOC-1), like every numbered document.
    circular.document_number = register_entry(
        actor,
        campaign,
        subject=f"feedback.circular:{circular.pk}",
        kind="通报",
        title=circular.title,
        classification=circular.classification_text,
        copies=len(orgs),
        url=reverse("feedback:circular", args=[circular.pk]),
        source=source,
    ).number
    circular.save(update_fields=["document_number"])
    audit(
        actor,
        "feedback.circular.publish",
        circular,
        source,
        campaign=campaign.pk,
        copies=len(orgs),
        classification=classification,
        style=style,
    )
    return circular


@transaction.atomic
def mark_circular_read(*, actor: User, copy: CircularCopy, source: str = "web") -> CircularCopy:
    """The recipient's organization department has read its copy (阅知); the first reader is kept."""
    copy = CircularCopy.objects.select_for_update().get(pk=copy.pk)
    if copy.read_at is None:
        copy.read_at = timezone.now()
        copy.read_by = actor
        copy.save(update_fields=["read_at", "read_by"])
        audit(actor, "feedback.circular.read", copy.circular, source, copy=copy.copy_number)
    return copy
