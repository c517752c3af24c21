"""The organizer's publication pages (REP-3): publish reports to an organization's members for a period,
the link and QR code, the opinions received and their moderation, a printable export. Thin views."""

from __future__ import annotations

import io
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import selectors as campaign_selectors
from shuping.core.access import scoped
from shuping.core.errors import DomainError
from shuping.core.forms import error_context, handle_form
from shuping.orgs.models import Organization

from . import permissions, publication, selectors
from .forms import ModerateForm, PublicationForm, WithdrawForm


def _audiences(campaign):
    """The organizer and the organizations assessed in the campaign (whose members supervise them)."""
    ids = [
        campaign.organizer_id,
        *campaign.assessments.filter(is_excluded=False).values_list("organization_id", flat=True),
    ]
    return Organization.objects.filter(pk__in=ids).order_by("path")


def _public_url(request: AuthenticatedHttpRequest, pub) -> str:
    return request.build_absolute_uri(reverse("publication:page", args=[pub.token]))


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（范围外 404）；查看限组织部门工作人员、部门领导，"
    "发布限组织部门工作人员（permissions.can_see_publications / can_publish_reports，否则 403）"
)
def publication_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_see_publications(request.user, campaign):
        raise PermissionDenied
    can_publish = permissions.can_publish_reports(request.user, campaign)
    if request.method != "POST":
        form = _publication_form(campaign, None) if can_publish else None
        return _publications_page(request, campaign, form, can_publish)
    if not can_publish:
        raise PermissionDenied
    form = _publication_form(campaign, request.POST)
    if form is None:  # nothing to publish yet
        return _publications_page(request, campaign, None, can_publish, status=400)
    return handle_form(
        request,
        form,
        lambda data: publication.publish_reports(
            actor=request.user,
            campaign=campaign,
            audience=data["audience"],
            reports=list(data["reports"]),
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            title=data["title"],
        ),
        success="已发布。请将链接或二维码发给该党组织的党员群众。",
        redirect_to=lambda pub: reverse("reports:publication", args=[pub.pk]),
        render_page=lambda failed: _publications_page(request, campaign, failed, can_publish),
    )


def _publication_form(campaign, data) -> PublicationForm | None:
    """The publish form over the campaign's publishable reports (None when there is none to publish)."""
    reports = selectors.reports_publishable(campaign)
    if not reports:
        return None
    report_qs = type(reports[0]).objects.filter(pk__in=[r.pk for r in reports]).select_related("assessment")
    now = timezone.localtime().replace(second=0, microsecond=0)
    return PublicationForm(
        data,
        audiences=_audiences(campaign),
        reports=report_qs,
        initial={"opens_at": now, "closes_at": now + timedelta(days=7)},
    )


def _publications_page(
    request: AuthenticatedHttpRequest, campaign, form, can_publish: bool, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "reports/publications.html",
        {
            "campaign": campaign,
            "publications": selectors.publications_of(campaign),
            "form": form,
            "can_publish": can_publish,
        },
        status=status,
    )


def _publication(request: AuthenticatedHttpRequest, pk: int):
    pub = selectors.get_publication_for(request.user, pk)
    if not permissions.can_see_publications(request.user, pub.campaign):
        raise PermissionDenied
    return pub


@scoped(
    "经 selectors.get_publication_for 取公布（范围外 404）；意见仅组织单位可见（permissions.can_see_publications，"
    "否则 403）；撤回限组织部门工作人员"
)
def publication_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pub = _publication(request, pk)
    if request.method != "POST":
        return _publication_page(request, pub)
    if not permissions.can_publish_reports(request.user, pub.campaign):
        raise PermissionDenied
    return handle_form(
        request,
        WithdrawForm(request.POST),
        lambda _data: publication.withdraw_publication(actor=request.user, publication=pub),
        success="已撤回，公开页面即日关闭。",
        redirect_to=reverse("reports:publication", args=[pub.pk]),
        render_page=lambda failed: _publication_page(request, pub, failed),
    )


def _publication_page(
    request: AuthenticatedHttpRequest, pub, failed: forms.Form | None = None
) -> HttpResponse:
    opinions = list(selectors.opinions_of(pub))
    return render(
        request,
        "reports/publication.html",
        {
            "publication": pub,
            "campaign": pub.campaign,
            "public_url": _public_url(request, pub),
            "reports": selectors.published_reports(pub),
            "opinions": opinions,
            "pending": sum(1 for o in opinions if o.status == "pending"),
            "can_publish": permissions.can_publish_reports(request.user, pub.campaign),
            "is_open": pub.is_open(),
            **error_context(failed),
        },
    )


@scoped(
    "经 selectors.get_publication_for 取公布（范围外 404）；打印版限组织单位（permissions.can_see_publications，否则 403）"
)
def publication_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pub = _publication(request, pk)
    return render(
        request,
        "reports/publication_export.html",
        {
            "publication": pub,
            "reports": selectors.published_reports(pub),
            "public_url": _public_url(request, pub),
        },
    )


@scoped(
    "经 selectors.get_publication_for 取公布（范围外 404）；二维码限组织单位（permissions.can_see_publications，否则 403）"
)
def publication_qr(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    import qrcode
    import qrcode.image.svg

    pub = _publication(request, pk)
    image = qrcode.make(_public_url(request, pub), image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@require_POST
@scoped(
    "经 selectors.get_opinion_for 取意见（范围外 404）；处理限组织部门工作人员（permissions.can_publish_reports，否则 403）"
)
def opinion_moderate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opinion = selectors.get_opinion_for(request.user, pk)
    if not permissions.can_publish_reports(request.user, opinion.publication.campaign):
        raise PermissionDenied
    form = ModerateForm(request.POST)
    if not form.is_valid():
        return HttpResponse("请选择处理结果。", status=400, content_type="text/plain; charset=utf-8")
    try:
        publication.moderate_opinion(
            actor=request.user,
            opinion=opinion,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, "已处理。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reports:publication", pk=opinion.publication_id)
