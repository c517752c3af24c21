"""A short way through the middleware for the two voting JSON calls (BAL-3, PERF-1).

`POST /v/session` and `POST /v/submit` are authorised by the code or token in their body, never by a
cookie or an account (voters are credentials, not users): sessions, authentication, the second factor,
password rotation, messages, CSRF (the views are exempt on purpose, see views_vote) and htmx do nothing
for them but cost time on the busiest endpoint of a meeting. Placed in MIDDLEWARE right after the
security middlewares (HSTS/nosniff, CSP, NUL rejection), this calls the voting view directly for exactly
those two paths and methods; every other request — the voting page `GET /v/` included — takes the full
chain. The host is still validated against ALLOWED_HOSTS.

It also keeps codes out of query strings (DSC-4): any request under `/v/` with a query string is
answered 303 with a clean URL — the voting page `/v/#CODE` when a code was in the query (the page's
script reads the fragment, which browsers never send), else the same path without the query — before
any view, so a code typed or linked as `/v/?code=…` never stays in the address bar, history, or a log.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, quote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class _SeeOther(HttpResponseRedirect):
    status_code = 303


def code_in_query(query: str) -> str:
    """The voting code carried by a query string (`code=…`, or any key or value shaped like a code)."""
    from .services_voting import CODE_LENGTH, normalize_code

    pairs = parse_qsl(query, keep_blank_values=True)
    named = [value for key, value in pairs if key.lower() in ("code", "c", "credential")]
    for candidate in [*named, *(v for _k, v in pairs), *(k for k, _v in pairs)]:
        if len(normalize_code(candidate)) == CODE_LENGTH:
            return normalize_code(candidate)
    return ""


def clean_voting_url(path: str, query: str, page: str) -> str:
    """Where a `/v/` request with a query string is sent: the page with the code in the fragment, else
    the path alone."""
    code = code_in_query(query)
    if code:
        return f"{page}#{quote(code[:5] + '-' + code[5:])}"
    return path


class VotingFastPathMiddleware:
    """Serves POST /v/session and /v/submit without the session/auth/messages middlewares."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._routes: dict[str, Callable[[HttpRequest], HttpResponse]] | None = None

    def routes(self) -> dict[str, Callable[[HttpRequest], HttpResponse]]:
        if self._routes is None:  # resolved on first use: URLconf is not importable at start-up
            from . import views_vote

            self._routes = {
                reverse("vote:session"): views_vote.session,
                reverse("vote:submit"): views_vote.submit,
            }
        return self._routes

    def __call__(self, request: HttpRequest) -> HttpResponse:
        page = reverse("vote:page")
        if request.path.startswith(page) and request.META.get("QUERY_STRING"):
            response = _SeeOther(clean_voting_url(request.path, request.META["QUERY_STRING"], page))
            response["Referrer-Policy"] = "no-referrer"
            response["Cache-Control"] = "no-store"
            return response
        if request.method == "POST":
            view = self.routes().get(request.path)
            if view is not None:
                request.get_host()  # DisallowedHost → 400, as CommonMiddleware would answer
                return view(request)
        return self.get_response(request)
