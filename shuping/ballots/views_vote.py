"""The phone voting page and its two JSON calls (BAL-3).

The credential rides in the URL fragment (`/v/#ABCDE-FGHJK`): browsers never send a fragment, so it is
in no request line, server log or Referer. The page's script posts it once to `session` for a ballot
session token and removes it from the address bar; the ballot is posted with that token to `submit`,
retried until an answer arrives (idempotent: the same receipt comes back).

Every response: `Referrer-Policy: no-referrer`, `Cache-Control: no-store`. The JSON calls are exempt
from CSRF on purpose: they are authorised by the code / token in the body, never by a cookie, so a
forged cross-site request carries nothing that could vote. Nothing here logs (BAL-6).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from shuping.accounts.policy import client_ip
from shuping.core import ratelimit
from shuping.core.access import public
from shuping.core.errors import DomainError

from . import selectors, services

ADDRESS_LIMITED_MESSAGE = (
    "从您的网络发出的投票验证请求过于频繁，请稍候几分钟再试；如持续出现请联系会场工作人员。"
)
VOTERS_NOTE = "投票人凭一次性凭证投票，不是系统账号（BAL-2、BAL-3）"


def voting_headers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No Referer leaves the page and no proxy or browser cache keeps a response."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


def _body(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise DomainError("请求格式不正确，请刷新页面后重试。", code="malformed") from None
    if not isinstance(data, dict):
        raise DomainError("请求格式不正确，请刷新页面后重试。", code="malformed")
    return data


def _refusal(exc: DomainError) -> JsonResponse:
    return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.status)


@public(VOTERS_NOTE)
@voting_headers
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    """The light voting page: inline CSS and script, no framework, a few kilobytes."""
    return render(request, "ballots/vote.html")


@public(VOTERS_NOTE)
@voting_headers
@csrf_exempt
@require_POST
def session(request: HttpRequest) -> JsonResponse:
    """Exchange the credential code for a ballot session; answer with the ballot to draw.

    Rate-limited per client address (DSC-4): all starts, and wrong codes apart; the per-box limit is the
    service's. `replace: true` is the voter's confirmation to move an open session to this page.
    """
    address = client_ip(request)
    window = settings.SHUPING_VOTE_RATE_WINDOW
    failures_key = ratelimit.key_for("vote-failed-address", address)
    failure_limit = settings.SHUPING_VOTE_FAILED_STARTS_PER_ADDRESS
    if (failure_limit and ratelimit.current(failures_key) >= failure_limit) or not ratelimit.hit(
        ratelimit.key_for("vote-address", address),
        limit=settings.SHUPING_VOTE_STARTS_PER_ADDRESS,
        window=window,
    ):
        return _refusal(services.CredentialError(ADDRESS_LIMITED_MESSAGE, code="rate_limited"))
    try:
        data = _body(request)
        started = services.start_session(code=str(data.get("code", "")), replace=data.get("replace") is True)
    except DomainError as exc:
        if exc.code == "unknown":
            ratelimit.count(failures_key, window=window)
        return _refusal(exc)
    return JsonResponse({"token": started.token, "box": selectors.voting_payload(started.box)})


@public(VOTERS_NOTE)
@voting_headers
@csrf_exempt
@require_POST
def submit(request: HttpRequest) -> JsonResponse:
    """Store the ballot and consume the credential in one step; the same receipt on every retry."""
    try:
        data = _body(request)
        receipt = services.submit_ballot(
            token=str(data.get("token", "")),
            ratings=data.get("ratings"),
            dimension_ratings=data.get("dimension_ratings") or {},
            opinions=data.get("opinions") or {},
        )
    except DomainError as exc:
        return _refusal(exc)
    return JsonResponse({"receipt": receipt})
