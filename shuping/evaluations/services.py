"""Writes for 综合评价与研究 (EVA-1 … EVA-4): every page, API call, job and the demo calls these.

Keyword-only, atomic, preconditions checked before anything is written, `EvaluationError` /
`EvaluationConflict` with a Chinese message, and the audit event in the same transaction. Steps entered
for a meeting record the meeting in `on_behalf_of` (代录, SEC-4).

Rules enforced here (Art. 6 经党委（党组）研究; EVA-4):
- no one proposes, calibrates or decides on a set containing their own assessment;
- the chain is section draft → 部务会 → 常委会 / 党组会, each with date and 会议纪要 reference;
- approval is refused while a quota group touched by the set is broken, unless a written reason is given
  for that group; approval locks the set, moves the assessees on through 研究 to 反馈, and keeps history;
- a locked evaluation changes only through a recorded re-decision (a new step with its reason);
- approval and re-decision run every registered decision consequence (`consequences`, e.g. rectification's
  不得评优 and 约谈 under Art. 7) with the actor, in the same transaction.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from shuping.audit.services import checkpoint_after_commit, record
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.campaigns.models import Assessment, Campaign
from shuping.core.errors import ConflictError, DomainError

from . import consequences, providers, quota, scoring, selectors
from .choices import STEP_FLOW, EvaluationStatus, Grade, RecusalReason, StepKind, VersionKind
from .models import (
    AdjustmentEntry,
    BallotLink,
    DecisionStep,
    Evaluation,
    EvaluationConfig,
    GradeVersion,
    Recusal,
)

if TYPE_CHECKING:
    from shuping.accounts.models import User
    from shuping.ballots.models import BoxSubject
    from shuping.campaigns.models import Adjustment


class EvaluationError(DomainError):
    """A user-caused error in the evaluations app."""


class EvaluationConflict(ConflictError):
    """The evaluation is not in a state that allows the action (e.g. locked by the committee's 研究)."""


def _audit(
    actor: User | None,
    action: str,
    target: models.Model | None,
    source: str,
    on_behalf_of: str = "",
    **detail: Any,
) -> None:
    record(actor=actor, action=action, target=target, source=source, on_behalf_of=on_behalf_of, detail=detail)


def _user(actor: User | None) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _refuse_own(actor: User | None, assessment_ids: Iterable[int], what: str) -> None:
    """EVA-4: no one calibrates or decides on their own grade."""
    if _user(actor) is None:
        return
    if Assessment.objects.filter(pk__in=list(assessment_ids), person__user=actor).exists():
        raise EvaluationConflict(f"本人的考核等次在{what}范围内，应当回避，不能办理。", code="own_grade")


def _check_grade(grade: str) -> None:
    if grade not in Grade.values:
        raise EvaluationError("等次应为“好”“较好”“一般”“差”之一（第六条）。", field="grade")


def _locked(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update().select_related("assessment", "campaign").get(pk=evaluation.pk)
    )


def _version(
    evaluation: Evaluation,
    *,
    kind: str,
    grade: str,
    reason: str,
    actor: User | None,
    step: DecisionStep | None = None,
) -> GradeVersion:
    evaluation.version += 1
    return GradeVersion.objects.create(
        evaluation=evaluation,
        number=evaluation.version,
        kind=kind,
        grade=grade,
        suggested_grade=evaluation.suggested_grade,
        reason=reason,
        step=step,
        created_by=_user(actor),
    )


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
    _audit(actor, "evaluations.config.save", campaign, source, fields=changed)
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
        _audit(actor, "evaluations.start", campaign, source, opened=len(missing))
    return selectors.campaign_evaluations(campaign)


@transaction.atomic
def compute_composites(*, actor: User | None, campaign: Campaign, source: str = "web") -> list[Evaluation]:
    """Recompute every unlocked evaluation's composite from the registered providers (EVA-1).

    The snapshot (components, score, suggested grade, explanation lines, rules that fired) is stored, so the
    calibration screen reads it in a constant number of queries and the proposal keeps what it was based on.
    """
    evaluations = [
        e for e in start_evaluations(actor=actor, campaign=campaign, source=source) if not e.is_locked
    ]
    _compute(campaign, evaluations)
    _audit(actor, "evaluations.compute", campaign, source, evaluations=len(evaluations))
    return evaluations


def _compute(campaign: Campaign, evaluations: Sequence[Evaluation]) -> None:
    """Compose and store the snapshot of `evaluations` (unlocked, of `campaign`).

    Points-only components (加减分: `Value.adjustment_points`, no score) are never weighted components: they
    are left out of the weights even if someone set one (a missing score must not redistribute a weight),
    and their points go to `Facts.adjustment_points`, the composite's own step (scoring.compose step 2).
    """
    rules = selectors.scoring_rules(campaign)
    points_only = {name for name, reg in providers.registered().items() if reg.points_only}
    if points_only & set(rules.weights):
        rules = dataclasses.replace(
            rules, weights={n: w for n, w in rules.weights.items() if n not in points_only}
        )
    values = providers.collect([e.assessment for e in evaluations])
    now = timezone.now()
    for e in evaluations:
        found = values.get(e.assessment_id, {})
        components = [
            scoring.Component(name, found[name].score if name in found else None, providers.label_of(name))
            for name in rules.weights
        ]
        components += [
            scoring.Component(name, v.score, providers.label_of(name))
            for name, v in found.items()
            if name not in rules.weights and name not in points_only
        ]
        flags = frozenset(e.flags or {}) | frozenset(f for v in found.values() for f in v.flags)
        ballot = found.get("ballot")
        facts = scoring.Facts(
            flags=flags,
            top_rate=ballot.top_rate if ballot else None,
            top_two_rate=ballot.top_two_rate if ballot else None,
            adjustment_points=sum((Fraction(v.adjustment_points) for v in found.values()), Fraction(0)),
        )
        result = scoring.compose(components, facts, rules)
        lines = [line for v in found.values() for line in v.lines] + list(result.lines)
        for name, note in (e.flags or {}).items():
            lines.insert(0, f"组织部门记录：{note or name}。")
        e.components = {
            c.name: {
                "label": c.title,
                "score": None if c.score is None else str(Fraction(c.score)),
                "score_text": scoring.fmt(c.score),
                "weight": str(rules.weights.get(c.name, 0)),
                "lines": list(found[c.name].lines) if c.name in found else [],
            }
            for c in components
        }
        for name in sorted(points_only & set(found)):
            points = Fraction(found[name].adjustment_points)
            e.components[name] = {
                "label": providers.label_of(name),
                "score": None,
                "score_text": "—",
                "weight": "0",
                "points": str(points),
                "points_text": scoring.signed(points),
                "lines": list(found[name].lines),
            }
        if ballot is not None:
            e.components["ballot"]["top_rate"] = scoring.pct(ballot.top_rate)
            e.components["ballot"]["top_two_rate"] = scoring.pct(ballot.top_two_rate)
        e.composite_score = None if result.score is None else Decimal(scoring.fmt(result.score, 2))
        e.suggested_grade = result.suggested_grade or ""
        e.explanation = lines
        e.fired_rules = list(result.fired)
        e.computed_at = now
    Evaluation.objects.bulk_update(
        evaluations,
        ["components", "composite_score", "suggested_grade", "explanation", "fired_rules", "computed_at"],
    )


@transaction.atomic
def set_flag(
    *,
    actor: User | None,
    evaluation: Evaluation,
    flag: str,
    note: str,
    is_set: bool = True,
    source: str = "web",
) -> Evaluation:
    """Record (or clear) a fact a declared veto looks at, e.g. a serious incident, with a note (EVA-1)."""
    evaluation = _locked(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict("已经党委（党组）研究确定，不能修改。")
    _refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    known = {v["flag"] for v in selectors.config_for(evaluation.campaign).vetoes or ()}
    if flag not in known:
        raise EvaluationError("不是本年度设定的否决情形。", field="flag")
    if is_set and not note.strip():
        raise EvaluationError("请写明情况。", field="note")
    flags = dict(evaluation.flags or {})
    if is_set:
        flags[flag] = note.strip()
    else:
        flags.pop(flag, None)
    evaluation.flags = flags
    evaluation.save(update_fields=["flags"])
    _audit(actor, "evaluations.flag", evaluation, source, flag=flag, is_set=is_set)
    return evaluation


@transaction.atomic
def propose_grade(
    *, actor: User | None, evaluation: Evaluation, grade: str, reason: str = "", source: str = "web"
) -> Evaluation:
    """The organizer proposes a grade (EVA-2). Differing from the suggestion needs a written reason; both
    grades are kept (the proposal records the suggestion it departed from)."""
    _check_grade(grade)
    evaluation = _locked(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict("已经党委（党组）研究确定，只能通过重新研究改变等次。", code="locked")
    if not evaluation.assessment.is_graded:
        raise EvaluationError("该考核对象只述职不定等次。", field="grade")
    _refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    reason = reason.strip()
    if evaluation.suggested_grade and grade != evaluation.suggested_grade and not reason:
        raise EvaluationError(
            f"拟定等次“{grade}”与建议等次“{evaluation.suggested_grade}”不同，须写明理由。", field="reason"
        )
    if evaluation.status != EvaluationStatus.OPEN:
        # A change after the section draft sends the evaluation back to the start of the chain.
        evaluation.transition_to(EvaluationStatus.OPEN)
    evaluation.proposed_grade = grade
    evaluation.suggested_at_proposal = evaluation.suggested_grade
    evaluation.override_reason = reason if grade != evaluation.suggested_grade else ""
    evaluation.proposed_by = _user(actor)
    evaluation.proposed_at = timezone.now()
    _version(evaluation, kind=VersionKind.PROPOSAL, grade=grade, reason=reason, actor=actor)
    evaluation.save()
    _audit(
        actor,
        "evaluations.propose",
        evaluation,
        source,
        grade=grade,
        suggested=evaluation.suggested_grade,
        is_override=evaluation.is_override,
    )
    return evaluation


def _clean_problems(problems: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    for p in problems:
        text = str(p.get("text", "")).strip()
        if text:
            out.append({"text": text[:1000], "source": str(p.get("source", "organizer"))[:32] or "organizer"})
    return out


@transaction.atomic
def update_opinion(
    *,
    actor: User | None,
    evaluation: Evaluation,
    achievements: str,
    problems: Sequence[Mapping[str, Any]],
    source: str = "web",
) -> Evaluation:
    """Edit the opinion (EVA-3): achievements affirmed and problems pointed out, each problem with its
    source so it can flow to the rectification list (RCT-1)."""
    evaluation = _locked(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict("已经党委（党组）研究确定，不能修改综合评价意见。", code="locked")
    _refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    evaluation.achievements = achievements.strip()
    evaluation.problems = _clean_problems(problems)
    evaluation.opinion_updated_at = timezone.now()
    evaluation.save(update_fields=["achievements", "problems", "opinion_updated_at"])
    _audit(actor, "evaluations.opinion", evaluation, source, problems=len(evaluation.problems))
    return evaluation


@transaction.atomic
def draft_opinion(*, actor: User | None, evaluation: Evaluation, source: str = "web") -> Evaluation:
    """Draft the opinion from the sources (EVA-3): providers' problems and achievements, and the
    inspection findings attached to the assessee (CMP-5). Existing problems are kept; nothing is doubled."""
    evaluation = _locked(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict("已经党委（党组）研究确定，不能修改综合评价意见。", code="locked")
    found = providers.collect([evaluation.assessment])[evaluation.assessment_id]
    problems = list(evaluation.problems or [])
    seen = {p["text"] for p in problems}
    for v in found.values():
        for p in v.problems:
            if p.text not in seen:
                problems.append({"text": p.text, "source": p.source})
                seen.add(p.text)
    for finding in evaluation.assessment.findings.all():
        if finding.description not in seen:
            problems.append({"text": finding.description, "source": f"finding:{finding.source}"})
            seen.add(finding.description)
    achievements = evaluation.achievements or "\n".join(a for v in found.values() for a in v.achievements)
    return update_opinion(
        actor=actor, evaluation=evaluation, achievements=achievements, problems=problems, source=source
    )


# --- the decision chain (EVA-4) -----------------------------------------------------------------------


def _quota_check(
    campaign: Campaign, members: Sequence[Evaluation], overrides: dict[int, str]
) -> list[quota.GroupResult]:
    config = selectors.config_for(campaign)
    everyone = selectors.campaign_evaluations(campaign)
    groups = quota.check_quota(
        selectors.quota_entries(everyone, config, override=overrides), selectors.quota_rule(campaign, config)
    )
    keys = {e.pk for e in members}
    touched = [g for g in groups if keys & set(g.members)]
    return touched


def _snapshot(groups: Sequence[quota.GroupResult]) -> list[dict]:
    return [
        {
            "name": g.name,
            "total": g.total,
            "lower_required": g.lower_required,
            "lower_actual": g.lower_actual,
            "top_allowed": g.top_allowed,
            "top_actual": g.top_actual,
            "must_move": g.must_move,
            "is_broken": g.is_broken,
            "is_applicable": g.is_applicable,
        }
        for g in groups
    ]


def _clean_recusals(recusals: Iterable[Mapping[str, Any]]) -> list[dict]:
    out = []
    for r in recusals:
        name = str(r.get("name", "")).strip()
        if not name:
            continue
        reason = r.get("reason") or RecusalReason.OWN_GRADE
        if reason not in RecusalReason.values:
            raise EvaluationError("回避情形不是允许的取值。", field="recusals")
        out.append(
            {
                "name": name[:64],
                "reason": reason,
                "detail": str(r.get("detail", ""))[:200],
                "user": r.get("user"),
            }
        )
    return out


@transaction.atomic
def record_step(
    *,
    actor: User,  # DecisionStep.entered_by: a step is always entered by a person
    campaign: Campaign,
    kind: str,
    evaluations: Sequence[Evaluation],
    held_on: date | None,
    minutes_reference: str,
    body: str = "",
    on_behalf_of: str = "",
    recusals: Iterable[Mapping[str, Any]] = (),
    quota_reasons: Mapping[str, str] | None = None,
    note: str = "",
    source: str = "web",
) -> DecisionStep:
    """Record one step of the chain for a set of evaluations (EVA-4), entered by staff.

    section draft: every graded assessee needs a proposed grade; the assessees enter 研究.
    部务会: after the section draft. 常委会 / 党组会 (approval): after 部务会; refused while a quota group the
    set touches is broken without a written reason for it; locks the set, fixes the final grades (a new
    version each), runs the registered decision consequences for each graded assessee, and moves the
    assessees on to 反馈 (Art. 6: 经党委（党组）研究后，向被评议考核人反馈).
    """
    if kind not in STEP_FLOW:
        raise EvaluationError("研究环节不是允许的取值。", field="kind")
    if not minutes_reference.strip():
        raise EvaluationError("请填写会议纪要（或科室拟定文稿）的文号或编号。", field="minutes_reference")
    if held_on is None:
        raise EvaluationError("请填写日期。", field="held_on")
    ids = sorted({e.pk for e in evaluations})
    if not ids:
        raise EvaluationError("请至少选择一名考核对象。", field="evaluations")
    members = list(
        Evaluation.objects.select_for_update()
        .filter(pk__in=ids, campaign=campaign)
        .select_related("assessment", "campaign")
        .order_by("pk")
    )
    if len(members) != len(ids):
        raise EvaluationError("所选考核对象不属于本次考核。", field="evaluations")
    _refuse_own(actor, [e.assessment_id for e in members], "本次研究")
    recusal_rows = _clean_recusals(recusals)
    if (
        actor is not None
        and _user(actor) is not None
        and any(r.get("user") == actor.pk for r in recusal_rows)
    ):
        raise EvaluationConflict("录入人已登记回避，不能录入本环节。", code="recused")
    before, after = STEP_FLOW[kind]
    wrong = [e.assessment.organization_name for e in members if e.status != before]
    if wrong:
        raise EvaluationConflict(
            f"以下考核对象尚未完成上一环节（应为“{EvaluationStatus(before).label}”）："
            + "、".join(wrong[:5]),
            code="order",
        )
    not_ready = [
        e.assessment.organization_name
        for e in members
        if e.assessment.stage not in (Stage.EVALUATION, Stage.DECISION)
    ]
    if not_ready:
        raise EvaluationConflict(
            "以下考核对象尚未进入综合评价阶段：" + "、".join(not_ready[:5]), code="stage"
        )
    unproposed = [
        e.assessment.organization_name for e in members if e.assessment.is_graded and not e.proposed_grade
    ]
    if unproposed:
        raise EvaluationError(
            "以下考核对象尚未提出拟定等次：" + "、".join(unproposed[:5]), field="evaluations"
        )
    reasons = {str(k): str(v).strip() for k, v in (quota_reasons or {}).items() if str(v).strip()}
    touched = _quota_check(campaign, members, {e.pk: e.proposed_grade for e in members})
    if kind == StepKind.COMMITTEE:
        unexplained = [
            g for g in touched if g.is_broken and not (reasons.get(g.name) or reasons.get("__all__"))
        ]
        if unexplained:
            text = "；".join(f"{g.name}须调整 {g.must_move} 人" for g in unexplained)
            raise EvaluationConflict(
                f"“较好”及以下等次比例未达到要求（第六条）：{text}。请调整等次，或逐组写明理由后再确定。",
                field="quota_reasons",
                code="quota",
            )
    step = DecisionStep.objects.create(
        campaign=campaign,
        kind=kind,
        body=body.strip(),
        held_on=held_on,
        minutes_reference=minutes_reference.strip(),
        note=note.strip(),
        quota_reasons={
            g.name: reasons.get(g.name) or reasons["__all__"]
            for g in touched
            if g.name in reasons or "__all__" in reasons
        },
        quota_snapshot=_snapshot(touched),
        entered_by=actor,
        on_behalf_of=on_behalf_of.strip(),
    )
    step.evaluations.set(members)
    Recusal.objects.bulk_create(
        [
            Recusal(step=step, name=r["name"], reason=r["reason"], detail=r["detail"], user_id=r.get("user"))
            for r in recusal_rows
        ]
    )
    now = timezone.now()
    for e in members:
        e.transition_to(after)
        if kind == StepKind.COMMITTEE:
            e.is_locked = True
            e.decided_at = now
            if e.assessment.is_graded:
                e.final_grade = e.proposed_grade
                _version(
                    e, kind=VersionKind.APPROVAL, grade=e.final_grade, reason=note, actor=actor, step=step
                )
        e.save()
        if kind == StepKind.COMMITTEE and e.final_grade:
            # What the decided grade sets in motion (Art. 7): the registered consequences, in this transaction.
            consequences.apply_consequences(assessment=e.assessment, actor=actor, source=source)
    for e in members:
        _advance(actor, e.assessment, kind, source)
    _audit(
        actor,
        f"evaluations.step.{kind}",
        campaign,
        source,
        on_behalf_of=on_behalf_of.strip() or body.strip(),
        step=step.pk,
        evaluations=ids,
        minutes=step.minutes_reference,
        recusals=len(recusal_rows),
        quota_broken=[g.name for g in touched if g.is_broken],
    )
    if kind == StepKind.COMMITTEE:
        # A committee decision is pinned by a signed checkpoint shipped outside the database (INT-2).
        checkpoint_after_commit(reason=f"evaluations.step.{kind}")
    return step


def _advance(actor: User | None, assessment: Assessment, kind: str, source: str) -> None:
    """Section draft: 综合评价 → 研究. Approval: on through 研究 to 反馈 (campaigns' stage service, which
    checks every registered blocker)."""
    wanted: dict[str, str]
    if kind == StepKind.SECTION_DRAFT:
        wanted = {Stage.EVALUATION: Stage.DECISION}
    elif kind == StepKind.COMMITTEE:
        wanted = {Stage.EVALUATION: Stage.DECISION, Stage.DECISION: Stage.FEEDBACK}
    else:
        return
    stage = Assessment.objects.only("stage").get(pk=assessment.pk).stage
    while stage in wanted:
        moved = campaign_services.transition_assessment(
            actor=actor, assessment=assessment, to_stage=wanted[stage], source=source
        )
        stage = moved.stage


@transaction.atomic
def redecide(
    *,
    actor: User,  # DecisionStep.entered_by: a step is always entered by a person
    evaluation: Evaluation,
    grade: str,
    held_on: date | None,
    minutes_reference: str,
    reason: str,
    body: str = "",
    on_behalf_of: str = "",
    quota_reasons: Mapping[str, str] | None = None,
    source: str = "web",
) -> DecisionStep:
    """Change a decided grade (EVA-4): only by a recorded re-decision — a new step with its date, minutes
    reference and reason; the earlier grades stay in the history."""
    _check_grade(grade)
    evaluation = _locked(evaluation)
    if not evaluation.is_locked:
        raise EvaluationConflict("尚未经党委（党组）研究确定，请直接修改拟定等次。", code="not_locked")
    if not reason.strip():
        raise EvaluationError("重新研究须写明理由。", field="reason")
    if not minutes_reference.strip():
        raise EvaluationError("请填写会议纪要的文号或编号。", field="minutes_reference")
    if held_on is None:
        raise EvaluationError("请填写日期。", field="held_on")
    _refuse_own(actor, [evaluation.assessment_id], "本次研究")
    touched = _quota_check(evaluation.campaign, [evaluation], {evaluation.pk: grade})
    reasons = {str(k): str(v).strip() for k, v in (quota_reasons or {}).items() if str(v).strip()}
    unexplained = [g for g in touched if g.is_broken and not (reasons.get(g.name) or reasons.get("__all__"))]
    if unexplained:
        raise EvaluationConflict(
            "改变后“较好”及以下等次比例未达到要求（第六条），请写明理由。",
            field="quota_reasons",
            code="quota",
        )
    step = DecisionStep.objects.create(
        campaign=evaluation.campaign,
        kind=StepKind.REDECISION,
        body=body.strip(),
        held_on=held_on,
        minutes_reference=minutes_reference.strip(),
        note=reason.strip(),
        quota_reasons={
            g.name: reasons.get(g.name) or reasons["__all__"]
            for g in touched
            if g.name in reasons or "__all__" in reasons
        },
        quota_snapshot=_snapshot(touched),
        entered_by=actor,
        on_behalf_of=on_behalf_of.strip(),
    )
    step.evaluations.set([evaluation])
    previous = evaluation.final_grade
    evaluation.final_grade = grade
    evaluation.proposed_grade = grade
    _version(
        evaluation, kind=VersionKind.REDECISION, grade=grade, reason=reason.strip(), actor=actor, step=step
    )
    evaluation.save()
    # The changed grade's consequences (Art. 7), as on approval: the registry, in this transaction.
    consequences.apply_consequences(assessment=evaluation.assessment, actor=actor, source=source)
    _audit(
        actor,
        "evaluations.redecide",
        evaluation,
        source,
        on_behalf_of=on_behalf_of.strip() or body.strip(),
        step=step.pk,
        previous=previous,
        grade=grade,
    )
    checkpoint_after_commit(reason="evaluations.redecide")  # INT-2, as for the committee's decision
    return step


# --- ballot links --------------------------------------------------------------------------------------


@transaction.atomic
def link_ballot_subject(
    *, actor: User | None, assessment: Assessment, subject: BoxSubject, source: str = "web"
) -> BallotLink:
    """Say which ballot subject rates this assessee (one per box); the box must be the organizer's."""
    if subject.box.organization_id != assessment.campaign.organizer_id:
        raise EvaluationError("该测评票箱不属于本次考核的组织单位。", field="subject")
    link, _created = BallotLink.objects.get_or_create(
        assessment=assessment, subject=subject, defaults={"linked_by": _user(actor)}
    )
    _audit(actor, "evaluations.ballot_link", assessment, source, subject=subject.pk, box=subject.box_id)
    return link


@transaction.atomic
def link_ballot_subjects_by_name(*, actor: User | None, campaign: Campaign, source: str = "web") -> int:
    """Link every assessee to the subjects of the organizer's boxes bearing the secretary's name, where the
    name is unique in that box. Returns how many links were made (the screen lists them for checking)."""
    from shuping.ballots.models import BoxSubject

    assessments = list(campaign.assessments.filter(is_excluded=False).exclude(person_name=""))
    by_name: dict[str, list[Assessment]] = {}
    for a in assessments:
        by_name.setdefault(a.person_name, []).append(a)
    subjects = BoxSubject.objects.filter(
        box__organization_id=campaign.organizer_id, name__in=list(by_name)
    ).select_related("box")
    per_box: dict[tuple[int, str], list] = {}
    for s in subjects:
        per_box.setdefault((s.box_id, s.name), []).append(s)
    existing = set(
        BallotLink.objects.filter(assessment__campaign=campaign).values_list("assessment_id", "subject_id")
    )
    made = []
    for (_box, name), found in per_box.items():
        if len(found) != 1 or len(by_name[name]) != 1:
            continue  # ambiguous: left to the organizer
        a = by_name[name][0]
        if (a.pk, found[0].pk) not in existing:
            made.append(BallotLink(assessment=a, subject=found[0], linked_by=_user(actor)))
    BallotLink.objects.bulk_create(made)
    _audit(actor, "evaluations.ballot_link.by_name", campaign, source, links=len(made))
    return len(made)


# --- 加减分 (EVA-1, CMP-4) ------------------------------------------------------------------------------


def _points(value: Any) -> Decimal:
    """The points as typed: a positive number with at most two decimals (the sign comes from the item)."""
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise EvaluationError("分值应为数字，如 1 或 0.5。", field="points") from None
    if not points.is_finite():
        raise EvaluationError("分值应为数字，如 1 或 0.5。", field="points")
    if points != points.quantize(Decimal("0.01")):
        raise EvaluationError("分值最多保留两位小数。", field="points")
    if points <= 0:
        raise EvaluationError("分值应大于 0（减分也填正数，按减分项扣减）。", field="points")
    return points.quantize(Decimal("0.01"))


@transaction.atomic
def add_adjustment(
    *,
    actor: User | None,
    evaluation: Evaluation,
    item: Adjustment | int | str | None,  # the item, or its id as posted
    points: Any,
    reason: str,
    basis: str = "",
    on_behalf_of: str = "",
    source: str = "web",
) -> AdjustmentEntry:
    """Apply a 加减分 item of the assessee's indicator set to this evaluation (EVA-1, CMP-4), entered by
    organizer staff (代录 for whoever supplied it), and recompute this evaluation's composite.

    `points` is the magnitude (0 < points ≤ the item's 最高分值); a 减分 item subtracts it. Refused when the
    item is not in the assessee's indicator set, the points are out of range, the 事由 is empty, or the
    evaluation is locked by the committee's 研究 (EVA-4: changed only by a re-decision).
    """
    from shuping.campaigns.models import Adjustment

    evaluation = _locked(evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict(
            "已经党委（党组）研究确定，不能再增减加减分；如需改变等次，请录入重新研究。", code="locked"
        )
    _refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    raw = item.pk if isinstance(item, Adjustment) else item
    item_pk: int | None
    try:
        item_pk = int(raw) if raw is not None else None
    except ValueError:
        item_pk = None
    found = Adjustment.objects.filter(pk=item_pk).first() if item_pk is not None else None
    indicator_set = selectors.indicator_set_of(evaluation.assessment)
    if found is None or indicator_set is None or found.indicator_set_id != indicator_set.pk:
        name = f"“{indicator_set.name}”" if indicator_set is not None else ""
        raise EvaluationError(f"请选择该考核对象适用的考核指标{name}中的加减分项。", field="item")
    item = found
    points = _points(points)
    if points > item.max_points:
        raise EvaluationError(
            f"“{item.text}”最高 {item.max_points.normalize():f} 分，不能填 {points.normalize():f} 分。",
            field="points",
        )
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError("请写明事由。", field="reason")
    basis = (basis or "").strip()
    on_behalf_of = (on_behalf_of or "").strip()
    if len(basis) > 200:
        raise EvaluationError("依据（文号）最多 200 字。", field="basis")
    if len(on_behalf_of) > 100:
        raise EvaluationError("代录单位最多 100 字。", field="on_behalf_of")
    entry = AdjustmentEntry.objects.create(
        evaluation=evaluation,
        item=item,
        kind=item.kind,
        item_text=item.text,
        max_points=item.max_points,
        points=points,
        reason=reason,
        basis=basis,
        recorded_by=_user(actor),
        on_behalf_of=on_behalf_of,
    )
    _compute(evaluation.campaign, [evaluation])
    _audit(
        actor,
        "evaluations.adjustment.add",
        evaluation,
        source,
        on_behalf_of=on_behalf_of,
        entry=entry.pk,
        item=item.pk,
        kind=item.kind,
        points=str(points),
    )
    return entry


@transaction.atomic
def remove_adjustment(*, actor: User | None, entry: AdjustmentEntry, source: str = "web") -> Evaluation:
    """Remove a recorded 加减分 (EVA-1) and recompute the composite; refused once locked (EVA-4)."""
    evaluation = _locked(entry.evaluation)
    if evaluation.is_locked:
        raise EvaluationConflict(
            "已经党委（党组）研究确定，不能再增减加减分；如需改变等次，请录入重新研究。", code="locked"
        )
    _refuse_own(actor, [evaluation.assessment_id], "本次综合评价")
    current = AdjustmentEntry.objects.filter(pk=entry.pk, evaluation=evaluation).first()
    if current is None:
        raise EvaluationConflict("该加减分记录已被删除。", code="gone")
    entry = current
    _audit(
        actor,
        "evaluations.adjustment.remove",
        evaluation,
        source,
        entry=entry.pk,
        kind=entry.kind,
        points=str(entry.points),
        item_text=entry.item_text[:100],
        reason=entry.reason[:200],
    )
    entry.delete()
    _compute(evaluation.campaign, [evaluation])
    return evaluation
