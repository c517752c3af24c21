"""`shuping worker`: the database queue (django-tasks-db) worked in-process and as a child process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from shuping.jobs.choices import JobStatus
from shuping.jobs.services import start_job
from shuping.jobs.tests import sample_tasks
from shuping.jobs.worker import spawn_worker_process, worker_command

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_job_waiting_in_the_database_queue(world, database_queue):
    job = start_job(
        kind="test.sample",
        title="测试任务",
        requested_by=world.organizer_staff,
        task=sample_tasks.count_rows,
        args=[5],
    )
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED, "nothing runs until a worker picks it up"
    queued = DBTaskResult.objects.get(pk=job.task_result_id)
    assert queued.status == "READY"

    out = StringIO()
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=out)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (5, 5)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert "后台任务处理进程已启动" in out.getvalue()
    assert "后台任务处理进程已停止" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_job_crashing_in_the_worker_fails_for_the_user_and_keeps_the_traceback_for_operators(
    world, database_queue
):
    job = start_job(
        kind="test.sample", title="测试任务", requested_by=world.organizer_staff, task=sample_tasks.crash
    )

    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "-v", "0", stdout=StringIO())

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "Traceback" not in job.message and "系统内部错误" in job.message
    queued = DBTaskResult.objects.get(pk=job.task_result_id)
    assert queued.status == "FAILED" and "secret_module" in queued.traceback


def test_spawned_workers_run_shuping_worker_with_this_interpreter():
    assert worker_command(["--batch"]) == [sys.executable, "-m", "shuping.cli", "worker", "--batch"]


@pytest.mark.slow
def test_a_worker_process_stops_gracefully_on_sigterm(tmp_path):
    """A child `shuping worker` on a scratch SQLite database: starts, says so in Chinese, exits 0 on SIGTERM."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "SHUPING_MEDIA_ROOT": str(tmp_path / "media"),
    }
    subprocess.run(
        [sys.executable, "-m", "shuping.cli", "migrate", "--no-input", "-v", "0"],
        env=env,
        cwd=tmp_path,
        check=True,
        timeout=300,
    )
    process = spawn_worker_process(
        extra_args=["--interval", "0.2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started = threading.Event()
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "已启动" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(60), "".join(lines)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, "".join(lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    reader.join(5)
    assert "后台任务处理进程已停止" in "".join(lines)
