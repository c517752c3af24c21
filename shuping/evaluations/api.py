"""/api/v1/evaluations (SPEC §11): the same selectors as the pages, scoped, EVA-9 applied (PERF-5)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from ninja.security import django_auth

from shuping.core.api_base import api_access

from . import selectors

router = Router(tags=["evaluations"], auth=django_auth)


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


@router.get("/evaluations", response=list[EvaluationOut])
@api_access(
    "signed_in",
    "列出本人可见的综合评价：组织部门工作人员和部门领导见其考核的全部；其他人只见研究后的本人或联络对象（EVA-9）",
)
def list_evaluations(request, campaign_id: int | None = None):
    rows = selectors.evaluations_for_list(request.user, campaign_id=campaign_id)
    return [_out(e, request.user) for e in rows]


@router.get("/evaluations/{evaluation_id}", response=EvaluationOut)
@api_access("scoped", "经 selectors.get_evaluation_for 取综合评价（范围外或研究前无权查看均 404，EVA-9）")
def get_evaluation(request, evaluation_id: int):
    e = selectors.get_evaluation_for(request.user, evaluation_id)
    return _out(e, request.user)
