"""Sessions: idle and absolute timeouts, and killed at once when the account is disabled (SEC-3)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse

from shuping.accounts import services
from shuping.accounts.models import User, UserSession
from shuping.audit.models import AuditEvent

HOME = "/"


@pytest.mark.req("SEC-3")
def test_a_session_idle_for_thirty_minutes_ends(world, login, clock):
    client = login(world.organizer_staff)
    assert client.get(HOME).status_code == 200
    clock.advance(minutes=29)
    assert client.get(HOME).status_code == 200  # activity refreshes the idle timer
    clock.advance(minutes=29)
    assert client.get(HOME).status_code == 200
    clock.advance(minutes=30, seconds=1)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.req("SEC-3")
def test_the_idle_check_holds_for_any_session_backend(world, login, clock, settings):
    # The server-side expiry and the middleware's last-activity stamp agree; here the store keeps the
    # session for longer, and the middleware still ends it after 30 idle minutes, saying why.
    settings.SESSION_COOKIE_AGE = 24 * 60 * 60
    client = login(world.organizer_staff)
    assert client.get(HOME).status_code == 200
    settings.SESSION_COOKIE_AGE = 30 * 60
    clock.advance(minutes=31)
    response = client.get(HOME)
    assert response.status_code == 302
    assert "请重新登录" in client.get(response.url).content.decode()


@pytest.mark.req("SEC-3")
def test_a_session_ends_at_the_absolute_limit_however_active(world, login, clock, settings):
    settings.SHUPING_SESSION_ABSOLUTE_SECONDS = 2 * 60 * 60
    client = login(world.organizer_staff)
    for _ in range(5):  # active every 20 minutes for 100 minutes
        assert client.get(HOME).status_code == 200
        clock.advance(minutes=20)
    assert client.get(HOME).status_code == 200  # at 100 minutes
    clock.advance(minutes=21)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert "请重新登录" in client.get(response.url).content.decode()


@pytest.mark.req("SEC-3")
def test_disabling_an_account_ends_all_its_sessions_at_once(world):
    office, home = Client(), Client()
    office.force_login(world.liaison)
    home.force_login(world.liaison)
    keys = {office.session.session_key, home.session.session_key}
    assert set(UserSession.objects.filter(user=world.liaison).values_list("session_key", flat=True)) == keys
    services.disable_user(user=world.liaison, actor=world.system_admin)
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=world.liaison).exists()
    assert office.get(HOME).status_code == 302 and home.get(HOME).status_code == 302
    event = AuditEvent.objects.get(action="accounts.disable")
    assert event.actor_id == world.system_admin.pk and event.detail["sessions_ended"] == 2


@pytest.mark.req("SEC-3")
def test_disabling_one_account_leaves_other_accounts_signed_in(world):
    mine, theirs = Client(), Client()
    mine.force_login(world.liaison)
    theirs.force_login(world.assessee)
    services.disable_user(user=world.liaison, actor=world.system_admin)
    assert theirs.get(HOME).status_code == 200


@pytest.mark.req("SEC-3")
def test_unticking_active_in_django_admin_ends_the_sessions_too(world):
    client = Client()
    client.force_login(world.liaison)
    from shuping.accounts.admin import ShupingUserAdmin

    model_admin = ShupingUserAdmin(User, site)
    request = RequestFactory().post("/admin/")
    request.user = world.system_admin
    user = User.objects.get(pk=world.liaison.pk)
    user.is_active = False
    model_admin.save_model(request, user, SimpleNamespace(changed_data=["is_active"]), change=True)
    assert client.get(HOME).status_code == 302
    assert not UserSession.objects.filter(user=world.liaison).exists()
    assert AuditEvent.objects.filter(action="accounts.disable", actor_id=world.system_admin.pk).exists()


@pytest.mark.req("SEC-3")
def test_signing_out_forgets_the_session(world, login):
    client = login(world.liaison)
    assert UserSession.objects.filter(user=world.liaison).count() == 1
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=world.liaison).exists()


def test_session_notes_older_than_the_absolute_limit_are_pruned(world, clock):
    Client().force_login(world.liaison)
    clock.advance(hours=13)
    Client().force_login(world.liaison)
    assert services.prune_session_records() == 1
    assert UserSession.objects.filter(user=world.liaison).count() == 1
