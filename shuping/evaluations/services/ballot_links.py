"""Which ballot subject rates an assessee (until ballots link subjects to assessments)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from shuping.campaigns.models import Assessment, Campaign

from ..models import BallotLink
from .base import EvaluationError, actor_user, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User
    from shuping.ballots.models import BoxSubject


# --- ballot links --------------------------------------------------------------------------------------


@transaction.atomic
def link_ballot_subject(
    *, actor: User | None, assessment: Assessment, subject: BoxSubject, source: str = "web"
) -> BallotLink:
    """Say which ballot subject rates this assessee (one per box); the box must be the organizer's."""
    if subject.box.organization_id != assessment.campaign.organizer_id:
        raise EvaluationError("该测评票箱不属于本次考核的组织单位。", field="subject")
    link, _created = BallotLink.objects.get_or_create(
        assessment=assessment, subject=subject, defaults={"linked_by": actor_user(actor)}
    )
    audit(actor, "evaluations.ballot_link", assessment, source, subject=subject.pk, box=subject.box_id)
    return link


@transaction.atomic
def link_ballot_subjects_by_name(*, actor: User | None, campaign: Campaign, source: str = "web") -> int:
    """Link every assessee to the subjects of the organizer's boxes bearing the secretary's name, where the
    name is unique in that box. Returns how many links were made (the screen lists them for checking)."""
    from shuping.ballots.models import BoxSubject

    assessments = list(campaign.assessments.filter(is_excluded=False).exclude(person_name=""))
    by_name: dict[str, list[Assessment]] = {}
    for a in assessments:
        by_name.setdefault(a.person_name, []).append(a)
    subjects = BoxSubject.objects.filter(
        box__organization_id=campaign.organizer_id, name__in=list(by_name)
    ).select_related("box")
    per_box: dict[tuple[int, str], list] = {}
    for s in subjects:
        per_box.setdefault((s.box_id, s.name), []).append(s)
    existing = set(
        BallotLink.objects.filter(assessment__campaign=campaign).values_list("assessment_id", "subject_id")
    )
    made = []
    for (_box, name), found in per_box.items():
        if len(found) != 1 or len(by_name[name]) != 1:
            continue  # ambiguous: left to the organizer
        a = by_name[name][0]
        if (a.pk, found[0].pk) not in existing:
            made.append(BallotLink(assessment=a, subject=found[0], linked_by=actor_user(actor)))
    BallotLink.objects.bulk_create(made)
    audit(actor, "evaluations.ballot_link.by_name", campaign, source, links=len(made))
    return len(made)
