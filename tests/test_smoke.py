import pytest
from django.conf import settings
from django.urls import reverse


def test_login_page_is_in_chinese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "登录述评" in response.content.decode()


@pytest.mark.req("SEC-1")
def test_the_cast_has_three_separate_administrators(world):
    roles = {world.system_admin.admin_role, world.security_admin.admin_role, world.audit_admin.admin_role}
    assert roles == {"system", "security", "audit"}
    assert not any(u.is_superuser for u in world.users.values())


def test_home_redirects_anonymous_to_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_default_database_is_sqlite_in_working_directory_without_database_url(monkeypatch, tmp_path):
    from config.settings.base import database_from_env

    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env(tmp_path / "shuping.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert settings.AUTH_USER_MODEL == "accounts.User"
