"""Pages where the organization department manages a running campaign (SEC-1, CMP-1, CMP-5): the
人员与权限 panel (grant / revoke campaign roles), liaisons per assessment (pick or create on the spot),
stepping an assessment back one stage, adding one inspection finding, and closing the campaign.
Thin: parse, call a service or a selector, render. Out of scope → 404; not allowed → 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped
from shuping.core.errors import DomainError

from . import findings, people, permissions, selectors, services
from .choices import CampaignRole, CampaignStatus, FindingSource, Stage
from .forms import FindingForm, LiaisonAccountForm

#: Roles granted from the 人员与权限 panel; liaisons are named per assessment (SEC-1).
GRANTABLE_ROLES = [(v, label) for v, label in CampaignRole.choices if v != CampaignRole.LIAISON]


def _managed_campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = selectors.get_campaign_for(request.user, pk)
    if not permissions.can_manage_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


def _managed_assessment(request: AuthenticatedHttpRequest, pk: int):
    assessment = selectors.get_assessment_for(request.user, pk)
    if not permissions.can_manage_campaign(request.user, assessment.campaign):
        raise PermissionDenied
    return assessment


# --- 人员与权限 ----------------------------------------------------------------------------------------


def people_context(request: HttpRequest, campaign, *, query: str = "") -> dict:
    return {
        "campaign": campaign,
        "grants": list(selectors.campaign_grants(campaign)),
        "holders": list(selectors.organizer_role_holders(campaign)),
        "query": query,
        "found": list(selectors.grantable_users(campaign, query)) if query else [],
        "roles": GRANTABLE_ROLES,
        "can_edit": campaign.status != CampaignStatus.CLOSED,
    }


@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；人员与权限只对本次考核的组织部门工作人员开放（permissions.can_manage_campaign，否则 403）；可授权的用户限于组织单位及其下级党组织的已授权用户（selectors.grantable_users）"
)
def campaign_people(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    if request.method == "POST":
        try:
            _people_action(request, campaign)
        except DomainError as exc:
            messages.error(request, exc.message)
        if not request.htmx:
            return redirect("campaigns:people", pk=pk)
    query = request.GET.get("q", "")[:50] if request.method == "GET" else ""
    context = people_context(request, campaign, query=query)
    if request.htmx:
        partial = "results" if request.method == "GET" and "q" in request.GET else "panel"
        return render(request, f"campaigns/_people.html#{partial}", context)
    return render(request, "campaigns/people.html", context)


def _people_action(request: AuthenticatedHttpRequest, campaign) -> None:
    action = request.POST.get("action", "")
    if action == "grant":
        user = selectors.grantable_user(campaign, request.POST.get("user"))
        if user is None:
            raise DomainError("未找到该用户，或其不在本组织单位的授权范围内。", field="user")
        role = request.POST.get("role", "")
        services.grant_campaign_role(actor=request.user, campaign=campaign, user=user, role=role)
        messages.success(request, f"已授予 {user.display_name}“{CampaignRole(role).label}”角色。")
    elif action == "revoke":
        grant = selectors.campaign_grants(campaign).filter(pk=request.POST.get("grant") or 0).first()
        if grant is None:
            raise DomainError("未找到该授权。", field="grant")
        people.revoke_campaign_role(actor=request.user, grant=grant)
        messages.success(request, f"已撤销 {grant.user.display_name}的“{grant.get_role_display()}”角色。")
    else:
        raise DomainError("未知操作。")


# --- 联络员 ------------------------------------------------------------------------------------------


def liaison_context(assessment, *, can_manage: bool, form=None, created=None, password: str = "") -> dict:
    return {
        "can_manage": can_manage,
        "assessment": assessment,
        "liaisons": list(assessment.liaisons.all()),
        "candidates": list(selectors.liaison_candidates(assessment)),
        "account_form": form or LiaisonAccountForm(),
        "created": created,
        "initial_password": password,
        "can_edit": assessment.campaign.status != CampaignStatus.CLOSED and not assessment.is_excluded,
    }


@require_POST
@never_cache
@scoped(
    "经 selectors.get_assessment_for 取考核对象（范围外 404）；指定、移除联络员或当场创建联络员账号须为本次考核的组织部门工作人员（permissions.can_manage_campaign，否则 403）；初始密码只在本次响应中显示一次"
)
def assessment_liaisons(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, pk)
    action = request.POST.get("action", "")
    form, created, password = None, None, ""
    try:
        if action == "add":
            user = selectors.liaison_candidates(assessment).filter(pk=request.POST.get("user") or 0).first()
            if user is None:
                raise DomainError("请从本单位已授权的人员中选择联络员。", field="user")
            services.add_liaison(actor=request.user, assessment=assessment, user=user)
            messages.success(request, f"已指定 {user.display_name} 为联络员。")
        elif action == "remove":
            user = assessment.liaisons.filter(pk=request.POST.get("user") or 0).first()
            if user is None:
                raise DomainError("该用户不是本考核对象的联络员。", field="user")
            people.remove_liaison(actor=request.user, assessment=assessment, user=user)
            messages.success(request, f"已取消 {user.display_name} 的联络员指定。")
        elif action == "create":
            form = LiaisonAccountForm(request.POST)
            if not form.is_valid():
                raise DomainError("请填写联络员姓名和用户名。")
            created, password = people.create_liaison_account(
                actor=request.user,
                assessment=assessment,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
            )
            form = None
        else:
            raise DomainError("未知操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
    if not request.htmx and not password:
        return redirect("campaigns:assessment", pk=pk)
    assessment = selectors.get_assessment_for(request.user, pk)
    context = liaison_context(assessment, can_manage=True, form=form, created=created, password=password)
    if request.htmx:
        return render(request, "campaigns/_liaisons.html", context)
    # Without htmx the new account's initial password is shown on the assessment page itself, once.
    from .views import assessment_context

    return render(
        request, "campaigns/assessment.html", {**assessment_context(request, assessment), **context}
    )


# --- 退回上一阶段 -------------------------------------------------------------------------------------


@require_POST
@scoped(
    "经 selectors.get_assessment_for 取考核对象（404）；退回上一阶段须为组织部门工作人员（permissions.can_transition_assessment，否则 403），并填写理由"
)
def assessment_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for(request.user, pk)
    if not permissions.can_transition_assessment(request.user, assessment):
        raise PermissionDenied
    try:
        assessment = services.reopen_assessment(
            actor=request.user, assessment=assessment, reason=request.POST.get("reason", "")
        )
        messages.success(
            request, f"{assessment.organization_name}已退回“{Stage(assessment.stage).label}”阶段。"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:assessment", pk=pk)


# --- 巡视巡察等反馈问题 --------------------------------------------------------------------------------


@require_POST
@scoped(
    "经 selectors.get_assessment_for 取考核对象（404）；逐条录入巡视、巡察、审计、督查反馈问题须为组织部门工作人员（permissions.can_manage_campaign，否则 403）"
)
def assessment_findings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, pk)
    form = FindingForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请选择来源并填写问题描述；反馈日期格式为 YYYY-MM-DD。")
        d = form.cleaned_data
        findings.add_finding(
            actor=request.user,
            assessment=assessment,
            source_kind=d["source"],
            description=d["description"],
            fed_back_on=d["fed_back_on"],
            rectification_status=d["rectification_status"],
        )
        messages.success(request, f"已录入{FindingSource(d['source']).label}反馈问题。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:assessment", pk=pk)


# --- 结束本次考核 -------------------------------------------------------------------------------------


@require_POST
@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；结束本次考核须为组织部门工作人员（permissions.can_manage_campaign，否则 403），且全部考核对象已进入整改阶段"
)
def campaign_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    try:
        services.close_campaign(actor=request.user, campaign=campaign)
        messages.success(request, "本年度述职评议考核已结束，各项内容转为只读。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:detail", pk=pk)


@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；工作通知须属于该考核（404）；"
    "红头文件 PDF/.docx，文号取自发文登记"
)
def notice_file(request: AuthenticatedHttpRequest, pk: int, notice_pk: int, fmt: str) -> HttpResponse:
    from urllib.parse import quote

    from shuping.documents.selectors import registered
    from shuping.documents.services import render_document_docx, render_document_pdf

    from .notice_document import notice_document, subject

    campaign = selectors.get_campaign_for(request.user, pk)
    notice = campaign.notices.filter(pk=notice_pk).first()
    if notice is None or fmt not in ("pdf", "docx"):
        raise Http404
    entry = registered(subject(notice))
    document = notice_document(
        notice, number=entry.number if entry else "", issued_on=entry.issued_on if entry else None
    )
    if fmt == "pdf":
        content, content_type = render_document_pdf(document), "application/pdf"
    else:
        content = render_document_docx(document)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(notice.title)}.{fmt}"
    return response
