"""Permission predicates for reports (SEC-1, SEC-2, EVA-9): `can_<verb>_<thing>(user, obj) -> bool`.

Scoping (404) is the selectors' job; these decide what a user who can see an object may do (403).
"""

from __future__ import annotations

from shuping.accounts.choices import Role
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole

from .choices import ReportStatus

_ORGANIZER = {CampaignRole.ORGANIZER_STAFF, CampaignRole.DEPARTMENT_LEADER}


def can_use_reports(user) -> bool:
    """The 述职报告 menu (FLOW-3): a drafter of some report (`is_drafter`: the assessee or a liaison), or
    organizer staff / a department leader somewhere (`can_review_reports`, `can_see_quality`)."""
    summary = campaign_selectors.role_summary(user)
    return summary.has_own_assessment or bool(summary.roles & _ORGANIZER)


def _roles(user, campaign) -> set[str]:
    return campaign_selectors.campaign_roles(user, campaign)


def is_drafter(user, assessment) -> bool:
    """The assessee (Person.user) or their liaison — per assessment, or by a liaison grant on the
    assessed organization (SEC-1). Cached on the assessment object."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "admin_role", ""):
        return False
    cache = assessment.__dict__.setdefault("_drafter_cache", {})
    if user.pk not in cache:
        person = assessment.person
        cache[user.pk] = bool(
            (person is not None and person.user_id == user.pk)
            or assessment.liaisons.filter(pk=user.pk).exists()
            or campaign_selectors.user_grants(user)
            .filter(role=Role.LIAISON, organization_id=assessment.organization_id)
            .exists()
        )
    return cache[user.pk]


def can_draft_report(user, assessment) -> bool:
    """Write, upload and submit: the assessee or their liaison, never the organizer (REP-1)."""
    return not assessment.is_excluded and is_drafter(user, assessment)


def can_read_report(user, assessment, report) -> bool:
    """The drafters always; others who can see the assessment once the report is submitted (a draft is
    the drafter's own working copy)."""
    if is_drafter(user, assessment):
        return True
    return report is not None and report.status != ReportStatus.DRAFT


def can_review_reports(user, campaign) -> bool:
    """Return with remarks or accept: the campaign's organizer staff."""
    return CampaignRole.ORGANIZER_STAFF in _roles(user, campaign)


def can_see_quality(user, campaign) -> bool:
    """Quality checks, near-copies and the problem matrix with its 点评稿 (confidential, EVA-9): the
    organizer's staff and the department's leaders only — never the assessee or the liaison."""
    return bool(_roles(user, campaign) & _ORGANIZER)


def can_publish_reports(user, campaign) -> bool:
    """Publish, withdraw and moderate opinions (REP-3): the campaign's organizer staff."""
    return CampaignRole.ORGANIZER_STAFF in _roles(user, campaign)


def can_see_publications(user, campaign) -> bool:
    return can_see_quality(user, campaign)
