"""A short way through the middleware for the two voting JSON calls (BAL-3, PERF-1).

`POST /v/session` and `POST /v/submit` are authorised by the code or token in their body, never by a
cookie or an account (voters are credentials, not users): sessions, authentication, the second factor,
password rotation, messages, CSRF (the views are exempt on purpose, see views_vote) and htmx do nothing
for them but cost time on the busiest endpoint of a meeting. Placed in MIDDLEWARE right after the
security middlewares (HSTS/nosniff, CSP, NUL rejection), this calls the voting view directly for exactly
those two paths and methods; every other request — the voting page `GET /v/` included — takes the full
chain. The host is still validated against ALLOWED_HOSTS.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse


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
        if request.method == "POST":
            view = self.routes().get(request.path)
            if view is not None:
                request.get_host()  # DisallowedHost → 400, as CommonMiddleware would answer
                return view(request)
        return self.get_response(request)
