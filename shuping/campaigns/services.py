"""Writes to campaigns and assessments (CMP-1 … CMP-3): every web view, API call, CLI command and the demo
calls these. Each is keyword-only, atomic, checks its preconditions, raises `CampaignError` (a DomainError
with a Chinese message) before writing anything, and writes its audit event in the same transaction.

Indicator sets are in `indicators.py`, carry-over findings in `findings.py`, the cascade in `cascade.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from shuping.audit.services import record
from shuping.core.errors import ConflictError, DomainError
from shuping.orgs.models import Organization, Secretaryship

from . import rules, selectors
from .blockers import blockers_for
from .choices import ALLOWED_TRANSITIONS, CampaignRole, CampaignStatus, ReportingMode, Stage
from .models import Assessment, Campaign, CampaignGrant, CampaignNotice, default_settings

if TYPE_CHECKING:
    from shuping.accounts.models import User


class CampaignError(DomainError):
    """A user-caused error in the campaigns app."""


class CampaignConflict(ConflictError):
    """The campaign or assessment is not in a state that allows the action."""


class StageBlocked(CampaignConflict):
    """A stage transition was refused; `reasons` are the Chinese blockers."""

    def __init__(self, message: str, *, reasons: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reasons = reasons or []


_KEY = re.compile(r"[a-z_]{1,32}")


def _audit(actor: User | None, action: str, target: models.Model | None, source: str, **detail: Any) -> None:
    record(actor=actor, action=action, target=target, source=source, detail=detail)


def _schedule_of(campaign: Campaign) -> rules.Schedule:
    return rules.Schedule(
        campaign.starts_on,
        campaign.field_starts_on,
        campaign.field_ends_on,
        campaign.meetings_start_on,
        campaign.meetings_end_on,
        campaign.ends_on,
    )


def previous_campaign(organizer: Organization, year: int) -> Campaign | None:
    return Campaign.objects.filter(organizer=organizer, year__lt=year).order_by("-year").first()


@transaction.atomic
def create_campaign(
    *,
    actor: User | None,
    organizer: Organization,
    year: int,
    title: str = "",
    notice: CampaignNotice | None = None,
    source: str = "web",
) -> Campaign:
    """Open the organizer's campaign for `year` (CMP-1).

    Settings (grade scale, the share below 好, weights) and indicator sets are copied from the organizer's
    last campaign; the schedule is last year's moved on a year, else the upper level's notice (CMP-7),
    else Art. 5's default (year end / early next year). Started from a notice, the notice's indicator sets
    are copied when there is no campaign of our own from last year.
    """
    from . import indicators

    if not 2019 <= year <= 2100:
        raise CampaignError("考核年度应在 2019 年（《办法》施行）之后。", field="year")
    if Campaign.objects.filter(organizer=organizer, year=year).exists():
        raise CampaignConflict(
            f"{organizer.display_name} {year} 年度的述职评议考核已经创建。", field="year", code="duplicate"
        )
    previous = previous_campaign(organizer, year)
    if previous is not None:
        schedule = rules.default_schedule(year, _schedule_of(previous), previous.year)
        settings = dict(previous.settings)
    elif notice is not None:
        schedule = rules.Schedule.from_dict(notice.schedule)
        settings = default_settings()
    else:
        schedule = rules.default_schedule(year)
        settings = default_settings()
    campaign = Campaign.objects.create(
        organizer=organizer,
        year=year,
        title=title.strip()
        or f"{organizer.display_name}{year}年度党委（党组）书记抓基层党建工作述职评议考核",
        settings=settings,
        copied_from=previous,
        source_notice=notice,
        created_by=actor if getattr(actor, "pk", None) else None,
        **{name: getattr(schedule, name) for name in rules.Schedule.__dataclass_fields__},
    )
    if previous is not None and previous.indicator_sets.exists():
        indicators.copy_indicator_sets(
            actor=actor, source_campaign=previous, campaign=campaign, source=source
        )
    elif notice is not None and notice.campaign.indicator_sets.exists():
        indicators.copy_indicator_sets(
            actor=actor, source_campaign=notice.campaign, campaign=campaign, source=source
        )
    _audit(
        actor,
        "campaigns.campaign.create",
        campaign,
        source,
        year=year,
        copied_from=previous.pk if previous else None,
        notice=notice.pk if notice else None,
    )
    return campaign


@transaction.atomic
def update_schedule(
    *, actor: User | None, campaign: Campaign, source: str = "web", **dates: date
) -> Campaign:
    """Change the schedule (CMP-1); inconsistent dates are refused with Chinese messages."""
    unknown = set(dates) - set(rules.Schedule.__dataclass_fields__)
    if unknown:
        raise TypeError(f"unknown schedule fields: {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_editable(campaign)
    schedule = rules.with_overrides(_schedule_of(campaign), **dates)
    problems = schedule.problems()
    if problems:
        raise CampaignError("".join(problems), field="schedule")
    for name, value in dates.items():
        setattr(campaign, name, value)
    campaign.save()
    _audit(
        actor,
        "campaigns.campaign.schedule",
        campaign,
        source,
        **{k: v for k, v in schedule.as_dict().items()},
    )
    return campaign


@transaction.atomic
def update_settings(
    *,
    actor: User | None,
    campaign: Campaign,
    lower_grades_min_percent: int | None = None,
    weights: dict[str, int] | None = None,
    source: str = "web",
) -> Campaign:
    """Set what the regulation leaves open (Art. 6 “一定比例”, weights): per campaign, copied next year.

    `weights` are the composite's component weights (EVA-1), keyed by `choices.CompositeComponent`
    (ballot, field, observations, report, commentary); they sum to 100, or `{}` clears them.
    """
    from .choices import CompositeComponent

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_editable(campaign)
    settings = dict(campaign.settings)
    if lower_grades_min_percent is not None:
        if not 0 <= lower_grades_min_percent <= 100:
            raise CampaignError("“较好及以下等次”比例应在 0 到 100 之间。", field="lower_grades_min_percent")
        settings["lower_grades_min_percent"] = lower_grades_min_percent
    if weights is not None:
        # Other apps may register components of their own (evaluations providers): any short key.
        unknown = {k for k in weights if k not in CompositeComponent.values and not _KEY.fullmatch(k)}
        if unknown:
            raise CampaignError("权重项不是允许的取值：" + "、".join(sorted(unknown)), field="weights")
        weights = {k: int(v) for k, v in weights.items()}
        if any(v < 0 for v in weights.values()) or (weights and sum(weights.values()) != 100):
            raise CampaignError("各项权重应为非负整数，合计 100。", field="weights")
        settings["weights"] = dict(weights)
    campaign.settings = settings
    campaign.save(update_fields=["settings"])
    _audit(actor, "campaigns.campaign.settings", campaign, source, settings=settings)
    return campaign


# --- scope (CMP-2, CMP-3) ------------------------------------------------------------------------------


def _check_editable(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise CampaignConflict("本年度述职评议考核已结束，不能再修改。")


def _new_assessment(
    campaign: Campaign,
    org: Organization,
    secretaries: dict,
    *,
    rule: str,
    rule_text: str,
    paragraph: str,
    is_graded: bool,
    added: bool = False,
    reason: str = "",
    reporting_mode: str = "",
) -> Assessment:
    secretaryship, flags = secretaries.get(org.pk, (None, frozenset()))
    suggested_graded, needs_decision = rules.tenure_suggestion(flags)
    return Assessment(
        campaign=campaign,
        organization=org,
        organization_name=org.name,
        organization_path=org.path,
        organization_kind=org.kind,
        organization_level=org.admin_level,
        person=secretaryship.person if secretaryship else None,
        person_name=secretaryship.person.name if secretaryship else "",
        secretaryship=secretaryship,
        is_graded=is_graded and suggested_graded,
        reporting_mode=reporting_mode or rules.default_reporting_mode(org.kind, org.admin_level),
        rule_code=rule,
        rule_text=rule_text,
        paragraph=paragraph,
        is_added_by_organizer=added,
        edit_reason=reason,
        tenure_flags=sorted(flags),
        is_tenure_decided=not needs_decision,
    )


@transaction.atomic
def apply_scope_proposal(
    *,
    actor: User | None,
    campaign: Campaign,
    include_optional: Iterable[int] = (),
    include_villages: bool = False,
    source: str = "web",
) -> list[Assessment]:
    """Create the assessments Art. 3 proposes (CMP-2), resolving each post's secretary for the year.

    Optional representatives (Art. 3 ¶2 可选择) are added only when their organization id is in
    `include_optional`; a county's village and community secretaries (参照执行) all at once with
    `include_villages`. Organizations already in scope are left alone, so this can run again.
    """
    campaign = Campaign.objects.select_for_update().select_related("organizer").get(pk=campaign.pk)
    _check_editable(campaign)
    if campaign.is_scope_confirmed:
        raise CampaignConflict("考核对象名单已确认，如需调整请逐个增补或移出。")
    candidates = selectors.scope_candidates(campaign)
    by_id = {o.pk: o for o in candidates}
    proposals = rules.propose_scope(
        selectors.org_facts(campaign.organizer), [selectors.org_facts(o) for o in candidates]
    )
    wanted = set(include_optional)
    if include_villages:
        wanted |= {p.org.key for p in proposals if p.rule == rules.RULE_VILLAGES_BY_REFERENCE}
    chosen = [p for p in proposals if not p.is_optional or p.org.key in wanted]
    existing = set(campaign.assessments.values_list("organization_id", flat=True))
    chosen = [p for p in chosen if p.org.key not in existing]
    secretaries = selectors.secretaries_for_year([p.org.key for p in chosen], campaign.year)
    rows = [
        _new_assessment(
            campaign,
            by_id[p.org.key],
            secretaries,
            rule=p.rule,
            rule_text=p.rule_text,
            paragraph=p.paragraph,
            is_graded=p.is_graded,
            reporting_mode=p.reporting_mode,
        )
        for p in chosen
    ]
    Assessment.objects.bulk_create(rows)
    _audit(actor, "campaigns.scope.apply", campaign, source, added=len(rows), optional=sorted(wanted))
    return list(campaign.assessments.filter(organization_id__in=[p.org.key for p in chosen]))


@transaction.atomic
def add_assessment(
    *,
    actor: User | None,
    campaign: Campaign,
    organization: Organization,
    reason: str,
    is_graded: bool = True,
    source: str = "web",
) -> Assessment:
    """The organizer adds an organization's secretary outside the proposal; the reason is recorded (CMP-2)."""
    _check_editable(campaign)
    if not reason.strip():
        raise CampaignError("增补考核对象须填写理由。", field="reason")
    if not organization.is_in_subtree_of(campaign.organizer) or organization.pk == campaign.organizer_id:
        raise CampaignError("只能增补本组织单位所属的党组织。", field="organization")
    if campaign.assessments.filter(organization=organization).exists():
        raise CampaignConflict(f"{organization.name}已在考核名单中。", field="organization", code="duplicate")
    secretaries = selectors.secretaries_for_year([organization.pk], campaign.year)
    assessment = _new_assessment(
        campaign,
        organization,
        secretaries,
        rule=rules.RULE_ADDED,
        rule_text="组织单位增补",
        paragraph="",
        is_graded=is_graded,
        added=True,
        reason=reason.strip(),
    )
    assessment.save()
    _audit(actor, "campaigns.assessment.add", assessment, source, reason=reason.strip())
    return assessment


