"""Offline venue pack pages (MTG-6): export a box for a laptop, import its sealed results file."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.ballots import permissions as ballot_permissions
from shuping.ballots import selectors as ballot_selectors
from shuping.ballots.slips import qr_svg
from shuping.core import crypto, uploads
from shuping.core.access import scoped
from shuping.core.errors import DomainError
from shuping.core.forms import add_domain_error, error_context
from shuping.documents.render import DocumentRenderError

from . import offline
from .forms import OfflineExportForm
from .models import MeetingBox, OfflineVenue
from .pages import detail_context, managed_meeting

MAX_RESULTS_BYTES = uploads.OFFLINE_RESULTS.max_bytes


def _slips_pdf_href(
    pack: offline.VenuePack, meeting_box: MeetingBox, vote_url: str, receipts_url: str
) -> str:
    """The printable slip sheet as a data: link (PDF), or "" if the PDF engine is unavailable here."""
    from shuping.ballots import printing

    try:
        pdf = printing.slips_pdf(
            box=meeting_box.box,
            slips=pack.slips,
            vote_url=vote_url or "（本会场只用纸质票）",
            receipts_url=receipts_url,
        )
    except (DocumentRenderError, ImportError, OSError):
        return ""
    return "data:application/pdf;base64," + base64.b64encode(pdf).decode()


def _detail_again(request: AuthenticatedHttpRequest, meeting, failed: OfflineExportForm) -> HttpResponse:
    """The meeting's page again with the refused export (400; 200 for htmx, which swaps only 2xx)."""
    context = {**detail_context(request, meeting), **error_context(failed)}
    return render(
        request, "meetings/detail.html", context, status=200 if getattr(request, "htmx", False) else 400
    )


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；仅组织部门工作人员可导出（否则 403）；配对密钥和离线凭条码只在本次响应中出现"
)
@require_POST
def offline_export(request: AuthenticatedHttpRequest, pk: int, box_pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    meeting_box = get_object_or_404(MeetingBox, meeting=meeting, pk=box_pk)
    form = OfflineExportForm(request.POST)
    if not form.is_valid():
        return _detail_again(request, meeting, form)
    try:
        pack = offline.export_venue_pack(
            actor=request.user, meeting_box=meeting_box, vote_url=form.cleaned_data["vote_url"]
        )
    except DomainError as exc:
        # Not `handle_form`: a successful export is drawn here (its codes exist only in this response).
        add_domain_error(form, exc)
        return _detail_again(request, meeting, form)
    payload = offline.json.loads(pack.content)["payload"]
    vote_url = payload["vote_url"]
    receipts_url = f"{vote_url}{payload['public_id']}/receipts" if vote_url else ""
    response = render(
        request,
        "meetings/offline_export.html",
        {
            "meeting": meeting,
            "meeting_box": meeting_box,
            "pack": pack,
            "secret": pack.secret,
            "vote_url": vote_url,
            "receipts_url": receipts_url,
            "counts": sorted(pack.export.slip_counts.items()),
            "href": offline.pack_download_href(pack.content),
            "pdf_href": _slips_pdf_href(pack, meeting_box, vote_url, receipts_url),
            "sheet": [
                {"slip": s, "qr": qr_svg(f"{vote_url}#{s.code}") if vote_url else ""} for s in pack.slips
            ],
        },
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；仅组织部门工作人员可导入（否则 403）；校验摘要和签名，拒绝篡改或重放的文件"
)
@require_POST
def offline_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    try:
        upload = uploads.receive(request, "file", uploads.OFFLINE_RESULTS)
        if upload is None:
            messages.error(request, "请选择离线会场结果文件（不超过 5 MB）。")
            return redirect("meetings:detail", pk=pk)
        export = offline.import_results(actor=request.user, meeting=meeting, data=upload.data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"已导入{export.meeting_box.venue.name}的离线会场结果：{export.ballots_imported}张选票，"
            f"已计入本次会议的测评汇总。结果文件 SM3 摘要 {export.results_sm3[:16]}…，请与会场计票结果报告单上抄写的摘要核对。",
        )
    return redirect("meetings:detail", pk=pk)


@scoped(
    "笔记本上的离线会场：票箱经 ballots.selectors.get_box_for 取得（范围外 404）；仅可管理该票箱的组织部门工作人员可导出（否则 403）；"
    "未载入会场包的票箱 404；封箱前不生成文件"
)
@require_POST
def offline_results(request: AuthenticatedHttpRequest, box_pk: int) -> HttpResponse:
    """On the venue laptop: the sealed results file of the loaded venue's closed box, as a download —
    the same bytes `shuping offline results` writes (MTG-6)."""
    box = ballot_selectors.get_box_for(request.user, box_pk)
    if not ballot_permissions.can_manage_box(request.user, box):
        raise PermissionDenied
    venue = OfflineVenue.objects.filter(box=box).first()
    if venue is None:
        raise Http404
    try:
        data = offline.venue_results(venue=venue, actor=request.user, source="web")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ballots:detail", pk=box.pk)
    serial = str(venue.serial).replace("-", "")[:8]
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"离线会场结果-{serial}.json")
    response["Cache-Control"] = "no-store"
    response["X-Shuping-SM3"] = crypto.sm3_hex(data)
    return response
