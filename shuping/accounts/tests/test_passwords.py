"""Passwords: Argon2 in production, ≥ 12 characters, common ones refused in Chinese, rotation (SEC-3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import get_hasher, make_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shuping.accounts import services
from shuping.accounts.models import User
from shuping.audit.models import AuditEvent

NEW = "春风又绿江南岸-2026"


def _change(client, old: str, new: str, again: str | None = None):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new if again is None else again},
    )


@pytest.mark.req("SEC-3")
def test_production_hashes_passwords_with_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = make_password("任意一个足够长的密码", hasher=get_hasher("argon2"))
    assert encoded.startswith("argon2$argon2id$")


@pytest.mark.req("SEC-3")
def test_production_validators_demand_twelve_characters_and_refuse_common_passwords():
    from config.settings import base

    names = {v["NAME"].rsplit(".", 1)[1]: v.get("OPTIONS", {}) for v in base.AUTH_PASSWORD_VALIDATORS}
    assert names["MinimumLengthValidator"] == {"min_length": 12}
    assert "CommonPasswordValidator" in names


@pytest.mark.req("SEC-3")
def test_a_short_password_is_refused_in_chinese(world, login, persona_password):
    response = _change(login(world.liaison), persona_password, "Short-1!ab")
    assert "密码长度太短。密码必须包含至少 12 个字符。" in response.content.decode()
    assert list(response.context["form"].errors) == ["new_password1"]  # shown where it was typed
    assert User.objects.get(pk=world.liaison.pk).check_password(persona_password)


@pytest.mark.req("SEC-3")
def test_a_common_password_is_refused_in_chinese(world, login, persona_password):
    page = _change(login(world.liaison), persona_password, "1234567890qwertyuiop").content.decode()
    assert "这个密码太常见了。" in page
    assert User.objects.get(pk=world.liaison.pk).check_password(persona_password)


@pytest.mark.req("SEC-3")
def test_a_mistyped_confirmation_is_refused_in_chinese(world, login, persona_password):
    response = _change(login(world.liaison), persona_password, NEW, again=NEW + "x")
    assert "输入的两个密码不一致。" in response.content.decode()
    assert list(response.context["form"].errors) == ["new_password2"]


@pytest.mark.req("SEC-3")
def test_the_wrong_current_password_is_refused_in_chinese(world, login):
    page = _change(login(world.liaison), "not-my-password", NEW).content.decode()
    assert "你的旧密码不正确。请重新输入。" in page


@pytest.mark.req("SEC-3")
def test_the_service_refuses_a_short_password_with_a_chinese_message(world):
    with pytest.raises(ValidationError) as caught:
        services.change_password(user=world.liaison, new_password="短密码123")
    assert "密码长度太短" in " ".join(caught.value.messages)


@pytest.mark.req("SEC-3")
def test_changing_the_password_stamps_its_date_keeps_this_session_and_ends_the_others(
    world, login, persona_password
):
    other = Client()
    other.force_login(world.liaison)
    client = login(world.liaison)
    before = timezone.now()
    response = _change(client, persona_password, NEW)
    assert response.status_code == 302
    user = User.objects.get(pk=world.liaison.pk)
    assert user.check_password(NEW) and user.password_changed_at >= before
    assert client.get(reverse("core:home")).status_code == 200
    assert other.get(reverse("core:home")).status_code == 302
    assert not Session.objects.filter(session_key=other.session.session_key).exists()
    event = AuditEvent.objects.get(action="accounts.password_change")
    assert event.actor_id == user.pk and event.detail["sessions_ended"] == 1


@pytest.mark.req("SEC-3")
def test_an_administrator_with_an_old_password_must_change_it_first(world, login, persona_password):
    User.objects.filter(pk=world.system_admin.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    client = login(world.system_admin)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url == reverse("accounts:password_change") + "?expired=1"
    assert client.get("/admin/").status_code == 302
    page = client.get(response.url).content.decode()
    assert "您的密码已到期" in page and "90 天" in page
    assert _change(client, persona_password, NEW).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.req("SEC-3")
def test_an_administrator_within_the_rotation_period_is_not_held_back(world, login):
    User.objects.filter(pk=world.audit_admin.pk).update(
        password_changed_at=timezone.now() - timedelta(days=89)
    )
    assert login(world.audit_admin).get(reverse("core:home")).status_code == 200


@pytest.mark.req("SEC-3")
def test_rotation_applies_to_administrators_only_and_can_be_configured(world, login, settings):
    old = timezone.now() - timedelta(days=400)
    User.objects.filter(pk__in=[world.liaison.pk, world.security_admin.pk]).update(password_changed_at=old)
    assert login(world.liaison).get(reverse("core:home")).status_code == 200
    settings.SHUPING_ADMIN_PASSWORD_MAX_AGE_DAYS = 0
    assert Client().get(reverse("core:home")).status_code == 302  # anonymous: the login page, as ever
    admin = Client()
    admin.force_login(world.security_admin)
    assert admin.get(reverse("core:home")).status_code == 200


def test_setting_a_password_anywhere_stamps_its_date(db):
    user = User(username="someone")
    user.set_password("一个足够长的测试密码-2026")
    assert user.password_changed_at is not None
