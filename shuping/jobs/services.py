"""Writes to background jobs: start, progress, finish, fail, cancel (every write goes through here).

How progress stays visible while a job's real work is one all-or-nothing transaction
------------------------------------------------------------------------------------
An import must write everything or nothing (ORG-4), so its writes run in one transaction; pollers
(the progress partial, the API, `run_job_in_foreground`) read the `Job` row from other connections
and only ever see committed data. `report_progress` therefore never writes *inside* the task's
transaction. It looks at how deep the calling connection's atomic blocks are, compared with the depth
at which the job runner started the task (0 in a worker, the test's own block in tests):

* **outside the task's transactions** — the normal case — one short transaction of its own on the
  default connection: one UPDATE, committed at once;
* **inside a transaction the task opened, on PostgreSQL** (any database with row locks) — through a
  second, autocommit connection to the same database (`jobs_progress`), so pollers see it while the
  task's transaction is still open. It touches only the Job row, which the task's transaction does not
  lock;
* **inside a transaction the task opened, on SQLite** — SQLite has one writer at a time, and the task's
  transaction holds the write lock, so a second connection would wait for the lock (busy timeout) until
  the task commits. The update is kept in memory and written right after the transaction commits
  (`on_commit`); if it rolls back, the failure is what gets reported.

So the pattern for task authors, visible on both databases, is: **validate first, with progress** (reads
only, no transaction: the slow part — parsing and checking every row), then **write in one transaction**
(`with job.atomic("写入中…"):`), which on SQLite shows the message and the validation's count until
the commit, and on PostgreSQL shows live progress too. Under WAL, SQLite readers are never blocked by
that writer, so pollers keep answering.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils.translation import gettext

from .choices import JobStatus
from .models import Job

logger = logging.getLogger("shuping.jobs")

#: Alias of the second connection used for progress inside a task's transaction (PostgreSQL).
SIDE_ALIAS = "jobs_progress"
MESSAGE_MAX = 500


class _State(threading.local):
    """Per-thread bookkeeping of the job running in this thread (a worker runs one job at a time)."""

    def __init__(self) -> None:
        #: Atomic depth at which the running job's task started; None outside a job runner.
        self.baseline_depth: int | None = None
        self.side_connection: Any = None
        self.pending: dict[int, dict[str, Any]] = {}
        self.flush_keys: set[tuple[int, int]] = set()


_state = _State()


def generic_failure_message() -> str:
    """What a user reads when a job fails for a reason they did not cause (details go to the log)."""
    return gettext("任务执行失败：系统内部错误，详细信息已记入日志。请稍后重试，或联系系统管理员。")


# --- creating and enqueueing ---------------------------------------------------------------------------


@transaction.atomic
def create_job(
    *,
    kind: str,
    title: str,
    requested_by: Any = None,
    organization: Any = None,
) -> Job:
    """Create the queued Job record without enqueueing anything (the foreground runner uses this)."""
    return Job.objects.create(
        kind=kind,
        title=title[:200],
        requested_by=requested_by,
        organization=organization,
        status=JobStatus.QUEUED,
    )


@transaction.atomic
def start_job(
    *,
    kind: str,
    title: str,
    requested_by: Any,
    task: Any,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    organization: Any = None,
) -> Job:
    """Create a Job and enqueue `task` (made with `@job_task`) with the job's id once this commits.

    `args` / `kwargs` must be JSON values (the database backend stores them). Enqueueing waits for
    the commit so a worker never picks up a job whose row (or whose input rows) it cannot see yet.
    """
    from django_tasks.utils import normalize_json

    if not getattr(getattr(task, "func", None), "is_job_task", False):
        raise TypeError("start_job() needs a task made with @job_task")
    args = tuple(args)
    kwargs = dict(kwargs or {})
    normalize_json([args, kwargs])  # fail here, before anything is written, on values a queue cannot hold
    job = create_job(kind=kind, title=title, requested_by=requested_by, organization=organization)
    transaction.on_commit(functools.partial(_enqueue, job.pk, task, args, kwargs))
    return job


def _enqueue(job_id: int, task: Any, args: tuple, kwargs: dict) -> None:
    try:
        task_result = task.enqueue(job_id, *args, **kwargs)
    except Exception:
        logger.exception("Job %s could not be enqueued", job_id)
        fail_job(job_id=job_id, message=gettext("任务未能进入队列，请稍后重试。"))
        return
    # update(), not save(): with the immediate backend the job has already run and finished by now.
    Job.objects.filter(pk=job_id).update(task_result_id=str(task_result.id))


# --- status ------------------------------------------------------------------------------------------


@transaction.atomic
def mark_job_running(*, job_id: int) -> Job | None:
    """queued → running, when a worker picks the job up. Returns None if it was cancelled meanwhile."""
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status == JobStatus.CANCELLED:
        return None
    changed = job.transition_to(JobStatus.RUNNING)
    job.save(update_fields=changed)
    return job


@transaction.atomic
def finish_job(*, job_id: int, result: dict[str, Any] | None = None, message: str = "") -> Job:
    """running → succeeded, with the task's result (counts, links) and a closing message."""
    _drop_pending(job_id)
    job = Job.objects.select_for_update().get(pk=job_id)
    if not job.can_transition_to(JobStatus.SUCCEEDED):
        logger.warning("Job %s finished while %s; left as it is", job_id, job.status)
        return job
    changed = job.transition_to(JobStatus.SUCCEEDED)
    job.result = result
    job.message = (message or gettext("已完成"))[:MESSAGE_MAX]
    if job.progress_total and job.progress_done < job.progress_total:
        job.progress_done = job.progress_total
    job.save(update_fields=[*changed, "result", "message", "progress_done"])
    return job


