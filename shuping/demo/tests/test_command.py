"""`shuping demo` as a process (FLOW-6): it refuses production settings, and SIGTERM ends its worker too."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        SHUPING_MEDIA_ROOT=str(tmp_path / "media"),
        **extra,
    )
    return env


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status  # a zombie has exited


@pytest.mark.req("FLOW-6", "SEC-5")
def test_demo_refuses_production_settings(tmp_path):
    env = _env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SHUPING_SECRET_KEY="x" * 60,
        SHUPING_DATA_KEY=base64.b64encode(b"k" * 32).decode(),
        SHUPING_AUDIT_KEY=base64.b64encode(b"a" * 32).decode(),  # production requires it (INT-2)
        SHUPING_ALLOWED_HOSTS="demo.example",
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "demo", "--no-serve", "--scale", "small"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "演示数据不能在生产环境中生成" in done.stderr and "config.settings.prod" in done.stderr
    assert not (tmp_path / "demo.sqlite3").exists() or "已生成示范省" not in done.stdout


@pytest.mark.req("FLOW-6")
def test_sigterm_stops_the_server_and_its_worker(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.dev")
    log = (tmp_path / "out.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "demo", "--scale", "small", "--addrport", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        worker = None
        deadline = time.monotonic() + 480
        while time.monotonic() < deadline and proc.poll() is None:
            text = (tmp_path / "out.log").read_text()
            if "后台任务进程" in text:
                worker = int(text.split("后台任务进程", 1)[1].split("）", 1)[0].strip())
                break
            time.sleep(1)
        assert worker is not None, (tmp_path / "out.log").read_text()[-2000:]
        assert _alive(worker)
        time.sleep(2)  # let runserver bind
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        end = time.monotonic() + 20
        while _alive(worker) and time.monotonic() < end:
            time.sleep(0.2)
        assert not _alive(worker), "the worker outlived shuping demo"
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
