"""Sign-in in Chinese, every attempt audited, lockout per account — never per address (SEC-3, SEC-1)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from shuping.accounts import services
from shuping.accounts.models import User
from shuping.audit.models import AuditEvent

from .conftest import login_events, sign_in

WRONG = "not-the-right-password"


@pytest.mark.req("SEC-3")
def test_login_page_is_a_chinese_card_with_the_system_title(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "述评" in page and "书记抓基层党建工作述职评议考核系统" in page
    assert "用户名" in page and "密码" in page


@pytest.mark.req("SEC-3")
def test_a_wrong_password_says_username_or_password_is_incorrect_and_is_audited(world, client):
    response = sign_in(client, "organizer", WRONG)
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    [event] = login_events()
    assert event.outcome == "failed"
    assert event.actor_id is None
    assert event.target_id == str(world.organizer_staff.pk)
    assert event.detail["username"] == "organizer"
    assert event.detail["reason"] == "bad_credentials"
    assert event.detail["ip_prefix"] == "203.0.113.0/24"
    assert "203.0.113.7" not in json.dumps(event.detail)


@pytest.mark.req("SEC-3")
def test_an_unknown_username_gets_the_same_message_and_is_audited(world, client):
    response = sign_in(client, "nobody-here", WRONG)
    assert "用户名或密码不正确" in response.content.decode()
    [event] = login_events()
    assert event.detail["username"] == "nobody-here"
    assert (event.target_type, event.target_id, event.target_label) == (
        "accounts.username",
        "",
        "nobody-here",
    )


@pytest.mark.req("SEC-3")
def test_a_successful_sign_in_is_audited_with_its_source(world, client, persona_password):
    response = sign_in(client, "liaison", persona_password)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    [event] = login_events()
    assert event.outcome == "success"
    assert event.actor_id == world.liaison.pk
    assert event.detail["ip_prefix"] == "203.0.113.0/24" and len(event.detail["ip_hash"]) == 16


@pytest.mark.req("SEC-3")
def test_the_password_never_reaches_the_audit_log(world, client, persona_password):
    sign_in(client, "organizer", WRONG)
    sign_in(client, "organizer", persona_password)
    text = json.dumps([e.detail for e in AuditEvent.objects.all()], ensure_ascii=False)
    assert WRONG not in text and persona_password not in text


@pytest.mark.req("SEC-3")
def test_five_failures_lock_the_account_for_fifteen_minutes(world, client, clock):
    for _ in range(4):
        assert "用户名或密码不正确" in sign_in(client, "organizer", WRONG).content.decode()
    page = sign_in(client, "organizer", WRONG).content.decode()
    user = User.objects.get(username="organizer")
    assert user.is_locked()
    assert (user.locked_until_at - clock.now).total_seconds() == 15 * 60
    until = user.locked_until_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime(
        "%H:%M"
    )
    assert f"登录失败次数过多，账号已临时锁定，请于 {until} 后重试或联系安全管理员" in page
    assert login_events()[-1].detail["locked"] is True


@pytest.mark.req("SEC-3")
def test_a_locked_account_refuses_even_the_right_password_until_the_lock_expires(
    world, client, clock, persona_password
):
    for _ in range(5):
        sign_in(client, "organizer", WRONG)
    clock.advance(minutes=14)
    response = sign_in(client, "organizer", persona_password)
    assert response.status_code == 200 and "账号已临时锁定" in response.content.decode()
    assert login_events()[-1].detail["reason"] == "locked"
    # Attempts during the lock neither count nor extend it.
    clock.advance(minutes=1, seconds=1)
    response = sign_in(client, "organizer", persona_password)
    assert response.status_code == 302
    user = User.objects.get(username="organizer")
    assert user.failed_login_count == 0 and user.locked_until_at is None


@pytest.mark.req("SEC-3")
def test_another_account_behind_the_same_address_is_not_locked(world, client, persona_password):
    for _ in range(5):
        sign_in(client, "organizer", WRONG, ip="198.51.100.20")
    assert User.objects.get(username="organizer").is_locked()
    response = sign_in(client, "leader", persona_password, ip="198.51.100.20")
    assert response.status_code == 302
    assert not User.objects.get(username="leader").is_locked()


@pytest.mark.req("SEC-3")
def test_failures_from_different_addresses_still_lock_the_account(world, client):
    for n in range(5):
        sign_in(client, "organizer", WRONG, ip=f"192.0.2.{n + 1}")
    assert User.objects.get(username="organizer").is_locked()


@pytest.mark.req("SEC-3")
def test_a_successful_sign_in_resets_the_failure_counter(world, client, persona_password):
    for _ in range(4):
        sign_in(client, "organizer", WRONG)
    assert sign_in(client, "organizer", persona_password).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "organizer", WRONG)
    user = User.objects.get(username="organizer")
    assert user.failed_login_count == 4 and not user.is_locked()


@pytest.mark.req("SEC-3")
def test_a_disabled_account_is_told_so_only_with_the_right_password(world, client, persona_password):
    services.disable_user(user=world.liaison, actor=world.system_admin)
    assert "用户名或密码不正确" in sign_in(client, "liaison", WRONG).content.decode()
    page = sign_in(client, "liaison", persona_password).content.decode()
    assert "账号已停用" in page
    assert login_events()[-1].detail["reason"] == "inactive"


@pytest.mark.req("SEC-3")
def test_an_address_spraying_passwords_is_throttled_but_other_addresses_are_not(
    world, client, settings, persona_password
):
    settings.SHUPING_LOGIN_IP_THROTTLE_FAILURES = 10
    for n in range(10):  # password spraying: one try on many names
        sign_in(client, f"guess{n}", WRONG, ip="203.0.113.99")
    page = sign_in(client, "liaison", persona_password, ip="203.0.113.99").content.decode()
    assert "该网络地址登录失败次数过多" in page
    assert login_events()[-1].detail["reason"] == "throttled"
    assert sign_in(client, "liaison", persona_password, ip="203.0.113.100").status_code == 302


@pytest.mark.req("SEC-3")
def test_the_client_address_comes_from_the_proxy_header_only_when_configured(world, client, settings):
    sign_in(client, "organizer", WRONG, ip="10.0.0.1", HTTP_X_REAL_IP="198.51.100.5")
    assert login_events()[-1].detail["ip_prefix"] == "10.0.0.0/24"
    settings.SHUPING_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    sign_in(client, "organizer", WRONG, ip="10.0.0.1", HTTP_X_REAL_IP="198.51.100.5")
    assert login_events()[-1].detail["ip_prefix"] == "198.51.100.0/24"


@pytest.mark.req("SEC-3")
def test_the_security_administrator_unlocks_an_account(world, client, login, persona_password):
    for _ in range(5):
        sign_in(client, "organizer", WRONG)
    locked = User.objects.get(username="organizer")
    admin_client = login(world.security_admin)
    page = admin_client.get(reverse("accounts:security_accounts")).content.decode()
    assert "organizer" in page and "解除锁定" in page
    response = admin_client.post(reverse("accounts:unlock", args=[locked.pk]))
    assert response.status_code == 302
    assert not User.objects.get(pk=locked.pk).is_locked()
    assert AuditEvent.objects.filter(action="accounts.unlock", actor_id=world.security_admin.pk).exists()
    admin_client.logout()
    assert sign_in(client, "organizer", persona_password).status_code == 302


# --- 三员分立 (SEC-1): none of the three administrators can do another's job -------------------------------


def _unlock_attempt(client, world):
    for _ in range(5):
        sign_in(client, "organizer", WRONG)
    return reverse("accounts:unlock", args=[world.organizer_staff.pk])


@pytest.mark.req("SEC-1", "SEC-3")
def test_the_system_administrator_can_neither_read_the_audit_log_nor_unlock_accounts(world, client, login):
    url = _unlock_attempt(client, world)
    admin_client = login(world.system_admin)
    assert admin_client.get(reverse("audit:list")).status_code == 403
    assert admin_client.get(reverse("accounts:security_accounts")).status_code == 403
    assert admin_client.post(url).status_code == 403
    assert User.objects.get(username="organizer").is_locked()
    with pytest.raises(services.AccountError):
        services.unlock_user(user=world.organizer_staff, actor=world.system_admin)


@pytest.mark.req("SEC-1", "SEC-3")
def test_the_security_administrator_cannot_use_django_admin(world, login):
    admin_client = login(world.security_admin)
    response = admin_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert admin_client.get("/admin/accounts/user/").status_code == 302


@pytest.mark.req("SEC-1", "SEC-3")
def test_the_audit_administrator_can_neither_use_django_admin_nor_unlock_accounts(world, client, login):
    url = _unlock_attempt(client, world)
    admin_client = login(world.audit_admin)
    assert admin_client.get("/admin/").status_code == 302
    assert admin_client.get(reverse("accounts:security_accounts")).status_code == 403
    assert admin_client.post(url).status_code == 403
    assert User.objects.get(username="organizer").is_locked()
    assert admin_client.get(reverse("audit:list")).status_code == 200


@pytest.mark.req("SEC-3")
def test_the_django_admin_login_cannot_bypass_the_sign_in_policy(world, client, persona_password):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "sysadmin", "password": persona_password}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=/admin/"
    assert client.get("/admin/").status_code == 302  # not signed in
