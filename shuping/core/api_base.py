"""Shared API plumbing: access declarations for operations and one Chinese error body (SEC-2, SEC-6, API-2).

Every error under `/api/v1/` — validation, domain errors, 401/403/404, CSRF failures, malformed JSON,
a method the route does not have (405), a route that does not exist, rate limiting (429) and server
errors — answers with the same JSON body, `{"detail": "…", "errors": [{"field", "code", "message"}]}`,
in Chinese. The operation-level handlers below produce it for errors raised inside an operation;
`ApiErrorBodyMiddleware` rewrites what Django or django-ninja answer before an operation runs (the
resolver's 404, ninja's plain-text 405, a CSRF or request-size refusal), so no path is left out.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.throttling import BaseThrottle

from .access import ATTRIBUTE, AccessRule
from .errors import DomainError
from .security import client_ip

F = TypeVar("F", bound=Callable[..., Any])

logger = logging.getLogger(__name__)

#: The API's URL prefix; the middleware and the error pages use it to answer in JSON.
API_PREFIX = "/api/v1/"

#: The Chinese message for each status an API client can meet, used wherever no more precise one exists.
STATUS_MESSAGES: dict[int, str] = {
    400: "请求格式不正确，请检查后重试。",
    401: "请先登录，或在请求头中提供有效的 API 令牌。",
    403: "您没有执行此操作的权限。",
    404: "未找到，或不在您的权限范围内。",
    405: "此地址不支持该请求方法。",
    409: "操作与当前状态冲突，请刷新后重试。",
    413: "请求体过大。",
    415: "不支持的请求体类型，请使用 application/json。",
    422: "输入有误，请检查后重试。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器暂时无法完成请求，本次操作未生效。请稍后重试。",
}

#: Codes in the `errors` list for errors that are not about one field.
STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "throttled",
    500: "server_error",
}


def error_body(
    status: int, detail: str | None = None, *, code: str | None = None, field: str = "__all__"
) -> dict:
    """The one error body of the API: a Chinese `detail` and a list of field-level errors."""
    message = detail or STATUS_MESSAGES.get(status, STATUS_MESSAGES[400])
    return {
        "detail": message,
        "errors": [{"field": field, "code": code or STATUS_CODES.get(status, "error"), "message": message}],
    }


def error_response(status: int, detail: str | None = None, *, code: str | None = None) -> JsonResponse:
    response = JsonResponse(
        error_body(status, detail, code=code), status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-store"
    return response


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class ApiErrorBodyMiddleware:
    """Give every error response under /api/v1/ the API's Chinese JSON body (API-2).

    Operation errors already have it (install_error_handlers). What this catches is answered before or
    around an operation: the URL resolver's 404 page, ninja's plain-text 405, Django's CSRF and
    request-size refusals, and any HTML error page. The status and the `Allow` / `Retry-After` headers
    are kept; the interactive documentation page (HTML, 200) is never touched.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_request(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        replacement = error_response(response.status_code)
        for header in ("Allow", "Retry-After"):
            if header in response:
                replacement[header] = response[header]
        return replacement


def _clock() -> float:
    """The throttle's clock (seconds); a function of its own so a test can hold it still."""
    return time.time()


class ApiRateThrottle(BaseThrottle):
    """A fixed-window request limit per signed-in account (or per address when anonymous) — 429 past it.

    The limit is read from settings at each request (`SHUPING_API_RATE_LIMIT`, requests per
    `SHUPING_API_RATE_WINDOW` seconds), so a deployment and the tests can change it; the counter lives
    in the cache (Redis in production, shared by the app servers), incremented atomically.
    """

    def allow_request(self, request: HttpRequest) -> bool:
        limit = int(getattr(settings, "SHUPING_API_RATE_LIMIT", 600))
        window = int(getattr(settings, "SHUPING_API_RATE_WINDOW", 60))
        if limit <= 0:
            return True
        user = getattr(request, "user", None)
        ident = f"u{user.pk}" if user is not None and user.is_authenticated else f"a{client_ip(request)}"
        self._window = window
        self._started = int(_clock() // window) * window
        key = f"shuping:api-rate:{ident}:{self._started}"
        if cache.add(key, 1, timeout=window + 1):
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 1)
            return True
        return count <= limit

    def wait(self) -> float | None:
        return max(1.0, self._started + self._window - _clock())


def api_access(kind: str, note: str, admin_role: str = "") -> Callable[[F], F]:
    """Declare how an API operation is scoped; put it *below* the router decorator.

    Authentication itself is the router's (`auth=django_auth`); the operation fetches objects through
    scoped selectors (404 out of scope) and checks permission predicates (403).
    """

    def decorator(func: F) -> F:
        setattr(func, ATTRIBUTE, AccessRule(kind, note, admin_role=admin_role))
        return func

    return decorator


def _loc_to_field(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "__all__"


_MESSAGES = {
    "missing": "必填项缺失",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为是或否",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "string_too_long": "文本过长",
    "string_too_short": "文本过短",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "请求体格式不正确",
    "dict_type": "请求体格式不正确",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
}


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error a client can cause becomes a 4xx with a Chinese message; never a 500."""

    @api.exception_handler(ValidationError)
    def validation(request, exc: ValidationError):
        errors = [
            {
                "field": _loc_to_field(e.get("loc", ())),
                "code": e.get("type", "invalid"),
                "message": _MESSAGES.get(e.get("type", ""), "输入不合法"),
            }
            for e in exc.errors
        ]
        if any(error["code"] == "json_invalid" for error in errors):
            return api.create_response(
                request, error_body(400, "请求体不是合法的 JSON。", code="json_invalid"), status=400
            )
        return api.create_response(request, {"detail": STATUS_MESSAGES[422], "errors": errors}, status=422)

    @api.exception_handler(DomainError)
    def domain(request, exc: DomainError):
        body = {
            "detail": exc.message,
            "errors": [{"field": exc.field or "__all__", "code": exc.code, "message": exc.message}],
        }
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body(404), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, error_body(403), status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, error_body(401), status=401)

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        response = api.create_response(request, error_body(429), status=429)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # ninja raises HttpError with English text (e.g. "CSRF check Failed"); answer in Chinese.
        status = exc.status_code
        if status == 403 and "csrf" in str(exc).lower():
            detail = "CSRF 校验失败：网页会话请带上 X-CSRFToken 请求头；集成系统请使用 API 令牌。"
            return api.create_response(request, error_body(403, detail, code="csrf_failed"), status=403)
        if status == 400 and "parse request body" in str(exc).lower():
            return api.create_response(
                request, error_body(400, "请求体不是合法的 JSON。", code="json_invalid"), status=400
            )
        return api.create_response(request, error_body(status), status=status)

    @api.exception_handler(OverflowError)
    def out_of_range(request, exc: OverflowError):
        # An id or number beyond what the database stores (SQLite: OverflowError) is the client's error.
        return api.create_response(
            request, error_body(422, "数值超出允许范围。", code="out_of_range"), status=422
        )

    @api.exception_handler(DataError)
    def data_error(request, exc: DataError):
        # PostgreSQL: "value out of range for type bigint" and the like, raised by a client-chosen value.
        return api.create_response(
            request, error_body(422, "数值超出允许范围。", code="out_of_range"), status=422
        )

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        # Never a traceback to the client, DEBUG or not; the log has it (without request secrets).
        logger.exception("API operation failed: %s %s", request.method, request.path)
        return api.create_response(request, error_body(500), status=500)
