"""The REST API at /api/v1/ (django-ninja), OpenAPI at /api/v1/openapi.json, interactive page at /api/v1/docs.

Each app contributes a router from its `api.py`; every operation declares its access rule
(shuping.core.access) and the access harness checks it. Every error answers with one Chinese JSON body
(shuping.core.api_base, API-2), documented on every operation by `ShupingAPI.get_openapi_schema`.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from shuping.core.access import ATTRIBUTE
from shuping.core.api_base import (
    STATUS_MESSAGES,
    ApiRateThrottle,
    error_body,
    install_error_handlers,
)
from shuping.core.api_docs import OfflineSwagger

#: The error statuses every operation documents (409 only where an operation can conflict: see DomainError).
DOCUMENTED_ERRORS = (400, 401, 403, 404, 405, 422, 429)

ERROR_SCHEMA: dict[str, Any] = {
    "title": "错误",
    "type": "object",
    "description": "所有错误（含 CSRF 校验失败、请求体不是合法 JSON、405、未知地址、429）都是这一格式。",
    "properties": {
        "detail": {"type": "string", "description": "给用户看的中文说明"},
        "errors": {
            "type": "array",
            "description": "逐项的错误；与某个字段无关时 field 为 __all__",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "description": "出错的字段（嵌套字段以点连接）"},
                    "code": {"type": "string", "description": "机器可读的错误代码"},
                    "message": {"type": "string", "description": "该项的中文说明"},
                },
                "required": ["field", "code", "message"],
            },
        },
    },
    "required": ["detail", "errors"],
}


#: The routers' tags (their URL's first segment) as the interactive page shows them, in the year's order.
TAG_NAMES: dict[str, str] = {
    "orgs": "党组织与干部",
    "campaigns": "述职评议考核与考核对象",
    "reports": "述职报告",
    "fieldwork": "实地考核与日常了解",
    "meetings": "述职评议会",
    "ballot-boxes": "民主测评",
    "evaluations": "综合评价",
    "feedback": "反馈",
    "rectification": "整改与结果运用",
    "dashboards": "监督指导",
    "jobs": "后台任务",
    "accounts": "账号、授权与 API 令牌",
}


class ShupingAPI(NinjaAPI):
    """NinjaAPI whose schema documents the one error body on every operation (API-2)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["Error"] = ERROR_SCHEMA
        reference = {"$ref": "#/components/schemas/Error"}
        notes = self._access_notes()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                operation["description"] = _describe(operation, notes.get(operation.get("operationId", "")))
                operation["tags"] = [TAG_NAMES.get(tag, tag) for tag in operation.get("tags", [])]
                responses = operation.setdefault("responses", {})
                statuses = list(DOCUMENTED_ERRORS)
                if "requestBody" in operation:
                    statuses.append(409)
                for status in statuses:
                    if status in responses:  # an operation's own documented error keeps its text
                        continue
                    responses.setdefault(
                        str(status),
                        {
                            "description": STATUS_MESSAGES[status],
                            "content": {
                                "application/json": {"schema": reference, "example": error_body(status)}
                            },
                        },
                    )
        _add_examples(schema)
        schema["tags"] = [{"name": name} for name in TAG_NAMES.values()]
        return schema

    def _access_notes(self) -> dict[str, str]:
        """operationId -> the operation's access declaration (Chinese, shuping.core.access)."""
        notes: dict[str, str] = {}
        for _prefix, router in self._routers:
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    rule = getattr(operation.view_func, ATTRIBUTE, None)
                    if rule is not None:
                        notes[self.get_openapi_operation_id(operation)] = rule.note
        return notes


#: Sample values by JSON Schema format or type, for examples built from the schemas themselves.
_SAMPLES: dict[str, Any] = {
    "date": "2026-12-08",
    "date-time": "2026-12-08T09:30:00+08:00",
    "string": "示例",
    "integer": 1,
    "number": 1.0,
    "boolean": True,
}


