"""Oversight pages (OVS-1 … OVS-3): thin — parse, call a selector or service, render."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import permissions as campaign_permissions
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import STAGE_ORDER, ReportingMode, Stage
from shuping.campaigns.views import _detail_page as campaign_page
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError
from shuping.core.forms import handle_form

from . import documents, exports, rules, selectors, services
from .forms import DraftUpwardReportForm, UpwardReportForm

#: Rows of the children tables per page on the dashboard (PERF-5).
CHILDREN_PER_PAGE = 50


def _year(request: AuthenticatedHttpRequest) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if 2019 <= year <= 2100 else None


def _chart_data(board: selectors.Dashboard) -> dict:
    """What static/oversight/dashboard.js draws (ECharts), passed with json_script."""
    return {
        "stages": [str(Stage(s).label) for s in STAGE_ORDER],
        "stage_totals": [board.stage_totals[s] for s in STAGE_ORDER],
        "children": [r.name for r in board.rows],
        "late": [r.late for r in board.rows],
        "on_time": [r.assessments - r.late for r in board.rows],
        "trend_years": [str(t["year"]) for t in board.trend],
        "trend_assessments": [t["assessees"] for t in board.trend],
        "trend_decided": [t["decided"] for t in board.trend],
        "trend_campaigns": [t["campaigns"] for t in board.trend],
    }


@signed_in("监督指导首页：只列出用户可监督的组织、收到和发出的报告")
@require_GET
def index(request: AuthenticatedHttpRequest):
    roots = list(selectors.oversight_roots_for(request.user))
    return render(
        request,
        "oversight/index.html",
        {
            "roots": roots,
            "inbox": list(selectors.inbox_for(request.user)[:50]),
            "sent": list(selectors.sent_reports_for(request.user)[:50]),
        },
    )


@scoped(
    "组织须在用户“组织部门工作人员/部门领导（含下级）”授权的子树内（selectors.get_oversight_org_for，否则 404）"
)
@require_GET
def dashboard(request: AuthenticatedHttpRequest, pk: int):
    org = selectors.get_oversight_org_for(request.user, pk)
    board = selectors.dashboard_for(org, year=_year(request))
    ancestors = [a for a in org.__class__.objects.ancestors_of(org) if selectors.can_oversee(request.user, a)]
    # PERF-5: a county has hundreds of children; the tables show a page of them (totals over all of
    # them), the chart and the Excel export every one.
    rows = Paginator(board.rows, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/dashboard.html",
        {
            "board": board,
            "org": org,
            "ancestors": ancestors,
            "rows": rows,
            "stage_labels": [Stage(s).label for s in STAGE_ORDER],
            "stage_rows": [(r, [r.stages[s] for s in STAGE_ORDER]) for r in [*rows, board.totals]],
            "chart": _chart_data(board),
        },
    )


@scoped("同看板：组织须在用户可监督的子树内，否则 404")
@require_GET
def dashboard_export(request: AuthenticatedHttpRequest, pk: int):
    org = selectors.get_oversight_org_for(request.user, pk)
    board = selectors.dashboard_for(org, year=_year(request))
    response = HttpResponse(
        exports.dashboard_xlsx(board),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="dashboard-{org.pk}-{board.year}.xlsx"'
    return response


@dataclass(frozen=True)
class _OverviewRow:
    """One assessment on the read-only campaign view: progress only (EVA-9)."""

    organization_name: str
    person_name: str
    is_graded: bool
    mode_label: str
    stage_label: str
    is_late: bool


@scoped("考核的组织单位须在用户可监督的子树内（selectors.get_overseeable_campaign_for，否则 404）；只读")
@require_GET
def campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = selectors.get_overseeable_campaign_for(request.user, pk)
    today = timezone.localdate()
    schedule = {
        "field_starts_on": campaign.field_starts_on,
        "field_ends_on": campaign.field_ends_on,
        "meetings_end_on": campaign.meetings_end_on,
        "ends_on": campaign.ends_on,
    }
    # PERF-5: labels looked up once, not get_<field>_display per row (each builds and hashes the lazily
    # translated choices: ≈ 4,000 gettext calls for 400 assessees).
    stage_labels = {s: str(Stage(s).label) for s in STAGE_ORDER}
    mode_labels = {str(v): str(label) for v, label in ReportingMode.choices}
    counts = dict.fromkeys(STAGE_ORDER, 0)
    assessments = []
    for a in selectors.assessments_for_overview(campaign, today):
        counts[a.stage] += 1
        assessments.append(
            _OverviewRow(
                organization_name=a.organization_name,
                person_name=a.person_name,
                is_graded=a.is_graded,
                mode_label=mode_labels.get(a.reporting_mode, a.reporting_mode),
                stage_label=stage_labels.get(a.stage, a.stage),
                is_late=rules.is_late(a.stage, today, **schedule),
            )
        )
    return render(
        request,
        "oversight/campaign.html",
        {
            "campaign": campaign,
            "assessments": assessments,
            "stage_counts": [(Stage(s).label, counts[s]) for s in STAGE_ORDER],
            "late_count": sum(1 for a in assessments if a.is_late),
            "plans": list(selectors.meeting_plans_of(campaign)),
            "expected": Stage(rules.expected_stage(today, **schedule)).label,
        },
    )


@scoped("考核经 campaigns.selectors.get_campaign_for 取得（404）；起草须为本次考核的组织部门工作人员（403）")
@require_POST
def report_draft(request: AuthenticatedHttpRequest, pk: int):
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not campaign_permissions.can_manage_campaign(request.user, campaign):
        raise PermissionDenied
    return handle_form(
        request,
        DraftUpwardReportForm(request.POST),
        lambda data: services.draft_upward_report(
            actor=request.user, campaign=campaign, addressee=data["addressee"]
        ),
        success=None,
        redirect_to=lambda report: reverse("oversight:report", args=[report.pk]),
        render_page=lambda failed: campaign_page(request, campaign, failed=failed),
    )


@scoped(
    "报告单位的组织部门工作人员；报送后上一级组织部门（selectors.get_report_for，否则 404）；修改仅限草稿（403）"
)
@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedHttpRequest, pk: int):
    report = selectors.get_report_for(request.user, pk)
    can_edit = selectors.can_edit_report(request.user, report)
    form = UpwardReportForm(instance=report)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = UpwardReportForm(request.POST, instance=report)
        if form.is_valid():
            try:
                services.update_upward_report(
                    actor=request.user,
                    report=report,
                    **{n: form.cleaned_data[n] for n in services.EDITABLE_FIELDS},
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "已保存。")
                return redirect("oversight:report", pk=report.pk)
    return render(
        request,
        "oversight/report.html",
        {
            "report": report,
            "form": form,
            "can_edit": can_edit,
            "sections": [(h, getattr(report, n)) for h, n in documents.SECTIONS],
        },
    )


@scoped("同报告页；报送仅限报告单位的组织部门工作人员且为草稿（403）")
@require_POST
def report_submit(request: AuthenticatedHttpRequest, pk: int):
    report = selectors.get_report_for(request.user, pk)
    if not selectors.can_edit_report(request.user, report):
        raise PermissionDenied
    try:
        services.submit_upward_report(actor=request.user, report=report)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"已报送{report.addressee_name}。"
            + ("请导出 PDF 或 Word 文件，按规定渠道报送。" if report.is_external else ""),
        )
    return redirect("oversight:report", pk=report.pk)


@scoped("同报告页（selectors.get_report_for，否则 404）")
@require_GET
def report_file(request: AuthenticatedHttpRequest, pk: int, fmt: str):
    report = selectors.get_report_for(request.user, pk)
    if fmt == "pdf":
        data, content_type = documents.report_pdf(report), "application/pdf"
    else:
        data = documents.report_docx(report)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="upward-report-{report.pk}.{fmt}"'
    return response
