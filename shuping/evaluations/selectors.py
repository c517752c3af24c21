"""Reads for the evaluation pages, the API and documents — always scoped to the user (SEC-2, EVA-9).

Confidentiality (EVA-9): until the committee's 研究 (the assessment is past the 研究 stage), composites,
tallies, proposed grades and drafts are visible only to the campaign's organizer staff and the
department's leaders (campaign roles from `campaigns.selectors.campaign_roles`: a RoleGrant on the
organizer itself or a CampaignGrant). Never to the assessee, their liaison, or their own organization
department — scope follows the organizer, not the assessee's subtree. After 研究 the assessee and whoever
may see the assessment read its final grade and opinion.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.http import Http404

from shuping.accounts.choices import Role
from shuping.campaigns import rules as campaign_rules
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole, Stage
from shuping.campaigns.models import Assessment, Campaign, CampaignGrant, IndicatorSet

from . import quota, scoring
from .choices import EvaluationStatus
from .models import AdjustmentEntry, DecisionStep, Evaluation, EvaluationConfig

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from shuping.accounts.models import User

RESULT_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)
RESULT_CAMPAIGN_ROLES = (CampaignRole.ORGANIZER_STAFF, CampaignRole.DEPARTMENT_LEADER)
#: Art. 6 综合评价意见及等次经党委（党组）研究后，向被评议考核人反馈: results open past 研究.
DECIDED_STAGES = (Stage.FEEDBACK, Stage.RECTIFICATION)
DEFAULT_WEIGHTS = campaign_rules.DEFAULT_WEIGHTS  # one source with the schedule step's prefill (FLOW-5)
DEFAULT_LOWER_PERCENT = campaign_rules.DEFAULT_LOWER_GRADES_MIN_PERCENT
#: The calibration screen's column order (the rules page's order of the weights).
_COLUMN_ORDER = ("ballot", "field", "observations", "report", "commentary")
DEFAULT_GROUPS = {
    "township_committee": "乡镇（街道）",
    "local_committee": "地方党委",
    "village_committee": "村（社区）",
}
OTHER_GROUP = "机关和企事业单位"


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "admin_role", "")


def _result_campaigns_q(user: User, prefix: str) -> Q:
    """Q reaching Campaign through `prefix`: campaigns where the user is organizer staff or leader."""
    organizer_ids = list(
        campaign_selectors.user_grants(user)
        .filter(role__in=RESULT_ROLES)
        .values_list("organization_id", flat=True)
    )
    q = Q(**{f"{prefix}grants__user": user, f"{prefix}grants__role__in": RESULT_CAMPAIGN_ROLES})
    if organizer_ids:
        q |= Q(**{f"{prefix}organizer_id__in": organizer_ids})
    return q


#: Public name for other apps (feedback) scoping their rows by the same inner circle.
result_campaigns_q = _result_campaigns_q


def is_result_reader(user: User, campaign: Campaign) -> bool:
    """Organizer staff or department leader of this campaign (EVA-9's inner circle)."""
    return bool(campaign_selectors.campaign_roles(user, campaign) & set(RESULT_CAMPAIGN_ROLES))


def evaluations_visible_to(user: User) -> QuerySet[Evaluation]:
    """Staff and leaders: every evaluation of their campaigns. Others: decided ones of assessments they see."""
    if not _signed_in(user):
        return Evaluation.objects.none()
    decided = Q(
        assessment__in=campaign_selectors.assessments_visible_to(user).values("pk"),
        assessment__stage__in=DECIDED_STAGES,
    )
    ids = Evaluation.objects.filter(_result_campaigns_q(user, "campaign__") | decided).values("pk")
    return Evaluation.objects.filter(pk__in=ids)


def _result_reader_expression(user: User) -> ExpressionWrapper:
    """`is_result_reader` as SQL on Evaluation, for lists: the campaign's organizer staff or department
    leader by a CampaignGrant or by a RoleGrant on the organizer itself (EVA-9)."""
    organizer_ids = (
        campaign_selectors.user_grants(user).filter(role__in=RESULT_ROLES).values("organization_id")
    )
    by_campaign = Exists(
        CampaignGrant.objects.filter(
            campaign_id=OuterRef("campaign_id"), user=user, role__in=RESULT_CAMPAIGN_ROLES
        )
    )
    return ExpressionWrapper(
        Q(campaign__organizer_id__in=organizer_ids) | Q(by_campaign), output_field=BooleanField()
    )


def evaluations_for_list(user: User, *, campaign_id: int | None = None, limit: int = 500) -> list[Evaluation]:
    """The API list, optionally one campaign's, at most `limit` rows, each annotated `is_reader` (EVA-9's
    inner circle for its campaign) in the same query: one query however many rows or campaigns (PERF-5)."""
    rows = evaluations_visible_to(user)
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    return list(
        rows.select_related("assessment")
        .annotate(is_reader=_result_reader_expression(user))
        .order_by("-campaign__year", "campaign_id", "assessment__organization_path")[:limit]
    )


def get_evaluation_for(user: User, pk: int) -> Evaluation:
    evaluation = (
        evaluations_visible_to(user).select_related("assessment__campaign__organizer").filter(pk=pk).first()
    )
    if evaluation is None:
        raise Http404
    return evaluation


def evaluation_of(assessment: Assessment) -> Evaluation | None:
    return Evaluation.objects.filter(assessment=assessment).first()


# --- the decided grade: the one definition every later stage reads (EVA-4) ----------------------------
#
# A grade is decided once the committee's 研究 has approved the evaluation (status 党委（党组）已研究, which
# locks it); the grade in force is `final_grade` — the approval's, or a later re-decision's. Feedback,
# rectification and oversight read it only through these selectors, never the Evaluation's fields.


def decided_evaluation(assessment: Assessment) -> Evaluation | None:
    """The assessee's evaluation once the committee has approved it (EVA-4), else None. Reads the
    `assessment.evaluation` relation: select_related it for a list (PERF-5)."""
    evaluation: Evaluation | None = getattr(assessment, "evaluation", None)
    if evaluation is None or evaluation.status != EvaluationStatus.APPROVED:
        return None
    return evaluation


def decided_grade(assessment: Assessment) -> str | None:
    """The grade fixed by the committee's 研究 and in force (a re-decision's after one), or None while not
    decided and for a report-only assessee (只述职不定等次)."""
    evaluation = decided_evaluation(assessment)
    return (evaluation.final_grade or None) if evaluation is not None else None


class DecidedGrade(TypedDict):
    decided_grade: str | None


def with_decided_grade(
    assessments: QuerySet[Assessment],
) -> QuerySet[WithAnnotations[Assessment, DecidedGrade]]:
    """`decided_grade` in SQL for a whole queryset (aggregates, OVS-2): each row annotated `decided_grade`,
    NULL where `decided_grade(assessment)` is None."""
    return assessments.annotate(
        decided_grade=Case(
            When(
                Q(evaluation__status=EvaluationStatus.APPROVED) & Q(evaluation__final_grade__gt=""),
                then=F("evaluation__final_grade"),
            ),
            default=None,
            output_field=CharField(),
        )
    )


def can_read_results(user: User, assessment: Assessment) -> bool:
    """EVA-9 for one assessment the user can already see (scoping is `get_assessment_for`)."""
    if is_result_reader(user, assessment.campaign):
        return True
    return assessment.stage in DECIDED_STAGES


# --- rules -------------------------------------------------------------------------------------------


def config_for(campaign: Campaign) -> EvaluationConfig:
    """The stored rules, or (not saved) the ones last year's campaign would pass on, or the defaults."""
    config = EvaluationConfig.objects.filter(campaign=campaign).first()
    if config is not None:
        return config
    previous = (
        EvaluationConfig.objects.filter(
            campaign__organizer_id=campaign.organizer_id, campaign__year__lt=campaign.year
        )
        .select_related("campaign")
        .order_by("-campaign__year")
        .first()
    )
    fields = {}
    if previous is not None:
        fields = {
            f.name: getattr(previous, f.name)
            for f in EvaluationConfig._meta.concrete_fields
            if f.name not in ("id", "campaign", "copied_from")
        }
    return EvaluationConfig(campaign=campaign, copied_from=previous, **fields)


def weights_of(campaign: Campaign) -> tuple[dict[str, int], bool]:
    """(weights, whether they are the organizer's own) — campaigns' settings hold them (copied yearly)."""
    weights = (campaign.settings or {}).get("weights") or {}
    if weights:
        return {k: int(v) for k, v in weights.items()}, True
    return dict(DEFAULT_WEIGHTS), False


def lower_percent_of(campaign: Campaign) -> tuple[Fraction, bool]:
    value = (campaign.settings or {}).get("lower_grades_min_percent")
    if value is None:
        return Fraction(DEFAULT_LOWER_PERCENT), False
    return Fraction(value), True


def scoring_rules(campaign: Campaign, config: EvaluationConfig | None = None) -> scoring.Rules:
    config = config or config_for(campaign)
    weights, _own = weights_of(campaign)
    return scoring.Rules(
        weights=weights,
        bands=tuple((str(g), Fraction(str(f))) for g, f in config.bands),
        vetoes=tuple(
            scoring.Veto(v["flag"], v["cap"], v.get("label") or v["flag"]) for v in config.vetoes or ()
        ),
        ballot_thresholds=tuple(
            scoring.BallotThreshold(
                Fraction(str(t["min_percent"])), t.get("rules_out", scoring.TOP), t.get("measure", "top_rate")
            )
            for t in config.ballot_thresholds or ()
        ),
        adjustment_cap=None if config.adjustment_cap is None else Fraction(str(config.adjustment_cap)),
    )


def quota_rule(campaign: Campaign, config: EvaluationConfig | None = None) -> quota.QuotaRule:
    config = config or config_for(campaign)
    lower, _own = lower_percent_of(campaign)
    return quota.QuotaRule(
        lower_min_percent=lower,
        top_max_percent=None if config.top_max_percent is None else Fraction(str(config.top_max_percent)),
        rounding=config.rounding,
        pool_below=config.pool_below,
    )


def group_of(assessment: Assessment, config: EvaluationConfig) -> str:
    groups = config.groups or {}
    kind = assessment.organization_kind
    return groups.get(kind) or DEFAULT_GROUPS.get(kind) or OTHER_GROUP


def group_kinds(campaign: Campaign, config: EvaluationConfig) -> list[str]:
    """The organization kinds the rules page names groups for: those assessed this year, and any already
    given a group name (in OrgKind's order)."""
    from shuping.orgs.choices import OrgKind

    kinds = set(
        campaign.assessments.filter(is_excluded=False).values_list("organization_kind", flat=True).distinct()
    ) | set((config.groups or {}).keys())
    order = {k: i for i, k in enumerate(OrgKind.values)}
    return sorted((k for k in kinds if k), key=lambda k: (order.get(k, len(order)), k))


def config_origin(campaign: Campaign, config: EvaluationConfig, *, own_weights: bool, own_lower: bool) -> str:
    """Where the rules on the page come from, in a sentence (last year's carried over, or the defaults)."""
    source = config.copied_from.campaign.year if config.copied_from is not None else None
    if config.pk is None:
        text = (
            f"以下沿用 {source} 年设置，尚未保存为本年度规则；核对或修改后保存。"
            if source
            else "本单位没有上年度设置，以下为默认规则，保存后生效。"
        )
    else:
        text = f"本年度规则已保存（最初沿用 {source} 年设置）。" if source else "本年度规则已保存。"
    if not own_weights:
        text += "权重尚未设定，暂按默认值（民主评议 30%、实地考核 40%、平时了解 30%）计算。"
    if not own_lower:
        text += f"“较好”及以下比例尚未设定，暂按默认 {DEFAULT_LOWER_PERCENT}% 计算。"
    return text


# --- the calibration screen ---------------------------------------------------------------------------


def campaign_evaluations(campaign: Campaign) -> list[Evaluation]:
    """Every evaluation of the campaign's assessees in scope, in tree order (one query)."""
    return list(
        Evaluation.objects.filter(campaign=campaign, assessment__is_excluded=False)
        .select_related("assessment")
        .order_by("assessment__organization_path")
    )


def quota_entries(
    evaluations: list[Evaluation], config: EvaluationConfig, *, override: dict | None = None
) -> list[quota.Entry]:
    override = override or {}
    return [
        quota.Entry(
            key=e.pk,
            group=group_of(e.assessment, config),
            grade=override.get(e.pk, e.grade) or None,
            is_graded=e.assessment.is_graded,
        )
        for e in evaluations
    ]


def calibration(campaign: Campaign) -> dict:
    """Everything the calibration screen shows: rows, groups against the rule, disagreements (EVA-2)."""
    config = config_for(campaign)
    evaluations = campaign_evaluations(campaign)
    rule = quota_rule(campaign, config)
    groups = quota.check_quota(quota_entries(evaluations, config), rule)
    group_by_key = {key: g.name for g in groups for key in g.members}
    raw = {e.pk: {n: (v or {}).get("score") for n, v in (e.components or {}).items()} for e in evaluations}
    # Keyed by evaluation id; quota's rules take any hashable key.
    table: dict[Hashable, Mapping[str, Fraction | int | None]] = {
        k: {n: (Fraction(s) if s is not None else None) for n, s in row.items()} for k, row in raw.items()
    }
    flagged: dict[Hashable, str] = {}
    for g in groups:
        sub = {k: table[k] for k in g.members if k in table}
        for d in quota.disagreements(
            sub, labels=scoring.COMPONENT_LABELS, min_spread_percent=config.disagreement_percent
        ):
            flagged[d.key] = d.line
    weights, own_weights = weights_of(campaign)
    lower, own_lower = lower_percent_of(campaign)
    # Columns: the weighted components, then any other component with a score (listed for reference).
    # A stable order within each group (PostgreSQL's jsonb does not keep the settings' key order).
    ordered = sorted(weights, key=lambda n: _COLUMN_ORDER.index(n) if n in _COLUMN_ORDER else 99)
    names = [n for n in ordered if weights[n]] + [n for n in ordered if not weights[n]]
    names += sorted(
        {n for e in evaluations for n, v in (e.components or {}).items() if v.get("score") is not None}
        - set(names),
        key=lambda n: list(scoring.COMPONENT_LABELS).index(n) if n in scoring.COMPONENT_LABELS else 99,
    )
    columns = [
        {"name": n, "label": scoring.COMPONENT_LABELS.get(n, n), "weight": weights.get(n, 0)} for n in names
    ]
    rows = [
        {
            "evaluation": e,
            "assessment": e.assessment,
            "group": group_by_key.get(e.pk, "只述职不定等次"),
            "scores": {n: (e.components or {}).get(n, {}).get("score_text", "—") for n in names},
            "disagreement": flagged.get(e.pk, ""),
            # 加减分 (points-only components): the signed total, its own column (EVA-1).
            "adjustment": next(
                (v["points_text"] for v in (e.components or {}).values() if "points_text" in v), ""
            ),
        }
        for e in evaluations
    ]
    return {
        "config": config,
        "rule": rule,
        "groups": groups,
        "rows": rows,
        "weights": weights,
        "columns": columns,
        "reference": [c["label"] for c in columns if not c["weight"]],
        "own_weights": own_weights,
        "lower_percent": lower,
        "own_lower": own_lower,
        "is_broken": any(g.is_broken for g in groups),
        "has_adjustments": any(r["adjustment"] for r in rows),
    }


def decision_steps(campaign: Campaign) -> QuerySet[DecisionStep]:
    return (
        DecisionStep.objects.filter(campaign=campaign)
        .select_related("entered_by")
        .prefetch_related("recusals", "evaluations__assessment")
        .order_by("held_on", "pk")
    )


def assessments_without_evaluation(campaign: Campaign) -> QuerySet[Assessment]:
    return campaign.assessments.filter(is_excluded=False, evaluation__isnull=True)


# --- 加减分 (EVA-1, CMP-4) ------------------------------------------------------------------------------


def indicator_set_of(assessment: Assessment) -> IndicatorSet | None:
    """The assessee's indicator set: the one its field assessment uses, else the campaign's set for its kind
    and level (`fieldwork.selectors.indicator_set_for`, 分类指导). None when the campaign has no sets."""
    from shuping.fieldwork import selectors as field_selectors
    from shuping.fieldwork.models import FieldAssessment

    fa = FieldAssessment.objects.filter(assessment=assessment).select_related("indicator_set").first()
    if fa is not None and fa.indicator_set_id is not None:
        return fa.indicator_set
    return field_selectors.indicator_set_for(assessment)


def adjustment_items_for(assessment: Assessment) -> list:
    """The 加减分 items the assessee's indicator set offers (CMP-4), in the set's order."""
    indicator_set = indicator_set_of(assessment)
    if indicator_set is None:
        return []
    return list(indicator_set.adjustments.order_by("position", "pk"))


def adjustment_entries(evaluation: Evaluation) -> list[AdjustmentEntry]:
    """The 加减分 recorded for one evaluation, with who recorded them (one query)."""
    return list(evaluation.adjustments.select_related("recorded_by").order_by("pk"))
