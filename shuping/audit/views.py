"""The read-only audit page (SEC-4): for the audit administrator only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shuping.core.access import admin_only

from . import selectors
from .forms import AuditFilterForm
from .models import ChainHead, Checkpoint

PAGE_SIZE = 50


@admin_only("audit", "审计日志只对审计管理员开放（三员分立），只读")
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, filtered and paginated; nothing on it can be changed."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.events_for(request.user, **filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "head": ChainHead.objects.filter(pk=1).first(),
        "checkpoint": Checkpoint.objects.order_by("-sequence").first(),
    }
    return render(request, "audit/event_list.html", context)
