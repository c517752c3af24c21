"""The public publication page `/p/<token>/` and its opinion box (REP-3). No accounts: Party members and
the public reach it by a link or QR code. No IP address or other identifier is stored (see publication.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuping.core.access import public
from shuping.core.errors import DomainError

from . import publication, selectors
from .forms import OpinionForm


def _headers(response: HttpResponse) -> HttpResponse:
    # The token is the key to the page: it never leaks to another site through Referer, nor is a copy
    # kept by a proxy. Not "no-referrer": Chromium then sends `Origin: null` and the CSRF check refuses the
    # opinion form (seen in the REP-3 journey).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _page(
    request: HttpRequest, token: str, *, form=None, sent: bool = False, error: str = "", status: int = 200
):
    pub = selectors.get_open_publication(token)
    if pub is None:
        return _headers(render(request, "reports/public_missing.html", status=404))
    if not pub.is_open():
        state = "not_yet" if timezone.now() < pub.opens_at and not pub.is_withdrawn else "closed"
        return _headers(render(request, "reports/public_closed.html", {"publication": pub, "state": state}))
    reports = selectors.published_reports(pub)
    form = form or OpinionForm(reports=reports)
    context = {"publication": pub, "reports": reports, "form": form, "sent": sent, "error": error}
    return _headers(render(request, "reports/public.html", context, status=status))


@public(
    "述职报告在一定范围内公布（《办法》第五条，REP-3）：党员群众凭链接或二维码查看，不需要账号；访问码为随机 token"
)
def public_page(request: HttpRequest, token: str) -> HttpResponse:
    return _page(request, token, sent=request.GET.get("sent") == "1")


def _client_address(request: HttpRequest) -> str:
    # Used only for the hour's rate-limit counter (keyed hash in the cache), never stored.
    return request.META.get("REMOTE_ADDR", "")


@require_POST
@public("匿名意见箱（REP-3）：不需要账号，不记录 IP 等身份信息；按小时限频；公布期外拒收")
def public_opinion(request: HttpRequest, token: str) -> HttpResponse:
    from django.shortcuts import redirect

    pub = selectors.get_open_publication(token)
    if pub is None:
        return _headers(render(request, "reports/public_missing.html", status=404))
    reports = selectors.published_reports(pub)
    form = OpinionForm(request.POST, reports=reports)
    if not form.is_valid():
        return _page(request, token, form=form, status=400)
    try:
        publication.post_opinion(
            publication=pub,
            text=form.cleaned_data["text"],
            report_id=form.cleaned_data["report"],
            address=_client_address(request),
        )
    except DomainError as exc:
        if not pub.is_open():
            return _page(request, token)
        return _page(request, token, form=form, error=exc.message, status=exc.status)
    return _headers(redirect(f"{request.path.rsplit('opinion/', 1)[0]}?sent=1"))
