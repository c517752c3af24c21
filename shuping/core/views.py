"""Site shell views: the home page and the Chinese error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import public, signed_in


@signed_in("每位登录用户的首页，只显示其权限范围内的内容")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@public("健康检查：只报告服务是否可用，不含任何业务数据")
def health(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "core/error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "请求有误", "提交的内容无法处理，请返回检查后重试。")


def permission_denied(request, exception=None):
    return _error(request, 403, "没有权限", "您没有执行此操作的权限。如需办理，请联系本级组织部门。")


def page_not_found(request, exception=None):
    return _error(request, 404, "未找到", "您访问的页面不存在，或不在您的权限范围内。")


def server_error(request):
    return _error(request, 500, "系统繁忙", "服务器暂时无法完成请求，您填写的内容未被保存。请稍后重试。")
