"""The wizard's second step, 考核对象 (CMP-2, CMP-3): the proposed list and its writes — generate the
proposal, exclude / restore / grade / reporting mode per row, 增补 by code, 增列前任书记, confirm. Each write is
its own view with a form through `core.forms.handle_form`; the table is an htmx partial, redrawn in place.
Out of scope → 404; not the campaign's organizer staff → 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped
from shuping.core.forms import OperationForm, error_context, handle_form

from . import forms, rules, selectors, services
from .choices import ReportingMode
from .pages import WIZARD_STEPS, managed_campaign

_SCOPED = "经 selectors.get_campaign_for 取考核（范围外 404）；须为本次考核的组织部门工作人员（permissions.can_manage_campaign，否则 403）"


def _optional_proposals(campaign, assessments) -> tuple[list, list]:
    """The optional organizations not yet on the list, and apart from them the villages and communities a
    county may assess itself (参照执行: one tick for all of them)."""
    if campaign.is_scope_confirmed:
        return [], []
    included = {a.organization_id for a in assessments}
    optional = [p for p in selectors.scope_proposals(campaign) if p.is_optional and p.org.key not in included]
    villages = [p for p in optional if p.rule == rules.RULE_VILLAGES_BY_REFERENCE]
    return [p for p in optional if p.rule != rules.RULE_VILLAGES_BY_REFERENCE], villages


def _scope_context(campaign) -> dict:
    assessments = list(
        campaign.assessments.select_related("person").order_by("is_excluded", "organization_path")
    )
    optional, villages = _optional_proposals(campaign, assessments)
    offers = selectors.predecessor_offers(campaign, assessments)
    for a in assessments:
        a.predecessor_offers = offers.get(a.pk, [])
    return {
        "campaign": campaign,
        "assessments": assessments,
        "optional": optional,
        "optional_villages": villages,
        "is_reference": campaign.organizer.kind == rules.TOWNSHIP_COMMITTEE,
        "graded_twice": selectors.graded_twice_person_ids(campaign),
        "modes": ReportingMode.choices,
        "steps": WIZARD_STEPS,
        "step": "scope",
    }


def _scope_page(request: AuthenticatedHttpRequest, pk: int, *, failed=None) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk)
    template = "campaigns/wizard_scope.html#scope-table" if request.htmx else "campaigns/wizard_scope.html"
    return render(request, template, {**_scope_context(campaign), **error_context(failed)})


@require_safe
@scoped(_SCOPED)
def wizard_scope(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    managed_campaign(request, pk)
    return _scope_page(request, pk)


def _scope_write(
    request: AuthenticatedHttpRequest,
    pk: int,
    form: OperationForm,
    operation: Callable[[dict[str, Any]], Any],
    success: str | Callable[[Any], str] | None = None,
) -> HttpResponse:
    """A write on the scope list: back to the list (its htmx partial redraws in place)."""
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("campaigns:wizard_scope", args=[pk]),
        render_page=lambda failed: _scope_page(request, pk, failed=failed),
    )


@require_POST
@scoped(_SCOPED + "；按《办法》第三条（乡镇参照执行）生成建议名单")
def scope_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    form = forms.ScopeProposeForm(request.POST)
    basis = "参照《办法》" if campaign.organizer.kind == rules.TOWNSHIP_COMMITTEE else "按《办法》第三条"
    return _scope_write(
        request,
        pk,
        form,
        lambda data: services.apply_scope_proposal(
            actor=request.user,
            campaign=campaign,
            include_optional=data["optional"],
            include_villages=form.includes_villages(),
        ),
        lambda created: f"已{basis}生成建议名单 {len(created)} 人。",
    )


@require_POST
@scoped(_SCOPED + "；移出一名考核对象（须属于本次考核），写明理由")
def scope_exclude(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _scope_write(
        request,
        pk,
        forms.ScopeExcludeForm(request.POST, campaign=campaign),
        lambda data: services.exclude_assessment(
            actor=request.user, assessment=data["assessment"], reason=data["reason"]
        ),
    )


@require_POST
@scoped(_SCOPED + "；恢复一名已移出的考核对象（须属于本次考核），写明理由")
def scope_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _scope_write(
        request,
        pk,
        forms.ScopeRestoreForm(request.POST, campaign=campaign),
        lambda data: services.restore_assessment(
            actor=request.user, assessment=data["assessment"], reason=data["reason"]
        ),
    )


@require_POST
@scoped(_SCOPED + "；改为考核定等或只述职（年中调整、任职不满半年的须写明处理理由）")
def scope_grading(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    form = forms.ScopeGradingForm(request.POST, campaign=campaign)
    return _scope_write(
        request,
        pk,
        form,
        lambda data: services.set_grading(
            actor=request.user,
            assessment=data["assessment"],
            is_graded=form.grading(),
            reason=data["reason"],
        ),
    )


@require_POST
@scoped(_SCOPED + "；改为现场述职或书面述职")
def scope_mode(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _scope_write(
        request,
        pk,
        forms.ScopeModeForm(request.POST, campaign=campaign),
        lambda data: services.set_reporting_mode(
            actor=request.user, assessment=data["assessment"], mode=data["mode"]
        ),
    )


@require_POST
@scoped(_SCOPED + "；按组织代码增补考核对象，写明理由")
def scope_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _scope_write(
        request,
        pk,
        forms.ScopeAddForm(request.POST),
        lambda data: services.add_assessment(
            actor=request.user, campaign=campaign, organization=data["code"], reason=data["reason"]
        ),
    )


@require_POST
@scoped(_SCOPED + "；增列前任书记为述职人（任职记录须属于该考核对象的党组织）")
def scope_predecessor(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)

    def run(data):
        services.add_predecessor(
            actor=request.user,
            assessment=data["assessment"],
            secretaryship=data["secretaryship"],
            reason=data["reason"],
        )
        return data["secretaryship"]

    return _scope_write(
        request,
        pk,
        forms.ScopePredecessorForm(request.POST, campaign=campaign),
        run,
        lambda s: f"已增列前任书记{s.person.name}为述职人（只述职不定等次）。",
    )


@require_POST
@scoped(_SCOPED + "；确认考核对象名单")
def scope_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _scope_write(
        request,
        pk,
        OperationForm(request.POST),
        lambda _data: services.confirm_scope(actor=request.user, campaign=campaign),
        "考核对象名单已确认。",
    )
