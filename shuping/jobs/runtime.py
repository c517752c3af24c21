"""Writing and running jobs: `@job_task`, the `JobContext` a task receives, and the foreground runner.

A task author writes::

    @job_task
    def import_orgs(job: JobContext, path: str) -> dict:
        rows = read_rows(path)
        for number, row in enumerate(rows, start=1):
            check(row)
            job.progress(number, len(rows), "校验中")
        if errors:
            raise JobFailed("文件中有 3 处错误，未导入任何数据。", errors=[{"row": 3, "column": "组织代码", "reason": "重复"}])
        with job.atomic("写入中"):          # the all-or-nothing write (see services.py for progress inside it)
            ...
        job.summary = "已导入 1200 个党组织。"
        return {"counts": {"党组织": 1200}}

and starts it with `start_job(kind="orgs.import", title="导入党组织", requested_by=user, task=import_orgs,
args=[path])` (a worker runs it) or `run_job_in_foreground(...)` from a CLI command. The runner marks the
job running, finishes it with the returned dict as `Job.result`, and fails it uniformly: a `JobFailed` or
any `DomainError` with its own Chinese message (and `errors`), anything else with a generic Chinese message
while the traceback goes to the log — never to the user.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task
from django_tasks.base import DEFAULT_TASK_PRIORITY

from shuping.core.errors import DomainError

from . import services
from .choices import JobStatus
from .models import Job

logger = logging.getLogger("shuping.jobs")

ProgressListener = Callable[[int, int, str], None]


class JobFailed(DomainError):
    """Raise inside a job to end it failed with a Chinese message and, for imports, the rows at fault.

    `errors` is a list of {"row": 3, "column": "组织代码", "reason": "与第 2 行重复"}; `result` adds
    anything else worth keeping (counts). Nothing of the task's transaction is kept.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[dict[str, Any]] = (),
        result: dict[str, Any] | None = None,
        code: str = "job_failed",
    ) -> None:
        super().__init__(message, code=code)
        self.errors = list(errors)
        self.result = dict(result or {})


class _Listeners(threading.local):
    def __init__(self) -> None:
        self.listener: ProgressListener | None = None


_listeners = _Listeners()


class JobContext:
    """What a job's function receives first: report progress, open the write transaction, attach files."""

    def __init__(self, job: Job, listener: ProgressListener | None = None) -> None:
        self.job_id: int = job.pk
        self.kind: str = job.kind
        self.title: str = job.title
        #: The closing message shown on success (default "已完成").
        self.summary: str = ""
        self.done = 0
        self.total = 0
        self.message = ""
        self._listener = listener
        self._last_written_at: float | None = None

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Report "已完成 done / total" and a short Chinese message; cheap, call it per row.

        Writes are spaced by `SHUPING_JOB_PROGRESS_INTERVAL` seconds (default 0.5); the first and the
        last (done == total) always go through.
        """
        self.done, self.total, self.message = done, total, message
        if self._listener is not None:
            self._listener(done, total, message)
        interval = float(getattr(settings, "SHUPING_JOB_PROGRESS_INTERVAL", 0.5))
        now = time.monotonic()
        due = self._last_written_at is None or now - self._last_written_at >= interval or done >= total
        if due:
            services.report_progress(self.job_id, done=done, total=total, message=message)
            self._last_written_at = now

    @contextmanager
    def atomic(self, message: str = "") -> Iterator[None]:
        """The task's all-or-nothing write: shows `message` first, then opens one transaction."""
        if message:
            self._last_written_at = None
            self.progress(self.done, self.total, message)
        with transaction.atomic():
            yield

    def attach_file(self, name: str, content: bytes) -> None:
        """Store a result file (e.g. the generated PDFs as a zip) and link it from the job page."""
        services.attach_result_file(job_id=self.job_id, name=name, content=content)

    def refresh(self) -> Job:
        return Job.objects.get(pk=self.job_id)


