"""Indicator sets (CMP-4, Art. 4) and the formalism lint on them (CMP-6, Art. 6): services.

Every set holds the five statutory dimensions (一)–(五) of Art. 4; key tasks (年度重点任务) and 加减分
items are added per year. Sets vary by organization kind and level (分类指导); township sets are shorter
(Art. 6: 越往下考核工作越要简化). Templates are data (`data/indicator_templates.json`), and each year's
sets are copied from last year's.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from . import lint, rules
from .choices import STATUTORY_DIMENSIONS, AdjustmentKind, AssessmentMethod, Dimension
from .models import Adjustment, Campaign, Indicator, IndicatorSet
from .services.base import CampaignError, audit, check_editable

if TYPE_CHECKING:
    from shuping.accounts.models import User

TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "indicator_templates.json"


def lint_warnings(text: str) -> list[dict[str, str]]:
    return [
        {"code": w.code, "reason": w.reason, "evidence": w.evidence, "citation": w.citation}
        for w in lint.lint_indicator(text).warnings
    ]


def missing_dimensions(indicator_set: IndicatorSet) -> list[str]:
    """The statutory dimensions of Art. 4 the set does not cover yet (labels)."""
    present = {i.dimension for i in indicator_set.indicators.all()}
    return [str(Dimension(d).label) for d in STATUTORY_DIMENSIONS if d not in present]


def points_of(indicator_set: IndicatorSet) -> tuple[Decimal, str | None]:
    """(the indicators' points total, the FLOW-5 flag or None) — reads prefetched indicators if any."""
    total = sum((i.weight for i in indicator_set.indicators.all()), Decimal(0))
    return total, rules.points_problem(float(total))


def load_templates() -> list[dict]:
    return json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))


#: 参照执行: village and community secretaries take the township's shorter set (Art. 6 越往下越简化).
VILLAGE_SET_NAME = "村（社区）党组织书记抓基层党建考核指标（参照乡镇精简指标）"


def template_for(kind: str, level: str) -> dict:
    """The template for an organization kind and level; the last (kind-less) one is the general fallback.

    A village or community committee gets the township's shorter template under its own name."""
    templates = load_templates()
    if kind == "village_committee":
        township = next(t for t in templates if "township_committee" in t["kinds"])
        return {**township, "name": VILLAGE_SET_NAME}
    for t in templates:
        if (not t["kinds"] or kind in t["kinds"]) and (not t["levels"] or level in t["levels"]):
            if t["kinds"]:
                return t
    return templates[-1]