def _example(node: Any, components: dict[str, Any], depth: int = 0) -> Any:
    """An example value for a JSON Schema node: its own example, else one built from its parts."""
    if not isinstance(node, dict) or depth > 8:
        return None
    if "$ref" in node:
        return _example(components.get(node["$ref"].rsplit("/", 1)[-1], {}), components, depth + 1)
    for key in ("example", "default"):
        if node.get(key) is not None:
            return node[key]
    if node.get("examples"):
        return node["examples"][0]
    if node.get("enum"):
        return node["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in node.get(key, []) if o.get("type") != "null"]
        if options:
            return _example(options[0], components, depth + 1)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {
            name: _example(sub, components, depth + 1) for name, sub in node.get("properties", {}).items()
        }
    if kind == "array":
        item = _example(node.get("items", {}), components, depth + 1)
        return [] if item is None else [item]
    return _SAMPLES.get(node.get("format", ""), _SAMPLES.get(kind or "", None))


def _add_examples(schema: dict[str, Any]) -> None:
    """API-2: every request body and JSON response carries an example, built from its schema and the
    fields' own `examples` — so it cannot drift from what the operation accepts and returns."""
    components = schema.get("components", {}).get("schemas", {})
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            bodies = [operation.get("requestBody", {}), *operation.get("responses", {}).values()]
            for body in bodies:
                media = body.get("content", {}).get("application/json")
                if media is not None and "example" not in media and "schema" in media:
                    media["example"] = _example(media["schema"], components)


def _describe(operation: dict[str, Any], note: str | None) -> str:
    """The operation's Chinese description: what it does, who may call it, and what it answers on error.

    The English docstring (for developers) is not published; the summary and the access declaration
    — the same text docs/permissions.md and the access harness use — are.
    """
    parts = [operation.get("summary", "")]
    if note:
        parts.append(f"权限与范围：{note}")
    parts.append("出错时返回统一的中文错误格式（Error）。")
    return "\n\n".join(part for part in parts if part)


api = ShupingAPI(
    title="述评 API",
    version="1",
    description=(
        "述评 — 党委（党组）书记抓基层党建工作述职评议考核 REST API。\n\n"
        "认证：个人 API 令牌（请求头 Authorization: Bearer sp_…，在“账号与密码 → API 令牌”签发，权限范围与账号相同），"
        "或网页会话（Cookie，写操作须带 X-CSRFToken 请求头）。"
        "所有错误均返回同一中文 JSON 格式（见 Error 模式）；超过频率限制返回 429 并带 Retry-After。"
    ),
    urls_namespace="api",
    docs=OfflineSwagger(),
    throttle=[ApiRateThrottle()],
)
install_error_handlers(api)


def _mount() -> None:
    from shuping.accounts.api import router as accounts_router
    from shuping.ballots.api import router as ballots_router
    from shuping.campaigns.api import router as campaigns_router
    from shuping.evaluations.api import router as evaluations_router
    from shuping.feedback.api import router as feedback_router
    from shuping.fieldwork.api import router as fieldwork_router
    from shuping.jobs.api import router as jobs_router
    from shuping.meetings.api import router as meetings_router
    from shuping.orgs.api import router as orgs_router
    from shuping.oversight.api import router as oversight_router
    from shuping.rectification.api import router as rectification_router
    from shuping.reports.api import router as reports_router

    api.add_router("/", orgs_router)
    api.add_router("/", ballots_router)
    api.add_router("/", campaigns_router)
    api.add_router("/", jobs_router)
    api.add_router("/", reports_router)
    api.add_router("/", fieldwork_router)
    api.add_router("/", oversight_router)
    api.add_router("/", meetings_router)
    api.add_router("/", evaluations_router)
    api.add_router("/", feedback_router)
    api.add_router("/", rectification_router)
    api.add_router("/", accounts_router)


_mount()
