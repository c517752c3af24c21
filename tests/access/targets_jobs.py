"""Placeholders for the jobs rows of docs/permissions.md (resolved by tests/access/harness.py)."""

from __future__ import annotations


def _job_of(user, organization) -> int:
    from shuping.jobs.services import create_job

    return create_job(
        kind="orgs.import", title="导入党组织名册", requested_by=user, organization=organization
    ).pk


def _finished_job_with_file(world) -> int:
    from shuping.jobs.services import attach_result_file, finish_job, mark_job_running

    job_id = _job_of(world.organizer_staff, world.province)
    mark_job_running(job_id=job_id)
    attach_result_file(job_id=job_id, name="结果.csv", content="行,列,原因\n".encode())
    finish_job(job_id=job_id)
    return job_id


TARGETS = {
    # A job requested by the province's organizer staff, scoped to the province.
    "job_of_organizer": lambda world: _job_of(world.organizer_staff, world.province),
    # A job of the neighbouring province's staff: out of everyone else's scope.
    "job_of_outsider": lambda world: _job_of(world.outsider, world.other_province),
    # A finished job with a result file, scoped to the province.
    "job_with_file": _finished_job_with_file,
}
