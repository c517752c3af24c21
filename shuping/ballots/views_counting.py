"""Counting pages (BAL-4, BAL-7, MTG-4): paper entry, reconciliation and certificate, the meeting
screen, and the public receipt list. Thin: parse, call a service or selector, render.

Organizer pages resolve the box through `selectors.get_box_for` (404 out of scope) and check
`permissions.can_manage_box` / `can_view_tally` (403). The receipt list is public: it shows only keyed
fingerprints of the counted receipts of a sealed box, sorted, and checks a receipt the voter types
(DSC-3) — no marks, no counts per subject, no categories.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import public, scoped
from shuping.core.errors import DomainError
from shuping.core.forms import error_context, handle_form

from . import permissions, printing, selectors, services_counting
from .choices import BoxStatus
from .forms import AttendanceForm, CertifyForm, ReceiptCheckForm, ReconcileActionForm
from .views import _manageable
from .views_vote import voting_headers

PAPER_MODES = ("enter", "spoiled", "void", "verify", "correct")


@scoped("票箱经 get_box_for 取得（范围外 404），仅组织部门工作人员可录入纸质票（否则 403）")
@require_GET
def paper_entry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The keyboard-only entry screen: code → one key per rating → check count → Enter."""
    box = _manageable(request, pk)
    subjects = list(box.subjects.all())
    dimensions = list(box.dimensions.all())
    cells = []
    for subject in subjects:
        cells.append({"subject": subject.pk, "dimension": None, "label": subject.name})
        for dimension in dimensions:
            cells.append(
                {
                    "subject": subject.pk,
                    "dimension": dimension.pk,
                    "label": f"{subject.name}·{dimension.name}",
                }
            )
    scale = [
        {"key": str(k), "label": str(label), "hotkey": str(i + 1)}
        for i, (k, label, _s) in enumerate(box.scale)
    ]
    return render(
        request,
        "ballots/paper_entry.html",
        {
            "box": box,
            "subjects": subjects,
            "scale": scale,
            "config": {
                "url": reverse("ballots:paper_submit", args=[box.pk]),
                "check_url": reverse("ballots:paper_check", args=[box.pk]),
                "cells": cells,
                "scale": scale,
            },
            "reconciliation": services_counting.reconciliation(box),
        },
    )


def _paper_body(request: AuthenticatedHttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise DomainError("请求格式不正确，请刷新页面后重试。", code="malformed") from None
    if not isinstance(data, dict) or data.get("mode") not in PAPER_MODES:
        raise DomainError("请求格式不正确，请刷新页面后重试。", code="malformed")
    return data


def _declared(data: dict) -> int | None:
    value = data.get("declared_count")
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("核对数应为数字。", field="declared_count", code="count") from None


@scoped("票箱经 get_box_for 取得（范围外 404），仅组织部门工作人员可录入（否则 403）；不记录任何单张票日志")
@require_POST
def paper_submit(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """One keyed slip: first entry, spoiled ballot, voided slip, second entry or correction (JSON)."""
    box = _manageable(request, pk)
    try:
        data = _paper_body(request)
        mode, code = data["mode"], str(data.get("code", ""))
        ratings = data.get("ratings") or {}
        dimension_ratings = data.get("dimension_ratings") or {}
        answer: dict = {"mode": mode}
        if mode in ("enter", "spoiled"):
            services_counting.enter_paper_ballot(
                actor=request.user,
                box=box,
                code=code,
                ratings=ratings,
                dimension_ratings=dimension_ratings,
                declared_count=_declared(data),
                is_spoiled=mode == "spoiled",
            )
            answer["message"] = "已录入废票。" if mode == "spoiled" else "已录入。"
        elif mode == "void":
            services_counting.void_slip(actor=request.user, box=box, code=code)
            answer["message"] = "已登记作废凭条。"
        elif mode == "verify":
            check = services_counting.verify_paper_ballot(
                actor=request.user,
                box=box,
                code=code,
                ratings=ratings,
                dimension_ratings=dimension_ratings,
                is_spoiled=bool(data.get("is_spoiled")),
            )
            answer["match"] = check.is_match
            answer["message"] = (
                "复核一致。" if check.is_match else "复核不一致：" + "、".join(check.differences)
            )
        else:
            services_counting.correct_paper_ballot(
                actor=request.user,
                box=box,
                code=code,
                ratings=ratings,
                dimension_ratings=dimension_ratings,
                declared_count=_declared(data),
            )
            answer["message"] = "已按纸质票更正。"
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code, "field": exc.field}, status=exc.status)
    figures = services_counting.reconciliation(box)
    answer["counts"] = {"paper": figures.paper, "spoiled": figures.spoiled, "voided": figures.voided}
    return JsonResponse(answer)


@scoped(
    "票箱经 get_box_for 取得（范围外 404），仅组织部门工作人员可核对凭条码（否则 403）；只读，不记录单张票日志"
)
@require_POST
def paper_check(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """FLOW-4: the keyed code checked before its marks are keyed (JSON: 200 usable, 4xx refused with why)."""
    box = _manageable(request, pk)
    try:
        data = _paper_body(request)
        services_counting.check_paper_slip(actor=request.user, box=box, code=str(data.get("code", "")))
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code, "field": exc.field}, status=exc.status)
    return JsonResponse({"ok": True, "message": "凭条有效，请按键录入评价。"})


