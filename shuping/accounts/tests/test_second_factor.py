"""Second factor for administrators and organizer staff, TOTP built in, through a pluggable interface (SEC-3)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuping.accounts import second_factor, services
from shuping.accounts.models import User
from shuping.audit.models import AuditEvent

from .conftest import login_events, sign_in


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.SHUPING_REQUIRE_SECOND_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off is tested upstream; lockout is ours


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    """What the user's authenticator app shows now."""
    device.refresh_from_db()
    value = totp(
        device.bin_key, step=device.step, t0=device.t0 - offset_steps * device.step, digits=device.digits
    )
    return f"{value:0{device.digits}d}"


def enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.mark.req("SEC-3")
def test_an_administrator_without_a_device_enrols_with_a_qr_code_and_a_code(world, persona_password):
    client = Client()
    response = sign_in(client, "secadmin", persona_password)
    assert response.status_code == 302 and response.url == reverse("accounts:second_factor")
    assert client.get(reverse("core:home")).status_code == 302  # not signed in yet
    response = client.get(response.url)
    assert response.url == reverse("accounts:second_factor_enrol")
    page = client.get(response.url).content.decode()
    assert "绑定动态口令" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=world.security_admin)
    assert not device.confirmed
    assert "otpauth://totp/" in device.config_url and "issuer=%E8%BF%B0%E8%AF%84" in device.config_url
    response = client.post(reverse("accounts:second_factor_enrol"), {"code": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        action="accounts.second_factor_enrol", actor_id=world.security_admin.pk
    ).exists()
    assert login_events()[-1].outcome == "success" and login_events()[-1].detail["second_factor"] == "totp"


@pytest.mark.req("SEC-3")
def test_an_enrolled_user_is_asked_for_the_six_digit_code(world, persona_password):
    device = enrolled(world.organizer_staff)
    client = Client()
    response = sign_in(client, "organizer", persona_password)
    assert response.url == reverse("accounts:second_factor")
    page = client.get(response.url).content.decode()
    assert "动态口令验证" in page and "6 位" in page
    response = client.post(reverse("accounts:second_factor"), {"code": wrong(code_for(device))})
    assert response.status_code == 200 and "动态口令不正确" in response.content.decode()
    assert login_events()[-1].detail["reason"] == "bad_second_factor"
    response = client.post(reverse("accounts:second_factor"), {"code": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert User.objects.get(pk=world.organizer_staff.pk).failed_login_count == 0


@pytest.mark.req("SEC-3")
def test_a_code_is_accepted_once_only(world, persona_password):
    device = enrolled(world.system_admin)
    first, second = Client(), Client()
    sign_in(first, "sysadmin", persona_password)
    code = code_for(device)
    assert first.post(reverse("accounts:second_factor"), {"code": code}).status_code == 302
    sign_in(second, "sysadmin", persona_password)
    assert second.post(reverse("accounts:second_factor"), {"code": code}).status_code == 200


@pytest.mark.req("SEC-3")
def test_the_next_page_survives_the_second_factor(world, persona_password):
    device = enrolled(world.department_leader)
    client = Client()
    client.post(
        reverse("accounts:login") + "?next=/accounts/password/",
        {"username": "leader", "password": persona_password, "next": "/accounts/password/"},
    )
    response = client.post(reverse("accounts:second_factor"), {"code": code_for(device)})
    assert response.url == "/accounts/password/"


@pytest.mark.req("SEC-3")
def test_who_needs_a_second_factor(world, persona_password):
    needs = {"organizer", "leader", "outsider", "sysadmin", "secadmin", "auditadmin"}  # staff, leaders, 三员
    for username in (
        "organizer",
        "leader",
        "liaison",
        "assessee",
        "guidance",
        "outsider",
        "sysadmin",
        "secadmin",
        "auditadmin",
    ):
        response = sign_in(Client(), username, persona_password)
        expected = reverse("accounts:second_factor") if username in needs else reverse("core:home")
        assert response.url == expected, username


@pytest.mark.req("SEC-3")
def test_five_wrong_codes_lock_the_account(world, persona_password):
    device = enrolled(world.organizer_staff)
    client = Client()
    sign_in(client, "organizer", persona_password)
    for _ in range(4):
        client.post(reverse("accounts:second_factor"), {"code": wrong(code_for(device))})
    response = client.post(reverse("accounts:second_factor"), {"code": wrong(code_for(device))}, follow=True)
    assert "账号已临时锁定" in response.content.decode()
    assert User.objects.get(pk=world.organizer_staff.pk).is_locked()
    # The verified password does not carry over: the code page sends the visitor back to sign in.
    response = client.post(reverse("accounts:second_factor"), {"code": code_for(device)})
    assert response.url == reverse("accounts:login")


@pytest.mark.req("SEC-3")
def test_a_verified_password_waits_five_minutes_for_its_code(world, persona_password, clock):
    device = enrolled(world.organizer_staff)
    client = Client()
    sign_in(client, "organizer", persona_password)
    clock.advance(minutes=5, seconds=1)
    response = client.post(reverse("accounts:second_factor"), {"code": code_for(device)})
    assert response.url == reverse("accounts:login")
    assert client.get(reverse("core:home")).status_code == 302


@pytest.mark.req("SEC-3")
def test_a_signed_in_user_who_needs_a_second_factor_is_held_until_verified(world):
    # E.g. granted organizer staff after signing in, or a session created some other way.
    device = enrolled(world.organizer_staff)
    client = Client()
    client.force_login(world.organizer_staff)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:second_factor"))
    assert client.get(reverse("accounts:password_change")).status_code == 302
    response = client.post(response.url, {"code": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.req("SEC-3")
def test_the_second_factor_pages_send_a_stranger_back_to_sign_in(world):
    for name in ("accounts:second_factor", "accounts:second_factor_enrol"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and response.url == reverse("accounts:login")


@pytest.mark.req("SEC-3", "SEC-1")
def test_the_security_administrator_resets_a_lost_device(world, persona_password):
    enrolled(world.organizer_staff)
    with pytest.raises(services.AccountError):
        services.reset_second_factor(user=world.organizer_staff, actor=world.system_admin)
    admin_device = enrolled(world.security_admin)
    admin = Client()
    sign_in(admin, "secadmin", persona_password)  # the security administrator gives their own code first
    admin.post(reverse("accounts:second_factor"), {"code": code_for(admin_device)})
    response = admin.post(reverse("accounts:reset_second_factor"), {"username": "organizer"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.organizer_staff).exists()
    client = Client()
    sign_in(client, "organizer", persona_password)
    assert client.get(reverse("accounts:second_factor")).url == reverse("accounts:second_factor_enrol")


@pytest.mark.req("SEC-3")
def test_a_turned_off_requirement_lets_everyone_in_with_the_password(world, persona_password, settings):
    settings.SHUPING_REQUIRE_SECOND_FACTOR = False
    assert sign_in(Client(), "sysadmin", persona_password).url == reverse("core:home")


class ApprovedByTestProvider:
    """A stand-in plug-in: accepts the response "approve" (as a USB-key or SSO provider would its proof)."""

    name = "test-approval"
    label = "测试"

    def applies_to(self, request, user):
        return True

    def is_enrolled(self, user):
        return True

    def begin(self, request, user):
        return second_factor.Challenge(kind="code", provider=self.name)

    def verify(self, request, user, response):
        if response == "approve":
            return TOTPDevice.objects.create(user=user, name="plug-in", confirmed=True)
        return None


@pytest.mark.req("SEC-3")
def test_a_provider_plugs_in_through_settings(world, persona_password, settings):
    settings.SHUPING_SECOND_FACTOR_PROVIDERS = [f"{__name__}.ApprovedByTestProvider"]
    assert [p.name for p in second_factor.providers()] == ["test-approval"]
    client = Client()
    sign_in(client, "sysadmin", persona_password)
    page = reverse("accounts:second_factor")
    assert client.post(page, {"code": "nope"}).status_code == 200
    assert client.post(page, {"code": "approve"}).status_code == 302
    assert login_events()[-1].detail["second_factor"] == "test-approval"
