"""Report pages (REP-1, REP-2, REP-4): the list, one report (write / upload / submit / review), the printable
and PDF views, the original file, the organizer's quality table, near-copy comparison and problem matrix.
Thin: parse, call a service or a selector, render. Out of scope → 404 (selectors); not allowed → 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import selectors as campaign_selectors
from shuping.core import uploads
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError
from shuping.core.forms import handle_form

from . import matrix, permissions, selectors, services, similarity
from .choices import EDITABLE, ReportStatus
from .forms import ReportForm, ReviewForm, UploadForm

_SCOPED = "经 campaigns.selectors.get_assessment_for 取考核对象（范围外 404）；"


def _assessment(request: AuthenticatedHttpRequest, pk: int):
    return campaign_selectors.get_assessment_for(request.user, pk)


def _organizer_only(request: AuthenticatedHttpRequest, assessment):
    if not permissions.can_see_quality(request.user, assessment.campaign):
        raise PermissionDenied


@signed_in("列出本人可见的考核对象及其述职报告状态（selectors.assessments_for_overview，按考核授权限定范围）")
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.assessments_for_overview(request.user)
    items = []
    quality_campaigns = {}
    for a in rows:
        if a.campaign_id not in quality_campaigns:
            quality_campaigns[a.campaign_id] = permissions.can_see_quality(request.user, a.campaign)
        items.append({"assessment": a, "report": selectors.report_of(a)})
    campaigns = {a.campaign_id: a.campaign for a in rows if quality_campaigns.get(a.campaign_id)}
    return render(request, "reports/list.html", {"items": items, "organizer_campaigns": campaigns.values()})


def _form_initial(report) -> dict:
    if report is None:
        return {}
    initial = {
        "achievements": report.achievements,
        "problems": "\n".join(report.problem_texts),
        "causes": report.causes,
        "measures": report.measures,
    }
    for answer in report.carry_over_answers or []:
        initial[f"answer_{answer.get('key')}"] = answer.get("answer", "")
    return initial


def _carry_over(assessment, report) -> list[dict]:
    items = services.carry_over_items(assessment)
    items += [
        {"key": "docx", "item": a["item"]}
        for a in (report.carry_over_answers if report else [])
        if a.get("key") == "docx"
    ]
    return items


@scoped(
    _SCOPED
    + "起草、保存仅限考核对象本人或其联络员（permissions.can_draft_report，否则 403）；草稿内容仅起草人可见"
)
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    report = selectors.report_of(assessment)
    carry_over = _carry_over(assessment, report)
    if request.method != "POST":
        form = ReportForm(initial=_form_initial(report), carry_over=carry_over)
        return _edit_page(request, assessment, report, form, carry_over)
    if not permissions.can_draft_report(request.user, assessment):
        raise PermissionDenied
    form = ReportForm(request.POST, carry_over=carry_over)
    return handle_form(
        request,
        form,
        lambda _data: services.save_report(
            actor=request.user, assessment=assessment, carry_over_answers=form.answers(), **form.sections()
        ),
        success="已保存。",
        redirect_to=reverse("reports:edit", args=[assessment.pk]),
        render_page=lambda failed: _edit_page(request, assessment, report, failed, carry_over),
    )


def _organizer_part(request: AuthenticatedHttpRequest, campaign, report, can_read: bool) -> dict:
    """What the organizer sees on the page: the review buttons and the REP-2 checks (not the drafter's)."""
    can_see_quality = permissions.can_see_quality(request.user, campaign)
    return {
        "can_review": permissions.can_review_reports(request.user, campaign)
        and report is not None
        and report.status == ReportStatus.SUBMITTED,
        "can_see_quality": can_see_quality,
        "quality": selectors.quality_for(report, campaign) if report and can_read and can_see_quality else [],
        "review_form": ReviewForm(),
    }


def _edit_page(
    request: AuthenticatedHttpRequest, assessment, report, form, carry_over: list[dict]
) -> HttpResponse:
    can_draft = permissions.can_draft_report(request.user, assessment)
    can_read = permissions.can_read_report(request.user, assessment, report)
    campaign = assessment.campaign
    context = {
        "assessment": assessment,
        "campaign": campaign,
        "report": report if can_read else None,
        "report_status": ReportStatus(report.status).label if report else "未开始",
        "can_draft": can_draft,
        "is_editable": can_draft and (report is None or report.status in EDITABLE),
        "form": form,
        "upload_form": UploadForm(),
        "answer_fields": [form[f"answer_{item['key']}"] for item in carry_over],
        "due_on": report.due_on if report and report.due_on else services.due_on(campaign),
        **_organizer_part(request, campaign, report, can_read),
    }
    return render(request, "reports/edit.html", context)


@require_POST
@scoped(_SCOPED + "上传签字版仅限考核对象本人或其联络员（permissions.can_draft_report，否则 403）")
def report_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not permissions.can_draft_report(request.user, assessment):
        raise PermissionDenied
    try:
        upload = uploads.receive(request, "file", uploads.REPORT_DOCX)
        if upload is None:
            messages.error(request, "请选择要上传的 .docx 文件。")
            return redirect("reports:edit", pk=assessment.pk)
        report = services.upload_report_docx(
            actor=request.user, assessment=assessment, data=upload.data, filename=upload.name
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已读取上传的报告：识别出 {len(report.problems)} 条突出问题。请核对各栏内容后提交。"
        )
    return redirect("reports:edit", pk=assessment.pk)


@require_POST
@scoped(_SCOPED + "提交仅限考核对象本人或其联络员（permissions.can_draft_report，否则 403）")
def report_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not permissions.can_draft_report(request.user, assessment):
        raise PermissionDenied
    try:
        report = services.submit_report(actor=request.user, assessment=assessment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        note = "（已逾期，已标记为逾期提交）" if report.is_late else ""
        messages.success(request, f"述职报告已提交组织部门{note}。")
    return redirect("reports:edit", pk=assessment.pk)


@require_POST
@scoped(
    _SCOPED + "审核（通过、退回）仅限本次考核的组织部门工作人员（permissions.can_review_reports，否则 403）"
)
def report_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not permissions.can_review_reports(request.user, assessment.campaign):
        raise PermissionDenied
    report = selectors.report_of(assessment)
    if report is None:
        raise Http404
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse("请选择审核结果。", status=400, content_type="text/plain; charset=utf-8")
    try:
        if form.cleaned_data["action"] == "accept":
            services.accept_report(actor=request.user, report=report)
            messages.success(request, "述职报告已审核通过。")
        else:
            services.return_report(actor=request.user, report=report, remarks=form.cleaned_data["remarks"])
            messages.success(request, "已退回修改，并通知起草人。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reports:edit", pk=assessment.pk)


def _readable_report(request: AuthenticatedHttpRequest, pk: int):
    assessment = _assessment(request, pk)
    report = selectors.report_of(assessment)
    if report is None:
        raise Http404
    if not permissions.can_read_report(request.user, assessment, report):
        raise PermissionDenied
    return assessment, report


@scoped(_SCOPED + "报告须存在（否则 404）；草稿仅起草人可看（permissions.can_read_report，否则 403）")
def report_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, report = _readable_report(request, pk)
    return render(request, "reports/print.html", {"assessment": assessment, "report": report})


@scoped(_SCOPED + "报告须存在（否则 404）；草稿仅起草人可看（permissions.can_read_report，否则 403）")
def report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from .export import report_pdf as render_pdf

    _assessment_obj, report = _readable_report(request, pk)
    response = HttpResponse(render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{report.assessment_id}.pdf"'
    return response


@scoped(_SCOPED + "签字版原件须存在（否则 404）；草稿仅起草人可取（permissions.can_read_report，否则 403）")
def report_original(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    _assessment_obj, report = _readable_report(request, pk)
    if not report.original_file:
        raise Http404
    return FileResponse(
        report.original_file.open("rb"), as_attachment=True, filename=report.original_name or "report.docx"
    )


@scoped(_SCOPED + "雷同比对仅限组织单位（组织部门工作人员、部门领导，permissions.can_see_quality，否则 403）")
def report_similar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    _organizer_only(request, assessment)
    report = selectors.report_of(assessment)
    if report is None:
        raise Http404
    comparisons = []
    for copy in selectors.near_copies_of(report):
        a, b = report.full_text, copy.other.full_text
        passages = similarity.shared_passages(a, b)
        comparisons.append(
            {
                "copy": copy,
                "label": selectors.report_label(copy.other),
                "passages": passages,
                "left": similarity.highlight(a, [(p.start_a, p.start_a + len(p.text)) for p in passages]),
                "right": similarity.highlight(b, [(p.start_b, p.start_b + len(p.text)) for p in passages]),
            }
        )
    return render(
        request,
        "reports/similar.html",
        {"assessment": assessment, "report": report, "comparisons": comparisons},
    )


@scoped(
    _SCOPED
    + "问题对照表和点评稿保密（EVA-9），仅限组织部门工作人员、部门领导（permissions.can_see_quality，否则 403）"
)
def report_matrix(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    _organizer_only(request, assessment)
    problem_matrix = matrix.build(assessment)
    commenters_text = request.GET.get("commenters", "")[:5000]
    commenters = matrix.parse_portfolios(commenters_text)
    drafts = matrix.draft_commentaries(
        problem_matrix, person_name=assessment.person_name, commenters=commenters
    )
    return render(
        request,
        "reports/matrix.html",
        {
            "assessment": assessment,
            "matrix": problem_matrix,
            "drafts": drafts,
            "commenters_text": commenters_text,
            "sources": matrix.sources(),
        },
    )


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（范围外 404）；质量检查仅限组织部门工作人员、部门领导"
    "（permissions.can_see_quality，否则 403）"
)
def campaign_quality(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_see_quality(request.user, campaign):
        raise PermissionDenied
    rows = selectors.quality_table(campaign)
    return render(
        request,
        "reports/quality.html",
        {
            "campaign": campaign,
            "rows": rows,
            "max_chars": services.max_chars(campaign),
            "due_on": services.due_on(campaign),
            "submitted": sum(1 for r in rows if r.report and r.report.status != ReportStatus.DRAFT),
            "late": sum(1 for r in rows if r.report and r.report.is_late),
            "can_publish": permissions.can_publish_reports(request.user, campaign),
        },
    )
