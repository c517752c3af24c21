"""Placeholders for the campaigns rows of docs/permissions.md (SEC-2, REL-3, EVA-9).

- campaign_in_scope: 示范省委's 2024 campaign; 甲市委's secretary is assessed (the `assessee` persona is
  linked to that Person, the `liaison` persona holds a liaison grant on 甲市委).
- campaign_prefecture: 甲市委's own 2024 campaign (its counties): the province's staff, whose grants cover
  甲市委's subtree, do not see it — scope follows the organizer, not the subtree (SEC-2).
- campaign_out_of_scope: 邻省委's campaign.
- assessment_confidential: 甲市委's secretary in 示范省委's 2023 campaign, at 综合评价 (before 研究, EVA-9).
"""

from __future__ import annotations

from datetime import date

from shuping.campaigns import services
from shuping.campaigns.choices import Stage
from shuping.orgs.services import create_person, create_secretaryship


def _built(world):
    cache = world.__dict__.setdefault("_campaign_targets", {})
    if cache:
        return cache
    staff = world.organizer_staff
    person = create_person(actor=None, name="陈书记", user=world.assessee)
    create_secretaryship(
        actor=None, person=person, organization=world.prefecture, started_on=date(2019, 3, 1)
    )
    other = create_person(actor=None, name="邻市 吴书记")
    create_secretaryship(
        actor=None, person=other, organization=world.other_prefecture, started_on=date(2018, 1, 1)
    )

    def opened(organizer, year):
        campaign = services.create_campaign(actor=staff, organizer=organizer, year=year)
        services.apply_scope_proposal(actor=staff, campaign=campaign)
        return services.confirm_scope(actor=staff, campaign=campaign)

    in_scope = opened(world.province, 2024)
    cache["campaign_in_scope"] = in_scope.pk
    cache["assessment_in_scope"] = in_scope.assessments.get(organization=world.prefecture).pk
    older = opened(world.province, 2023)
    confidential = older.assessments.get(organization=world.prefecture)
    for stage in (Stage.FIELD, Stage.MEETING, Stage.EVALUATION):
        confidential = services.transition_assessment(actor=staff, assessment=confidential, to_stage=stage)
    cache["assessment_confidential"] = confidential.pk
    cache["campaign_prefecture"] = services.create_campaign(
        actor=None, organizer=world.prefecture, year=2024
    ).pk
    out = opened(world.other_province, 2024)
    cache["campaign_out_of_scope"] = out.pk
    cache["assessment_out_of_scope"] = out.assessments.get().pk
    return cache


TARGETS = {
    name: (lambda world, name=name: _built(world)[name])
    for name in (
        "campaign_in_scope",
        "campaign_prefecture",
        "campaign_out_of_scope",
        "assessment_in_scope",
        "assessment_confidential",
        "assessment_out_of_scope",
    )
}
