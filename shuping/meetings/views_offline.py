"""Offline venue pack pages (MTG-6): export a box for a laptop, import its sealed results file."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shuping.core.access import scoped
from shuping.core.errors import DomainError

from . import offline
from .models import MeetingBox
from .views import _managed

MAX_RESULTS_BYTES = 5 * 1024 * 1024


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；仅组织部门工作人员可导出（否则 403）；配对密钥只在本次响应中出现"
)
@require_POST
def offline_export(request: HttpRequest, pk: int, box_pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    meeting_box = get_object_or_404(MeetingBox, meeting=meeting, pk=box_pk)
    try:
        content, secret = offline.export_venue_pack(actor=request.user, meeting_box=meeting_box)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:detail", pk=pk)
    response = render(
        request,
        "meetings/offline_export.html",
        {
            "meeting": meeting,
            "meeting_box": meeting_box,
            "secret": secret,
            "href": offline.pack_download_href(content),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；仅组织部门工作人员可导入（否则 403）；校验摘要和签名，拒绝篡改或重放的文件"
)
@require_POST
def offline_import(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_RESULTS_BYTES:
        messages.error(request, "请选择离线会场结果文件（不超过 5 MB）。")
        return redirect("meetings:detail", pk=pk)
    try:
        export = offline.import_results(actor=request.user, meeting=meeting, data=upload.read())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已导入离线会场结果：{export.ballots_imported}张选票。")
    return redirect("meetings:detail", pk=pk)
