"""/api/v1/evaluations (SPEC §11): the same selectors as the pages, scoped, EVA-9 applied (PERF-5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema, Status

from shuping.accounts.api_auth import API_AUTH
from shuping.campaigns import selectors as campaign_selectors
from shuping.core.api_base import api_access

from . import permissions, selectors, services
from .scoring import GRADES

router = Router(tags=["evaluations"], auth=API_AUTH)


class EvaluationOut(Schema):
    id: int
    assessment_id: int
    campaign_id: int
    organization_name: str
    person_name: str
    is_graded: bool
    status: str
    status_label: str
    composite_score: str | None
    suggested_grade: str
    proposed_grade: str
    final_grade: str
    is_locked: bool
    decided_at: datetime | None
    explanation: list[str]
    achievements: str
    problems: list[dict]


def _out(e, user) -> dict:
    a = e.assessment
    # Lists carry `is_reader` from their one query (PERF-5); a single evaluation asks its campaign.
    inner = e.is_reader if hasattr(e, "is_reader") else selectors.is_result_reader(user, e.campaign)
    return {
        "id": e.pk,
        "assessment_id": a.pk,
        "campaign_id": e.campaign_id,
        "organization_name": a.organization_name,
        "person_name": a.person_name,
        "is_graded": a.is_graded,
        "status": e.status,
        "status_label": str(e.get_status_display()),
        # EVA-9: the working numbers stay with staff and leaders; others see only the decided result.
        "composite_score": None if not inner or e.composite_score is None else str(e.composite_score),
        "suggested_grade": e.suggested_grade if inner else "",
        "proposed_grade": e.proposed_grade if inner else "",
        "final_grade": e.final_grade,
        "is_locked": e.is_locked,
        "decided_at": e.decided_at,
        "explanation": list(e.explanation or []) if inner else [],
        "achievements": e.achievements,
        "problems": list(e.problems or []),
    }


@router.get("/evaluations", response=list[EvaluationOut], summary="本人可见的综合评价")
@api_access(
    "signed_in",
    "列出本人可见的综合评价：组织部门工作人员和部门领导见其考核的全部；其他人只见研究后的本人或联络对象（EVA-9）",
)
def list_evaluations(request, campaign_id: int | None = None):
    rows = selectors.evaluations_for_list(request.user, campaign_id=campaign_id)
    return [_out(e, request.user) for e in rows]


# --- 加减分 (EVA-1, CMP-4) ------------------------------------------------------------------------------
# Declared before /evaluations/{evaluation_id} so the longer paths are matched first.


class AdjustmentOut(Schema):
    id: int
    evaluation_id: int
    item_id: int | None
    kind: str
    kind_label: str
    item_text: str
    max_points: Decimal
    points: Decimal
    signed_points: Decimal
    reason: str
    basis: str
    recorded_by: str
    on_behalf_of: str
    recorded_at: datetime


class AdjustmentIn(Schema):
    """`points` is the magnitude (> 0, ≤ the item's 最高分值); a 减分 item subtracts it."""

    item_id: int
    points: Decimal
    reason: str
    basis: str = ""
    on_behalf_of: str = ""


def _adjustment_out(a) -> dict:
    return {
        "id": a.pk,
        "evaluation_id": a.evaluation_id,
        "item_id": a.item_id,
        "kind": a.kind,
        "kind_label": str(a.get_kind_display()),
        "item_text": a.item_text,
        "max_points": a.max_points,
        "points": a.points,
        "signed_points": a.signed_points,
        "reason": a.reason,
        "basis": a.basis,
        "recorded_by": (a.recorded_by.full_name or a.recorded_by.username) if a.recorded_by_id else "",
        "on_behalf_of": a.on_behalf_of,
        "recorded_at": a.recorded_at,
    }


def _adjustable(request, evaluation_id: int, *, write: bool):
    """The evaluation (scoped: 404), read by staff and leaders only (403, EVA-9: even after 研究 the
    working numbers stay with them), written by staff only (403)."""
    evaluation = selectors.get_evaluation_for(request.user, evaluation_id)
    if not permissions.can_view_calibration(request.user, evaluation.campaign):
        raise PermissionDenied
    if write and not permissions.can_manage_evaluations(request.user, evaluation.campaign):
        raise PermissionDenied
    return evaluation


@router.get(
    "/evaluations/{evaluation_id}/adjustments",
    response=list[AdjustmentOut],
    summary="一个考核对象的加减分记录",
)
@api_access(
    "scoped",
    "经 selectors.get_evaluation_for 取综合评价（404）；加减分只对组织部门工作人员和部门领导（403，EVA-9）",
)
def list_adjustments(request, evaluation_id: int):
    evaluation = _adjustable(request, evaluation_id, write=False)
    return [_adjustment_out(a) for a in selectors.adjustment_entries(evaluation)]


@router.post(
    "/evaluations/{evaluation_id}/adjustments", response={201: AdjustmentOut}, summary="登记一项加减分"
)
@api_access(
    "scoped",
    "经 get_evaluation_for（404）；须为组织部门工作人员（403）；经 services.add_adjustment 校验（400），研究确定后锁定（409，EVA-4）",
)
def create_adjustment(request, evaluation_id: int, payload: AdjustmentIn):
    evaluation = _adjustable(request, evaluation_id, write=True)
    entry = services.add_adjustment(
        actor=request.user,
        evaluation=evaluation,
        item=payload.item_id,
        points=payload.points,
        reason=payload.reason,
        basis=payload.basis,
        on_behalf_of=payload.on_behalf_of,
        source="api",
    )
    return Status(201, _adjustment_out(entry))


@router.delete(
    "/evaluations/{evaluation_id}/adjustments/{entry_id}",
    response={204: None},
    summary="删除一项未锁定的加减分",
)
@api_access(
    "scoped",
    "经 get_evaluation_for（404）；须为组织部门工作人员（403）；记录须属该综合评价（404）；研究确定后锁定（409，EVA-4）",
)
def delete_adjustment(request, evaluation_id: int, entry_id: int):
    evaluation = _adjustable(request, evaluation_id, write=True)
    entry = evaluation.adjustments.filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    services.remove_adjustment(actor=request.user, entry=entry, source="api")
    return Status(204, None)


@router.get("/evaluations/{evaluation_id}", response=EvaluationOut, summary="一个考核对象的综合评价")
@api_access("scoped", "经 selectors.get_evaluation_for 取综合评价（范围外或研究前无权查看均 404，EVA-9）")
def get_evaluation(request, evaluation_id: int):
    e = selectors.get_evaluation_for(request.user, evaluation_id)
    return _out(e, request.user)


# --- the campaign's rules (EVA-1, EVA-2) ----------------------------------------------------------------


class VetoSchema(Schema):
    flag: str
    label: str
    cap: str


class ThresholdSchema(Schema):
    min_percent: Decimal
    measure: str = "top_rate"
    rules_out: str = "好"


class ConfigOut(Schema):
    campaign_id: int
    is_saved: bool
    carried_from_year: int | None
    origin: str
    is_locked: bool
    weights: dict[str, int]
    lower_min_percent: Decimal
    bands: dict[str, Decimal]
    vetoes: list[VetoSchema]
    ballot_thresholds: list[ThresholdSchema]
    adjustment_cap: Decimal | None
    top_max_percent: Decimal | None
    rounding: str
    pool_below: int
    disagreement_percent: int
    groups: dict[str, str]
    rule: str


class ConfigIn(Schema):
    """Fields left out keep their value; `adjustment_cap` / `top_max_percent` given as null clear it."""

    weights: dict[str, int] | None = None
    lower_min_percent: int | None = None
    bands: dict[str, Decimal] | None = None
    vetoes: list[VetoSchema] | None = None
    ballot_thresholds: list[ThresholdSchema] | None = None
    adjustment_cap: Decimal | None = None
    top_max_percent: Decimal | None = None
    rounding: str | None = None
    pool_below: int | None = None
    disagreement_percent: int | None = None
    groups: dict[str, str] | None = None


def _config_out(campaign) -> dict:
    config = selectors.config_for(campaign)
    weights, own_weights = selectors.weights_of(campaign)
    lower, own_lower = selectors.lower_percent_of(campaign)
    return {
        "campaign_id": campaign.pk,
        "is_saved": config.pk is not None,
        "carried_from_year": config.copied_from.campaign.year if config.copied_from is not None else None,
        "origin": selectors.config_origin(campaign, config, own_weights=own_weights, own_lower=own_lower),
        "is_locked": services.is_config_locked(campaign),
        "weights": weights,
        "lower_min_percent": Decimal(lower.numerator) / Decimal(lower.denominator),
        "bands": {str(g): Decimal(str(f)) for g, f in config.bands or []},
        "vetoes": list(config.vetoes or []),
        "ballot_thresholds": list(config.ballot_thresholds or []),
        "adjustment_cap": config.adjustment_cap,
        "top_max_percent": config.top_max_percent,
        "rounding": config.rounding,
        "pool_below": config.pool_below,
        "disagreement_percent": config.disagreement_percent,
        "groups": dict(config.groups or {}),
        "rule": selectors.quota_rule(campaign, config).describe(),
    }


def _rules_campaign(request, campaign_id: int):
    campaign = campaign_selectors.get_campaign_for(request.user, campaign_id)
    if not permissions.can_view_calibration(request.user, campaign):
        raise PermissionDenied
    return campaign


def _json_number(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else str(value.normalize())


@router.get(
    "/evaluations/campaigns/{campaign_id}/config",
    response=ConfigOut,
    summary="综合评价规则（权重、比例、口径）",
)
@api_access(
    "scoped",
    "经 campaigns.selectors.get_campaign_for 取考核（404）；同等次校准页面，只对组织部门工作人员和部门领导（403，EVA-9）",
)
def get_evaluation_config(request, campaign_id: int):
    return _config_out(_rules_campaign(request, campaign_id))


@router.put("/evaluations/campaigns/{campaign_id}/config", response=ConfigOut, summary="保存综合评价规则")
@api_access(
    "scoped",
    "经 get_campaign_for（404）；须为组织部门工作人员（403）；经 services.save_config 校验，研究确定后锁定（409，EVA-4）",
)
def put_evaluation_config(request, campaign_id: int, payload: ConfigIn):
    campaign = _rules_campaign(request, campaign_id)
    if not permissions.can_manage_evaluations(request.user, campaign):
        raise PermissionDenied
    given = payload.dict(exclude_unset=True)
    fields: dict = {}
    for name, value in given.items():
        if name == "bands" and value is not None:
            if set(value) - set(GRADES[:-1]):
                raise services.EvaluationError("分数段只设“好”“较好”“一般”的最低分。", field="bands")
            fields["bands"] = [[g, _json_number(value[g])] for g in GRADES[:-1] if g in value]
        elif name == "ballot_thresholds" and value is not None:
            fields[name] = [{**t, "min_percent": _json_number(t["min_percent"])} for t in value]
        elif (
            name in ("bands", "vetoes", "ballot_thresholds", "groups", "rounding", "pool_below")
            and value is None
        ):
            continue  # null means "leave as it is" for fields that cannot be empty
        elif name == "disagreement_percent" and value is None:
            continue
        else:
            fields[name] = value
    services.save_config(actor=request.user, campaign=campaign, source="api", **fields)
    return _config_out(campaign)