def _result_of(outcome: Any) -> dict[str, Any] | None:
    if outcome is None or isinstance(outcome, dict):
        return outcome
    return {"value": outcome}


def execute_job(job_id: int, function: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run one job's function with status, finish and failure handled uniformly (see module docstring).

    Returns a small JSON summary for the django-tasks result. Unexpected exceptions are re-raised after
    the job is marked failed, so the task result is FAILED too and its traceback stays with operators.
    """
    job = services.mark_job_running(job_id=job_id)
    if job is None:
        logger.info("Job %s was cancelled before it started", job_id)
        return {"job_id": job_id, "status": JobStatus.CANCELLED.value}
    context = JobContext(job, listener=_listeners.listener)
    previous = services.enter_job_scope()
    try:
        outcome = function(context, *args, **kwargs)
    except DomainError as exc:
        # A user-caused failure: its message is already the Chinese text to show.
        logger.info("Job %s (%s) failed: %s", job_id, job.kind, exc.message)
        result = dict(getattr(exc, "result", None) or {})
        errors = getattr(exc, "errors", None)
        if errors:
            result["errors"] = list(errors)
        services.fail_job(job_id=job_id, message=exc.message, result=result or None)
        return {"job_id": job_id, "status": JobStatus.FAILED.value}
    except BaseException as exc:
        interrupted = isinstance(exc, (KeyboardInterrupt, SystemExit))
        if interrupted:
            logger.warning("Job %s (%s) interrupted", job_id, job.kind)
            message = gettext("任务被中断（后台任务处理进程已停止），请重新发起。")
        else:
            logger.exception("Job %s (%s) failed", job_id, job.kind)
            message = services.generic_failure_message()
        try:
            services.fail_job(job_id=job_id, message=message)
        except Exception:
            logger.exception("Job %s could not be marked failed", job_id)
        raise
    finally:
        services.exit_job_scope(previous)
    services.finish_job(job_id=job_id, result=_result_of(outcome), message=context.summary)
    return {"job_id": job_id, "status": JobStatus.SUCCEEDED.value}


def job_task(
    function: Callable[..., Any] | None = None,
    *,
    priority: int = DEFAULT_TASK_PRIORITY,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
) -> Any:
    """Make a module-level function `f(job: JobContext, *args)` a django-tasks task run as a Job.

    The task is enqueued by `start_job(task=f, args=[…])` with the job's id first; define it at module
    level (django-tasks imports it by path in the worker).
    """

    def decorate(func: Callable[..., Any]) -> Any:
        @functools.wraps(func)
        def run(job_id: int, *args: Any, **kwargs: Any) -> dict[str, Any]:
            return execute_job(job_id, func, *args, **kwargs)

        run.is_job_task = True  # type: ignore[attr-defined]
        del run.__wrapped__  # django-tasks must see the runner's signature (job_id first), not func's
        return task(priority=priority, queue_name=queue_name, backend=backend)(run)

    if function is not None:
        return decorate(function)
    return decorate


# --- the CLI side -----------------------------------------------------------------------------------


class _Printer:
    """Prints progress lines to a terminal, at most every `interval` seconds (and the last one)."""

    def __init__(self, out: TextIO, interval: float) -> None:
        self.out = out
        self.interval = interval
        self.last_at: float | None = None
        self.last_line = ""

    def __call__(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if self.last_at is not None and now - self.last_at < self.interval and done < total:
            return
        line = progress_line(done, total, message)
        if line != self.last_line:
            self.out.write(line + "\n")
            self.last_line = line
        self.last_at = now


def progress_line(done: int, total: int, message: str) -> str:
    """One terminal line: "导入中 1200/100000（1%）"."""
    text = message or gettext("进行中")
    if total:
        return f"{text} {done}/{total}（{int(done * 100 / total)}%）"
    return f"{text} {done}"


def describe_outcome(job: Job, *, max_errors: int = 20) -> list[str]:
    """The closing lines a CLI prints: status, message, counts, and the first rows at fault."""
    lines = [f"{JobStatus(job.status).label}：{job.message}"]
    for name, value in job.counts.items():
        lines.append(f"  {name}：{value}")
    errors = job.errors
    for error in errors[:max_errors]:
        lines.append(
            gettext("  第 %(row)s 行「%(column)s」：%(reason)s")
            % {
                "row": error.get("row", "?"),
                "column": error.get("column", ""),
                "reason": error.get("reason", ""),
            }
        )
    if len(errors) > max_errors:
        lines.append(
            gettext("  …… 另有 %(count)s 处错误，详见任务页面。") % {"count": len(errors) - max_errors}
        )
    return lines


def run_job_in_foreground(
    *,
    kind: str,
    title: str,
    task: Any,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    requested_by: Any = None,
    organization: Any = None,
    out: TextIO | None = None,
    enqueue: bool = False,
    print_interval: float = 0.5,
    timeout: float | None = None,
) -> Job:
    """Run a job for a CLI command, printing progress lines; returns the finished Job.

    By default the job runs right here, in this process (no worker needed), and is still recorded as a
    Job the web pages show. With `enqueue=True` it goes to the queue like a web-started job and this
    waits for a worker (`shuping worker`), printing what the worker reports; `timeout` seconds (None =
    forever) bounds the wait, after which the job keeps running and the Job is returned as it stands.
    The caller picks its exit code from `job.status`; `describe_outcome(job)` gives the closing lines.
    """
    out = out or sys.stdout
    printer = _Printer(out, print_interval)
    if not enqueue:
        if not getattr(getattr(task, "func", None), "is_job_task", False):
            raise TypeError("run_job_in_foreground() needs a task made with @job_task")
        job = services.create_job(
            kind=kind, title=title, requested_by=requested_by, organization=organization
        )
        out.write(gettext("任务 #%(id)s：%(title)s") % {"id": job.pk, "title": title} + "\n")
        previous, _listeners.listener = _listeners.listener, printer
        try:
            task.call(job.pk, *args, **(kwargs or {}))
        except Exception:  # noqa: S110 — already logged with its traceback and recorded on the job
            pass
        finally:
            _listeners.listener = previous
        job.refresh_from_db()
    else:
        job = start_and_wait(
            kind=kind,
            title=title,
            task=task,
            args=args,
            kwargs=kwargs,
            requested_by=requested_by,
            organization=organization,
            out=out,
            printer=printer,
            timeout=timeout,
        )
    for line in describe_outcome(job) if not job.is_active else []:
        out.write(line + "\n")
    return job


def start_and_wait(
    *,
    kind: str,
    title: str,
    task: Any,
    args: Sequence[Any],
    kwargs: dict[str, Any] | None,
    requested_by: Any,
    organization: Any,
    out: TextIO,
    printer: ProgressListener,
    timeout: float | None,
    poll_interval: float = 0.5,
) -> Job:
    """Enqueue the job and poll its row until it finishes (or `timeout`), printing its progress."""
    job = services.start_job(
        kind=kind,
        title=title,
        requested_by=requested_by,
        organization=organization,
        task=task,
        args=args,
        kwargs=kwargs,
    )
    out.write(
        gettext("任务 #%(id)s 已排队，等待后台任务处理进程（shuping worker）……") % {"id": job.pk} + "\n"
    )
    deadline = None if timeout is None else time.monotonic() + timeout
    seen: tuple[int, int, str] | None = None
    while True:
        job.refresh_from_db()
        state = (job.progress_done, job.progress_total, job.message)
        if job.status == JobStatus.RUNNING and state != seen:
            printer(*state)
            seen = state
        if not job.is_active:
            return job
        if deadline is not None and time.monotonic() >= deadline:
            out.write(gettext("等待超时；任务仍在后台进行，可在“后台任务”页面查看。") + "\n")
            return job
        time.sleep(poll_interval)
