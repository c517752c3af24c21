"""Campaign batches of 反馈、通报与归档 as background jobs with progress (EVA-8): every released feedback
letter of a campaign, and the ZIP export of sealed transfers with manifest.json and SM3 hashes (EVA-7)."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from shuping.audit.services import record
from shuping.campaigns.models import Campaign
from shuping.jobs.runtime import JobContext, job_task

from . import documents, services
from .models import ArchiveTransfer, Feedback

if TYPE_CHECKING:
    from shuping.accounts.models import User


@job_task
def render_feedback_letters(job: JobContext, campaign_id: int) -> dict[str, Any]:
    """Every released feedback letter of the campaign as PDF, zipped onto the job page."""
    from shuping.documents.services import render_batch

    campaign = Campaign.objects.select_related("organizer").get(pk=campaign_id)
    rows = list(
        Feedback.objects.filter(campaign=campaign, released_at__isnull=False)
        .select_related("assessment__campaign__organizer")
        .order_by("assessment__organization_path")
    )
    pdfs = render_batch(
        [documents.feedback_letter(f) for f in rows],
        progress=lambda done, total: job.progress(done, total, "正在生成反馈意见"),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f, pdf in zip(rows, pdfs, strict=True):
            a = f.assessment
            archive.writestr(f"反馈意见-{a.organization_name}-{a.person_name or a.pk}.pdf", pdf)
    job.attach_file(f"反馈意见-{campaign.pk}-{timezone.localdate():%Y%m%d}.zip", buffer.getvalue())
    job.summary = f"已生成 {len(pdfs)} 份反馈意见。"
    return {"letters": len(pdfs)}


@job_task
def export_transfers(job: JobContext, transfer_ids: list[int]) -> dict[str, Any]:
    """The sealed materials of the given transfers with their 移交清单 and manifest.json (SM3) as one ZIP."""
    transfers = list(
        ArchiveTransfer.objects.filter(pk__in=transfer_ids)
        .select_related("campaign__organizer", "holder")
        .order_by("pk")
    )
    job.progress(0, len(transfers), "正在打包移交材料")
    files: list[tuple[str, bytes]] = []
    entries: list[dict] = []
    for done, transfer in enumerate(transfers, start=1):
        more, data = services.manifest([transfer])
        files += more
        entries += data["files"]
        job.progress(done, len(transfers), "正在打包移交材料")
    content = services.zip_bytes(
        files, {"algorithm": "SM3", "generated_at": timezone.now().isoformat(), "files": entries}
    )
    name = transfers[0].number if len(transfers) == 1 else f"归档移交-{transfers[0].campaign_id}"
    job.attach_file(f"{name}.zip", content)
    job.summary = f"已打包 {len(transfers)} 份移交清单、{len(entries)} 个文件（附 SM3 摘要清单）。"
    return {"transfers": len(transfers), "files": len(entries)}


@transaction.atomic
def start_letters(*, actor: User, campaign: Campaign):
    """Enqueue the campaign's batch of feedback letters (progress on the job page)."""
    from shuping.jobs.services import start_job

    job = start_job(
        kind="feedback.letters",
        title=f"反馈意见：{campaign.title}",
        requested_by=actor,
        task=render_feedback_letters,
        args=[campaign.pk],
        organization=campaign.organizer,
    )
    record(actor=actor, action="feedback.letters", target=campaign, detail={"job": job.pk})
    return job


@transaction.atomic
def start_export(*, actor: User, transfers: list[ArchiveTransfer], organization):
    """Enqueue the ZIP export of sealed transfers (manifest with SM3 hashes)."""
    from shuping.jobs.services import start_job

    job = start_job(
        kind="feedback.transfers",
        title="归档移交材料打包：" + "、".join(t.number for t in transfers[:3]),
        requested_by=actor,
        task=export_transfers,
        args=[[t.pk for t in transfers]],
        organization=organization,
    )
    record(actor=actor, action="feedback.transfers.export", target=transfers[0], detail={"job": job.pk})
    return job