@transaction.atomic
def add_predecessor(
    *,
    actor: User | None,
    assessment: Assessment,
    secretaryship: Secretaryship,
    reason: str = "",
    source: str = "web",
) -> Assessment:
    """Add the predecessor of a post that changed hands mid-year as a second reporter (ORG-3, CMP-2).

    The new assessment is the same organization's, report-only (只述职不定等次) and written by default —
    the organizer may switch either afterwards; the reason is recorded.
    """
    from datetime import date as _date

    assessment = _locked(assessment)
    campaign = assessment.campaign
    _check_editable(campaign)
    first, last = _date(campaign.year, 1, 1), _date(campaign.year, 12, 31)
    if (
        secretaryship.organization_id != assessment.organization_id
        or secretaryship.started_on > last
        or (secretaryship.ended_on is not None and secretaryship.ended_on < first)
    ):
        raise CampaignError("只能增列本年度在该党组织任过书记的前任。", field="secretaryship")
    if secretaryship.person_id == assessment.person_id:
        raise CampaignError("该书记已是本党组织的述职人。", field="secretaryship")
    if campaign.assessments.filter(
        organization_id=assessment.organization_id, person_id=secretaryship.person_id
    ).exists():
        raise CampaignConflict("该前任已在考核名单中。", field="secretaryship", code="duplicate")
    name = secretaryship.person.name
    predecessor = Assessment.objects.create(
        campaign=campaign,
        organization_id=assessment.organization_id,
        organization_name=assessment.organization_name,
        organization_path=assessment.organization_path,
        organization_kind=assessment.organization_kind,
        organization_level=assessment.organization_level,
        person=secretaryship.person,
        person_name=name,
        secretaryship=secretaryship,
        is_graded=False,
        reporting_mode=ReportingMode.WRITTEN,
        rule_code="predecessor",
        rule_text="年中调整的前任书记（建议只述职不定等次）",
        paragraph=assessment.paragraph,
        is_added_by_organizer=True,
        edit_reason=reason.strip() or "年中调整，前任书记就任职期间工作述职",
        tenure_flags=["mid_year_change"],
        is_tenure_decided=True,
        is_predecessor=True,
    )
    _audit(
        actor,
        "campaigns.assessment.add_predecessor",
        predecessor,
        source,
        successor=assessment.pk,
        tenure=secretaryship.pk,
        reason=reason.strip(),
    )
    return predecessor


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("campaign").get(pk=assessment.pk)


