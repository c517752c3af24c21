"""/api/v1/feedback (SPEC §11): the same selectors as the pages — staff and leaders see their campaigns'
feedback, the assessee and liaison only what was released to them. No raw ballot text exists here (BAL-6):
the summary is the organizer's 意见归纳."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema

from shuping.accounts.api_auth import API_AUTH
from shuping.core.api_base import api_access

from . import selectors

router = Router(tags=["feedback"], auth=API_AUTH)


class FeedbackOut(Schema):
    id: int
    assessment_id: int
    campaign_id: int
    organization_name: str
    person_name: str
    is_released: bool
    released_at: datetime | None
    grade: str
    achievements: str
    problems: list[dict]
    summary: str
    acknowledge_by_on: date | None
    acknowledged_at: datetime | None
    acknowledgement_method: str
    is_overdue: bool


def _out(f) -> dict:
    a = f.assessment
    return {
        "id": f.pk,
        "assessment_id": a.pk,
        "campaign_id": f.campaign_id,
        "organization_name": a.organization_name,
        "person_name": a.person_name,
        "is_released": f.is_released,
        "released_at": f.released_at,
        "grade": f.grade,
        "achievements": f.achievements,
        "problems": list(f.problems or []),
        "summary": f.summary,
        "acknowledge_by_on": f.acknowledge_by_on,
        "acknowledged_at": f.acknowledged_at,
        "acknowledgement_method": f.acknowledgement_method,
        "is_overdue": selectors.is_overdue(f),
    }


@router.get("/feedback", response=list[FeedbackOut], summary="本人可见的反馈意见")
@api_access(
    "signed_in",
    "列出本人可见的反馈：组织部门工作人员和部门领导见其考核的全部；考核对象和联络员只见已送达的本人反馈（EVA-5）",
)
def list_feedback(request, campaign_id: int | None = None, overdue: bool = False):
    rows = selectors.feedback_for_list(request.user)
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    out = [_out(f) for f in rows[:500]]
    return [r for r in out if r["is_overdue"]] if overdue else out


@router.get("/feedback/{feedback_id}", response=FeedbackOut, summary="一份反馈意见")
@api_access("scoped", "经 selectors.get_feedback_for 取反馈（范围外或送达前本人无权查看均 404）")
def get_feedback(request, feedback_id: int):
    return _out(selectors.get_feedback_for(request.user, feedback_id))
