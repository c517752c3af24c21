"""The campaign's rectification settings (RCT-1, RCT-2, RCT-5): days for the list, the 限期整改 and the
reminders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from shuping.campaigns.models import Campaign

from .. import permissions
from .base import RectificationConflict, RectificationError, actor_user, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User


@transaction.atomic
def set_rectification_settings(
    *,
    actor: User | None,
    campaign: Campaign,
    days: int,
    reminder_before_days: int | None = None,
    admonition_deadline_days: int | None = None,
    source: str = "web",
) -> Campaign:
    """Set the list period (and the reminder lead time, the 限期整改 period for 一般 / 差) on the campaign;
    campaigns copies settings next year. A new 限期整改 period applies to lists started afterwards."""
    if not permissions.can_manage_rectification(actor, campaign) and actor_user(actor) is not None:
        raise RectificationConflict("只有组织部门工作人员可以设置整改期限。", code="forbidden")
    if not 1 <= int(days) <= 365:
        raise RectificationError("整改清单报送期限应在 1 到 365 天之间。", field="days")
    if admonition_deadline_days is not None and not 1 <= int(admonition_deadline_days) <= 730:
        raise RectificationError("限期整改期限应在 1 到 730 天之间。", field="admonition_deadline_days")
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    settings = dict(campaign.settings or {})
    settings["rectification_days"] = int(days)
    if reminder_before_days is not None:
        settings["rectification_reminder_days"] = max(0, int(reminder_before_days))
    if admonition_deadline_days is not None:
        settings["admonition_deadline_days"] = int(admonition_deadline_days)
    campaign.settings = settings
    campaign.save(update_fields=["settings"])
    audit(
        actor,
        "rectification.settings",
        campaign,
        source,
        days=int(days),
        admonition_deadline_days=settings.get("admonition_deadline_days"),
    )
    return campaign
