"""Accounts created by staff on the spot (SEC-1, SEC-3): a generated initial password, shown once, that must
be changed at first sign-in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from shuping.accounts import services
from shuping.accounts.models import User
from shuping.audit.models import AuditEvent

NEW = "春风又绿江南岸-2026"


@pytest.mark.req("SEC-1", "SEC-3")
def test_a_created_account_must_change_its_generated_password_at_first_sign_in(world):
    user, password = services.create_account(
        actor=world.organizer_staff, username="jia-lly", full_name="甲市委 联络员 钱"
    )
    assert len(password) >= 12 and user.must_change_password and not user.admin_role
    assert password not in str(AuditEvent.objects.get(action="accounts.create").detail)
    client = Client()
    assert client.login(username="jia-lly", password=password)
    response = client.get(reverse("core:home"))
    assert response.url == reverse("accounts:password_change") + "?initial=1"
    assert "初始密码" in client.get(response.url).content.decode()
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": NEW, "new_password2": NEW},
    )
    assert changed.status_code == 302
    assert not User.objects.get(pk=user.pk).must_change_password
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.req("SEC-1")
def test_a_taken_or_malformed_username_is_refused_in_chinese(world):
    with pytest.raises(services.AccountError, match="已被使用"):
        services.create_account(actor=None, username="LIAISON", full_name="某人")
    with pytest.raises(services.AccountError, match="用户名"):
        services.create_account(actor=None, username="有 空格", full_name="某人")
    with pytest.raises(services.AccountError, match="姓名"):
        services.create_account(actor=None, username="someone", full_name=" ")
    assert not User.objects.filter(username="someone").exists()
