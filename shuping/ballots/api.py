"""/api/v1/ballot-boxes (BAL-1, BAL-8): organizer staff and department leaders, scoped (SEC-2, EVA-9).

List and detail go through `selectors.visible_boxes` (404 out of scope); the tally is confidential
(EVA-9: only organizer staff and department leaders covering the box's organization) and exists only
after the box is closed and sealed (409 before).
"""

from __future__ import annotations

from ninja import Router, Schema

from shuping.accounts.api_auth import API_AUTH
from shuping.core.api_base import api_access
from shuping.core.errors import ConflictError

from . import selectors
from .choices import BoxStatus

router = Router(tags=["ballot-boxes"], auth=API_AUTH)


class BoxOut(Schema):
    id: int
    title: str
    organization_id: int
    organization_name: str
    status: str
    status_label: str
    subject_count: int
    credential_count: int
    is_sealed: bool


class SubjectOut(Schema):
    id: int
    name: str
    post: str
    section: str


class CategoryOut(Schema):
    name: str
    weight: float | None


class TurnoutOut(Schema):
    issued: int
    used: int


class BoxDetailOut(BoxOut):
    scale: list[list[str | int]]
    subjects: list[SubjectOut]
    categories: list[CategoryOut]
    turnout: TurnoutOut


class CategoryResultOut(Schema):
    label: str
    categories: list[str]
    ballots: int
    grade_counts: dict[str, int]


class SubjectTallyOut(Schema):
    subject_id: int
    name: str
    withheld: str | None = None
    grade_counts: dict[str, int] | None
    valid: int | None
    abstentions: int | None
    invalid_marks: int | None
    top_rate: float | None
    top_two_rate: float | None
    score: float | None
    is_weighted: bool = False
    by_category: list[CategoryResultOut] = []


class CategoryLineOut(Schema):
    label: str
    categories: list[str]
    ballots: int
    is_hidden: bool


class TallyOut(Schema):
    box_id: int
    valid_ballots: int
    invalid_ballots: int
    subjects: list[SubjectTallyOut]
    categories: list[CategoryLineOut]


def _box_out(box) -> dict:
    return {
        "id": box.pk,
        "title": box.title,
        "organization_id": box.organization_id,
        "organization_name": box.organization.name,
        "status": box.status,
        "status_label": str(box.get_status_display()),
        "subject_count": getattr(box, "subject_count", None) or box.subjects.count(),
        "credential_count": getattr(box, "credential_count", None)
        or box.credentials.filter(is_rehearsal=False).count(),
        "is_sealed": box.is_sealed,
    }


def _float(value) -> float | None:
    return None if value is None else float(value)


@router.get("/ballot-boxes", response=list[BoxOut], summary="票箱列表")
@api_access("signed_in", "只列出用户的组织部门工作人员、部门领导授权覆盖的票箱")
def list_ballot_boxes(request):
    return [_box_out(box) for box in selectors.box_list_for(request.user)]


@router.get("/ballot-boxes/{box_id}", response=BoxDetailOut, summary="票箱详情")
@api_access("scoped", "票箱经 get_box_for 取得，范围外 404；只含投票进度，不含选票内容")
def get_ballot_box(request, box_id: int):
    box = selectors.box_list_for(request.user).filter(pk=box_id).first()
    if box is None:
        box = selectors.get_box_for(request.user, box_id)  # raises 404
    turnout = selectors.turnout(box)
    return {
        **_box_out(box),
        "scale": box.scale,
        "subjects": [
            {"id": s.pk, "name": s.name, "post": s.post, "section": s.section} for s in box.subjects.all()
        ],
        "categories": [{"name": c.name, "weight": _float(c.weight)} for c in box.categories.all()],
        "turnout": {"issued": turnout["issued"], "used": turnout["used"]},
    }


@router.get("/ballot-boxes/{box_id}/tally", response=TallyOut, summary="计票结果（封箱后，机密）")
@api_access("scoped", "EVA-9：仅覆盖该组织的组织部门工作人员和部门领导；封箱前 409")
def get_ballot_box_tally(request, box_id: int):
    box = selectors.get_box_for(request.user, box_id)
    if box.status != BoxStatus.CLOSED:
        raise ConflictError("票箱尚未封箱，封箱前不提供计票结果。", code="not_closed")
    report = selectors.tally_report(box)  # DSC-1: through the disclosure door
    if report["is_part_only"]:
        raise ConflictError(
            "本票箱是合并计票的一部分（述职评议会的会场或单列票箱），单独计票可与合并结果相减推算出个人评价；"
            "其选票只计入合并结果。",
            code="merged_only",
        )
    subjects = []
    for row in report["rows"]:
        release = row["release"]
        r = release.overall.result
        subjects.append(
            {
                "subject_id": row["subject"].pk,
                "name": row["subject"].name,
                "withheld": release.overall.withheld or None,
                "grade_counts": r.grade_counts if r else None,
                "valid": r.valid if r else None,
                "abstentions": r.abstentions if r else None,
                "invalid_marks": r.invalid_marks if r else None,
                "top_rate": _float(r.top_rate) if r else None,
                "top_two_rate": _float(r.top_two_rate) if r else None,
                "score": _float(r.score) if r else None,
                "is_weighted": release.is_weighted,
                "by_category": [
                    {
                        "label": g.label,
                        "categories": list(g.categories),
                        "ballots": g.ballots,
                        "grade_counts": g.result.grade_counts,
                    }
                    for g in release.groups
                ],
            }
        )
    return {
        "box_id": box.pk,
        "valid_ballots": report["valid_ballots"],
        "invalid_ballots": report["invalid_ballots"],
        "subjects": subjects,
        "categories": [
            {
                "label": g.label,
                "categories": list(g.categories),
                "ballots": g.ballots,
                "is_hidden": g.is_hidden,
            }
            for g in report["groups"]
        ],
    }
