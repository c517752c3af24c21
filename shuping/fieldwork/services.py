"""Writes of the field assessment (FLD-1 … FLD-4): web views, the API, the demo and tests call these.

Each service is keyword-only, atomic, checks its preconditions (raising `FieldworkError`, a DomainError
with a Chinese message, before writing anything) and records its audit event in the same transaction.
Team grants go through the campaigns services; the mass survey's box through the ballots services.
"""

from __future__ import annotations

import secrets
import uuid as uuid_module
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from shuping.audit.services import record as audit_record
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import CampaignRole, CampaignStatus
from shuping.campaigns.models import Assessment, Campaign, Indicator
from shuping.core import uploads
from shuping.core.errors import ConflictError, DomainError
from shuping.orgs.models import Organization, Person

from . import permissions, rules, selectors
from .choices import Evidence, FieldStatus, ObservationSource, SampleMethod, TalkCategory
from .models import (
    FieldAssessment,
    FieldRecord,
    FieldTeam,
    IndicatorScore,
    Observation,
    SampledUnit,
    SiteVisit,
    Talk,
    VisitPhoto,
)

if TYPE_CHECKING:
    from shuping.accounts.models import User

MAX_SAMPLE = 30
MAX_PHOTO_BYTES = uploads.PHOTO.max_bytes
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF", b"GIF8")


class FieldworkError(DomainError):
    """A user-caused error in field assessment."""


class FieldworkConflict(ConflictError):
    """The field assessment is not in a state that allows the action."""


def _audit(actor: User | None, action: str, target: models.Model | None, source: str, **detail: Any) -> None:
    audit_record(actor=actor, action=action, target=target, source=source, detail=detail)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise FieldworkError(message, code="forbidden")