@transaction.atomic
def exclude_assessment(
    *, actor: User | None, assessment: Assessment, reason: str, source: str = "web"
) -> Assessment:
    """Take a proposed assessee out of scope with a recorded reason (the row stays, for the record)."""
    assessment = _locked(assessment)
    _check_editable(assessment.campaign)
    if not reason.strip():
        raise CampaignError("移出考核名单须填写理由。", field="reason")
    if assessment.stage != Stage.REPORT:
        raise CampaignConflict("已进入后续阶段的考核对象不能移出名单。")
    assessment.is_excluded = True
    assessment.edit_reason = reason.strip()
    assessment.save(update_fields=["is_excluded", "edit_reason"])
    _audit(actor, "campaigns.assessment.exclude", assessment, source, reason=reason.strip())
    return assessment


@transaction.atomic
def restore_assessment(
    *, actor: User | None, assessment: Assessment, reason: str, source: str = "web"
) -> Assessment:
    assessment = _locked(assessment)
    _check_editable(assessment.campaign)
    if not reason.strip():
        raise CampaignError("恢复考核对象须填写理由。", field="reason")
    assessment.is_excluded = False
    assessment.edit_reason = reason.strip()
    assessment.save(update_fields=["is_excluded", "edit_reason"])
    _audit(actor, "campaigns.assessment.restore", assessment, source, reason=reason.strip())
    return assessment


