"""Settings behaviour of SPEC §11: the embedded default, generated development keys, production refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_settings(module: str, cwd: Path, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHUPING_", "DATABASE_URL", "DJANGO_"))}
    env.update(env_extra)
    env["DJANGO_SETTINGS_MODULE"] = module
    env["PYTHONPATH"] = str(ROOT)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['NAME']); print(len(s.SECRET_KEY)); print(s.SHUPING_DATA_KEY)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_development_settings_default_to_sqlite_in_the_working_directory_and_generate_keys(tmp_path):
    first = _run_settings("config.settings.dev", tmp_path, {})
    assert first.returncode == 0, first.stderr
    name, secret_len, data_key = first.stdout.split()
    assert Path(name) == tmp_path / "shuping.sqlite3"
    assert int(secret_len) >= 50
    keys = tmp_path / "shuping.keys"
    assert keys.exists() and (keys.stat().st_mode & 0o777) == 0o600
    # Kept beside the database and reused: the data key must never silently change.
    second = _run_settings("config.settings.dev", tmp_path, {})
    assert second.stdout.split()[2] == data_key


def test_environment_keys_win_over_generated_ones(tmp_path):
    key = "ZW52aXJvbm1lbnQta2V5LTMyLWJ5dGVzLWV4YWN0bHk="  # 32 bytes, base64
    result = _run_settings("config.settings.dev", tmp_path, {"SHUPING_DATA_KEY": key})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == key


@pytest.mark.parametrize("missing", ["SHUPING_SECRET_KEY", "SHUPING_DATA_KEY", "SHUPING_AUDIT_KEY"])
def test_production_settings_refuse_to_start_without_keys(tmp_path, missing):
    env = {
        "SHUPING_SECRET_KEY": "x" * 60,
        "SHUPING_DATA_KEY": "ZW52aXJvbm1lbnQta2V5LTMyLWJ5dGVzLWV4YWN0bHk=",
        "SHUPING_AUDIT_KEY": "dGVzdC1hdWRpdC1rZXktMzItYnl0ZXMtZXhhY3RseSE=",
    }
    env.pop(missing)
    result = _run_settings("config.settings.prod", tmp_path, env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert not (tmp_path / "shuping.keys").exists()


def test_database_url_selects_postgresql(monkeypatch, tmp_path):
    from config.settings.base import database_from_env

    monkeypatch.setenv("DATABASE_URL", "postgres://root@127.0.0.1:5432/shuping")
    config = database_from_env(tmp_path / "unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "shuping"


@pytest.mark.req("SEC-3")
def test_production_hashes_passwords_with_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    lengths = [v.get("OPTIONS", {}).get("min_length") for v in base.AUTH_PASSWORD_VALIDATORS]
    assert 12 in lengths


def test_the_shuping_command_wraps_manage_py(tmp_path):
    shuping = Path(sys.executable).with_name("shuping")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHUPING_", "DATABASE_URL", "DJANGO_"))}
    result = subprocess.run(
        [str(shuping), "help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "[audit]" in result.stdout or "[accounts]" in result.stdout or "migrate" in result.stdout
