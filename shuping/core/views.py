"""Site shell views: the home page and the Chinese error pages."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .access import public, signed_in

logger = logging.getLogger(__name__)


@signed_in("每位登录用户的首页，只显示其权限范围内的内容")
def home(request: HttpRequest) -> HttpResponse:
    from .todos import todos_for

    return render(request, "core/home.html", {"todos": todos_for(request.user)})


@public("健康检查：只报告数据库、缓存和任务队列是否可用，不含任何业务数据")
def health(request: HttpRequest) -> HttpResponse:
    """Liveness and readiness for load balancers and monitoring (JSON; 200 when all is well, else 503).

    Reports the database (`SELECT 1`), the cache (a set/get round trip — Redis when configured, shared by
    all app servers), and the job queue (django-tasks-db: jobs waiting, and how long the oldest has
    waited, so a monitor can alert when no worker is running). No business data, no exception text.
    """
    checks = {"database": _check_database(), "cache": _check_cache(), "queue": _check_queue()}
    healthy = all(check["ok"] for check in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


def _check_database() -> dict[str, Any]:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unavailable")
        return {"ok": False, "vendor": connection.vendor}
    return {"ok": True, "vendor": connection.vendor}


def _check_cache() -> dict[str, Any]:
    from django.core.cache import cache

    backend = type(cache).__name__
    token = secrets.token_hex(8)
    try:
        cache.set("shuping:healthz", token, 10)
        ok = cache.get("shuping:healthz") == token
    except Exception:
        logger.exception("health check: cache unavailable")
        ok = False
    return {"ok": ok, "backend": backend}


def _check_queue() -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.DatabaseBackend":
        return {"ok": True, "backend": backend.rsplit(".", 1)[-1], "pending": None}
    from django_tasks_db.models import DBTaskResult

    try:
        ready = DBTaskResult.objects.ready()
        pending = ready.count()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except Exception:
        logger.exception("health check: job queue unavailable")
        return {"ok": False, "backend": "database", "pending": None}
    waited = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    return {"ok": True, "backend": "database", "pending": pending, "oldest_pending_seconds": waited}


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request, "core/error.html", {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request, exception=None):
    return _error(request, 400, "请求有误", "提交的内容无法处理，请返回检查后重试。")


def permission_denied(request, exception=None):
    return _error(request, 403, "没有权限", "您没有执行此操作的权限。如需办理，请联系本级组织部门。")


def page_not_found(request, exception=None):
    return _error(request, 404, "未找到", "您访问的页面不存在，或不在您的权限范围内。")


def server_error(request):
    return _error(request, 500, "系统繁忙", "服务器暂时无法完成请求，您填写的内容未被保存。请稍后重试。")
