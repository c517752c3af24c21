"""The one-page 综合评价意见表 per assessee (EVA-8): PDF with embedded Chinese fonts and editable .docx
through shuping.documents; a campaign's batch as a background job with progress (shuping.jobs).

Before 研究 the form carries the proposed grade marked 拟定 (only staff and leaders reach it, EVA-9);
after, the decided grade.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from shuping.audit.services import record
from shuping.campaigns.models import Assessment, Campaign
from shuping.core.dates import local_date
from shuping.documents.content import EvaluationForm
from shuping.jobs.runtime import JobContext, job_task

from .models import Evaluation

if TYPE_CHECKING:
    from shuping.accounts.models import User


def form_for(assessment: Assessment, evaluation: Evaluation | None) -> EvaluationForm:
    """The form's content from the evaluation (opinion: achievements, then numbered problems)."""
    grade = "只述职不定等次" if not assessment.is_graded else ""
    opinion = ""
    if evaluation is not None:
        if assessment.is_graded:
            grade = evaluation.final_grade or (
                f"{evaluation.proposed_grade}（拟定）" if evaluation.proposed_grade else ""
            )
        parts = []
        if evaluation.achievements:
            parts.append("一、肯定成绩\n" + evaluation.achievements)
        if evaluation.problems:
            numbered = "\n".join(f"{i}. {p['text']}" for i, p in enumerate(evaluation.problems, start=1))
            parts.append("二、存在问题\n" + numbered)
        opinion = "\n\n".join(parts)
    campaign = assessment.campaign
    return EvaluationForm(
        name=assessment.person_name or "—",
        organization=assessment.organization_name,
        position=f"{assessment.organization_name}书记",
        year=campaign.year,
        grade=grade or "—",
        opinion=opinion or "（综合评价意见待拟定）",
        signer=f"{campaign.organizer.display_name}",
        signed_on=local_date(evaluation.decided_at) if evaluation else None,
        subtitle=f"{campaign.year}年度党委（党组）书记抓基层党建工作述职评议考核",
    )


def _filename(assessment: Assessment, ext: str) -> str:
    return f"综合评价意见表-{assessment.pk}.{ext}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def pdf_response(assessment: Assessment, evaluation: Evaluation | None) -> HttpResponse:
    from shuping.documents.services import render_form_pdf

    return _attachment(
        render_form_pdf(form_for(assessment, evaluation)), "application/pdf", _filename(assessment, "pdf")
    )


def docx_response(assessment: Assessment, evaluation: Evaluation | None) -> HttpResponse:
    from shuping.documents.services import render_form_docx

    return _attachment(
        render_form_docx(form_for(assessment, evaluation)),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _filename(assessment, "docx"),
    )


def campaign_forms(campaign: Campaign) -> list[tuple[Assessment, EvaluationForm]]:
    assessments = list(
        campaign.assessments.filter(is_excluded=False)
        .select_related("campaign__organizer", "evaluation")
        .order_by("organization_path")
    )
    return [(a, form_for(a, getattr(a, "evaluation", None))) for a in assessments]


@job_task
def render_campaign_forms(job: JobContext, campaign_id: int) -> dict[str, Any]:
    """The background job: every assessee's form as PDF, zipped and attached to the job page (EVA-8)."""
    from shuping.documents.services import render_batch

    campaign = Campaign.objects.select_related("organizer").get(pk=campaign_id)
    pairs = campaign_forms(campaign)
    pdfs = render_batch(
        [form for _a, form in pairs],
        progress=lambda done, total: job.progress(done, total, "正在生成综合评价意见表"),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for (assessment, _form), pdf in zip(pairs, pdfs, strict=True):
            archive.writestr(
                f"{assessment.organization_name}-{assessment.person_name or assessment.pk}.pdf", pdf
            )
    stamp = timezone.localdate().strftime("%Y%m%d")
    job.attach_file(f"综合评价意见表-{campaign.pk}-{stamp}.zip", buffer.getvalue())
    job.summary = f"已生成 {len(pdfs)} 份综合评价意见表。"
    return {"forms": len(pdfs)}


@transaction.atomic
def start_batch(*, actor: User, campaign: Campaign):
    """Enqueue the campaign's batch of 综合评价意见表 (progress on the job page)."""
    from shuping.jobs.services import start_job

    job = start_job(
        kind="evaluations.forms",
        title=f"综合评价意见表：{campaign.title}",
        requested_by=actor,
        task=render_campaign_forms,
        args=[campaign.pk],
        organization=campaign.organizer,
    )
    record(actor=actor, action="evaluations.forms", target=campaign, detail={"job": job.pk})
    return job
