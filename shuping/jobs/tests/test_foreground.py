"""run_job_in_foreground: a CLI command runs (or waits for) a job and prints progress lines."""

from __future__ import annotations

from io import StringIO

import pytest

from shuping.jobs.choices import JobStatus
from shuping.jobs.runtime import progress_line, run_job_in_foreground
from shuping.jobs.tests import sample_tasks


def test_a_job_run_in_the_foreground_prints_progress_and_its_outcome(world):
    out = StringIO()

    job = run_job_in_foreground(
        kind="test.sample",
        title="统计测试",
        task=sample_tasks.count_rows,
        args=[3],
        out=out,
        print_interval=0,
    )

    lines = out.getvalue().splitlines()
    assert lines == [
        f"任务 #{job.pk}：统计测试",
        "校验中 1/3（33%）",
        "校验中 2/3（66%）",
        "校验中 3/3（100%）",
        "已完成：已校验 3 行。",
        "  行：3",
    ]
    assert job.status == JobStatus.SUCCEEDED and job.requested_by is None


def test_a_failing_foreground_job_prints_the_rows_at_fault_not_a_traceback(world):
    out = StringIO()

    job = run_job_in_foreground(
        kind="test.sample", title="导入测试", task=sample_tasks.reject_bad_rows, out=out
    )

    assert job.status == JobStatus.FAILED
    text = out.getvalue()
    assert "失败：文件中有 2 处错误，未导入任何数据。" in text
    assert "  第 3 行「组织代码」：与第 2 行重复" in text
    assert "Traceback" not in text


def test_a_crash_in_the_foreground_is_recorded_and_reported_in_chinese(world):
    out = StringIO()
    job = run_job_in_foreground(kind="test.sample", title="测试", task=sample_tasks.crash, out=out)
    assert job.status == JobStatus.FAILED and "系统内部错误" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_waiting_for_a_worker_gives_up_after_the_timeout_and_leaves_the_job_queued(world, database_queue):
    out = StringIO()
    job = run_job_in_foreground(
        kind="test.sample",
        title="统计测试",
        task=sample_tasks.count_rows,
        args=[2],
        out=out,
        enqueue=True,
        timeout=0,
    )
    assert job.status == JobStatus.QUEUED
    assert "已排队" in out.getvalue() and "等待超时" in out.getvalue()


def test_progress_lines_read_like_a_terminal_counter():
    assert progress_line(1200, 100000, "导入中") == "导入中 1200/100000（1%）"
    assert progress_line(5, 0, "") == "进行中 5"
