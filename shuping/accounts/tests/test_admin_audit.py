"""INT-3: every write through the Django admin leaves an audit row naming the administrator and the object —
password changes and role grants included."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils import timezone

from shuping.accounts.admin import AuditedAdmin
from shuping.accounts.models import Role, RoleGrant, User
from shuping.audit.models import AuditEvent

NEW_PASSWORD = "Zq7-novel-Passphrase-2026!"


@pytest.fixture
def admin_with_permissions(world):
    """The system administrator holding the admin's model permissions for accounts (never is_superuser)."""
    from django.contrib.auth.models import Permission

    world.system_admin.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    return world.system_admin


def _instances(world) -> dict:
    """One unsaved instance per model registered in the admin. A model registered later without an entry
    here fails the enumeration test below — add it, so its writes are proved audited too."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tasks_db.models import DBTaskResult

    return {
        "accounts.User": lambda: User(username="admin-made", full_name="后台新建"),
        "accounts.RoleGrant": lambda: RoleGrant(
            user=world.outsider, role=Role.ORGANIZER_STAFF, organization=world.prefecture
        ),
        "auth.Group": lambda: Group(name="后台分组"),
        "otp_totp.TOTPDevice": lambda: TOTPDevice(user=world.outsider, name="后台令牌"),
        "django_tasks_database.DBTaskResult": lambda: DBTaskResult(
            task_path="shuping.jobs.tasks.noop",
            queue_name="default",
            backend_name="default",
            priority=0,
            args_kwargs={"args": [], "kwargs": {}},
            enqueued_at=timezone.now(),
            run_after=timezone.now(),
        ),
    }


class _Form:
    changed_data = ["name"]


@pytest.mark.req("INT-3", "SEC-4")
def test_every_registered_admin_audits_adds_changes_and_deletions_with_the_administrator(world):
    request = RequestFactory().post("/admin/")
    request.user = world.system_admin
    factories = _instances(world)
    registered = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}
    assert set(registered) == set(factories), "admin models without a write check: " + ", ".join(
        sorted(set(registered) ^ set(factories))
    )
    for label, model_admin in registered.items():
        assert isinstance(model_admin, AuditedAdmin), label
        obj = factories[label]()
        before = AuditEvent.objects.count()
        model_admin.save_model(request, obj, _Form(), False)
        model_admin.save_model(request, obj, _Form(), True)
        pk = str(obj.pk)
        model_admin.delete_model(request, obj)
        rows = list(AuditEvent.objects.order_by("sequence")[before:])
        name = label.split(".")[1].lower()
        assert [r.action for r in rows] == [
            f"admin.{name}.add",
            f"admin.{name}.change",
            f"admin.{name}.delete",
        ], label
        assert all(r.actor_id == world.system_admin.pk and r.target_id == pk for r in rows), label
        assert rows[0].detail["fields"] == ["name"]


@pytest.mark.req("INT-3", "SEC-1")
def test_a_role_grant_made_and_removed_in_the_admin_is_audited(world, login, admin_with_permissions):
    client = login(world.system_admin)
    response = client.post(
        "/admin/accounts/rolegrant/add/",
        {
            "user": world.outsider.pk,
            "role": Role.ORGANIZER_STAFF,
            "organization": world.prefecture.pk,
            "include_subtree": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = RoleGrant.objects.filter(user=world.outsider, role=Role.ORGANIZER_STAFF).latest("pk")
    added = AuditEvent.objects.get(action="admin.rolegrant.add")
    assert (added.actor_id, added.target_type, added.target_id) == (
        world.system_admin.pk,
        "accounts.rolegrant",
        str(grant.pk),
    )
    assert "organization" in added.detail["fields"]
    response = client.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    deleted = AuditEvent.objects.get(action="admin.rolegrant.delete")
    assert (deleted.actor_id, deleted.target_id) == (world.system_admin.pk, str(grant.pk))


@pytest.mark.req("INT-3", "SEC-3")
def test_the_admins_own_password_page_is_shuping_s_audited_one(world, login, persona_password):
    client = login(world.system_admin)
    response = client.post(
        "/admin/password_change/",
        {"old_password": persona_password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response.url == "/accounts/password/"
    world.system_admin.refresh_from_db()
    # Nothing was written by the admin's page: no password changed without an audit row.
    assert world.system_admin.check_password(persona_password)
    assert not AuditEvent.objects.filter(action__startswith="accounts.password").exists()
    response = client.post(
        "/accounts/password/",
        {"old_password": persona_password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    world.system_admin.refresh_from_db()
    assert world.system_admin.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.password_change")
    assert event.actor_id == world.system_admin.pk and event.target_id == str(world.system_admin.pk)


@pytest.mark.req("INT-3", "SEC-3")
def test_setting_another_accounts_password_in_the_admin_is_audited_and_ends_its_sessions(
    world, login, admin_with_permissions
):
    from shuping.accounts.models import UserSession

    login(world.outsider)  # the account has a session of its own
    assert UserSession.objects.filter(user=world.outsider).exists()
    client = login(world.system_admin)
    response = client.post(
        f"/admin/accounts/user/{world.outsider.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    world.outsider.refresh_from_db()
    assert world.outsider.check_password(NEW_PASSWORD) and world.outsider.must_change_password
    event = AuditEvent.objects.get(action="accounts.password_set_by_admin")
    assert (event.actor_id, event.target_id) == (world.system_admin.pk, str(world.outsider.pk))
    assert event.detail["sessions_ended"] >= 1
    assert not UserSession.objects.filter(user=world.outsider).exists()


@pytest.mark.req("INT-3")
def test_editing_a_user_in_the_admin_is_audited_with_the_fields_changed(world, login, admin_with_permissions):
    client = login(world.system_admin)
    page = client.get(f"/admin/accounts/user/{world.outsider.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name in {"password", "groups", "user_permissions"}:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    for key in ("date_joined", "last_login"):
        data.pop(key, None)
    if form.initial.get("date_joined"):
        joined = timezone.localtime(form.initial["date_joined"])
        data["date_joined_0"], data["date_joined_1"] = (
            joined.strftime("%Y-%m-%d"),
            joined.strftime("%H:%M:%S"),
        )
    data["full_name"] = "改过的名字"
    response = client.post(f"/admin/accounts/user/{world.outsider.pk}/change/", data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    event = AuditEvent.objects.get(action="admin.user.change")
    assert event.actor_id == world.system_admin.pk and "full_name" in event.detail["fields"]