def _decimal(value, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise CampaignError("分值应为数字。", field=field) from None
    if result < 0 or result > 1000:
        raise CampaignError("分值应在 0 到 1000 之间。", field=field)
    return result


@transaction.atomic
def create_set_from_template(
    *, actor: User | None, campaign: Campaign, kind: str, level: str, source: str = "web"
) -> IndicatorSet:
    """A campaign's indicator set for one kind and level, started from the template (CMP-4)."""
    check_editable(campaign)
    template = template_for(kind, level)
    indicator_set = IndicatorSet.objects.create(
        campaign=campaign, name=template["name"], organization_kind=kind, admin_level=level
    )
    Indicator.objects.bulk_create(
        Indicator(
            indicator_set=indicator_set,
            dimension=dimension,
            text=text,
            weight=Decimal(str(weight)),
            scoring_guidance=guidance,
            method=method,
            position=i,
            lint_warnings=lint_for(text, guidance, method),
        )
        for i, (dimension, text, weight, guidance, method) in enumerate(template["indicators"])
    )
    Adjustment.objects.bulk_create(
        Adjustment(indicator_set=indicator_set, kind=k, text=t, max_points=Decimal(str(p)), position=i)
        for i, (k, t, p) in enumerate(template["adjustments"])
    )
    audit(actor, "campaigns.indicators.create", indicator_set, source, template=template["name"])
    return indicator_set


@transaction.atomic
def copy_indicator_sets(
    *, actor: User | None, source_campaign: Campaign, campaign: Campaign, source: str = "web"
) -> list[IndicatorSet]:
    """Copy every set (indicators, weights, lint overrides, 加减分) from last year or the level above (CMP-4, CMP-7)."""
    created = []
    for old in source_campaign.indicator_sets.prefetch_related("indicators", "adjustments"):
        new = IndicatorSet.objects.create(
            campaign=campaign,
            name=old.name,
            organization_kind=old.organization_kind,
            admin_level=old.admin_level,
            copied_from=old,
        )
        Indicator.objects.bulk_create(
            Indicator(
                indicator_set=new,
                dimension=i.dimension,
                text=i.text,
                weight=i.weight,
                scoring_guidance=i.scoring_guidance,
                method=i.method,
                position=i.position,
                lint_warnings=i.lint_warnings,
                lint_override_reason=i.lint_override_reason,
            )
            for i in old.indicators.all()
        )
        Adjustment.objects.bulk_create(
            Adjustment(
                indicator_set=new, kind=a.kind, text=a.text, max_points=a.max_points, position=a.position
            )
            for a in old.adjustments.all()
        )
        created.append(new)
    audit(
        actor,
        "campaigns.indicators.copy",
        campaign,
        source,
        source_campaign=source_campaign.pk,
        sets=len(created),
    )
    return created


@transaction.atomic
def add_indicator(
    *,
    actor: User | None,
    indicator_set: IndicatorSet,
    dimension: str,
    text: str,
    weight: Decimal | int | str = 0,
    scoring_guidance: str = "",
    method: str = "",
    source: str = "web",
) -> Indicator:
    """Add an indicator; the formalism lint (text, guidance, method) runs at once, warnings stored (CMP-6)."""
    if indicator_set.campaign is not None:
        check_editable(indicator_set.campaign)
    if dimension not in Dimension.values:
        raise CampaignError("考核内容不是允许的取值。", field="dimension")
    if method and method not in AssessmentMethod.values:
        raise CampaignError("考核方式不是允许的取值。", field="method")
    text = " ".join(text.split())
    if not text:
        raise CampaignError("指标内容不能为空。", field="text")
    position = indicator_set.indicators.count()
    indicator = Indicator.objects.create(
        indicator_set=indicator_set,
        dimension=dimension,
        text=text,
        weight=_decimal(weight, "weight"),
        scoring_guidance=scoring_guidance.strip(),
        method=method,
        position=position,
        lint_warnings=lint_for(text, scoring_guidance, method),
    )
    audit(actor, "campaigns.indicator.add", indicator, source, flagged=bool(indicator.lint_warnings))
    return indicator


@transaction.atomic
def remove_indicator(*, actor: User | None, indicator: Indicator, source: str = "web") -> None:
    """Remove an indicator; one of the five statutory dimensions cannot be left empty (Art. 4)."""
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("indicator_set__campaign")
        .get(pk=indicator.pk)
    )
    if indicator.indicator_set.campaign is not None:
        check_editable(indicator.indicator_set.campaign)
    if (
        indicator.dimension in STATUTORY_DIMENSIONS
        and indicator.indicator_set.indicators.filter(dimension=indicator.dimension).count() == 1
    ):
        raise CampaignError(
            f"《办法》第四条规定的“{Dimension(indicator.dimension).label}”必须保留至少一项指标。",
            field="indicator",
        )
    audit(actor, "campaigns.indicator.remove", indicator, source, text=indicator.text[:100])
    indicator.delete()


@transaction.atomic
def override_lint(*, actor: User | None, indicator: Indicator, reason: str, source: str = "web") -> Indicator:
    """Keep a flagged indicator anyway, with the reason stored (CMP-6)."""
    if not reason.strip():
        raise CampaignError("保留被提示的指标须说明理由。", field="reason")
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("indicator_set__campaign")
        .get(pk=indicator.pk)
    )
    if indicator.indicator_set.campaign is not None:
        check_editable(indicator.indicator_set.campaign)
    if not indicator.lint_warnings:
        raise CampaignError("该指标没有形式主义提示，无需说明理由。", field="reason")
    indicator.lint_override_reason = reason.strip()
    indicator.lint_overridden_by = actor if getattr(actor, "pk", None) else None
    indicator.save(update_fields=["lint_override_reason", "lint_overridden_by"])
    audit(actor, "campaigns.indicator.lint_override", indicator, source, reason=reason.strip())
    return indicator


