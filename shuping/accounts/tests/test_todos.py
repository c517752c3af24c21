"""The three administrators' 待办 (FLOW-2, SEC-1 三员分立): each sees only the work of their own office —
accounts without a role (system), locked accounts (security), the audit chain's checkpoints (audit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant, User
from shuping.audit.services import create_checkpoint
from shuping.core.todos import todos_for


def _texts(user, prefix):
    return [t for t in todos_for(user) if t.text.startswith(prefix)]


@pytest.mark.req("FLOW-2")
def test_the_system_administrator_sees_accounts_that_can_do_nothing_yet(world):
    idle = User.objects.filter(
        is_active=True, admin_role="", grants__isnull=True, campaign_grants__isnull=True, person__isnull=True
    ).count()
    [todo] = _texts(world.system_admin, "授权：")
    assert todo.text.startswith(f"授权：{idle} 个账号尚无任何角色") and todo.url.startswith(
        "/admin/accounts/user/"
    )
    RoleGrant.objects.create(user=world.assessee, role=Role.VIEWER, organization=world.township)
    if idle == 1:
        assert _texts(world.system_admin, "授权：") == []
    else:
        assert _texts(world.system_admin, "授权：")[0].text.startswith(f"授权：{idle - 1} 个")
    for persona in ("security_admin", "audit_admin", "organizer_staff", "assessee"):
        assert _texts(world.users[persona], "授权：") == []


@pytest.mark.req("FLOW-2")
def test_the_security_administrator_sees_locked_accounts_first(world):
    assert _texts(world.security_admin, "账号安全：") == []
    User.objects.filter(pk=world.liaison.pk).update(
        failed_login_count=5, locked_until_at=timezone.now() + timedelta(minutes=15)
    )
    [todo] = _texts(world.security_admin, "账号安全：")
    assert todo.urgent and todo.text == "账号安全：1 个账号被锁定，1 个账号有登录失败记录"
    assert todo.url == "/accounts/security/"
    for persona in ("system_admin", "audit_admin", "organizer_staff"):
        assert _texts(world.users[persona], "账号安全：") == []


@pytest.mark.req("FLOW-2")
def test_the_audit_administrator_sees_how_far_the_signed_checkpoints_reach(world):
    [todo] = _texts(world.audit_admin, "审计日志：")
    assert todo.urgent and "尚无签名检查点" in todo.text and todo.url == "/audit/"
    checkpoint = create_checkpoint()
    [todo] = _texts(world.audit_admin, "审计日志：")
    assert not todo.urgent and f"最近检查点 #{checkpoint.sequence}" in todo.text
    for persona in ("system_admin", "security_admin", "organizer_staff"):
        assert _texts(world.users[persona], "审计日志：") == []
