"""Campaign roles (SEC-1): grants on the whole campaign and liaisons per assessment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from ..choices import CampaignRole
from ..models import Assessment, Campaign, CampaignGrant
from .base import CampaignConflict, CampaignError, audit, check_editable, locked_assessment

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- roles (SEC-1) -------------------------------------------------------------------------------------


@transaction.atomic
def grant_campaign_role(
    *, actor: User | None, campaign: Campaign, user: User, role: str, source: str = "web"
) -> CampaignGrant:
    """Give a user a role on the whole campaign (organizer staff, leader, field assessor, guidance, viewer)."""
    if role not in CampaignRole.values or role == CampaignRole.LIAISON:
        raise CampaignError("角色不是允许的取值（联络员请在考核对象上指定）。", field="role")
    if getattr(user, "admin_role", ""):
        raise CampaignError("系统、安全、审计管理员不能担任考核工作角色（三员分立）。", field="user")
    check_editable(campaign)
    grant, _created = CampaignGrant.objects.get_or_create(
        campaign=campaign,
        user=user,
        role=role,
        defaults={"granted_by": actor if getattr(actor, "pk", None) else None},
    )
    audit(actor, "campaigns.grant.create", campaign, source, user=user.pk, role=role)
    return grant


@transaction.atomic
def add_liaison(*, actor: User | None, assessment: Assessment, user: User, source: str = "web") -> Assessment:
    """Name a liaison (联络员) of the assessee's organization who drafts on the assessee's behalf (SEC-1)."""
    if getattr(user, "admin_role", ""):
        raise CampaignError("系统、安全、审计管理员不能担任联络员（三员分立）。", field="user")
    assessment = locked_assessment(assessment)
    check_editable(assessment.campaign)
    if assessment.is_excluded:
        raise CampaignConflict("该考核对象已移出名单，不能指定联络员。")
    if assessment.liaisons.filter(pk=user.pk).exists():
        raise CampaignConflict(f"{user.display_name}已是联络员。", field="user", code="duplicate")
    assessment.liaisons.add(user)
    audit(actor, "campaigns.assessment.liaison", assessment, source, user=user.pk)
    return assessment
