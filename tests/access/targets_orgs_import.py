"""Placeholders for the ORG-4 import/export rows of docs/permissions.md ("导入导出")."""

from __future__ import annotations

from typing import Any


def _import_job(world: Any) -> int:
    """A finished, rejected organization import started by the organizer staff on 示范省委."""
    from shuping.jobs.models import Job

    job = Job.objects.create(
        kind="orgs.import",
        title="导入党组织：测试.csv",
        requested_by=world.organizer_staff,
        organization=world.province,
        status="failed",
        message="导入文件中有 1 处错误，未导入任何数据。",
        result={"errors": [{"row": 2, "column": "类型", "reason": "无法识别的类型「乡」"}]},
    )
    return job.pk


TARGETS = {"import_job": _import_job}
