"""/api/v1/field-assessments and /api/v1/observations (SPEC §11): the same selectors and services as the pages.

Lists run a constant number of queries (PERF-5). Field scores are confidential until 研究 (EVA-9): every
field assessment a user can reach at all is one they may see the score of (staff, leaders, the team).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status

from shuping.accounts.api_auth import API_AUTH
from shuping.core.api_base import api_access

from . import permissions, selectors, services
from .choices import FieldStatus

router = Router(tags=["fieldwork"], auth=API_AUTH)


class FieldAssessmentOut(Schema):
    id: int
    campaign_id: int
    assessment_id: int
    organization_name: str
    person_name: str
    team: str
    visit_starts_on: date
    visit_ends_on: date
    status: str
    status_label: str
    sample_method: str
    sample_seed: int | None
    unit_count: int
    visit_count: int
    talk_count: int
    score_count: int


class ScoreOut(Schema):
    indicator_id: int
    indicator: str
    weight: float
    percent: int | None
    evidence: list[str]
    visit_ids: list[int]
    talk_ids: list[int]
    warning: str
    override_reason: str


class VisitOut(Schema):
    id: int
    place: str
    facts: str


class TalkOut(Schema):
    id: int
    members_count: int
    masses_count: int
    cadres_count: int
    categories: list[str]
    summary: str


class FieldAssessmentDetail(FieldAssessmentOut):
    units: list[str]
    field_score: float | None
    indicator_score: float | None
    survey_score: float | None
    notes: list[str]
    scores: list[ScoreOut]
    visits: list[VisitOut]
    talks: list[TalkOut]


class ScoreIn(Schema):
    indicator_id: int
    percent: int
    evidence: list[str] = []
    visit_ids: list[int] = []
    talk_ids: list[int] = []
    with_new_visit: bool = False
    with_new_talk: bool = False
    note: str = ""
    override_reason: str = ""


class RecordIn(Schema):
    client_uuid: UUID
    place: str = ""
    facts: str = ""
    unit_id: int | None = None
    members_count: int = 0
    masses_count: int = 0
    cadres_count: int = 0
    categories: list[str] = []
    summary: str = ""
    scores: list[ScoreIn] = []
    drafted_at: datetime | None = None


class RecordOut(Schema):
    client_uuid: UUID
    created: bool
    warnings: list[dict]


class ObservationOut(Schema):
    id: int
    organizer_id: int
    assessment_id: int | None
    subject: str
    observed_on: date
    source: str
    text: str
    score: int | None


class ObservationIn(Schema):
    assessment_id: int
    observed_on: date
    source: str
    text: str
    score: int | None = None


def _fa_out(fa) -> dict:
    a = fa.assessment
    return {
        "id": fa.pk,
        "campaign_id": fa.team.campaign_id,
        "assessment_id": a.pk,
        "organization_name": a.organization_name,
        "person_name": a.person_name,
        "team": fa.team.name,
        "visit_starts_on": fa.visit_starts_on,
        "visit_ends_on": fa.visit_ends_on,
        "status": fa.status,
        "status_label": str(FieldStatus(fa.status).label),
        "sample_method": fa.sample_method,
        "sample_seed": fa.sample_seed,
        "unit_count": getattr(fa, "unit_count", 0),
        "visit_count": getattr(fa, "visit_count", 0),
        "talk_count": getattr(fa, "talk_count", 0),
        "score_count": getattr(fa, "score_count", 0),
    }


def _float(value) -> float | None:
    return None if value is None else round(float(value), 2)


@router.get("/field-assessments", response=list[FieldAssessmentOut], summary="本人可见的实地考核")
@api_access("signed_in", "本人所在考核组的实地考核，以及本人担任组织部门工作人员、部门领导的考核的实地考核")
def list_field_assessments(request, campaign_id: int | None = None):
    qs = selectors.field_assessments_for_list(request.user)
    if campaign_id is not None:
        qs = qs.filter(team__campaign_id=campaign_id)
    return [_fa_out(fa) for fa in qs[:500]]


@router.get("/field-assessments/{pk}", response=FieldAssessmentDetail, summary="一次实地考核及其记录")
@api_access(
    "scoped",
    "selectors.get_field_assessment_for（范围外 404）；得分仅组织部门工作人员、部门领导和本考核组（EVA-9）",
)
def get_field_assessment(request, pk: int):
    listed = selectors.field_assessments_for_list(request.user).filter(pk=pk).first()
    # Out of the list's scope: get_field_assessment_for raises the 404.
    fa = listed if listed is not None else selectors.get_field_assessment_for(request.user, pk)
    if not permissions.can_see_scores(request.user, fa):
        raise PermissionDenied
    indicators = selectors.form_indicators(fa)
    data = selectors.records_of(fa)
    scores = data["scores"]
    result = selectors.score_of(fa, indicators, scores)
    rows = []
    for ind in indicators:
        s = scores.get(ind.pk)
        rows.append(
            {
                "indicator_id": ind.pk,
                "indicator": ind.text,
                "weight": float(ind.weight),
                "percent": s.percent if s else None,
                "evidence": list(s.evidence_kinds) if s else [],
                "visit_ids": [v.pk for v in s.visits.all()] if s else [],
                "talk_ids": [t.pk for t in s.talks.all()] if s else [],
                "warning": s.formalism_warning.get("reason", "") if s else "",
                "override_reason": s.override_reason if s else "",
            }
        )
    return {
        **_fa_out(fa),
        "units": [u.organization_name for u in fa.sampled_units.all()],
        "field_score": _float(result.score),
        "indicator_score": _float(result.indicator_score),
        "survey_score": _float(result.survey_score),
        "notes": list(result.notes),
        "scores": rows,
        "visits": [{"id": v.pk, "place": v.place, "facts": v.facts} for v in data["visits"]],
        "talks": [
            {
                "id": t.pk,
                "members_count": t.members_count,
                "masses_count": t.masses_count,
                "cadres_count": t.cadres_count,
                "categories": t.categories,
                "summary": t.summary,
            }
            for t in data["talks"]
        ],
    }


@router.post(
    "/field-assessments/{pk}/records",
    response={200: RecordOut, 201: RecordOut},
    summary="填写或更新实地考核记录",
)
@api_access(
    "scoped",
    "selectors.get_field_assessment_for（范围外 404）；须为本考核组成员且未完成（否则 403）；client_uuid 为幂等键",
)
def submit_field_record(request, pk: int, payload: RecordIn):
    fa = selectors.get_field_assessment_for(request.user, pk)
    if not permissions.can_record(request.user, fa):
        raise PermissionDenied
    result = services.submit_record(
        actor=request.user,
        field_assessment=fa,
        client_uuid=payload.client_uuid,
        visit=services.VisitInput(place=payload.place, facts=payload.facts, unit_id=payload.unit_id),
        talk=services.TalkInput(
            summary=payload.summary,
            members_count=payload.members_count,
            masses_count=payload.masses_count,
            cadres_count=payload.cadres_count,
            categories=tuple(payload.categories),
        ),
        scores=[
            services.ScoreInput(
                indicator_id=s.indicator_id,
                percent=s.percent,
                evidence_kinds=tuple(s.evidence),
                visit_ids=tuple(s.visit_ids),
                talk_ids=tuple(s.talk_ids),
                with_new_visit=s.with_new_visit,
                with_new_talk=s.with_new_talk,
                note=s.note,
                override_reason=s.override_reason,
            )
            for s in payload.scores
        ],
        drafted_at=payload.drafted_at,
        source="api",
    )
    body = {"client_uuid": result.record.client_uuid, "created": result.created, "warnings": result.warnings}
    return Status(201 if result.created else 200, body)


def _observation_out(o) -> dict:
    return {
        "id": o.pk,
        "organizer_id": o.organizer_id,
        "assessment_id": o.assessment_id,
        "subject": o.assessment.organization_name
        if o.assessment_id
        else (o.person.name if o.person_id else ""),
        "observed_on": o.observed_on,
        "source": o.source,
        "text": o.text,
        "score": o.score,
    }


@router.get("/observations", response=list[ObservationOut], summary="日常了解情况记录")
@api_access(
    "signed_in", "本人担任组织部门工作人员或部门领导的组织单位的平时了解（selectors.observations_visible_to）"
)
def list_observations(request, assessment_id: int | None = None):
    qs = selectors.observations_for_list(request.user)
    if assessment_id is not None:
        qs = qs.filter(assessment_id=assessment_id)
    return [_observation_out(o) for o in qs[:500]]


@router.post("/observations", response={201: ObservationOut}, summary="登记一条日常了解情况")
@api_access(
    "scoped",
    "考核对象经 selectors.observation_subjects_for 限定（范围外 404）；须为组织单位的组织部门工作人员",
)
def create_observation(request, payload: ObservationIn):
    assessment = selectors.observation_subjects_for(request.user).filter(pk=payload.assessment_id).first()
    if assessment is None:
        from django.http import Http404

        raise Http404
    obs = services.record_observation(
        actor=request.user,
        organizer=assessment.campaign.organizer,
        assessment=assessment,
        observed_on=payload.observed_on,
        source_kind=payload.source,
        text=payload.text,
        score=payload.score,
        source="api",
    )
    return Status(201, _observation_out(obs))
