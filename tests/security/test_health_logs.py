"""Health endpoint (database, cache, job queue) and logs without credentials or personal data."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import override_settings

from shuping.core.logging import DropVotingPathsFilter, JsonFormatter, RedactCredentialsFilter, redact
from shuping.jobs.services import start_job
from shuping.jobs.tests import sample_tasks


@pytest.mark.req("SEC-5")
def test_health_reports_database_cache_and_queue_as_json(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "queue"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["queue"]["pending"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        start_job(
            kind="test.sample", title="测试任务", requested_by=None, task=sample_tasks.count_rows, args=[1]
        )
    assert client.get("/healthz").json()["checks"]["queue"]["pending"] == 1


@pytest.mark.req("SEC-5")
def test_health_is_503_when_the_cache_is_down(client, db):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=down):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "Error" not in response.content.decode()  # no exception text leaves the server


def test_redaction_hides_credential_values_and_keeps_the_rest():
    assert redact("password=hunter2&next=/orgs/") == "password=[已隐藏]&next=/orgs/"
    assert redact('{"code": "ABCDE-FGHJK", "n": 1}') == '{"code": [已隐藏], "n": 1}'
    assert redact("Authorization: Bearer abc.def") == "Authorization: [已隐藏]"
    assert redact("Not Found: /orgs/12/") == "Not Found: /orgs/12/"


@pytest.fixture
def captured_logs():
    """Every log record of every logger, through the production filters and the JSON formatter."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(DropVotingPathsFilter())
    handler.addFilter(RedactCredentialsFilter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # Loggers that do not propagate to the root (none by default in Shuping) would escape: attach to them too.
    extra = [logging.getLogger(n) for n in ("django.request", "django.server", "django.security")]
    for logger in extra:
        if not logger.propagate:
            logger.addHandler(handler)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(saved)
    for logger in extra:
        logger.removeHandler(handler)


@pytest.mark.req("SEC-3", "SEC-6")
def test_a_login_and_a_vote_leave_no_password_or_credential_in_the_logs(
    client, world, persona_password, captured_logs
):
    wrong = "Wrong-Passw0rd-123!"
    client.post("/accounts/login/", {"username": world.organizer_staff.username, "password": wrong})
    client.post(
        "/accounts/login/", {"username": world.organizer_staff.username, "password": persona_password}
    )
    session_key = client.session.session_key
    code = "ABCDE23456"
    client.get("/v/")
    client.post("/v/session", data=json.dumps({"code": code}), content_type="application/json")
    client.post("/v/submit", data=json.dumps({"token": "tok-" + code}), content_type="application/json")
    client.get("/orgs/999999/")  # a 404 the request logger does write: the capture works
    logging.getLogger("shuping.test").info("login attempt password=%s", persona_password)

    text = captured_logs.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert any(line["logger"] == "django.request" for line in lines)
    assert any("[已隐藏]" in line["message"] for line in lines)
    for secret in (persona_password, wrong, code, session_key):
        assert secret not in text
    assert "/v/" not in text
