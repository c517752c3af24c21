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


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；点评稿仅组织部门工作人员和部门领导可见（EVA-9，否则 403），录入须为组织部门工作人员（403）"
)
def commentary_batch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    if not permissions.can_see_drafts(request.user, meeting):
        raise PermissionDenied
    can_edit = permissions.can_edit_commentary(request.user, meeting)
    commentaries = selectors.commentaries_of(meeting)
    is_post = request.method == "POST"
    if is_post and not can_edit:
        raise PermissionDenied
    chosen = {x for x in request.POST.getlist("finalise")} if is_post else set()
    rows: list[_Row] = []
    for c in commentaries:
        key = f"c{c.pk}"
        checked = key in chosen if is_post else not c.is_final
        form = FinaliseForm(request.POST if is_post and checked else None, prefix=key, initial=_initial(c))
        rows.append({"c": c, "key": key, "form": form, "checked": checked})
    if is_post:
        picked = [r for r in rows if r["checked"]]
        if all(r["form"].is_valid() for r in picked):
            try:
                done = commentary_services.finalise_commentaries(
                    actor=request.user,
                    meeting=meeting,
                    rows=[
                        commentary_services.FinalInput(
                            commentary=r["c"],
                            remarks=r["form"].cleaned_data["remarks"],
                            direction=r["form"].cleaned_data["direction"],
                            problems=r["form"].problem_inputs(),
                        )
                        for r in picked
                    ],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                key, _, field = (exc.field or "").partition("-")
                for r in picked:
                    if r["key"] == key:
                        r["form"].add_error(field if field in r["form"].fields else None, exc.message)
            else:
                messages.success(request, f"已代录 {len(done)} 条点评定稿。")
                return redirect("meetings:commentaries", pk=meeting.pk)
        else:
            messages.error(request, "有的点评未填完整，请看标出的行（本次均未保存）。")
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
