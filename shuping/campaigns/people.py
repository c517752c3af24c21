"""Who works on a campaign (SEC-1): campaign-wide roles granted and revoked, liaisons named per assessment,
and a liaison account created on the spot. Writes only; reads are in selectors.

`services.grant_campaign_role` and `services.add_liaison` (used by other apps) stay where they are; this
module adds the reverse moves and the on-the-spot account. Every write refuses a closed campaign.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from shuping.accounts import services as account_services

from .choices import CampaignRole
from .models import Assessment, CampaignGrant
from .services import add_liaison
from .services.base import CampaignConflict, CampaignError, audit, check_editable, locked_assessment

if TYPE_CHECKING:
    from shuping.accounts.models import User


@transaction.atomic
def revoke_campaign_role(*, actor: User | None, grant: CampaignGrant, source: str = "web") -> None:
    """Take a campaign-wide role back (SEC-1). Nobody revokes their own organizer-staff grant (they would
    lock themselves out of the campaign they are running)."""
    grant = (
        CampaignGrant.objects.select_for_update(of=("self",))
        .select_related("campaign", "user")
        .get(pk=grant.pk)
    )
    check_editable(grant.campaign)
    if getattr(actor, "pk", None) == grant.user_id and grant.role == CampaignRole.ORGANIZER_STAFF:
        raise CampaignConflict("不能撤销本人的组织部门工作人员角色。", field="grant")
    audit(
        actor,
        "campaigns.grant.revoke",
        grant.campaign,
        source,
        user=grant.user_id,
        role=grant.role,
    )
    grant.delete()


@transaction.atomic
def remove_liaison(
    *, actor: User | None, assessment: Assessment, user: User, source: str = "web"
) -> Assessment:
    """A liaison stops drafting for this assessee (SEC-1)."""
    assessment = locked_assessment(assessment)
    check_editable(assessment.campaign)
    if not assessment.liaisons.filter(pk=user.pk).exists():
        raise CampaignError("该用户不是本考核对象的联络员。", field="user")
    assessment.liaisons.remove(user)
    audit(actor, "campaigns.assessment.liaison_remove", assessment, source, user=user.pk)
    return assessment


@transaction.atomic
def create_liaison_account(
    *, actor: User | None, assessment: Assessment, username: str, full_name: str, source: str = "web"
) -> tuple[User, str]:
    """Create an account for a liaison of the assessee's organization and name them at once (SEC-1).

    Returns the user and the generated initial password, to be shown once and never stored; the account
    must change it at first sign-in. The account gets no organization-wide role: it reaches only the
    assessments it is named liaison on.
    """
    assessment = locked_assessment(assessment)
    check_editable(assessment.campaign)
    if assessment.is_excluded:
        raise CampaignConflict("该考核对象已移出名单，不能指定联络员。")
    try:
        user, password = account_services.create_account(
            actor=actor, username=username, full_name=full_name, source=source
        )
    except account_services.AccountError as exc:
        raise CampaignError(str(exc), field="username") from None
    add_liaison(actor=actor, assessment=assessment, user=user, source=source)
    return user, password
