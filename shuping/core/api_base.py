"""Shared API plumbing: access declarations for operations and Chinese, field-level errors (SEC-2, SEC-6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from .access import ATTRIBUTE, AccessRule
from .errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])


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
        return api.create_response(
            request, {"detail": "输入有误，请检查后重试。", "errors": errors}, status=422
        )

    @api.exception_handler(DomainError)
    def domain(request, exc: DomainError):
        body = {
            "detail": exc.message,
            "errors": [{"field": exc.field or "__all__", "code": exc.code, "message": exc.message}],
        }
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "未找到，或不在您的权限范围内。"}, status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, {"detail": "您没有执行此操作的权限。"}, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"detail": "请先登录。"}, status=401)
