"""What the campaign pages show, shared by the views that draw them (CMP-1 … CMP-7, SEC-1).

A page is drawn by its GET view and again by each of its writes when the write is refused (the form's
error shown, the input kept: `core.forms.handle_form`), so the page's context lives here, once, and the view
modules import it from here (never from each other).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from shuping.accounts.http import AuthenticatedHttpRequest

from . import findings, permissions, selectors, stages
from .blockers import blockers_for_many
from .choices import ALLOWED_TRANSITIONS, STAGE_ORDER, CampaignRole, CampaignStatus, Stage
from .forms import FindingForm, LiaisonAccountForm

WIZARD_STEPS = (("year", "年度"), ("scope", "考核对象"), ("indicators", "考核指标"), ("schedule", "时间安排"))

#: Roles granted from the 人员与权限 panel; liaisons are named per assessment (SEC-1).
GRANTABLE_ROLES = [(v, label) for v, label in CampaignRole.choices if v != CampaignRole.LIAISON]


def managed_campaign(request: AuthenticatedHttpRequest, pk: int):
    """The campaign (404 out of scope) for its organizer staff (403 for anyone else)."""
    campaign = selectors.get_campaign_for(request.user, pk)
    if not permissions.can_manage_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


def managed_assessment(request: AuthenticatedHttpRequest, pk: int):
    """The assessment (404 out of scope) for its campaign's organizer staff (403 for anyone else)."""
    assessment = selectors.get_assessment_for(request.user, pk)
    if not permissions.can_manage_campaign(request.user, assessment.campaign):
        raise PermissionDenied
    return assessment


def people_context(campaign, *, query: str = "") -> dict:
    return {
        "campaign": campaign,
        "grants": list(selectors.campaign_grants(campaign)),
        "holders": list(selectors.organizer_role_holders(campaign)),
        "query": query,
        "found": list(selectors.grantable_users(campaign, query)) if query else [],
        "roles": GRANTABLE_ROLES,
        "can_edit": campaign.status != CampaignStatus.CLOSED,
    }


def liaison_context(assessment, *, can_manage: bool, form=None, created=None, password: str = "") -> dict:
    return {
        "can_manage": can_manage,
        "assessment": assessment,
        "liaisons": list(assessment.liaisons.all()),
        "candidates": list(selectors.liaison_candidates(assessment)),
        "account_form": form or LiaisonAccountForm(),
        "created": created,
        "initial_password": password,
        "can_edit": assessment.campaign.status != CampaignStatus.CLOSED and not assessment.is_excluded,
    }


def _neighbour_stages(assessment) -> dict:
    nxt = sorted(ALLOWED_TRANSITIONS[assessment.stage])
    index = STAGE_ORDER.index(assessment.stage)
    return {
        "next_stage": Stage(nxt[0]) if nxt else None,
        "previous_stage": Stage(STAGE_ORDER[index - 1]) if index > 0 else None,
    }


def assessment_context(request: AuthenticatedHttpRequest, assessment, *, finding_form=None) -> dict:
    """What the assessment page shows; its writes (stage, liaisons, findings, reopen) draw it again."""
    campaign = assessment.campaign
    can_manage = permissions.can_manage_campaign(request.user, campaign)
    stage_urls = stages.stage_urls_for_assessment(request.user, assessment)  # FLOW-1: the chips are links
    return {
        **liaison_context(assessment, can_manage=can_manage),
        **_neighbour_stages(assessment),
        "campaign": campaign,
        "blockers": blockers_for_many([assessment])[assessment.pk],
        "can_manage": can_manage,
        "can_edit": can_manage and campaign.status != CampaignStatus.CLOSED,
        "can_see_results": permissions.can_see_results(request.user, assessment),
        "findings": list(assessment.findings.all()),
        "finding_form": finding_form or FindingForm(),
        "carry_over": findings.carry_over_for([assessment])[assessment.pk],
        "stages": [(value, label, stage_urls.get(value, "")) for value, label in Stage.choices],
        "stage_index": list(Stage.values).index(assessment.stage),
    }
