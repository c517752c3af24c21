"""待办 of the system and security administrators (FLOW-2, SEC-1 三员分立): accounts that can do nothing yet
(no grant, no assessment of their own) for the system administrator to grant; locked accounts and failed
sign-ins for the security administrator. Two queries at most each."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from shuping.core.todos import Todo, todo_provider

from .choices import AdminRole
from .models import User
from .selectors import accounts_needing_attention


@todo_provider
def accounts_without_grants(user) -> list[Todo]:
    if getattr(user, "admin_role", "") != AdminRole.SYSTEM or not user.is_authenticated:
        return []
    idle = User.objects.filter(
        is_active=True, admin_role="", grants__isnull=True, campaign_grants__isnull=True, person__isnull=True
    ).count()
    if not idle:
        return []
    return [
        Todo(
            text=f"授权：{idle} 个账号尚无任何角色，登录后看不到任何工作",
            url=reverse("admin:accounts_user_changelist") + "?admin_role__exact=",
            note="在“角色授权”中按党组织授予角色，或在考核中授权",
        )
    ]


@todo_provider
def accounts_needing_security(user) -> list[Todo]:
    if getattr(user, "admin_role", "") != AdminRole.SECURITY or not user.is_authenticated:
        return []
    counts = accounts_needing_attention().aggregate(
        locked=Count("pk", filter=Q(locked_until_at__gt=timezone.now())), total=Count("pk")
    )
    if not counts["total"]:
        return []
    return [
        Todo(
            text=f"账号安全：{counts['locked']} 个账号被锁定，{counts['total']} 个账号有登录失败记录",
            url=reverse("accounts:security_accounts"),
            note="核实后解除锁定或重置动态口令",
            urgent=bool(counts["locked"]),
        )
    ]
