"""The campaign's feedback and archive settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from shuping.campaigns.models import Campaign

from .. import selectors
from ..choices import MaterialKind
from ..models import FeedbackConfig
from .base import FeedbackError, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- settings ------------------------------------------------------------------------------------------


@transaction.atomic
def save_config(
    *,
    actor: User | None,
    campaign: Campaign,
    acknowledge_within_days: int,
    archive_materials: Sequence[str],
    source: str = "web",
) -> FeedbackConfig:
    """The days allowed to acknowledge and the materials the province's rules put into the file."""
    if not 1 <= int(acknowledge_within_days) <= 90:
        raise FeedbackError("签收期限应在 1 到 90 天之间。", field="acknowledge_within_days")
    kinds = [k for k in archive_materials if k]
    unknown = set(kinds) - set(MaterialKind.values)
    if unknown or not kinds:
        raise FeedbackError("请从列出的材料中至少选择一项归档材料。", field="archive_materials")
    config = selectors.config_for(campaign)
    config.acknowledge_within_days = int(acknowledge_within_days)
    config.archive_materials = [k for k in MaterialKind.values if k in kinds]
    config.save()
    audit(actor, "feedback.config", campaign, source, days=config.acknowledge_within_days, materials=kinds)
    return config
