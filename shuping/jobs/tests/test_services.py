"""Starting, running, finishing and failing jobs (through the immediate backend the tests use)."""

from __future__ import annotations

import pytest

from shuping.core.errors import ConflictError
from shuping.jobs.choices import JobStatus
from shuping.jobs.models import Job
from shuping.jobs.services import cancel_job, create_job, report_progress, start_job
from shuping.jobs.tests import sample_tasks


def _start(user, task, *args, capture, organization=None):
    with capture(execute=True):
        job = start_job(
            kind="test.sample",
            title="测试任务",
            requested_by=user,
            organization=organization,
            task=task,
            args=list(args),
        )
    job.refresh_from_db()
    return job


def test_a_job_records_its_progress_step_by_step_and_ends_succeeded(
    world, django_capture_on_commit_callbacks, observe
):
    steps = []
    observe(
        lambda phase, job_id, number: steps.append(
            Job.objects.values_list("status", "progress_done", "progress_total", "message").get(pk=job_id)
        )
    )

    job = _start(
        world.organizer_staff, sample_tasks.count_rows, 4, capture=django_capture_on_commit_callbacks
    )

    assert steps == [("running", n, 4, "校验中") for n in range(1, 5)]
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)
    assert job.message == "已校验 4 行。"
    assert job.result == {"counts": {"行": 4}}
    assert job.task_result_id, "the django-tasks result id is kept"
    assert job.started_at and job.finished_at and job.started_at <= job.finished_at


def test_a_crashing_job_fails_with_a_chinese_message_and_no_traceback(
    world, django_capture_on_commit_callbacks, caplog
):
    job = _start(world.organizer_staff, sample_tasks.crash, capture=django_capture_on_commit_callbacks)

    assert job.status == JobStatus.FAILED
    assert "系统内部错误" in job.message
    for leaked in ("Traceback", "RuntimeError", "secret_module", "line 42"):
        assert leaked not in job.message
    assert job.result is None

    # The traceback reaches the log (scrubbed, as text: core.logging keeps no live exception object).
    assert any(r.exc_text and "secret_module" in r.exc_text for r in caplog.records)


def test_a_job_rejecting_bad_rows_fails_with_row_column_and_reason(world, django_capture_on_commit_callbacks):
    job = _start(
        world.organizer_staff, sample_tasks.reject_bad_rows, capture=django_capture_on_commit_callbacks
    )

    assert job.status == JobStatus.FAILED
    assert job.message == "文件中有 2 处错误，未导入任何数据。"
    assert job.errors == [
        {"row": 3, "column": "组织代码", "reason": "与第 2 行重复"},
        {"row": 5, "column": "上级组织代码", "reason": "找不到该上级组织"},
    ]


def test_a_failed_all_or_nothing_write_leaves_nothing_behind(world, django_capture_on_commit_callbacks):
    from shuping.orgs.models import Organization

    before = Organization.objects.count()
    job = _start(
        world.organizer_staff,
        sample_tasks.import_branches,
        world.county.pk,
        3,
        2,
        capture=django_capture_on_commit_callbacks,
    )

    assert job.status == JobStatus.FAILED
    assert job.message == "第 2 行写入失败，未导入任何数据。"
    assert Organization.objects.count() == before


def test_a_job_is_enqueued_only_once_its_transaction_commits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start_job(
            kind="test.sample",
            title="测试任务",
            requested_by=world.organizer_staff,
            task=sample_tasks.count_rows,
            args=[2],
        )
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and not job.task_result_id
    assert len(callbacks) == 1


def test_start_job_refuses_arguments_a_queue_cannot_hold_and_writes_nothing(world):
    with pytest.raises(TypeError):
        start_job(
            kind="test.sample",
            title="测试任务",
            requested_by=world.organizer_staff,
            task=sample_tasks.count_rows,
            args=[object()],
        )
    assert not Job.objects.exists()


def test_start_job_refuses_a_plain_function(db):
    with pytest.raises(TypeError):
        start_job(kind="x", title="x", requested_by=None, task=lambda: None)


def test_progress_on_a_job_that_is_not_running_is_ignored(world):
    job = create_job(kind="test.sample", title="测试任务", requested_by=world.organizer_staff)
    report_progress(job.pk, done=5, total=10, message="校验中")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.message) == (0, 0, "")


def test_a_cancelled_job_is_skipped_by_the_worker_and_cannot_be_finished(world):
    job = create_job(kind="test.sample", title="测试任务", requested_by=world.organizer_staff)
    cancel_job(job_id=job.pk)

    summary = sample_tasks.count_rows.call(job.pk, 3)

    job.refresh_from_db()
    assert summary["status"] == "cancelled"
    assert job.status == JobStatus.CANCELLED and job.progress_done == 0
    with pytest.raises(ConflictError) as error:
        cancel_job(job_id=job.pk)
    assert "已取消" in error.value.message


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (JobStatus.QUEUED, JobStatus.RUNNING, True),
        (JobStatus.RUNNING, JobStatus.SUCCEEDED, True),
        (JobStatus.RUNNING, JobStatus.FAILED, True),
        (JobStatus.SUCCEEDED, JobStatus.RUNNING, False),
        (JobStatus.FAILED, JobStatus.SUCCEEDED, False),
        (JobStatus.QUEUED, JobStatus.SUCCEEDED, False),
    ],
)
def test_status_moves_only_along_allowed_transitions(current, target, allowed):
    job = Job(kind="x", title="x", status=current)
    if allowed:
        job.transition_to(target)
        assert job.status == target
    else:
        with pytest.raises(ConflictError):
            job.transition_to(target)
        assert job.status == current


@pytest.mark.parametrize(
    ("link", "shown"),
    [
        ({"url": "/orgs/1/", "label": "查看"}, True),
        ({"url": "https://evil.example/", "label": "查看"}, False),
        ({"url": "//evil.example/", "label": "查看"}, False),
        ({"url": "javascript:alert(1)", "label": "查看"}, False),
    ],
)
def test_only_site_relative_result_links_are_shown(link, shown):
    assert (Job(kind="x", title="x", result={"link": link}).result_link is not None) is shown
