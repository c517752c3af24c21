"""Permission predicates for meetings (SEC-1, SEC-2, EVA-9): `can_<verb>_<thing>(user, obj) -> bool`.

Scoping (404) is the selectors' job; these decide what a user who can see a meeting may do (403).
"""

from __future__ import annotations

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole
from shuping.campaigns.permissions import can_see_results

STAFF_ROLES = {CampaignRole.ORGANIZER_STAFF, CampaignRole.DEPARTMENT_LEADER}


def can_use_meetings(user) -> bool:
    """The 述职评议会 menu (FLOW-3): who runs or sits in on meetings (`can_see_meeting_internals`: staff,
    leaders, guidance staff) and the secretaries who report at one (and their liaisons); a field team
    member has nothing to do there."""
    summary = campaign_selectors.role_summary(user)
    return summary.has_own_assessment or bool(summary.roles & (STAFF_ROLES | {CampaignRole.GUIDANCE_STAFF}))


def _roles(user, meeting) -> set[str]:
    return campaign_selectors.campaign_roles(user, meeting.campaign)


def can_manage_meeting(user, meeting) -> bool:
    """Plan, set the agenda and attendees, run the day, print the pack: the campaign's organizer staff."""
    return CampaignRole.ORGANIZER_STAFF in _roles(user, meeting)


def can_create_meeting(user, campaign) -> bool:
    return CampaignRole.ORGANIZER_STAFF in campaign_selectors.campaign_roles(user, campaign)


def can_see_meeting_internals(user, meeting) -> bool:
    """Attendance, boxes, turnout: the organizer's staff, its leaders and the guidance staff sent to it."""
    return bool(_roles(user, meeting) & (STAFF_ROLES | {CampaignRole.GUIDANCE_STAFF}))


def can_see_drafts(user, meeting) -> bool:
    """EVA-9: 点评稿 only for the organizer staff assigned to the campaign and the department's leaders —
    never the assessee, their liaison or their own organization department."""
    return bool(_roles(user, meeting) & STAFF_ROLES)


def can_edit_commentary(user, meeting) -> bool:
    """Draft 点评稿 and enter what was said (代录): the organizer's staff."""
    return can_manage_meeting(user, meeting)


def can_see_commentary(user, meeting, assessment) -> bool:
    """Final commentary: staff, leaders and guidance staff at once; the assessee and liaison after 研究."""
    if can_see_meeting_internals(user, meeting):
        return True
    return can_see_results(user, assessment)
