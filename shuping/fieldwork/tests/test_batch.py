"""Batch planning (FLOW-4): a county clerk covers all 15 townships with one submit instead of fifteen."""

from __future__ import annotations

import pytest

from shuping.campaigns import indicators
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import CampaignRole
from shuping.core.errors import DomainError
from shuping.fieldwork import services
from shuping.fieldwork.models import FieldAssessment
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization

from .conftest import make_user

TOWNSHIPS = 15


def county_campaign(world):
    """乙县委 assessing its 15 township secretaries, with one field team."""
    for i in range(2, TOWNSHIPS + 1):
        create_organization(
            name=f"中共乙县第{i}镇委员会",
            short_name=f"乙县{i}镇党委",
            code=f"T-TWN-{i}",
            kind=OrgKind.TOWNSHIP_COMMITTEE,
            admin_level=AdminLevel.TOWNSHIP,
            parent=world.county,
        )
    campaign = campaign_services.create_campaign(actor=None, organizer=world.county, year=2024)
    indicators.create_set_from_template(
        actor=None, campaign=campaign, kind=OrgKind.TOWNSHIP_COMMITTEE, level=AdminLevel.TOWNSHIP
    )
    campaign_services.apply_scope_proposal(actor=None, campaign=campaign)
    campaign_services.grant_campaign_role(
        actor=None, campaign=campaign, user=world.organizer_staff, role=CampaignRole.ORGANIZER_STAFF
    )
    team = services.create_team(
        actor=world.organizer_staff,
        campaign=campaign,
        name="县委第一考核组",
        leader=make_user("countylead", "县考核组 王组长"),
        starts_on=campaign.field_starts_on,
        ends_on=campaign.field_ends_on,
    )
    return campaign, team


@pytest.mark.req("FLOW-4", "FLD-1")
def test_fifteen_townships_are_assigned_to_a_team_with_one_submit(world, client):
    campaign, team = county_campaign(world)
    assessments = list(campaign.assessments.filter(is_excluded=False))
    assert len(assessments) == TOWNSHIPS
    client.force_login(world.organizer_staff)
    url = f"/field/campaigns/{campaign.pk}/"
    page = client.get(url).content.decode()
    assert page.count('name="assessments"') == TOWNSHIPS and 'type="checkbox"' in page
    posts = 0
    response = client.post(
        f"/field/campaigns/{campaign.pk}/cover/",
        {
            "team": team.pk,
            "assessments": [a.pk for a in assessments],
            "sample_size": "2",
        },
    )
    posts += 1
    assert response.status_code == 302
    assert FieldAssessment.objects.filter(team=team).count() == TOWNSHIPS
    assert posts == 1  # was one submit per assessee: 15 → 1 (docs/guide/organizer-staff.md)
    seeds = set(FieldAssessment.objects.filter(team=team).values_list("sample_seed", flat=True))
    assert len(seeds) == TOWNSHIPS  # each assessee its own recorded draw
    after = client.get(url).content.decode()
    assert 'name="assessments"' not in after and "尚未分配考核对象" not in after


@pytest.mark.req("FLOW-4", "FLD-1")
def test_a_batch_with_one_refused_assessee_plans_none_and_names_it(world, client):
    campaign, team = county_campaign(world)
    first, *rest = list(campaign.assessments.filter(is_excluded=False))
    services.plan_field_assessment(
        actor=world.organizer_staff,
        team=team,
        assessment=first,
        visit_starts_on=team.starts_on,
        visit_ends_on=team.ends_on,
    )
    with pytest.raises(DomainError) as err:
        services.plan_field_assessments(
            actor=world.organizer_staff,
            team=team,
            assessments=[*rest[:3], first],
            visit_starts_on=team.starts_on,
            visit_ends_on=team.ends_on,
        )
    assert first.organization_name in err.value.message and "均未安排" in err.value.message
    assert FieldAssessment.objects.filter(team=team).count() == 1
    with pytest.raises(services.FieldworkError):
        services.plan_field_assessments(
            actor=world.organizer_staff,
            team=team,
            assessments=[],
            visit_starts_on=team.starts_on,
            visit_ends_on=team.ends_on,
        )
    client.force_login(world.organizer_staff)
    refused = client.post(f"/field/campaigns/{campaign.pk}/cover/", {"team": team.pk})
    assert refused.status_code == 400 and "请选择考核组并勾选考核对象" in refused.content.decode()
    assert FieldAssessment.objects.filter(team=team).count() == 1
