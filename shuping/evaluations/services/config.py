"""The year's composite and quota rules (EVA-1, EVA-2): saved until the committee's first approval locks
them; evaluations opened."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import transaction

from shuping.campaigns import services as campaign_services
from shuping.campaigns.models import Campaign

from .. import providers, quota, scoring, selectors
from ..models import Evaluation, EvaluationConfig
from .base import EvaluationConflict, EvaluationError, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- rules and rows ----------------------------------------------------------------------------------


#: What save_config accepts besides EvaluationConfig's own fields: the weights and the 较好-or-below share,
#: which live in Campaign.settings (campaigns.services.update_settings, copied to next year's campaign).
_SETTINGS_ARGS = ("weights", "lower_min_percent")
_MEASURES = ("top_rate", "top_two_rate")


def is_config_locked(campaign: Campaign) -> bool:
    """EVA-4: once the committee has approved any evaluation of the campaign, its rules stay as they were."""
    return Evaluation.objects.filter(campaign=campaign, is_locked=True).exists()


def _number(value: Any, low: int, high: int) -> Fraction | None:
    try:
        number = Fraction(str(value))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if low <= number <= high else None


def _check_config(config: EvaluationConfig) -> None:
    """Every rule the page and the API can set, with the message a person can act on (EVA-1, EVA-2)."""
    bands = config.bands or []
    floors = [_number(f, 0, 100) for _g, f in bands] if all(len(b) == 2 for b in bands) else [None]
    if (
        [str(g) for g, _f in bands] != list(scoring.GRADES[: len(bands)])
        or not bands
        or None in floors
        or any(a <= b for a, b in itertools.pairwise(f for f in floors if f is not None))
    ):
        raise EvaluationError(
            "分数段应在 0 到 100 分之间，且“好”的分数线高于“较好”，“较好”高于“一般”。", field="bands"
        )
    flags = [str(v.get("flag", "")) for v in config.vetoes or []]
    for v in config.vetoes or []:
        if not str(v.get("label", "")).strip():
            raise EvaluationError("每条否决规则都要写明情形。", field="vetoes")
        if v.get("cap") not in scoring.GRADES[1:]:
            raise EvaluationError("否决规则的“最高等次”应为“较好”“一般”或“差”。", field="vetoes")
        if not v.get("flag") or flags.count(str(v["flag"])) > 1:
            raise EvaluationError("否决规则重复。", field="vetoes")
    for t in config.ballot_thresholds or []:
        if _number(t.get("min_percent"), 0, 100) is None:
            raise EvaluationError("测评门槛的比例应在 0 到 100 之间。", field="ballot_thresholds")
        if t.get("measure", "top_rate") not in _MEASURES:
            raise EvaluationError("测评门槛应看“好票率”或“好和较好票率”。", field="ballot_thresholds")
        if t.get("rules_out", scoring.TOP) not in scoring.GRADES[:-1]:
            raise EvaluationError("测评门槛排除的等次应为“好”“较好”或“一般”。", field="ballot_thresholds")
    if config.adjustment_cap is not None and _number(config.adjustment_cap, 0, 100) is None:
        raise EvaluationError("加减分上限应在 0 到 100 分之间。", field="adjustment_cap")
    if config.rounding not in quota.ROUNDINGS:
        raise EvaluationError("取整规则应为向上取整、四舍五入或向下取整。", field="rounding")
    if config.top_max_percent is not None and _number(config.top_max_percent, 0, 100) is None:
        raise EvaluationError("“好”等次上限应在 0 到 100 之间。", field="top_max_percent")
    if _number(config.pool_below, 0, 100) is None or int(config.pool_below) != config.pool_below:
        raise EvaluationError("合并计算的人数下限应为 0 到 100 的整数。", field="pool_below")
    if _number(config.disagreement_percent, 1, 100) is None:
        raise EvaluationError("排名差异提示阈值应在 1 到 100 之间。", field="disagreement_percent")
    groups = config.groups or {}
    if not isinstance(groups, dict) or any(
        not isinstance(v, str) or not v.strip() or len(v) > 40 for v in groups.values()
    ):
        raise EvaluationError("分组名称不能为空，最多 40 个字。", field="groups")


@transaction.atomic
def save_config(
    *, actor: User | None, campaign: Campaign, source: str = "web", **fields: Any
) -> EvaluationConfig:
    """Store the campaign's composite and quota rules (EVA-1, EVA-2), starting from last year's.

    Besides EvaluationConfig's fields: `weights` ({component: int}, summing to 100) and `lower_min_percent`
    (the 较好-or-below share, Art. 6 “一定比例”), kept in the campaign's settings through the campaigns app.
    Refused once the committee has approved any evaluation of the campaign (EVA-4). All or nothing.
    """
    allowed = {f.name for f in EvaluationConfig._meta.concrete_fields} - {"id", "campaign", "copied_from"}
    unknown = set(fields) - allowed - set(_SETTINGS_ARGS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    if is_config_locked(campaign):
        raise EvaluationConflict(
            "本年度已有考核对象经党委（党组）研究确定，综合评价规则已锁定，不能修改（EVA-4）。", code="locked"
        )
    weights = fields.pop("weights", None)
    lower = fields.pop("lower_min_percent", None)
    points_only = [
        reg.label
        for name, reg in providers.registered().items()
        if reg.points_only and (weights or {}).get(name)
    ]
    if points_only:
        raise EvaluationError(
            f"{'、'.join(points_only)}直接加减到综合得分上（可设上限），不设权重。", field="weights"
        )
    config = selectors.config_for(campaign)
    for name, value in fields.items():
        setattr(config, name, value)
    _check_config(config)
    if weights is not None or lower is not None:
        if lower is not None and (_number(lower, 0, 100) is None or int(lower) != lower):
            raise EvaluationError("“较好”及以下等次比例应为 0 到 100 的整数。", field="lower_min_percent")
        updated = campaign_services.update_settings(
            actor=actor,
            campaign=campaign,
            weights=weights,
            lower_grades_min_percent=None if lower is None else int(lower),
            source=source,
        )
        campaign.settings = updated.settings
    try:
        selectors.scoring_rules(campaign, config)
        selectors.quota_rule(campaign, config)
    except (ValueError, KeyError, TypeError) as exc:
        raise EvaluationError("分数段、否决规则或测评门槛设置不正确。", field="rules") from exc
    config.save()
    changed = sorted(fields) + [
        n for n, v in (("weights", weights), ("lower_min_percent", lower)) if v is not None
    ]
    audit(actor, "evaluations.config.save", campaign, source, fields=changed)
    return config


@transaction.atomic
def start_evaluations(*, actor: User | None, campaign: Campaign, source: str = "web") -> list[Evaluation]:
    """Open an evaluation for every assessee in scope that has none (and store the year's rules)."""
    config = selectors.config_for(campaign)
    if config.pk is None:
        config.save()
    missing = list(selectors.assessments_without_evaluation(campaign))
    Evaluation.objects.bulk_create([Evaluation(assessment=a, campaign=campaign) for a in missing])
    if missing:
        audit(actor, "evaluations.start", campaign, source, opened=len(missing))
    return selectors.campaign_evaluations(campaign)
