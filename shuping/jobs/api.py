"""/api/v1/jobs/{id}: status and progress of one background job (scoped like the job pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import Router, Schema

from shuping.accounts.api_auth import API_AUTH
from shuping.core.api_base import api_access

from . import selectors
from .choices import JobStatus

router = Router(tags=["jobs"], auth=API_AUTH)


class JobErrorOut(Schema):
    row: int | str | None = None
    column: str | None = None
    reason: str = ""


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    status_label: str
    is_active: bool
    progress_done: int
    progress_total: int
    percent: int
    message: str
    result: dict[str, Any] | None
    errors: list[JobErrorOut]
    result_file_url: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.get("/jobs/{job_id}", response=JobOut, summary="后台任务的状态与进度")
@api_access("scoped", "经 selectors.get_job_for 取任务：本人发起或所辖党组织范围内，否则 404")
def get_job(request, job_id: int):
    job = selectors.get_job_for(request.user, job_id)
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "status_label": str(JobStatus(job.status).label),
        "is_active": job.is_active,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "percent": job.percent,
        "message": job.message,
        "result": job.result if isinstance(job.result, dict) else None,
        "errors": job.errors,
        "result_file_url": reverse("jobs:result_file", args=[job.pk]) if job.result_file else None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
