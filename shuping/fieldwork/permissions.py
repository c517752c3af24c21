"""Who may do what in field assessment (SEC-1, SEC-2, EVA-9): `can_<verb>_<thing>(user, obj) -> bool`.

Field scores are results, confidential until 研究 (EVA-9): they are seen by the campaign's organizer staff,
the department's leaders and the team itself — never by the assessee, their liaison, guidance staff or
the assessee's own organization department. Scoping (404) is the selectors' job.
"""

from __future__ import annotations

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole

RESULT_ROLES = frozenset({CampaignRole.ORGANIZER_STAFF, CampaignRole.DEPARTMENT_LEADER})


def can_use_fieldwork(user) -> bool:
    """The 实地考核 menu (FLOW-3): those who plan or read a field plan (`can_view_plan`) and the teams'
    members (each holds FIELD_ASSESSOR on the campaign, `is_team_member`) — not the assessee or liaison."""
    roles = campaign_selectors.role_summary(user).roles
    return bool(roles & (RESULT_ROLES | {CampaignRole.FIELD_ASSESSOR}))


def _roles(user, campaign) -> set[str]:
    return campaign_selectors.campaign_roles(user, campaign)


def can_plan_fieldwork(user, campaign) -> bool:
    """Teams, coverage, samples, surveys: the campaign's organizer staff (the responsible section)."""
    return CampaignRole.ORGANIZER_STAFF in _roles(user, campaign)


def can_view_plan(user, campaign) -> bool:
    """The campaign's field plan: organizer staff and department leaders."""
    return bool(_roles(user, campaign) & RESULT_ROLES)


def is_team_member(user, team) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if team.leader_id == user.pk:
        return True
    cache = team.__dict__.setdefault("_member_ids", None)
    if cache is None:
        cache = set(team.members.values_list("pk", flat=True))
        team.__dict__["_member_ids"] = cache
    return user.pk in cache


def can_record(user, field_assessment) -> bool:
    """Visits, talks and scores are recorded by the team's members (and its leader), while not completed."""
    return is_team_member(user, field_assessment.team) and field_assessment.status != "completed"


def can_complete(user, field_assessment) -> bool:
    """The team leader closes the field assessment; organizer staff may too."""
    return field_assessment.team.leader_id == getattr(user, "pk", None) or can_plan_fieldwork(
        user, field_assessment.team.campaign
    )


def can_see_scores(user, field_assessment) -> bool:
    """EVA-9: organizer staff, department leaders and the team itself."""
    return can_view_plan(user, field_assessment.team.campaign) or is_team_member(user, field_assessment.team)


def can_override_warning(user, field_assessment) -> bool:
    return can_record(user, field_assessment) or can_plan_fieldwork(user, field_assessment.team.campaign)


def can_record_observation(user, organizer) -> bool:
    """平时了解 are written by the organizer's organization-department staff."""
    from shuping.accounts.choices import Role

    return (
        campaign_selectors.user_grants(user)
        .filter(organization=organizer, role=Role.ORGANIZER_STAFF)
        .exists()
    )
