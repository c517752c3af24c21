"""/api/v1/meetings (MTG-1 … MTG-4): the same selectors as the pages; list and detail, scoped (SEC-2), with
a constant number of queries however many meetings or reporters there are (PERF-5)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from ninja import Router, Schema

from shuping.accounts.api_auth import API_AUTH
from shuping.core.api_base import api_access

from . import permissions, selectors
from .models import AgendaItem

router = Router(tags=["meetings"], auth=API_AUTH)


class ReporterOut(Schema):
    assessment_id: int
    organization_name: str
    person_name: str
    mode: str
    position: int


class MeetingOut(Schema):
    id: int
    campaign_id: int
    title: str
    form: str
    form_label: str
    held_on: date
    venue: str
    presiding_name: str
    commentary_mode: str
    status: str
    status_label: str
    plan_id: int | None
    on_site: list[ReporterOut]
    written: list[ReporterOut]


def _out(m) -> dict:
    items = [
        {
            "assessment_id": i.assessment_id,
            "organization_name": i.assessment.organization_name,
            "person_name": i.assessment.person_name,
            "mode": i.mode,
            "position": i.position,
        }
        for i in m.agenda.all()
    ]
    return {
        "id": m.pk,
        "campaign_id": m.campaign_id,
        "title": m.title,
        "form": m.form,
        "form_label": str(m.get_form_display()),
        "held_on": m.held_on,
        "venue": m.venue,
        "presiding_name": m.presiding_name,
        "commentary_mode": m.commentary_mode,
        "status": m.status,
        "status_label": str(m.get_status_display()),
        "plan_id": m.plan_id,
        "on_site": sorted([i for i in items if i["mode"] == "on_site"], key=lambda i: i["position"]),
        "written": sorted([i for i in items if i["mode"] == "written"], key=lambda i: i["position"]),
    }


def _queryset(user):
    return selectors.meetings_visible_to(user).prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.select_related("assessment"))
    )


@router.get("/meetings", response=list[MeetingOut], summary="本人可见的述职评议会")
@api_access(
    "signed_in",
    "selectors.meetings_visible_to：本人担任角色的考核的全部会议，或本人作为述职人、联络员参加的会议",
)
def list_meetings(request, campaign_id: int | None = None):
    qs = _queryset(request.user).order_by("-held_on", "pk")
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    return [_out(m) for m in qs]


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="一场述职评议会")
@api_access("scoped", "经 selectors.meetings_visible_to 取会议，范围外 404；不含点评稿和测评结果（EVA-9）")
def get_meeting(request, meeting_id: int):
    from django.http import Http404

    meeting = _queryset(request.user).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    _ = permissions  # detail carries no confidential field, so no further predicate applies
    return _out(meeting)
