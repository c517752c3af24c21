"""Permission predicates for 反馈、通报与归档 (SEC-1, SEC-2, EVA-5 … EVA-7): `can_<verb>_<thing>(user, obj)`.

Scoping (404) is the selectors' job; these decide what a user who can see an object may do (403).
"""

from __future__ import annotations

from shuping.accounts.choices import Role
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole

from . import selectors


def can_manage_feedback(user, campaign) -> bool:
    """Write the 意见归纳, release, record paper acknowledgements, circulate, transfer: organizer staff."""
    return CampaignRole.ORGANIZER_STAFF in campaign_selectors.campaign_roles(user, campaign)


def can_view_board(user, campaign) -> bool:
    """The campaign's feedback board and overdue list: organizer staff and department leaders."""
    return selectors.is_reader(user, campaign)


def can_view_feedback(user, assessment, feedback) -> bool:
    """EVA-9 / EVA-5: staff and leaders always; the assessee and liaisons once it is released."""
    if selectors.is_reader(user, assessment.campaign):
        return True
    return feedback is not None and feedback.is_released


def is_assessee_side(user, assessment) -> bool:
    """The assessee (Person.user) or one of the assessment's liaisons (per assessment or by org grant)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if assessment.person_id and assessment.person.user_id == user.pk:
        return True
    if assessment.liaisons.filter(pk=user.pk).exists():
        return True
    return (
        campaign_selectors.user_grants(user)
        .filter(role=Role.LIAISON, organization_id=assessment.organization_id)
        .exists()
    )


def can_acknowledge_feedback(user, assessment) -> bool:
    """签收 in Shuping: the assessee or their liaison (staff record paper receipts instead)."""
    return is_assessee_side(user, assessment)


def can_acknowledge_transfer(user, transfer) -> bool:
    """The file holder's organization department signs the 移交清单."""
    return transfer.holder_id in selectors.department_org_ids(user)