def _open_campaign(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise FieldworkConflict("本年度述职评议考核已结束，不能再修改实地考核。")


# --- plans (FLD-1) ---------------------------------------------------------------------------------------


@transaction.atomic
def create_team(
    *,
    actor: User,
    campaign: Campaign,
    name: str,
    leader: User,
    members: Sequence[User] = (),
    starts_on: date,
    ends_on: date,
    source: str = "web",
) -> FieldTeam:
    """A 实地考核组: leader and members each get FIELD_ASSESSOR on the campaign (campaigns services)."""
    _require(
        permissions.can_plan_fieldwork(actor, campaign), "只有本次考核的组织部门工作人员可以安排实地考核。"
    )
    _open_campaign(campaign)
    name = (name or "").strip()
    if not name:
        raise FieldworkError("请填写考核组名称。", field="name")
    if starts_on > ends_on:
        raise FieldworkError("结束日期不能早于开始日期。", field="ends_on")
    if campaign.field_teams.filter(name=name).exists():
        raise FieldworkError("已有同名考核组。", field="name")
    people = [leader, *[m for m in members if m.pk != leader.pk]]
    if any(getattr(u, "admin_role", "") for u in people):
        raise FieldworkError("系统、安全、审计管理员不能担任考核组成员（三员分立）。", field="members")
    team = FieldTeam.objects.create(
        campaign=campaign,
        name=name[:100],
        leader=leader,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    team.members.set(people)
    for user in people:
        campaign_services.grant_campaign_role(
            actor=actor, campaign=campaign, user=user, role=CampaignRole.FIELD_ASSESSOR, source=source
        )
    _audit(actor, "fieldwork.team.create", team, source, campaign=campaign.pk, members=[u.pk for u in people])
    return team


def sample_population(assessment: Assessment) -> list[Organization]:
    """The sub-units the sample is drawn from: the assessed organization's children valid in the year."""
    return list(
        Organization.objects.filter(parent_id=assessment.organization_id)
        .valid_on(date(assessment.campaign.year, 12, 31))
        .order_by("path")
    )


@transaction.atomic
def plan_field_assessment(
    *,
    actor: User,
    team: FieldTeam,
    assessment: Assessment,
    visit_starts_on: date,
    visit_ends_on: date,
    sample_size: int = 0,
    chosen_unit_ids: Sequence[int] | None = None,
    seed: int | None = None,
    source: str = "web",
) -> FieldAssessment:
    """Let `team` cover `assessment` between two dates, with sampled sub-units (FLD-1).

    Random: `sample_size` units drawn with `seed` (a fresh one when None); the seed and the population are
    stored so the sample can be re-derived. Chosen: `chosen_unit_ids` among the population. The form is
    the campaign's indicator set for the assessee's kind and level (township forms are the shortest).
    """
    campaign = team.campaign
    _require(
        permissions.can_plan_fieldwork(actor, campaign), "只有本次考核的组织部门工作人员可以安排实地考核。"
    )
    _open_campaign(campaign)
    if assessment.campaign_id != campaign.pk or assessment.is_excluded:
        raise FieldworkError("考核对象不属于本次考核。", field="assessment")
    if FieldAssessment.objects.filter(assessment=assessment).exists():
        raise FieldworkConflict("该考核对象已安排实地考核。", code="planned")
    if visit_starts_on > visit_ends_on:
        raise FieldworkError("结束日期不能早于开始日期。", field="visit_ends_on")
    if visit_starts_on < team.starts_on or visit_ends_on > team.ends_on:
        raise FieldworkError("实地考核日期应在考核组工作期间内。", field="visit_starts_on")
    population = sample_population(assessment)
    by_id = {o.pk: o for o in population}
    if chosen_unit_ids:
        method = SampleMethod.CHOSEN
        chosen = list(dict.fromkeys(int(x) for x in chosen_unit_ids))
        if any(pk not in by_id for pk in chosen):
            raise FieldworkError("抽查单位应为考核对象的下属组织。", field="units")
        seed = None
    else:
        method = SampleMethod.RANDOM
        if not 0 <= sample_size <= MAX_SAMPLE:
            raise FieldworkError(f"抽取数量应在 0 到 {MAX_SAMPLE} 之间。", field="sample_size")
        seed = seed if seed is not None else secrets.randbelow(2**62)
        chosen = rules.draw_sample(list(by_id), sample_size, seed)
    fa = FieldAssessment.objects.create(
        team=team,
        assessment=assessment,
        indicator_set=selectors.indicator_set_for(assessment),
        visit_starts_on=visit_starts_on,
        visit_ends_on=visit_ends_on,
        sample_method=method,
        sample_seed=seed,
        sample_population=sorted(by_id),
        sample_size=len(chosen) if method == SampleMethod.CHOSEN else sample_size,
        created_by=actor,
    )
    SampledUnit.objects.bulk_create(
        SampledUnit(field_assessment=fa, organization=by_id[pk], organization_name=by_id[pk].name, position=i)
        for i, pk in enumerate(chosen)
    )
    _audit(
        actor,
        "fieldwork.plan.create",
        fa,
        source,
        team=team.pk,
        assessment=assessment.pk,
        method=method,
        seed=seed,
        units=chosen,
    )
    return fa


@transaction.atomic
def plan_field_assessments(
    *,
    actor: User,
    team: FieldTeam,
    assessments: Sequence[Assessment],
    visit_starts_on: date,
    visit_ends_on: date,
    sample_size: int = 0,
    seed: int | None = None,
    source: str = "web",
) -> list[FieldAssessment]:
    """Let `team` cover several assessees at once, with the same dates and sample size (FLOW-4).

    One submit instead of one per assessee; all or nothing: if any assessee is refused (already planned,
    not in the campaign) none is planned and the message names it. Each gets its own random draw (a fresh
    seed each unless one is given, which is then stored for each so every sample can be re-derived).
    """
    if not assessments:
        raise FieldworkError("请至少勾选一个考核对象。", field="assessments")
    planned = []
    for assessment in assessments:
        try:
            planned.append(
                plan_field_assessment(
                    actor=actor,
                    team=team,
                    assessment=assessment,
                    visit_starts_on=visit_starts_on,
                    visit_ends_on=visit_ends_on,
                    sample_size=sample_size,
                    seed=seed,
                    source=source,
                )
            )
        except DomainError as exc:
            exc.message = f"{assessment.organization_name}：{exc.message}（本次均未安排）"
            raise
    return planned


def rederive_sample(fa: FieldAssessment) -> list[int]:
    """The random sample recomputed from the stored population, size and seed (equals the stored one)."""
    if fa.sample_method != SampleMethod.RANDOM or fa.sample_seed is None:
        return list(fa.sampled_units.values_list("organization_id", flat=True))
    return rules.draw_sample(fa.sample_population, fa.sample_size, fa.sample_seed)


# --- records (FLD-2) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitInput:
    place: str
    facts: str
    unit_id: int | None = None


@dataclass(frozen=True)
class TalkInput:
    summary: str
    members_count: int = 0
    masses_count: int = 0
    cadres_count: int = 0
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoreInput:
    """One indicator's score. `with_new_visit` / `with_new_talk` link the visit / talk of this record."""

    indicator_id: int
    percent: int
    evidence_kinds: tuple[str, ...] = ()
    visit_ids: tuple[int, ...] = ()
    talk_ids: tuple[int, ...] = ()
    with_new_visit: bool = False
    with_new_talk: bool = False
    note: str = ""
    override_reason: str = ""


@dataclass
class SubmitResult:
    record: FieldRecord
    created: bool
    warnings: list[dict] = field(default_factory=list)


def _check_photo(photo: UploadedFile) -> None:
    if photo.size and photo.size > MAX_PHOTO_BYTES:
        raise FieldworkError("照片不能超过 8 MB。", field="photos")
    head = photo.read(12)
    photo.seek(0)
    if not any(head.startswith(m) for m in _IMAGE_MAGIC):
        raise FieldworkError("只能上传 JPEG、PNG、WebP 或 GIF 照片。", field="photos")


def _clean_visit(visit: VisitInput | None, fa: FieldAssessment) -> VisitInput | None:
    if visit is None or not (visit.place.strip() or visit.facts.strip()):
        return None
    if not visit.place.strip():
        raise FieldworkError("请填写实地查看的地点。", field="place")
    if not visit.facts.strip():
        raise FieldworkError("请写下看到的具体情况。", field="facts")
    if visit.unit_id and not fa.sampled_units.filter(pk=visit.unit_id).exists():
        raise FieldworkError("抽查单位不属于本次实地考核。", field="unit")
    return visit


def _clean_talk(talk: TalkInput | None) -> TalkInput | None:
    if talk is None:
        return None
    counts = (talk.members_count, talk.masses_count, talk.cadres_count)
    if not talk.summary.strip() and not any(counts):
        return None
    if any(c < 0 or c > 999 for c in counts):
        raise FieldworkError("人数应在 0 到 999 之间。", field="members_count")
    if not any(counts):
        raise FieldworkError("请填写谈话走访的人数。", field="members_count")
    if not talk.summary.strip():
        raise FieldworkError("请写下听到的主要情况。", field="summary")
    if any(c not in TalkCategory.values for c in talk.categories):
        raise FieldworkError("谈话对象类别不正确。", field="categories")
    return talk


@transaction.atomic
def submit_record(
    *,
    actor: User,
    field_assessment: FieldAssessment,
    client_uuid: uuid_module.UUID | str,
    visit: VisitInput | None = None,
    talk: TalkInput | None = None,
    scores: Sequence[ScoreInput] = (),
    photos: Sequence[UploadedFile] = (),
    drafted_at: datetime | None = None,
    source: str = "web",
) -> SubmitResult:
    """Store one phone submission (FLD-2), idempotently: the same `client_uuid` twice gives one record.

    A draft made offline is submitted later with the UUID it was given on the device; a retry after a
    lost response returns the first record (`created=False`) and changes nothing. Scores replace the
    indicator's previous score; one resting only on paper where a visit would do carries the Art. 6 warning
    (returned in `warnings`) and does not count until a reason is given.
    """
    try:
        key = uuid_module.UUID(str(client_uuid))
    except ValueError:
        raise FieldworkError("草稿编号不正确。", field="client_uuid") from None
    existing = FieldRecord.objects.filter(client_uuid=key).select_related("field_assessment").first()
    if existing is not None:
        if existing.field_assessment_id != field_assessment.pk:
            raise FieldworkConflict("该草稿编号已用于其他实地考核。", code="uuid_reused")
        return SubmitResult(existing, False, [])
    fa = (
        FieldAssessment.objects.select_for_update()
        .select_related("team__campaign")
        .get(pk=field_assessment.pk)
    )
    _require(permissions.can_record(actor, fa), "只有本考核组成员可以在实地考核完成前记录。")
    visit = _clean_visit(visit, fa)
    talk = _clean_talk(talk)
    if photos and visit is None:
        raise FieldworkError("照片须随实地查看一并提交。", field="photos")
    for photo in photos:
        _check_photo(photo)
    indicators = {i.pk: i for i in selectors.form_indicators(fa)}
    seen: set[int] = set()
    for s in scores:
        if s.indicator_id not in indicators:
            raise FieldworkError("指标不在本次考核表中。", field="scores")
        if s.indicator_id in seen:
            raise FieldworkError("同一指标只能评一次分。", field="scores")
        seen.add(s.indicator_id)
        if not 0 <= s.percent <= 100:
            raise FieldworkError("得分率应在 0 到 100 之间。", field="scores")
        if any(k not in Evidence.values for k in s.evidence_kinds):
            raise FieldworkError("评分依据不正确。", field="scores")
        if (s.with_new_visit and visit is None) or (s.with_new_talk and talk is None):
            raise FieldworkError("评分依据引用了本次未填写的实地查看或谈话。", field="scores")
    if visit is None and talk is None and not scores:
        raise FieldworkError("记录是空的：请填写实地查看、谈话走访或指标评分。", field="__all__")
    try:
        with transaction.atomic():
            rec = FieldRecord.objects.create(
                client_uuid=key, field_assessment=fa, submitted_by=actor, drafted_at=drafted_at
            )
    except IntegrityError:
        # The same draft arrived twice at once: the other request stored it first.
        rec = FieldRecord.objects.get(client_uuid=key)
        return SubmitResult(rec, False, [])
    new_visit = new_talk = None
    if visit is not None:
        new_visit = SiteVisit.objects.create(
            record=rec,
            field_assessment=fa,
            unit_id=visit.unit_id or None,
            place=visit.place.strip()[:200],
            facts=visit.facts.strip(),
        )
        for photo in photos:
            VisitPhoto.objects.create(visit=new_visit, file=photo)
    if talk is not None:
        new_talk = Talk.objects.create(
            record=rec,
            field_assessment=fa,
            members_count=talk.members_count,
            masses_count=talk.masses_count,
            cadres_count=talk.cadres_count,
            categories=list(dict.fromkeys(talk.categories)),
            summary=talk.summary.strip(),
        )
    warnings = []
    for s in scores:
        warning = _save_score(fa, indicators[s.indicator_id], s, rec, actor, new_visit, new_talk)
        if warning:
            warnings.append({"indicator": s.indicator_id, **warning})
    if fa.status == FieldStatus.PLANNED:
        fa.status = FieldStatus.RECORDING
        fa.save(update_fields=["status"])
    _audit(
        actor,
        "fieldwork.record.submit",
        fa,
        source,
        record=str(key),
        visit=bool(new_visit),
        talk=bool(new_talk),
        scores=len(scores),
        warnings=len(warnings),
    )
    return SubmitResult(rec, True, warnings)


def _save_score(
    fa: FieldAssessment,
    indicator: Indicator,
    s: ScoreInput,
    rec: FieldRecord,
    actor: User,
    new_visit: SiteVisit | None,
    new_talk: Talk | None,
) -> dict | None:
    visit_ids = set(
        SiteVisit.objects.filter(field_assessment=fa, pk__in=s.visit_ids).values_list("pk", flat=True)
    )
    talk_ids = set(Talk.objects.filter(field_assessment=fa, pk__in=s.talk_ids).values_list("pk", flat=True))
    if len(visit_ids) != len(set(s.visit_ids)) or len(talk_ids) != len(set(s.talk_ids)):
        raise FieldworkError("评分依据引用了不属于本次实地考核的记录。", field="scores")
    if s.with_new_visit and new_visit is not None:
        visit_ids.add(new_visit.pk)
    if s.with_new_talk and new_talk is not None:
        talk_ids.add(new_talk.pk)
    kinds = set(s.evidence_kinds)
    if visit_ids:
        kinds.add(Evidence.SITE_VISIT)
    if talk_ids:
        kinds.add(Evidence.TALK)
    warning = rules.paper_only_warning(
        text=indicator.text,
        guidance=indicator.scoring_guidance,
        method=indicator.method,
        evidence=rules.EvidenceFacts(
            kinds=frozenset(kinds),
            visits=len(visit_ids),
            talks=len(talk_ids),
            note=s.note,
        ),
    )
    score, _created = IndicatorScore.objects.update_or_create(
        field_assessment=fa,
        indicator=indicator,
        defaults={
            "percent": s.percent,
            "evidence_kinds": sorted(kinds),
            "note": s.note.strip()[:500],
            "formalism_warning": warning or {},
            "override_reason": s.override_reason.strip()[:300] if warning else "",
            "record": rec,
            "scored_by": actor,
        },
    )
    score.visits.set(visit_ids)
    score.talks.set(talk_ids)
    return warning


@transaction.atomic
def override_warning(
    *, actor: User, score: IndicatorScore, reason: str, source: str = "web"
) -> IndicatorScore:
    """Keep a paper-only score with a stated reason (Art. 6 says 一般, so exceptions are allowed, explained)."""
    fa = score.field_assessment
    _require(
        permissions.can_override_warning(actor, fa), "只有本考核组成员或组织部门工作人员可以填写保留理由。"
    )
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise FieldworkError("请写明保留理由（至少 4 个字）。", field="reason")
    if not score.formalism_warning:
        raise FieldworkConflict("该评分没有形式主义提示。", code="no_warning")
    score.override_reason = reason[:300]
    score.save(update_fields=["override_reason"])
    _audit(actor, "fieldwork.score.override", fa, source, indicator=score.indicator_id, reason=reason[:300])
    return score


@transaction.atomic
def complete_field_assessment(
    *, actor: User, field_assessment: FieldAssessment, source: str = "web"
) -> FieldAssessment:
    """The team leader (or organizer staff) closes the field assessment; records are then read-only."""
    fa = (
        FieldAssessment.objects.select_for_update()
        .select_related("team__campaign")
        .get(pk=field_assessment.pk)
    )
    _require(permissions.can_complete(actor, fa), "只有考核组组长或组织部门工作人员可以完成实地考核。")
    if fa.status == FieldStatus.COMPLETED:
        raise FieldworkConflict("实地考核已完成。", code="completed")
    if not fa.records.exists():
        raise FieldworkConflict("还没有任何实地考核记录。", code="empty")
    fa.status = FieldStatus.COMPLETED
    fa.completed_at = timezone.now()
    fa.save(update_fields=["status", "completed_at"])
    _audit(actor, "fieldwork.plan.complete", fa, source)
    return fa


# --- mass satisfaction survey (FLD-3) -------------------------------------------------------------------


@transaction.atomic
def create_survey(
    *,
    actor: User,
    field_assessment: FieldAssessment,
    weight_percent: int,
    categories: Sequence[str] = ("党员", "群众"),
    source: str = "web",
) -> FieldAssessment:
    """A 群众满意度测评 for the assessed unit through the ballot engine (ballots services): a box owned by the
    organizer, the unit as its one subject; slips or the /v/ link come from the ballots pages. Its sealed
    tally enters the field score with `weight_percent`."""
    from shuping.ballots import services as ballot_services

    fa = (
        FieldAssessment.objects.select_for_update()
        .select_related("team__campaign__organizer", "assessment")
        .get(pk=field_assessment.pk)
    )
    _require(
        permissions.can_plan_fieldwork(actor, fa.team.campaign), "只有组织部门工作人员可以组织满意度测评。"
    )
    if fa.survey_box_id:
        raise FieldworkConflict("已组织满意度测评。", code="survey_exists")
    if not 0 < weight_percent <= 100:
        raise FieldworkError("测评占比应在 1 到 100 之间。", field="weight_percent")
    box = ballot_services.create_box(
        actor=actor,
        organization=fa.team.campaign.organizer,
        title=f"{fa.assessment.organization_name}党员群众满意度测评",
        has_opinion=True,
    )
    ballot_services.set_up_box(
        actor=actor,
        box=box,
        subjects=[
            ballot_services.SubjectInput(name=fa.assessment.organization_name[:64], post="抓基层党建工作")
        ],
        categories=[ballot_services.CategoryInput(name=c) for c in categories],
    )
    fa.survey_box = box
    fa.survey_weight_percent = weight_percent
    fa.save(update_fields=["survey_box", "survey_weight_percent"])
    _audit(actor, "fieldwork.survey.create", fa, source, box=box.pk, weight_percent=weight_percent)
    return fa


# --- observations (FLD-4) -------------------------------------------------------------------------------


@transaction.atomic
def record_observation(
    *,
    actor: User,
    organizer: Organization,
    observed_on: date,
    source_kind: str,
    text: str,
    assessment: Assessment | None = None,
    person: Person | None = None,
    score: int | None = None,
    source: str = "web",
) -> Observation:
    """平时了解 (FLD-4): what the organizer learned during the year, optionally scored 0–100."""
    _require(
        permissions.can_record_observation(actor, organizer),
        "只有该党组织的组织部门工作人员可以记录平时了解。",
    )
    text = (text or "").strip()
    if not text:
        raise FieldworkError("请写下了解到的情况。", field="text")
    if source_kind not in ObservationSource.values:
        raise FieldworkError("了解方式不正确。", field="source")
    if score is not None and not 0 <= score <= 100:
        raise FieldworkError("评分应在 0 到 100 之间。", field="score")
    if assessment is None and person is None:
        raise FieldworkError("请选择考核对象。", field="assessment")
    if assessment is not None and assessment.campaign.organizer_id != organizer.pk:
        raise FieldworkError("考核对象不属于本单位组织的考核。", field="assessment")
    if observed_on > timezone.localdate():
        raise FieldworkError("了解日期不能晚于今天。", field="observed_on")
    obs = Observation.objects.create(
        organizer=organizer,
        assessment=assessment,
        person=person or (assessment.person if assessment else None),
        observed_on=observed_on,
        source=source_kind,
        text=text,
        score=score,
        created_by=actor,
    )
    _audit(
        actor,
        "fieldwork.observation.create",
        obs,
        source,
        assessment=getattr(assessment, "pk", None),
        scored=score is not None,
    )
    return obs
