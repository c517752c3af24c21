"""The wizard's third step, 考核指标 (CMP-4, FLOW-5): indicator sets from templates, indicators added,
edited, kept against a 形式主义 warning or removed, 加减分项 added or removed, and the live check while an
indicator is typed. Each write is its own view with a form through `core.forms.handle_form`.
Out of scope → 404; not the campaign's organizer staff → 403."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped
from shuping.core.forms import error_context, handle_form

from . import forms, indicators, selectors
from .choices import AdjustmentKind, AssessmentMethod, CampaignStatus
from .models import IndicatorSet
from .pages import WIZARD_STEPS, managed_campaign

_SCOPED = "经 selectors.get_campaign_for 取考核（范围外 404）；须为组织部门工作人员（permissions.can_manage_campaign，否则 403）"


@dataclass(frozen=True)
class _SetRow:
    """An indicator set on the indicators step, with what it lacks (Art. 4) and its points (FLOW-5)."""

    indicator_set: IndicatorSet
    missing: list[str]
    points_total: Decimal
    points_problem: str | None

    @classmethod
    def of(cls, indicator_set: IndicatorSet) -> _SetRow:
        points_total, points_problem = indicators.points_of(indicator_set)
        missing = list(indicators.missing_dimensions(indicator_set))
        return cls(indicator_set, missing, points_total, points_problem)


def _indicators_page(request: AuthenticatedHttpRequest, campaign, *, failed=None) -> HttpResponse:
    sets = [_SetRow.of(s) for s in selectors.indicator_sets_of(campaign)]
    return render(
        request,
        "campaigns/wizard_indicators.html",
        {
            "campaign": campaign,
            "sets": sets,
            "form": forms.IndicatorForm(),
            "template_form": forms.TemplateForm(),
            "adjustment_kinds": AdjustmentKind.choices,
            "methods": AssessmentMethod.choices,
            "can_edit": campaign.status != CampaignStatus.CLOSED,
            "steps": WIZARD_STEPS,
            "step": "indicators",
            **error_context(failed),
        },
    )


@require_safe
@scoped(_SCOPED)
def wizard_indicators(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _indicators_page(request, managed_campaign(request, pk))


@require_POST
@scoped(_SCOPED + "；指标输入时的形式主义检查（只读，不保存）")
def indicator_lint(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    managed_campaign(request, pk)
    form = forms.IndicatorLintForm(request.POST)
    form.is_valid()  # three optional texts: always valid
    data = form.cleaned_data
    warnings = indicators.lint_for(data["text"], data["scoring_guidance"], data["method"])
    return render(
        request,
        "campaigns/wizard_indicators.html#lint",
        {"warnings": warnings, "checked": bool(data["text"])},
    )


def _indicator_write(
    request: AuthenticatedHttpRequest,
    campaign,
    form,
    operation: Callable[[dict[str, Any]], Any],
) -> HttpResponse:
    """A write on the indicators page; what it says on success (warnings) it says itself."""
    return handle_form(
        request,
        form,
        operation,
        success=None,
        redirect_to=reverse("campaigns:wizard_indicators", args=[campaign.pk]),
        render_page=lambda failed: _indicators_page(request, campaign, failed=failed),
    )


def _flag_points(request: AuthenticatedHttpRequest, indicator_set) -> None:
    """FLOW-5: after an indicator is saved, say at once if the set's points no longer total 100."""
    problem = indicators.points_of(indicator_set)[1]
    if problem:
        messages.warning(request, f"{indicator_set.name}：{problem}")


@require_POST
@scoped(_SCOPED + "；按适用党组织类型和层级从模板新增指标体系")
def indicator_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _indicator_write(
        request,
        campaign,
        forms.IndicatorTemplateForm(request.POST),
        lambda data: indicators.create_set_from_template(
            actor=request.user, campaign=campaign, kind=data["kind"], level=data["level"]
        ),
    )


@require_POST
@scoped(_SCOPED + "；在本次考核的指标体系中添加指标")
def indicator_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)

    def run(data):
        indicator = indicators.add_indicator(
            actor=request.user,
            indicator_set=data["indicator_set"],
            dimension=data["dimension"],
            text=data["text"],
            weight=data["weight"],
            method=data["method"],
        )
        if indicator.lint_warnings:
            messages.warning(request, "新指标有形式主义提示（《办法》第六条），请修改或说明保留理由。")
        _flag_points(request, data["indicator_set"])

    return _indicator_write(request, campaign, forms.IndicatorAddForm(request.POST, campaign=campaign), run)


@require_POST
@scoped(_SCOPED + "；修改本次考核的一项指标")
def indicator_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)

    def run(data):
        indicator = indicators.update_indicator(
            actor=request.user,
            indicator=data["indicator"],
            text=data["text"],
            weight=data["weight"],
            scoring_guidance=data["scoring_guidance"],
            method=data["method"],
            override_reason=data["override_reason"],
        )
        if indicator.has_open_warning:
            messages.warning(request, "修改后的指标有形式主义提示（《办法》第六条），请修改或说明保留理由。")
        else:
            messages.success(request, "指标已保存。")
        _flag_points(request, indicator.indicator_set)

    return _indicator_write(
        request, campaign, forms.IndicatorUpdateForm(request.POST, campaign=campaign), run
    )


@require_POST
@scoped(_SCOPED + "；说明理由后保留有形式主义提示的指标")
def indicator_override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _indicator_write(
        request,
        campaign,
        forms.IndicatorOverrideForm(request.POST, campaign=campaign),
        lambda data: indicators.override_lint(
            actor=request.user, indicator=data["indicator"], reason=data["reason"]
        ),
    )


@require_POST
@scoped(_SCOPED + "；删除本次考核的一项指标")
def indicator_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _indicator_write(
        request,
        campaign,
        forms.IndicatorRemoveForm(request.POST, campaign=campaign),
        lambda data: indicators.remove_indicator(actor=request.user, indicator=data["indicator"]),
    )


@require_POST
@scoped(_SCOPED + "；在本次考核的指标体系中添加加减分项")
def indicator_adjustment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _indicator_write(
        request,
        campaign,
        forms.AdjustmentAddForm(request.POST, campaign=campaign),
        lambda data: indicators.add_adjustment(
            actor=request.user,
            indicator_set=data["indicator_set"],
            kind=data["kind"],
            text=data["text"],
            max_points=data["max_points"],
        ),
    )


@require_POST
@scoped(_SCOPED + "；删除本次考核的一项加减分项")
def indicator_adjustment_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _indicator_write(
        request,
        campaign,
        forms.AdjustmentRemoveForm(request.POST, campaign=campaign),
        lambda data: indicators.remove_adjustment(actor=request.user, adjustment=data["adjustment"]),
    )