@scoped("票箱经 get_box_for 取得（范围外 404）；填写签到人数、确认报告单仅限组织部门工作人员（否则 403）")
@require_http_methods(["GET", "POST"])
def reconcile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """清点核对: the counts, what does not balance and why, sampled second entries, and certification."""
    box = selectors.get_box_for(request.user, pk)
    if request.method != "POST":
        return _reconcile_page(request, box)
    if not permissions.can_manage_box(request.user, box):
        raise PermissionDenied
    chosen = ReconcileActionForm(request.POST)
    if not chosen.is_valid():
        return _reconcile_page(request, box, chosen, status=400)
    if chosen.cleaned_data["action"] == "attendance":
        form: forms.Form = AttendanceForm(request.POST)
        operation: Callable[[dict[str, Any]], object] = lambda data: services_counting.record_attendance(  # noqa: E731
            actor=request.user, box=box, attendees=data["attendees"]
        )
        success = "签到人数已保存。"
    else:
        form = CertifyForm(request.POST)
        operation = lambda data: services_counting.certify_box(  # noqa: E731
            actor=request.user, box=box, scrutineers=data["scrutineers"], counters=data["counters"]
        )
        success = "计票结果报告单已确认，请打印后由监票人、计票人签字。"
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("ballots:reconcile", args=[box.pk]),
        render_page=lambda failed: _reconcile_page(request, box, failed),
    )


def _reconcile_page(
    request: AuthenticatedHttpRequest, box, failed: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "ballots/reconcile.html",
        {
            "box": box,
            "figures": services_counting.reconciliation(box),
            "checks": selectors.paper_check_report(box),
            "certificate": getattr(box, "certificate", None),
            "can_manage": permissions.can_manage_box(request.user, box),
            "can_view_tally": permissions.can_view_tally(request.user, box),
            **error_context(failed),
        },
        status=status,
    )


@scoped(
    "票箱经 get_box_for 取得（范围外 404）；报告单含计票结果，仅组织部门工作人员和部门领导（EVA-9），确认后才有"
)
@require_GET
def certificate_file(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The certified 计票结果报告单 as PDF or .docx (404 until certified)."""
    box = selectors.get_box_for(request.user, pk)
    if not permissions.can_view_tally(request.user, box):
        raise PermissionDenied
    certificate = getattr(box, "certificate", None)
    if certificate is None or fmt not in ("pdf", "docx"):
        return HttpResponse(
            "计票结果报告单尚未确认。".encode(), status=404, content_type="text/plain; charset=utf-8"
        )
    data = printing.certificate_data(box=box, certificate=certificate, report=selectors.tally_report(box))
    if fmt == "pdf":
        response = HttpResponse(printing.certificate_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(
            printing.certificate_docx(data),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    response["Content-Disposition"] = f'attachment; filename="tally-certificate-{box.pk}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


def _screen_context(request: AuthenticatedHttpRequest, box) -> dict:
    shows_result = (
        box.announces_on_spot
        and box.status == BoxStatus.CLOSED
        and permissions.can_view_tally(request.user, box)
    )
    return {
        "box": box,
        "turnout": selectors.cached_turnout(box),
        "is_live": box.status != BoxStatus.CLOSED,
        "report": selectors.tally_report(box) if shows_result else None,
    }


@scoped("票箱经 get_box_for 取得（范围外 404）；会场大屏只显示投票进度，仅在事先选择当场公布且封箱后显示结果")
@require_GET
def screen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """MTG-4: the full-screen projector page of one box (large type), polling the live part."""
    box = selectors.get_box_for(request.user, pk)
    return render(request, "ballots/screen.html", _screen_context(request, box))


@scoped("票箱经 get_box_for 取得（范围外 404）；只返回缓存的投票进度，结果规则同会场大屏")
@require_GET
def screen_live(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The polled part of the projector page: cached turnout counter (MTG-4)."""
    box = selectors.get_box_for(request.user, pk)
    return render(request, "ballots/_screen_live.html", _screen_context(request, box))


@public(
    "封箱后公布的回执核对码清单，投票人输入回执码核对本人选票已计入（BAL-7、DSC-3）；只有核对码，无任何计票结果"
)
@voting_headers
@csrf_exempt
@require_http_methods(["GET", "POST"])
def receipts(request: HttpRequest, public_id: str) -> HttpResponse:
    """The published list of a sealed box (fingerprints of the counted receipts, sorted) and the voter's
    check: the receipt is typed into a POST body — never a URL — and answered with its fingerprint and
    whether it was counted (DSC-3). CSRF-exempt on purpose: the check changes nothing, and a forged
    cross-site post cannot read the answer."""
    box = selectors.get_public_box(public_id)
    context: dict[str, object] = {"box": box, "receipts": selectors.published_receipts(box)}
    if request.method == "POST":
        context["checked"] = selectors.check_receipt(box, ReceiptCheckForm(request.POST).typed())
        context["was_checked"] = True
    return render(request, "ballots/receipts.html", context)
