"""/api/v1/jobs/{id}: status and progress, scoped like the pages (out of scope → 404)."""

from __future__ import annotations

from ninja.testing import TestClient

from shuping.jobs.api import router
from shuping.jobs.services import create_job, fail_job, mark_job_running, report_progress


def _running_job(world):
    job = create_job(
        kind="orgs.import",
        title="导入党组织",
        requested_by=world.organizer_staff,
        organization=world.province,
    )
    mark_job_running(job_id=job.pk)
    report_progress(job.pk, done=30, total=120, message="校验中")
    return job


def test_the_requester_reads_status_and_progress(world):
    job = _running_job(world)

    response = TestClient(router).get(f"/jobs/{job.pk}", user=world.organizer_staff)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "running" and body["status_label"] == "进行中" and body["is_active"] is True
    assert (body["progress_done"], body["progress_total"], body["percent"]) == (30, 120, 25)
    assert body["message"] == "校验中" and body["errors"] == [] and body["result_file_url"] is None


def test_a_failed_job_reports_its_rows_at_fault(world):
    job = _running_job(world)
    fail_job(
        job_id=job.pk,
        message="文件中有 1 处错误，未导入任何数据。",
        result={"errors": [{"row": 4, "column": "名称", "reason": "不能为空"}]},
    )

    body = TestClient(router).get(f"/jobs/{job.pk}", user=world.department_leader).json()

    assert body["status"] == "failed" and body["is_active"] is False
    assert body["errors"] == [{"row": 4, "column": "名称", "reason": "不能为空"}]


def test_someone_elses_job_is_404_and_anonymous_is_401(world):
    job = _running_job(world)
    client = TestClient(router)

    assert client.get(f"/jobs/{job.pk}", user=world.outsider).status_code == 404
    assert client.get(f"/jobs/{job.pk}").status_code == 401
