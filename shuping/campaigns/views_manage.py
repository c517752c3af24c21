"""Pages where the organization department manages a running campaign (SEC-1, CMP-1, CMP-5): the
人员与权限 panel (grant / revoke campaign roles), liaisons per assessment (pick, remove, or create an account
on the spot), stepping an assessment back one stage, adding one inspection finding, and closing the campaign.
Each write is its own view with a form through `core.forms.handle_form`. Out of scope → 404; not allowed →
403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped
from shuping.core.errors import DomainError
from shuping.core.forms import add_domain_error, error_context, handle_form

from . import findings, forms, people, permissions, selectors, services
from .choices import CampaignRole, FindingSource, Stage
from .pages import assessment_context, liaison_context, managed_assessment, managed_campaign, people_context

# --- 人员与权限 ----------------------------------------------------------------------------------------

_PEOPLE = "经 selectors.get_campaign_for 取考核（范围外 404）；人员与权限只对本次考核的组织部门工作人员开放（permissions.can_manage_campaign，否则 403）"


def _people_page(
    request: AuthenticatedHttpRequest, campaign, *, query: str = "", failed=None
) -> HttpResponse:
    context = {**people_context(campaign, query=query), **error_context(failed)}
    if request.htmx:
        partial = "results" if request.method == "GET" and "q" in request.GET else "panel"
        return render(request, f"campaigns/_people.html#{partial}", context)
    return render(request, "campaigns/people.html", context)


@require_safe
@scoped(_PEOPLE + "；可授权的用户限于组织单位及其下级党组织的已授权用户（selectors.grantable_users）")
def campaign_people(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _people_page(request, campaign, query=request.GET.get("q", "")[:50])


def _people_write(
    request: AuthenticatedHttpRequest,
    campaign,
    form,
    operation: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
) -> HttpResponse:
    """A write on the panel: back to it (its htmx partial redraws in place)."""
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("campaigns:people", args=[campaign.pk]),
        render_page=lambda failed: _people_page(request, campaign, failed=failed),
    )


@require_POST
@scoped(_PEOPLE + "；授予本次考核的角色，用户须在可授权范围内（selectors.grantable_user）")
def people_grant(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)

    def run(data):
        user = selectors.grantable_user(campaign, data["user"])
        if user is None:
            raise DomainError("未找到该用户，或其不在本组织单位的授权范围内。", field="user")
        services.grant_campaign_role(actor=request.user, campaign=campaign, user=user, role=data["role"])
        return user, data["role"]

    return _people_write(
        request,
        campaign,
        forms.GrantForm(request.POST),
        run,
        lambda done: f"已授予 {done[0].display_name}“{CampaignRole(done[1]).label}”角色。",
    )


@require_POST
@scoped(_PEOPLE + "；撤销本次考核的一项授权（须属于本次考核）")
def people_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)

    def run(data):
        raw = data["grant"]
        grant = selectors.campaign_grants(campaign).filter(pk=int(raw) if raw.isdigit() else 0).first()
        if grant is None:
            raise DomainError("未找到该授权。", field="grant")
        people.revoke_campaign_role(actor=request.user, grant=grant)
        return grant

    return _people_write(
        request,
        campaign,
        forms.RevokeForm(request.POST),
        run,
        lambda grant: f"已撤销 {grant.user.display_name}的“{grant.get_role_display()}”角色。",
    )


# --- 联络员 ------------------------------------------------------------------------------------------

_LIAISONS = "经 selectors.get_assessment_for 取考核对象（范围外 404）；须为本次考核的组织部门工作人员（permissions.can_manage_campaign，否则 403）"


def _liaison_page(request: AuthenticatedHttpRequest, pk: int, *, failed=None, **shown: Any) -> HttpResponse:
    """The liaison panel (htmx) or the assessment page with it; `shown` is a new account, shown once."""
    assessment = selectors.get_assessment_for(request.user, pk)
    context = {**liaison_context(assessment, can_manage=True, **shown), **error_context(failed)}
    if request.htmx:
        return render(request, "campaigns/_liaisons.html", context)
    page = {**assessment_context(request, assessment), **context}
    return render(request, "campaigns/assessment.html", page)


def _liaison_write(request: AuthenticatedHttpRequest, pk: int, form, operation, success) -> HttpResponse:
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("campaigns:assessment", args=[pk]),
        render_page=lambda failed: _liaison_page(request, pk, failed=failed),
    )


@require_POST
@scoped(_LIAISONS + "；从本单位已授权的人员中指定联络员")
def liaison_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = managed_assessment(request, pk)

    def run(data):
        raw = data["user"]
        user = selectors.liaison_candidates(assessment).filter(pk=int(raw) if raw.isdigit() else 0).first()
        if user is None:
            raise DomainError("请从本单位已授权的人员中选择联络员。", field="user")
        services.add_liaison(actor=request.user, assessment=assessment, user=user)
        return user

    return _liaison_write(
        request, pk, forms.LiaisonPickForm(request.POST), run, lambda u: f"已指定 {u.display_name} 为联络员。"
    )


@require_POST
@scoped(_LIAISONS + "；取消一名联络员的指定")
def liaison_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = managed_assessment(request, pk)

    def run(data):
        raw = data["user"]
        user = assessment.liaisons.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if user is None:
            raise DomainError("该用户不是本考核对象的联络员。", field="user")
        people.remove_liaison(actor=request.user, assessment=assessment, user=user)
        return user

    return _liaison_write(
        request,
        pk,
        forms.LiaisonPickForm(request.POST),
        run,
        lambda u: f"已取消 {u.display_name} 的联络员指定。",
    )


@require_POST
@never_cache
@scoped(_LIAISONS + "；当场创建联络员账号并指定，初始密码只在本次响应中显示一次（不重定向、不缓存）")
def liaison_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Not POST/redirect/GET: the initial password is in this response only, so success draws the page
    here; a refusal is put on the form as the shared handler does (core.forms.add_domain_error)."""
    assessment = managed_assessment(request, pk)
    form = forms.LiaisonCreateForm(request.POST)
    if form.is_valid():
        try:
            created, password = people.create_liaison_account(
                actor=request.user,
                assessment=assessment,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _liaison_page(request, pk, created=created, password=password)
    response = _liaison_page(request, pk, failed=form, form=form)
    response.status_code = 200 if request.htmx else 400
    return response


# --- 退回上一阶段 -------------------------------------------------------------------------------------


def _assessment_page(request: AuthenticatedHttpRequest, pk: int, *, failed=None) -> HttpResponse:
    assessment = selectors.get_assessment_for(request.user, pk)
    finding_form = failed if getattr(failed, "operation", "") == "finding" else None
    context = {**assessment_context(request, assessment, finding_form=finding_form), **error_context(failed)}
    return render(request, "campaigns/assessment.html", context)


def _assessment_write(request: AuthenticatedHttpRequest, pk: int, form, operation, success) -> HttpResponse:
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("campaigns:assessment", args=[pk]),
        render_page=lambda failed: _assessment_page(request, pk, failed=failed),
    )