@transaction.atomic
def add_adjustment(
    *, actor: User | None, indicator_set: IndicatorSet, kind: str, text: str, max_points, source: str = "web"
) -> Adjustment:
    """Add a 加减分 item (CMP-4)."""
    if indicator_set.campaign is not None:
        check_editable(indicator_set.campaign)
    if kind not in AdjustmentKind.values:
        raise CampaignError("加减分类型不是允许的取值。", field="kind")
    if not text.strip():
        raise CampaignError("加减分事项不能为空。", field="text")
    adjustment = Adjustment.objects.create(
        indicator_set=indicator_set,
        kind=kind,
        text=text.strip(),
        max_points=_decimal(max_points, "max_points"),
        position=indicator_set.adjustments.count(),
    )
    audit(actor, "campaigns.adjustment.add", adjustment, source, kind=kind)
    return adjustment


@transaction.atomic
def update_indicator(
    *,
    actor: User | None,
    indicator: Indicator,
    text: str | None = None,
    weight: Decimal | int | str | None = None,
    scoring_guidance: str | None = None,
    method: str | None = None,
    override_reason: str = "",
    source: str = "web",
) -> Indicator:
    """Edit an indicator's text, weight, scoring guidance or method (CMP-4); only given fields change.

    The formalism lint runs again on the text and the guidance (CMP-6): when the warnings change, an
    earlier override no longer holds and is cleared, unless `override_reason` keeps the indicator anyway.
    """
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("indicator_set__campaign")
        .get(pk=indicator.pk)
    )
    if indicator.indicator_set.campaign is not None:
        check_editable(indicator.indicator_set.campaign)
    before = {f: getattr(indicator, f) for f in ("text", "weight", "scoring_guidance", "method")}
    if text is not None:
        text = " ".join(text.split())
        if not text:
            raise CampaignError("指标内容不能为空。", field="text")
        indicator.text = text
    if weight is not None:
        indicator.weight = _decimal(weight, "weight")
    if scoring_guidance is not None:
        indicator.scoring_guidance = scoring_guidance.strip()
    if method is not None:
        if method and method not in AssessmentMethod.values:
            raise CampaignError("考核方式不是允许的取值。", field="method")
        indicator.method = method
    warnings = lint_for(indicator.text, indicator.scoring_guidance, indicator.method)
    if warnings != indicator.lint_warnings:
        indicator.lint_warnings = warnings
        indicator.lint_override_reason = ""
        indicator.lint_overridden_by = None
    if override_reason.strip() and indicator.lint_warnings:
        indicator.lint_override_reason = override_reason.strip()
        indicator.lint_overridden_by = actor if getattr(actor, "pk", None) else None
    indicator.save()
    changed = {f: str(getattr(indicator, f)) for f, old in before.items() if getattr(indicator, f) != old}
    audit(
        actor,
        "campaigns.indicator.update",
        indicator,
        source,
        changed=changed,
        flagged=bool(indicator.lint_warnings),
        override=indicator.lint_override_reason,
    )
    return indicator


def lint_for(text: str, scoring_guidance: str = "", method: str = "") -> list[dict[str, str]]:
    """The lint on an indicator as a whole (CMP-6): its text, its scoring guidance, and a paper-only
    method (听取汇报 / 查阅资料, which Art. 6 says not to use where a visit would do)."""
    warnings = lint_warnings(text)
    seen = {w["code"] for w in warnings}
    if scoring_guidance.strip():
        for w in lint_warnings(scoring_guidance):
            if w["code"] not in seen:
                warnings.append({**w, "evidence": "评分标准：" + w["evidence"]})
                seen.add(w["code"])
    if (
        method in (AssessmentMethod.REPORT_HEARING, AssessmentMethod.DOCUMENT_REVIEW)
        and lint.PAPER not in seen
    ):
        label = str(AssessmentMethod(method).label)
        warnings.append(
            {
                "code": lint.PAPER,
                "reason": "考核方式为听汇报或查资料（第六条：可以通过现场查看、走访党员群众作出评价的，"
                "一般不以这种方式考核），建议改为实地查看或走访党员群众。",
                "evidence": "考核方式：" + label,
                "citation": lint.CITATION,
            }
        )
    return warnings


@transaction.atomic
def remove_adjustment(*, actor: User | None, adjustment: Adjustment, source: str = "web") -> None:
    """Remove a 加减分 item (CMP-4)."""
    adjustment = (
        Adjustment.objects.select_for_update(of=("self",))
        .select_related("indicator_set__campaign")
        .get(pk=adjustment.pk)
    )
    if adjustment.indicator_set.campaign is not None:
        check_editable(adjustment.indicator_set.campaign)
    audit(actor, "campaigns.adjustment.remove", adjustment, source, text=adjustment.text[:100])
    adjustment.delete()
