"""Placeholders for the 实地考核与平时了解 (fieldwork) rows of docs/permissions.md (SEC-2, EVA-9).

Built on the campaigns targets (tests/access/targets_campaigns.py), so the same campaigns are used:
- field_in_scope: 示范省委's 2024 campaign, 甲市委's secretary, covered by a team whose leader and member
  are not personas (the field assessors); one record with a photo and a paper-only score.
- field_out_of_scope: 邻省委's campaign, planned by 邻省's organizer staff (the outsider persona).
"""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from shuping.accounts.models import User
from shuping.campaigns import indicators
from shuping.campaigns.models import Assessment, Campaign
from shuping.fieldwork import selectors, services
from tests.access.targets_campaigns import _built as campaign_targets

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _plan(campaign_pk: int, assessment_pk: int, actor, suffix: str):
    campaign = Campaign.objects.get(pk=campaign_pk)
    indicators.create_set_from_template(
        actor=actor, campaign=campaign, kind="local_committee", level="prefecture", source="system"
    )
    leader = User.objects.create(username=f"field-leader-{suffix}", full_name="考核组组长")
    team = services.create_team(
        actor=actor,
        campaign=campaign,
        name="第一考核组",
        leader=leader,
        starts_on=campaign.field_starts_on,
        ends_on=campaign.field_ends_on,
    )
    fa = services.plan_field_assessment(
        actor=actor,
        team=team,
        assessment=Assessment.objects.get(pk=assessment_pk),
        visit_starts_on=campaign.field_starts_on,
        visit_ends_on=campaign.field_ends_on,
    )
    indicator = selectors.form_indicators(fa)[1]
    services.submit_record(
        actor=leader,
        field_assessment=fa,
        client_uuid=uuid.uuid4(),
        visit=services.VisitInput(place="党群服务中心", facts="有人值守，群众来办事"),
        photos=[SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        scores=[
            services.ScoreInput(indicator_id=indicator.pk, percent=80, evidence_kinds=("document_review",))
        ],
    )
    return fa


def _built(world):
    cache = world.__dict__.setdefault("_field_targets", {})
    if cache:
        return cache
    c = campaign_targets(world)
    fa = _plan(c["campaign_in_scope"], c["assessment_in_scope"], world.organizer_staff, "in")
    cache["field_in_scope"] = fa.pk
    cache["score_in_scope"] = fa.scores.get().pk
    cache["photo_in_scope"] = fa.visits.get().photos.get().pk
    out = _plan(c["campaign_out_of_scope"], c["assessment_out_of_scope"], world.outsider, "out")
    cache["field_out_of_scope"] = out.pk
    return cache


TARGETS = {
    name: (lambda world, name=name: _built(world)[name])
    for name in ("field_in_scope", "field_out_of_scope", "score_in_scope", "photo_in_scope")
}
