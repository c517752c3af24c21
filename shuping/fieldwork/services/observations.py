"""Observations (平时了解, FLD-4) recorded through the year."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shuping.campaigns.models import Assessment
from shuping.orgs.models import Organization, Person

from .. import permissions
from ..choices import ObservationSource
from ..models import Observation
from .base import FieldworkError, audit, require

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- observations (FLD-4) -------------------------------------------------------------------------------


@transaction.atomic
def record_observation(
    *,
    actor: User,
    organizer: Organization,
    observed_on: date,
    source_kind: str,
    text: str,
    assessment: Assessment | None = None,
    person: Person | None = None,
    score: int | None = None,
    source: str = "web",
) -> Observation:
    """平时了解 (FLD-4): what the organizer learned during the year, optionally scored 0–100."""
    require(
        permissions.can_record_observation(actor, organizer),
        "只有该党组织的组织部门工作人员可以记录平时了解。",
    )
    text = (text or "").strip()
    if not text:
        raise FieldworkError("请写下了解到的情况。", field="text")
    if source_kind not in ObservationSource.values:
        raise FieldworkError("了解方式不正确。", field="source")
    if score is not None and not 0 <= score <= 100:
        raise FieldworkError("评分应在 0 到 100 之间。", field="score")
    if assessment is None and person is None:
        raise FieldworkError("请选择考核对象。", field="assessment")
    if assessment is not None and assessment.campaign.organizer_id != organizer.pk:
        raise FieldworkError("考核对象不属于本单位组织的考核。", field="assessment")
    if observed_on > timezone.localdate():
        raise FieldworkError("了解日期不能晚于今天。", field="observed_on")
    obs = Observation.objects.create(
        organizer=organizer,
        assessment=assessment,
        person=person or (assessment.person if assessment else None),
        observed_on=observed_on,
        source=source_kind,
        text=text,
        score=score,
        created_by=actor,
    )
    audit(
        actor,
        "fieldwork.observation.create",
        obs,
        source,
        assessment=getattr(assessment, "pk", None),
        scored=score is not None,
    )
    return obs
