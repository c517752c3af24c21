"""How /api/v1/ authenticates (API-1): a personal API token (`Authorization: Bearer sp_…`) or the web session.

A token acts as its account: `request.user` is set to it, so every scoped selector and permission
predicate applies unchanged ("scoped like the account"). Token requests carry no cookie, so they need no
CSRF token; session requests keep django-ninja's CSRF check.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from .services import authenticate_api_token


class ApiTokenAuth(HttpBearer):
    """Bearer token → its active account; None (try the session) when no token is presented."""

    openapi_description = "个人 API 令牌：在“账号与密码 → API 令牌”签发，请求头 Authorization: Bearer sp_…"

    def authenticate(self, request: HttpRequest, token: str):
        user = authenticate_api_token(token)
        if user is not None:
            request.user = user
        return user


#: Every router's `auth=`: a token first, else the signed-in session (with CSRF on writes).
API_AUTH = [ApiTokenAuth(), django_auth]
