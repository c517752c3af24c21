"""Module-level job tasks for the tests (django-tasks imports tasks by path, also in the worker)."""

from __future__ import annotations

from collections.abc import Callable

from shuping.jobs.runtime import JobContext, JobFailed, job_task
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization

#: Set by a test to look at the database from elsewhere while a task runs: observe(phase, job_id, number).
OBSERVE: Callable[[str, int, int], None] | None = None


def _observe(phase: str, job_id: int, number: int) -> None:
    if OBSERVE is not None:
        OBSERVE(phase, job_id, number)


@job_task
def count_rows(job: JobContext, total: int) -> dict:
    """Checks `total` rows, reporting progress for each."""
    for number in range(1, total + 1):
        job.progress(number, total, "校验中")
        _observe("progress", job.job_id, number)
    job.summary = f"已校验 {total} 行。"
    return {"counts": {"行": total}}


@job_task
def crash(job: JobContext) -> None:
    """Fails the way a bug does: an exception whose text must never reach the user."""
    job.progress(1, 3, "校验中")
    raise RuntimeError("KeyError in /srv/shuping/secret_module.py line 42")


@job_task
def reject_bad_rows(job: JobContext) -> None:
    """Fails the way a bad file does: a Chinese message and the rows at fault."""
    job.progress(2, 2, "校验中")
    raise JobFailed(
        "文件中有 2 处错误，未导入任何数据。",
        errors=[
            {"row": 3, "column": "组织代码", "reason": "与第 2 行重复"},
            {"row": 5, "column": "上级组织代码", "reason": "找不到该上级组织"},
        ],
    )


@job_task
def import_branches(job: JobContext, parent_id: int, total: int, fail_at: int = 0) -> dict:
    """An all-or-nothing import in the recommended shape: validate with progress, then one write."""
    from shuping.orgs.models import Organization

    parent = Organization.objects.get(pk=parent_id)
    for number in range(1, total + 1):
        job.progress(number, total, "校验中")
        _observe("validate", job.job_id, number)
    with job.atomic("写入中"):
        for number in range(1, total + 1):
            create_organization(
                name=f"测试支部{number}",
                code=f"T-BR-{job.job_id}-{number}",
                kind=OrgKind.GRASSROOTS,
                admin_level=AdminLevel.NONE,
                parent=parent,
            )
            job.progress(number, total, "写入中")
            _observe("write", job.job_id, number)
            if number == fail_at:
                raise JobFailed(f"第 {number} 行写入失败，未导入任何数据。")
    _observe("committed", job.job_id, total)
    return {"counts": {"党组织": total}, "link": {"url": f"/orgs/{parent_id}/", "label": "查看导入的党组织"}}
