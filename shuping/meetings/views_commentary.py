"""The meeting's 点评定稿 page (FLOW-4): every reporter's final 点评 on one page, drafts prefilled, each row
entered on its commenter's behalf (代录) — one submit instead of one form per commenter and reporter."""

from __future__ import annotations

from typing import TypedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped
from shuping.core.errors import DomainError
from shuping.core.forms import add_domain_error

from . import commentary as commentary_services
from . import permissions, selectors
from .choices import MeetingStatus
from .forms import FinaliseForm
from .models import Commentary


class _Row(TypedDict):
    c: Commentary
    key: str
    form: FinaliseForm
    checked: bool


def _initial(c) -> dict:
    return {
        "remarks": c.remarks or c.draft_text,
        "direction": c.direction,
        "problems": "\n".join(f"{p.get_category_display()}｜{p.text}" for p in c.problems.all()),
    }


def _batch_meeting(request: AuthenticatedHttpRequest, pk: int):
    """The meeting (404), its drafts readable (403, EVA-9), and a POST only from who may enter (403)."""
    meeting = selectors.get_meeting_for(request.user, pk)
    if not permissions.can_see_drafts(request.user, meeting):
        raise PermissionDenied
    can_edit = permissions.can_edit_commentary(request.user, meeting)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    return meeting, can_edit


def _rows(commentaries, data) -> list[_Row]:
    """One row per commentary; on a POST (`data`) the ticked rows are bound, else the open ones ticked."""
    chosen = set(data.getlist("finalise")) if data is not None else set()
    rows: list[_Row] = []
    for c in commentaries:
        key = f"c{c.pk}"
        checked = key in chosen if data is not None else not c.is_final
        form = FinaliseForm(data if checked else None, prefix=key, initial=_initial(c))
        rows.append({"c": c, "key": key, "form": form, "checked": checked})
    return rows


def _finalise(request: AuthenticatedHttpRequest, meeting, picked: list[_Row]) -> bool:
    """Enter the ticked rows in one go (nothing is saved unless all are); a refusal goes on its row."""
    if not all(r["form"].is_valid() for r in picked):
        messages.error(request, "有的点评未填完整，请看标出的行（本次均未保存）。")
        return False
    inputs = [
        commentary_services.FinalInput(
            commentary=r["c"],
            remarks=r["form"].cleaned_data["remarks"],
            direction=r["form"].cleaned_data["direction"],
            problems=r["form"].problem_inputs(),
        )
        for r in picked
    ]
    try:
        done = commentary_services.finalise_commentaries(actor=request.user, meeting=meeting, rows=inputs)
    except DomainError as exc:
        messages.error(request, exc.message)
        key, _, field = (exc.field or "").partition("-")
        for r in picked:
            if r["key"] == key:
                add_domain_error(r["form"], DomainError(exc.message, field=field))
        return False
    messages.success(request, f"已代录 {len(done)} 条点评定稿。")
    return True


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；点评稿仅组织部门工作人员和部门领导可见（EVA-9，否则 403），录入须为组织部门工作人员（403）"
)
def commentary_batch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting, can_edit = _batch_meeting(request, pk)
    is_post = request.method == "POST"
    commentaries = selectors.commentaries_of(meeting)
    rows = _rows(commentaries, request.POST if is_post else None)
    if is_post and _finalise(request, meeting, [r for r in rows if r["checked"]]):
        return redirect("meetings:commentaries", pk=meeting.pk)
    return render(
        request,
        "meetings/commentary_batch.html",
        {
            "meeting": meeting,
            "rows": rows,
            "can_edit": can_edit,
            "is_planned": meeting.status == MeetingStatus.PLANNED,
            "final_count": sum(1 for c in commentaries if c.is_final),
        },
    )