@transaction.atomic
def set_grading(
    *, actor: User | None, assessment: Assessment, is_graded: bool, reason: str = "", source: str = "web"
) -> Assessment:
    """Graded (考核定等) or report-only (只述职不定等次); also settles a flagged tenure (CMP-2, ORG-3)."""
    assessment = _locked(assessment)
    _check_editable(assessment.campaign)
    if stage_after(assessment.stage, Stage.EVALUATION):
        raise CampaignConflict("综合评价已开始，不能再改变是否考核定等。")
    if assessment.tenure_flags and not reason.strip():
        raise CampaignError("该书记年中调整或任职不满半年，请说明处理理由。", field="reason")
    assessment.is_graded = is_graded
    assessment.is_tenure_decided = True
    assessment.tenure_note = reason.strip() or assessment.tenure_note
    assessment.save(update_fields=["is_graded", "is_tenure_decided", "tenure_note"])
    _audit(
        actor, "campaigns.assessment.grading", assessment, source, is_graded=is_graded, reason=reason.strip()
    )
    return assessment


@transaction.atomic
def set_reporting_mode(
    *, actor: User | None, assessment: Assessment, mode: str, reason: str = "", source: str = "web"
) -> Assessment:
    """Switch 现场述职 / 书面述职 (CMP-3)."""
    if mode not in ReportingMode.values:
        raise CampaignError("述职方式不是允许的取值。", field="reporting_mode")
    assessment = _locked(assessment)
    _check_editable(assessment.campaign)
    if stage_after(assessment.stage, Stage.MEETING):
        raise CampaignConflict("述职评议已结束，不能再改变述职方式。")
    assessment.reporting_mode = mode
    assessment.save(update_fields=["reporting_mode"])
    _audit(actor, "campaigns.assessment.reporting_mode", assessment, source, mode=mode, reason=reason.strip())
    return assessment


