"""/api/v1/rectification-items and /api/v1/annual-grade-restrictions (SPEC §11, RCT-2, RCT-4): scoped,
constant query count (PERF-5). Overdue is computed (RCT-2)."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from ninja import Router, Schema

from shuping.accounts.api_auth import API_AUTH
from shuping.core.api_base import api_access

from . import consequences, selectors
from .services import RectificationError

router = Router(tags=["rectification"], auth=API_AUTH)


class SourceOut(Schema):
    kind: str
    kind_label: str
    reference: str
    closure_reported_at: str | None


class ItemOut(Schema):
    id: int
    list_id: int
    assessment_id: int
    campaign_id: int
    organization_name: str
    problem: str
    measures: str
    responsible: str
    deadline: date
    status: str
    status_label: str
    is_overdue: bool
    sources: list[SourceOut]


@router.get("/rectification-items", response=list[ItemOut], summary="本人可见的整改事项")
@api_access(
    "signed_in",
    "列出本人可见的整改事项（rectification.selectors.items_visible_to，按考核的组织单位和本人角色限定）",
)
def list_rectification_items(
    request, campaign_id: int | None = None, assessment_id: int | None = None, overdue: bool | None = None
):
    rows = (
        selectors.items_visible_to(request.user)
        .select_related("rectification_list__assessment")
        .prefetch_related("sources")
        .order_by(
            "rectification_list__campaign_id",
            "rectification_list__assessment__organization_path",
            "position",
            "pk",
        )
    )
    if campaign_id is not None:
        rows = rows.filter(rectification_list__campaign_id=campaign_id)
    if assessment_id is not None:
        rows = rows.filter(rectification_list__assessment_id=assessment_id)
    if overdue is not None:
        rows = rows.filter(is_overdue=overdue)
    out = []
    for i in rows[:1000]:
        a = i.rectification_list.assessment
        out.append(
            {
                "id": i.pk,
                "list_id": i.rectification_list_id,
                "assessment_id": a.pk,
                "campaign_id": a.campaign_id,
                "organization_name": a.organization_name,
                "problem": i.problem,
                "measures": i.measures,
                "responsible": i.responsible,
                "deadline": i.deadline,
                "status": i.status,
                "status_label": str(i.get_status_display()),
                "is_overdue": i.is_overdue,
                "sources": [
                    {
                        "kind": s.kind,
                        "kind_label": str(s.get_kind_display()),
                        "reference": s.reference,
                        "closure_reported_at": s.closure_reported_at.isoformat()
                        if s.closure_reported_at
                        else None,
                    }
                    for s in i.sources.all()
                ],
            }
        )
    return out


class RestrictionOut(Schema):
    person_id: int
    year: int
    status: str
    grade: str
    allowed_grades: list[str]
    reason: str


class RestrictionRow(Schema):
    person_id: int
    person_name: str
    year: int
    grade: str
    campaign_id: int


@router.get(
    "/annual-grade-restrictions",
    response=list[RestrictionRow] | RestrictionOut,
    summary="年度考核等次限制（不得评优等）",
)
@api_access(
    "signed_in",
    "不得评优名单：只含本人可见考核中的人员；带 person 时回答该人该年度允许的年度考核等次（不可见的人员 404，RCT-4）",
)
def annual_grade_restrictions(request, year: int | None = None, person: int | None = None):
    if person is not None:
        if year is None:
            raise RectificationError("请同时指定年度（year）。", field="year")
        if not selectors.person_visible(request.user, person):
            raise Http404
        state = consequences.standing(person, year)
        return {
            "person_id": person,
            "year": year,
            "status": state["status"],
            "grade": state["grade"],
            "allowed_grades": state["allowed"],
            "reason": state["reason"],
        }
    return [
        {
            "person_id": r.person_id,
            "person_name": r.person_name,
            "year": r.year,
            "grade": r.grade,
            "campaign_id": r.assessment.campaign_id,
        }
        for r in selectors.restrictions_visible_to(request.user, year=year)[:2000]
    ]
