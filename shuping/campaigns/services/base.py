"""What the campaigns services and their sibling modules (indicators, findings, people, cascade) share: the
errors, the audit call, the schedule, the editable check and the row lock (CMP-*)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import models

from shuping.audit.services import record
from shuping.core.errors import ConflictError, DomainError

from .. import rules
from ..choices import CampaignStatus
from ..models import Assessment, Campaign

if TYPE_CHECKING:
    from shuping.accounts.models import User


class CampaignError(DomainError):
    """A user-caused error in the campaigns app."""


class CampaignConflict(ConflictError):
    """The campaign or assessment is not in a state that allows the action."""


class StageBlocked(CampaignConflict):
    """A stage transition was refused; `reasons` are the Chinese blockers."""

    def __init__(self, message: str, *, reasons: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reasons = reasons or []


SETTINGS_KEY = re.compile(r"[a-z_]{1,32}")


def audit(actor: User | None, action: str, target: models.Model | None, source: str, **detail: Any) -> None:
    record(actor=actor, action=action, target=target, source=source, detail=detail)


def schedule_of(campaign: Campaign) -> rules.Schedule:
    return rules.Schedule(
        campaign.starts_on,
        campaign.field_starts_on,
        campaign.field_ends_on,
        campaign.meetings_start_on,
        campaign.meetings_end_on,
        campaign.ends_on,
    )


# --- scope (CMP-2, CMP-3) ------------------------------------------------------------------------------


def check_editable(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise CampaignConflict("本年度述职评议考核已结束，不能再修改。")


def locked_assessment(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("campaign").get(pk=assessment.pk)
