"""The deployment of docs/deployment.md exercised on one machine: two gunicorn app servers (deploy/
gunicorn.conf.py, production settings) and two `shuping worker` processes on loopback, all against the
test's PostgreSQL database. Requests reach both servers (health, sign-in), and jobs enqueued once are run
by the workers sharing the queue."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from shuping.jobs.choices import JobStatus
from shuping.jobs.models import Job
from shuping.jobs.services import start_job
from shuping.jobs.tests import sample_tasks
from tests.personas import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 45


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(settings) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHUPING_", "DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DATABASE_URL=url,
        SHUPING_SECRET_KEY="deployment-drill-" + "k" * 50,
        SHUPING_DATA_KEY=settings.SHUPING_DATA_KEY,
        SHUPING_AUDIT_KEY=settings.SHUPING_AUDIT_KEY,
        SHUPING_ALLOWED_HOSTS="127.0.0.1",
        SHUPING_SSL_REDIRECT="0",
        SHUPING_GUNICORN_WORKERS="1",
        SHUPING_GUNICORN_THREADS="2",
        PYTHONUNBUFFERED="1",
    )
    return env


def _request(port: int, method: str, path: str, *, body: str = "", headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    # As nginx forwards it: TLS terminated in front (SECURE_PROXY_SSL_HEADER).
    all_headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **(headers or {})}
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def _cookies(headers: dict) -> dict[str, str]:
    raw = headers.get("Set-Cookie", "")
    return dict(re.findall(r"(__Host-[a-z]+)=([^;]+)", raw))


def _sign_in(port: int, username: str) -> int:
    """Sign in like a browser (CSRF cookie and token, Referer on HTTPS); returns the home page status."""
    status, headers, body = _request(port, "GET", "/accounts/login/")
    assert status == 200
    cookies = _cookies(headers)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert found is not None, "the login page carries a CSRF token"
    token = found.group(1).decode()
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    status, headers, _ = _request(
        port,
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": "https://127.0.0.1/accounts/login/",
        },
    )
    assert status == 302, "sign-in refused"
    cookies.update(_cookies(headers))
    assert "__Host-sessionid" in cookies
    status, _, _ = _request(
        port, "GET", "/", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    )
    return status


@pytest.mark.slow
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_app_servers_and_two_workers_share_one_postgresql(world, settings, tmp_path):
    # Production settings hash with Argon2 only; the persona was made with the fast test hasher.
    user = world.liaison
    user.password = make_password(PASSWORD, hasher="argon2")
    user.save(update_fields=["password"])
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    env = _env(settings)
    ports = [_free_port(), _free_port()]
    processes: list[subprocess.Popen] = []
    try:
        for number, port in enumerate(ports, start=1):
            log = open(tmp_path / f"web{number}.log", "wb")
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        "deploy/gunicorn.conf.py",
                        "config.wsgi:application",
                    ],
                    cwd=ROOT,
                    env={**env, "SHUPING_GUNICORN_BIND": f"127.0.0.1:{port}"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for number in (1, 2):
            log = open(tmp_path / f"worker{number}.log", "wb")
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "shuping.cli", "worker", "--interval", "0.2", "--no-startup-delay",
                     "--worker-id", f"drill-worker-{number}"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )  # fmt: skip

        deadline = time.monotonic() + DEADLINE
        for port in ports:
            while True:
                try:
                    status, headers, body = _request(port, "GET", "/healthz")
                    if status == 200:
                        break
                except OSError:
                    pass
                assert all(p.poll() is None for p in processes), _logs(tmp_path)
                assert time.monotonic() < deadline, "app server did not start\n" + _logs(tmp_path)
                time.sleep(0.25)
            health = json.loads(body)
            assert health["checks"]["database"] == {"ok": True, "vendor": "postgresql"}
            assert health["checks"]["queue"]["backend"] == "database"
            assert "Strict-Transport-Security" in headers
            assert "Content-Security-Policy" in headers

        for port in ports:
            assert _sign_in(port, user.username) == 200

        jobs = [
            start_job(
                kind="test.sample",
                title=f"部署演练任务 {n}",
                requested_by=user,
                task=sample_tasks.count_rows,
                args=[3],
            )
            for n in range(4)
        ]
        while Job.objects.filter(pk__in=[j.pk for j in jobs], status=JobStatus.SUCCEEDED).count() < len(jobs):
            assert all(p.poll() is None for p in processes), _logs(tmp_path)
            assert time.monotonic() < deadline + 30, "jobs were not run\n" + _logs(tmp_path)
            time.sleep(0.25)

        from django_tasks_db.models import DBTaskResult

        ids = {Job.objects.get(pk=j.pk).task_result_id for j in jobs}
        workers = {w for r in DBTaskResult.objects.filter(pk__in=ids) for w in r.worker_ids}
        assert workers and workers <= {"drill-worker-1", "drill-worker-2"}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    # SIGTERM: gunicorn and the workers shut down cleanly.
    assert [p.returncode for p in processes[2:]] == [0, 0], _logs(tmp_path)


def _logs(directory: Path) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in sorted(directory.glob("*.log"))
    )
