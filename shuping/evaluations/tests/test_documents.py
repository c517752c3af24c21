"""EVA-8: the campaign's 综合评价意见表 as a background job with progress — every assessee's PDF, zipped."""

from __future__ import annotations

import io
import zipfile

import pytest

from shuping.evaluations import documents, services
from shuping.jobs.choices import JobStatus
from shuping.jobs.runtime import run_job_in_foreground

from .builders import campaign_at_evaluation


@pytest.mark.req("EVA-8")
def test_the_campaign_batch_of_evaluation_forms_runs_as_a_job_with_progress(world):
    campaign = campaign_at_evaluation(world, extra=3)
    for e in services.start_evaluations(actor=world.organizer_staff, campaign=campaign):
        services.propose_grade(actor=world.organizer_staff, evaluation=e, grade="较好")
    out = io.StringIO()
    job = run_job_in_foreground(
        kind="evaluations.forms",
        title="综合评价意见表",
        task=documents.render_campaign_forms,
        args=[campaign.pk],
        requested_by=world.organizer_staff,
        out=out,
    )
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.progress_done == job.progress_total == 4
    assert job.result == {"forms": 4}
    with job.result_file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert len(archive.namelist()) == 4
    assert all(archive.read(n).startswith(b"%PDF-") for n in archive.namelist())
    assert "甲市委员会-陈书记.pdf" in "".join(archive.namelist()).replace("中共", "")
