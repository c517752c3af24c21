"""The access harness (SEC-2, REL-3): every route declares its scoping and is tested per persona.

It walks every Django URL pattern and every django-ninja API operation, and checks that
  1. each one carries an access declaration (shuping.core.access / shuping.core.api_base.api_access);
  2. each one has rows in the roles × actions matrix of docs/permissions.md;
and it turns the matrix rows into requests, one per persona, asserting the status code each cell states.

A route added without both fails `test_every_route_is_declared_and_in_the_matrix` by construction.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.operation import PathView

from shuping.core.access import AccessRule, rule_of

ROOT = Path(__file__).resolve().parents[2]
PERMISSIONS_DOC = ROOT / "docs" / "permissions.md"
PERSONA_COLUMNS = (
    "anonymous",
    "organizer_staff",
    "department_leader",
    "liaison",
    "assessee",
    "guidance_staff",
    "outsider",
    "system_admin",
    "security_admin",
    "audit_admin",
)
HEADER = ("case", "method", "path", *PERSONA_COLUMNS)

#: Routes that come from libraries and cannot carry our decorator; each with the reason it is safe.
BUILTIN_RULES: dict[str, AccessRule] = {
    "api:openapi-json": AccessRule("public", "API 接口描述，不含任何业务数据"),
    "api:openapi-view": AccessRule("public", "API 文档页面，不含任何业务数据"),
    "api:api-root": AccessRule("public", "API 根路径，不含任何业务数据"),
}
#: Django admin is one route family, guarded as a whole by admin.site.has_permission (system admin only).
ADMIN_NAMESPACE = "admin"


@dataclass(frozen=True)
class Route:
    """One Django URL pattern or one API operation, identified by the name the matrix uses."""

    name: str
    pattern: str
    rule: AccessRule | None


@dataclass(frozen=True)
class MatrixRow:
    case: str
    method: str
    path: str
    expected: dict[str, int]
    line: int

    @property
    def route_name(self) -> str:
        return self.case.split("@", 1)[0]


def _walk(
    patterns: Iterable[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield namespace, name, prefix + str(entry.pattern), entry.callback


def _path_view_of(callback: Any) -> PathView | None:
    for cell in getattr(callback, "__closure__", None) or ():
        contents = cell.cell_contents
        if isinstance(contents, PathView):
            return contents
    return None


def collect_routes(urlconf: str | None = None) -> list[Route]:
    """Every route of the project: Django views by URL name, API operations as `api:<function name>`."""
    routes: list[Route] = []
    for namespace, name, pattern, callback in _walk(get_resolver(urlconf).url_patterns):
        if namespace.split(":", 1)[0] == ADMIN_NAMESPACE:
            continue
        path_view = _path_view_of(callback)
        if path_view is not None:
            for operation in path_view.operations:
                func = operation.view_func
                for method in operation.methods:
                    routes.append(Route(f"api:{func.__name__}", f"{method} /{pattern}", rule_of(func)))
            continue
        if name in BUILTIN_RULES:
            routes.append(Route(name, "/" + pattern, BUILTIN_RULES[name]))
            continue
        routes.append(Route(name or f"<unnamed {pattern}>", "/" + pattern, rule_of(callback)))
    routes.append(Route("admin:index", "/admin/", AccessRule("admin", "Django admin", "system")))
    return routes


def parse_matrix(text: str) -> list[MatrixRow]:
    """Rows of every table in docs/permissions.md whose header is HEADER."""
    rows: list[MatrixRow] = []
    in_table = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        if tuple(cells) == HEADER:
            in_table = True
            continue
        if not in_table or set("".join(cells)) <= set("-: "):
            continue
        if len(cells) != len(HEADER):
            raise ValueError(f"docs/permissions.md:{number}: expected {len(HEADER)} cells, got {len(cells)}")
        case, method, path, *statuses = cells
        expected = {persona: int(status) for persona, status in zip(PERSONA_COLUMNS, statuses, strict=True)}
        rows.append(MatrixRow(case, method.upper(), path, expected, number))
    return rows


def load_matrix() -> list[MatrixRow]:
    return parse_matrix(PERMISSIONS_DOC.read_text(encoding="utf-8"))


def undeclared(routes: Iterable[Route]) -> list[Route]:
    return [r for r in routes if r.rule is None]


def missing_from_matrix(routes: Iterable[Route], rows: Iterable[MatrixRow]) -> list[Route]:
    covered = {row.route_name for row in rows}
    return [r for r in routes if r.name not in covered]


def stale_rows(routes: Iterable[Route], rows: Iterable[MatrixRow]) -> list[MatrixRow]:
    names = {r.name for r in routes}
    return [row for row in rows if row.route_name not in names]


# --- placeholders ------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def _organization_pk(attr: str) -> Callable[[Any], Any]:
    return lambda world: getattr(world, attr).pk


def target_registry() -> dict[str, Callable[[Any], Any]]:
    """Placeholders: the world's organizations by attribute name, plus every tests/access/targets_*.py."""
    registry: dict[str, Callable[[Any], Any]] = {}
    for attr in ("province", "prefecture", "county", "township", "other_province", "other_prefecture"):
        registry[attr] = _organization_pk(attr)
    package = importlib.import_module("tests.access")
    for module_info in pkgutil.iter_modules(package.__path__):
        if module_info.name.startswith("targets_"):
            module = importlib.import_module(f"tests.access.{module_info.name}")
            registry.update(module.TARGETS)
    return registry


def resolve_path(path: str, world: Any, registry: dict[str, Callable[[Any], Any]]) -> str:
    cache: dict[str, Any] = {}

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in registry:
            raise KeyError(
                f"unknown placeholder {{{key}}} in docs/permissions.md; add it to tests/access/targets_*.py"
            )
        if key not in cache:
            cache[key] = registry[key](world)
        return str(cache[key])

    return PLACEHOLDER.sub(substitute, path)


# --- INT-3: every write through a route leaves an audit row naming the actor ------------------------------

_WRITE_SQL = re.compile(
    r'^\s*(?:\d+ times: )?(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
)
#: Tables written by the framework around a request, not by a domain action: sessions and their records,
#: the audit chain itself, the admin's own log, job progress, rate-limit and cache rows.
NOT_DOMAIN_WRITES = frozenset(
    {
        "django_session",
        "accounts_usersession",
        "audit_auditevent",
        "audit_chainhead",
        "audit_checkpoint",
        "django_admin_log",
        "django_cache",
    }
)


def request_and_check_audit(client, method: str, path: str, user) -> tuple[object, list[str]]:
    """Send the request; return (response, domain tables written without an audit row by `user`)."""
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from shuping.audit.models import AuditEvent

    before = AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0
    with CaptureQueriesContext(connection) as captured:
        response = client.generic(method, path)
    written = sorted(
        {
            match.group(1)
            for query in captured.captured_queries
            if (match := _WRITE_SQL.match(query["sql"])) and match.group(1) not in NOT_DOMAIN_WRITES
        }
    )
    if not written:
        return response, []
    events = AuditEvent.objects.filter(sequence__gt=before)
    if user is not None:
        events = events.filter(actor_id=user.pk)
    return response, [] if events.exists() else written