@require_POST
@scoped(
    "经 selectors.get_assessment_for 取考核对象（404）；退回上一阶段须为组织部门工作人员（permissions.can_transition_assessment，否则 403），并填写理由"
)
def assessment_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for(request.user, pk)
    if not permissions.can_transition_assessment(request.user, assessment):
        raise PermissionDenied
    return _assessment_write(
        request,
        pk,
        forms.ReopenForm(request.POST),
        lambda d: services.reopen_assessment(actor=request.user, assessment=assessment, reason=d["reason"]),
        lambda moved: f"{moved.organization_name}已退回“{Stage(moved.stage).label}”阶段。",
    )


# --- 巡视巡察等反馈问题 --------------------------------------------------------------------------------


@require_POST
@scoped(
    "经 selectors.get_assessment_for 取考核对象（404）；逐条录入巡视、巡察、审计、督查反馈问题须为组织部门工作人员（permissions.can_manage_campaign，否则 403）"
)
def assessment_findings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = managed_assessment(request, pk)

    def run(d):
        findings.add_finding(
            actor=request.user,
            assessment=assessment,
            source_kind=d["source"],
            description=d["description"],
            fed_back_on=d["fed_back_on"],
            rectification_status=d["rectification_status"],
        )
        return d["source"]

    return _assessment_write(
        request,
        pk,
        forms.FindingEntryForm(request.POST),
        run,
        lambda source: f"已录入{FindingSource(source).label}反馈问题。",
    )


# --- 工作通知的红头文件 ---------------------------------------------------------------------------------


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
