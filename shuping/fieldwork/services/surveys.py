"""The mass satisfaction survey (FLD-3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from .. import permissions
from ..models import FieldAssessment
from .base import FieldworkConflict, FieldworkError, audit, require

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- mass satisfaction survey (FLD-3) -------------------------------------------------------------------


@transaction.atomic
def create_survey(
    *,
    actor: User,
    field_assessment: FieldAssessment,
    weight_percent: int,
    categories: Sequence[str] = ("党员", "群众"),
    source: str = "web",
) -> FieldAssessment:
    """A 群众满意度测评 for the assessed unit through the ballot engine (ballots services): a box owned by the
    organizer, the unit as its one subject; slips or the /v/ link come from the ballots pages. Its sealed
    tally enters the field score with `weight_percent`."""
    from shuping.ballots import services as ballot_services

    fa = (
        FieldAssessment.objects.select_for_update()
        .select_related("team__campaign__organizer", "assessment")
        .get(pk=field_assessment.pk)
    )
    require(
        permissions.can_plan_fieldwork(actor, fa.team.campaign), "只有组织部门工作人员可以组织满意度测评。"
    )
    if fa.survey_box_id:
        raise FieldworkConflict("已组织满意度测评。", code="survey_exists")
    if not 0 < weight_percent <= 100:
        raise FieldworkError("测评占比应在 1 到 100 之间。", field="weight_percent")
    box = ballot_services.create_box(
        actor=actor,
        organization=fa.team.campaign.organizer,
        title=f"{fa.assessment.organization_name}党员群众满意度测评",
        has_opinion=True,
    )
    ballot_services.set_up_box(
        actor=actor,
        box=box,
        subjects=[
            ballot_services.SubjectInput(name=fa.assessment.organization_name[:64], post="抓基层党建工作")
        ],
        categories=[ballot_services.CategoryInput(name=c) for c in categories],
    )
    fa.survey_box = box
    fa.survey_weight_percent = weight_percent
    fa.save(update_fields=["survey_box", "survey_weight_percent"])
    audit(actor, "fieldwork.survey.create", fa, source, box=box.pk, weight_percent=weight_percent)
    return fa
