"""Permission predicates for rectification (SEC-1, SEC-2): `can_<verb>_<thing>(user, obj) -> bool`.

Scoping (404) is the selectors' job. Here: who drafts (the assessee or their liaison), who confirms,
returns, closes (销号) and records consequences (the campaign's organizer staff — the upper level). The
assessee can never close their own item (RCT-2), even if they also held a staff role.
"""

from __future__ import annotations

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "admin_role", "")


def is_own(user, assessment) -> bool:
    """The assessee themself, or a liaison of that assessment (per assessment or on its organization)."""
    if not _signed_in(user):
        return False
    cache = assessment.__dict__.setdefault("_rct_own", {})
    if user.pk not in cache:
        person = getattr(assessment, "person", None)
        cache[user.pk] = bool(
            (person is not None and person.user_id == user.pk)
            or assessment.liaisons.filter(pk=user.pk).exists()
            or RoleGrant.objects.filter(
                user=user, role=Role.LIAISON, organization_id=assessment.organization_id
            ).exists()
        )
    return cache[user.pk]


def is_assessee(user, assessment) -> bool:
    person = getattr(assessment, "person", None)
    return _signed_in(user) and person is not None and person.user_id == user.pk


def can_manage_rectification(user, campaign) -> bool:
    """Confirm / return lists, close items, record admonitions and referrals: the organizer's staff."""
    return _signed_in(user) and CampaignRole.ORGANIZER_STAFF in campaign_selectors.campaign_roles(
        user, campaign
    )


#: Campaign roles that read the campaign-wide rectification board (a field team's members do not).
READER_ROLES = frozenset(
    {
        CampaignRole.ORGANIZER_STAFF,
        CampaignRole.DEPARTMENT_LEADER,
        CampaignRole.GUIDANCE_STAFF,
        CampaignRole.VIEWER,
    }
)


def can_read_campaign(user, campaign) -> bool:
    """The campaign-wide rectification board and circulars: staff, leaders, guidance staff, viewers."""
    return _signed_in(user) and bool(campaign_selectors.campaign_roles(user, campaign) & READER_ROLES)


def can_use_rectification(user) -> bool:
    """The 整改 menu (FLOW-3): the assessee or liaison with a list to draft or report on (`is_own`), or a
    reader of some campaign's board (`can_read_campaign`)."""
    summary = campaign_selectors.role_summary(user)
    return summary.has_own_assessment or bool(summary.roles & READER_ROLES)


def can_draft_list(user, assessment) -> bool:
    """RCT-1: the assessee or liaison drafts."""
    return is_own(user, assessment)


def can_close_item(user, item) -> bool:
    """RCT-2: the upper level closes; never the assessee or their liaison."""
    assessment = item.rectification_list.assessment
    return can_manage_rectification(user, assessment.campaign) and not is_own(user, assessment)


def has_liaison(assessment) -> bool:
    """A liaison is named for the assessment, or holds the liaison role on its organization."""
    cache = assessment.__dict__.setdefault("_rct_has_liaison", [])
    if not cache:
        cache.append(
            assessment.liaisons.exists()
            or RoleGrant.objects.filter(
                role=Role.LIAISON, organization_id=assessment.organization_id
            ).exists()
        )
    return cache[0]


def can_record_for(user, assessment) -> bool:
    """FLOW-4: organizer staff record progress (代录) for an assessee who has no liaison to do it."""
    return (
        can_manage_rectification(user, assessment.campaign)
        and not is_own(user, assessment)
        and not has_liaison(assessment)
    )
