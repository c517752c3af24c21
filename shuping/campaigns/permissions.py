"""Permission predicates for campaigns (SEC-1, SEC-2, EVA-9): `can_<verb>_<thing>(user, obj) -> bool`.

Scoping (404) is the selectors' job; these decide what a user who can see an object may do (403).
"""

from __future__ import annotations

from shuping.accounts.choices import Role

from . import selectors
from .choices import CONFIDENTIAL_UNTIL_AFTER, CampaignRole, stage_index


def _roles(user, campaign) -> set[str]:
    return selectors.campaign_roles(user, campaign)


def can_use_campaigns(user) -> bool:
    """The 述职评议考核 menu (FLOW-3): a role in some campaign (or on an organizer, so staff can start one),
    or an assessment of one's own (the assessee, a liaison) — exactly who `campaigns_visible_to` lets in."""
    summary = selectors.role_summary(user)
    return summary.has_own_assessment or bool(summary.roles)


def can_create_campaign(user, organizer) -> bool:
    """Organizer staff of that organization's department (a RoleGrant on the organizer itself)."""
    return selectors.user_grants(user).filter(organization=organizer, role=Role.ORGANIZER_STAFF).exists()


def can_manage_campaign(user, campaign) -> bool:
    """Edit scope, schedule, indicators, findings; move stages; grant roles: the responsible staff."""
    return CampaignRole.ORGANIZER_STAFF in _roles(user, campaign)


def can_transition_assessment(user, assessment) -> bool:
    return can_manage_campaign(user, assessment.campaign)


def can_see_meeting_calendar(user, campaign) -> bool:
    return bool(_roles(user, campaign) & {CampaignRole.ORGANIZER_STAFF, CampaignRole.DEPARTMENT_LEADER})


def can_submit_meeting_plan(user, campaign) -> bool:
    return can_manage_campaign(user, campaign)


def can_see_results(user, assessment) -> bool:
    """EVA-9: until 研究, results are for the campaign's organizer staff and the department's leaders only —
    never the assessee, their liaison, or their own organization department."""
    roles = _roles(user, assessment.campaign)
    if roles & {CampaignRole.ORGANIZER_STAFF, CampaignRole.DEPARTMENT_LEADER}:
        return True
    return stage_index(assessment.stage) > stage_index(CONFIDENTIAL_UNTIL_AFTER)