@transaction.atomic
def confirm_scope(*, actor: User | None, campaign: Campaign, source: str = "web") -> Campaign:
    """The organizer confirms the list of assessees (CMP-2); the campaign opens and stages can move."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_editable(campaign)
    included = campaign.assessments.filter(is_excluded=False)
    if not included.exists():
        raise CampaignError("考核名单为空，请先生成或增补考核对象。")
    undecided = list(included.filter(is_tenure_decided=False).values_list("organization_name", flat=True)[:5])
    if undecided:
        raise CampaignConflict(
            "以下考核对象的书记年中调整或任职不满半年，请先确定是否考核定等：" + "、".join(undecided)
        )
    campaign.scope_confirmed_at = timezone.now()
    campaign.scope_confirmed_by = actor if getattr(actor, "pk", None) else None
    campaign.status = CampaignStatus.OPEN
    campaign.save(update_fields=["scope_confirmed_at", "scope_confirmed_by", "status"])
    _audit(actor, "campaigns.scope.confirm", campaign, source, assessees=included.count())
    return campaign


# --- stages (CMP-1) ------------------------------------------------------------------------------------


def stage_after(stage: str, other: str) -> bool:
    from .choices import stage_index

    return stage_index(stage) > stage_index(other)


@transaction.atomic
def transition_assessment(
    *, actor: User | None, assessment: Assessment, to_stage: str, source: str = "web"
) -> Assessment:
    """Move one assessment to its next stage (CMP-1): never skipping one, only when nothing blocks it.

    Blockers are the campaigns app's own (scope confirmed, secretary known, tenure decided …) plus those
    registered by other apps (shuping.campaigns.blockers). Refusals carry the reasons in Chinese.
    """
    assessment = _locked(assessment)
    if to_stage not in Stage.values:
        raise CampaignError("阶段不是允许的取值。", field="stage")
    current = Stage(assessment.stage)
    if to_stage not in ALLOWED_TRANSITIONS[current]:
        following = sorted(ALLOWED_TRANSITIONS[current])
        hint = f"下一阶段应为“{Stage(following[0]).label}”。" if following else "已是最后一个阶段。"
        raise CampaignConflict(
            f"不能从“{current.label}”进入“{Stage(to_stage).label}”：各阶段须依次进行，不能跳过。{hint}",
            field="stage",
            code="skip",
        )
    reasons = blockers_for(assessment)
    if reasons:
        raise StageBlocked(
            f"暂不能进入“{Stage(to_stage).label}”：" + "".join(reasons),
            reasons=reasons,
            field="stage",
            code="blocked",
        )
    assessment.save(update_fields=assessment.transition_to(to_stage))
    _audit(
        actor, "campaigns.assessment.stage", assessment, source, from_stage=current.value, to_stage=to_stage
    )
    return assessment


@transaction.atomic
def reopen_assessment(
    *, actor: User | None, assessment: Assessment, reason: str, source: str = "web"
) -> Assessment:
    """Step an assessment back one stage to correct a mistaken move (CMP-1), with the reason audited.

    Never more than one step; refused at the first stage, in a closed campaign, or when another app's
    reopen guard objects (e.g. a decision already recorded, EVA-4): see `blockers.reopen_guard`.
    """
    from .blockers import reopen_refusals
    from .choices import STAGE_ORDER, stage_index

    assessment = _locked(assessment)
    _check_editable(assessment.campaign)
    reason = reason.strip()
    if not reason:
        raise CampaignError("退回上一阶段须填写理由。", field="reason")
    index = stage_index(assessment.stage)
    if index == 0:
        raise CampaignConflict("已是第一个阶段，不能再退回。", field="stage")
    refusals = reopen_refusals(assessment)
    if refusals:
        raise StageBlocked("暂不能退回：" + "".join(refusals), reasons=refusals, field="stage")
    current, previous = assessment.stage, STAGE_ORDER[index - 1]
    # The one backward move: not a transition (ALLOWED_TRANSITIONS are forward only), so set directly.
    assessment.stage = previous
    assessment.stage_changed_at = timezone.now()
    assessment.save(update_fields=["stage", "stage_changed_at"])
    _audit(
        actor,
        "campaigns.assessment.reopen",
        assessment,
        source,
        from_stage=current,
        to_stage=previous,
        reason=reason,
    )
    return assessment


def close_refusals(campaign: Campaign) -> list[str]:
    """Why the campaign cannot be closed yet (Chinese): every included assessee must be at 整改."""
    if campaign.status == CampaignStatus.CLOSED:
        return ["本年度述职评议考核已结束。"]
    if not campaign.is_scope_confirmed:
        return ["考核对象名单尚未确认。"]
    pending = list(
        campaign.assessments.filter(is_excluded=False)
        .exclude(stage=Stage.RECTIFICATION)
        .values_list("organization_name", flat=True)[:6]
    )
    if pending:
        more = "等" if len(pending) > 5 else ""
        return [f"以下考核对象尚未进入“整改”阶段：{'、'.join(pending[:5])}{more}。"]
    return []


@transaction.atomic
def close_campaign(*, actor: User | None, campaign: Campaign, source: str = "web") -> Campaign:
    """End the year's campaign (CMP-1) once every included assessee is at 整改 (excluded ones don't count).

    Afterwards the campaign is read-only: every write service refuses it (`_check_editable`) and stages
    no longer move (the `campaign_closed` blocker). Rectification itself goes on in its own app.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    refusals = close_refusals(campaign)
    if refusals:
        raise CampaignConflict("暂不能结束本次考核：" + "".join(refusals), code="not_ready")
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    _audit(
        actor,
        "campaigns.campaign.close",
        campaign,
        source,
        assessees=campaign.assessments.filter(is_excluded=False).count(),
    )
    return campaign


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
    _check_editable(campaign)
    grant, _created = CampaignGrant.objects.get_or_create(
        campaign=campaign,
        user=user,
        role=role,
        defaults={"granted_by": actor if getattr(actor, "pk", None) else None},
    )
    _audit(actor, "campaigns.grant.create", campaign, source, user=user.pk, role=role)
    return grant


@transaction.atomic
def add_liaison(*, actor: User | None, assessment: Assessment, user: User, source: str = "web") -> Assessment:
    """Name a liaison (联络员) of the assessee's organization who drafts on the assessee's behalf (SEC-1)."""
    if getattr(user, "admin_role", ""):
        raise CampaignError("系统、安全、审计管理员不能担任联络员（三员分立）。", field="user")
    assessment = _locked(assessment)
    _check_editable(assessment.campaign)
    if assessment.is_excluded:
        raise CampaignConflict("该考核对象已移出名单，不能指定联络员。")
    if assessment.liaisons.filter(pk=user.pk).exists():
        raise CampaignConflict(f"{user.display_name}已是联络员。", field="user", code="duplicate")
    assessment.liaisons.add(user)
    _audit(actor, "campaigns.assessment.liaison", assessment, source, user=user.pk)
    return assessment
