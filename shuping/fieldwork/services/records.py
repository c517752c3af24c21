"""Field records (FLD-2): visits, talks and scores entered on a phone (offline drafts submitted), warnings
overridden, the field assessment completed."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from shuping.campaigns.models import Indicator

from .. import permissions, rules, selectors
from ..choices import Evidence, FieldStatus, TalkCategory
from ..models import FieldAssessment, FieldRecord, IndicatorScore, SiteVisit, Talk, VisitPhoto
from .base import IMAGE_MAGIC, MAX_PHOTO_BYTES, FieldworkConflict, FieldworkError, audit, require

if TYPE_CHECKING:
    from shuping.accounts.models import User


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
    if not any(head.startswith(m) for m in IMAGE_MAGIC):
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
    require(permissions.can_record(actor, fa), "只有本考核组成员可以在实地考核完成前记录。")
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
    audit(
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
    require(
        permissions.can_override_warning(actor, fa), "只有本考核组成员或组织部门工作人员可以填写保留理由。"
    )
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise FieldworkError("请写明保留理由（至少 4 个字）。", field="reason")
    if not score.formalism_warning:
        raise FieldworkConflict("该评分没有形式主义提示。", code="no_warning")
    score.override_reason = reason[:300]
    score.save(update_fields=["override_reason"])
    audit(actor, "fieldwork.score.override", fa, source, indicator=score.indicator_id, reason=reason[:300])
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
    require(permissions.can_complete(actor, fa), "只有考核组组长或组织部门工作人员可以完成实地考核。")
    if fa.status == FieldStatus.COMPLETED:
        raise FieldworkConflict("实地考核已完成。", code="completed")
    if not fa.records.exists():
        raise FieldworkConflict("还没有任何实地考核记录。", code="empty")
    fa.status = FieldStatus.COMPLETED
    fa.completed_at = timezone.now()
    fa.save(update_fields=["status", "completed_at"])
    audit(actor, "fieldwork.plan.complete", fa, source)
    return fa