@transaction.atomic
def fail_job(*, job_id: int, message: str, result: dict[str, Any] | None = None) -> Job:
    """queued/running → failed. `message` is Chinese and shown as is: never pass a traceback here."""
    _drop_pending(job_id)
    job = Job.objects.select_for_update().get(pk=job_id)
    if not job.can_transition_to(JobStatus.FAILED):
        logger.warning("Job %s failed while %s; left as it is", job_id, job.status)
        return job
    changed = job.transition_to(JobStatus.FAILED)
    job.message = message[:MESSAGE_MAX]
    job.result = result
    job.save(update_fields=[*changed, "message", "result"])
    return job


@transaction.atomic
def cancel_job(*, job_id: int, message: str = "") -> Job:
    """queued → cancelled (a worker skips it). Raises ConflictError once it has finished."""
    job = Job.objects.select_for_update().get(pk=job_id)
    changed = job.transition_to(JobStatus.CANCELLED)
    job.message = (message or gettext("已取消"))[:MESSAGE_MAX]
    job.save(update_fields=[*changed, "message"])
    return job


@transaction.atomic
def attach_result_file(*, job_id: int, name: str, content: bytes | File) -> Job:
    """Store a result file for the job in the one storage (SEC-8) and link it from the job."""
    job = Job.objects.select_for_update().get(pk=job_id)
    file = content if isinstance(content, File) else ContentFile(content)
    job.result_file.save(name, file, save=False)
    job.save(update_fields=["result_file"])
    return job


# --- progress ----------------------------------------------------------------------------------------


def report_progress(job_id: int, *, done: int, total: int, message: str = "") -> None:
    """Record "已完成 done / total" and the latest message; cheap, call it as often as you like.

    Writes in its own short transaction, never inside the task's own transaction (see the module
    docstring for how, per database). Only a running job takes progress.
    """
    values = {
        "progress_done": max(0, int(done)),
        "progress_total": max(0, int(total)),
        "message": str(message)[:MESSAGE_MAX],
    }
    connection = connections[DEFAULT_DB_ALIAS]
    baseline = _state.baseline_depth
    if baseline is None or len(connection.atomic_blocks) <= baseline:
        # Outside a job runner (a test, a one-off call) the caller's transaction is the caller's call.
        _write_directly(job_id, values)
        return
    if connection.vendor != "sqlite":
        _write_through_side_connection(job_id, values)
        return
    _defer_until_commit(job_id, values, connection)


def _write_directly(job_id: int, values: dict[str, Any]) -> None:
    _state.pending.pop(job_id, None)
    with transaction.atomic():
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(**values)


def _write_through_side_connection(job_id: int, values: dict[str, Any]) -> None:
    side = _state.side_connection
    if side is None:
        default = connections[DEFAULT_DB_ALIAS]
        side = default.__class__({**default.settings_dict}, alias=SIDE_ALIAS)
        if side.vendor == "postgresql":
            # If the task's transaction itself holds the Job row (e.g. it attached a file), waiting
            # for that lock would wait for ourselves: give up quickly and defer to the commit instead.
            with side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '500ms'")
        _state.side_connection = side
    meta = Job._meta
    quote = side.ops.quote_name
    columns = {field.name: field.column for field in meta.concrete_fields}
    assignments = ", ".join(f"{quote(columns[name])} = %s" for name in values)
    # Identifiers come from the model's own metadata, values are parameters: no user input in the SQL.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s AND {quote(columns['status'])} = %s"
    )
    try:
        with side.cursor() as cursor:  # autocommit: committed as soon as it runs
            cursor.execute(sql, [*values.values(), job_id, JobStatus.RUNNING.value])
    except DatabaseError:
        logger.info("Progress of job %s deferred to the commit: its row is locked", job_id, exc_info=True)
        _defer_until_commit(job_id, values, connections[DEFAULT_DB_ALIAS])


def _defer_until_commit(job_id: int, values: dict[str, Any], connection: Any) -> None:
    _state.pending[job_id] = values
    outermost = connection.atomic_blocks[_state.baseline_depth or 0]
    key = (job_id, id(outermost))
    if key not in _state.flush_keys:
        _state.flush_keys.add(key)
        transaction.on_commit(functools.partial(_flush_pending, job_id, key))


def _flush_pending(job_id: int, key: tuple[int, int]) -> None:
    _state.flush_keys.discard(key)
    values = _state.pending.pop(job_id, None)
    if values is not None:
        # After the commit: nothing to route around any more (and never defer again from here).
        _write_directly(job_id, values)


def _drop_pending(job_id: int) -> None:
    _state.pending.pop(job_id, None)
    _state.flush_keys = {key for key in _state.flush_keys if key[0] != job_id}


# --- used by the job runner (runtime.py) -------------------------------------------------------------


def enter_job_scope() -> int | None:
    """Remember the atomic depth at which a task starts; returns the previous value for exit_job_scope."""
    previous = _state.baseline_depth
    _state.baseline_depth = len(connections[DEFAULT_DB_ALIAS].atomic_blocks)
    return previous


def exit_job_scope(previous: int | None) -> None:
    """Restore the depth and close the side connection, if one was opened."""
    _state.baseline_depth = previous
    side, _state.side_connection = _state.side_connection, None
    if side is not None:
        try:
            side.close()
        except Exception:  # closing a broken connection must not hide the job's outcome
            logger.warning("Could not close the progress connection", exc_info=True)
