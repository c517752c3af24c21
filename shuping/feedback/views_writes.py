"""Writes of the 反馈、通报与归档 pages (EVA-5 … EVA-7), one small view per operation (docs/architecture.md,
Writes from pages): scoped object (404) and permission (403) first, then a form and `core.forms.handle_form`,
which calls the service and redirects with its success message, or draws the page again with the refusal
and the input kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped
from shuping.core.forms import handle_form

from . import forms, permissions, services, tasks
from .views import (
    BOARD_NOTE,
    CIRCULARS_NOTE,
    FEEDBACK_NOTE,
    TRANSFER_NOTE,
    TRANSFERS_NOTE,
    assessed_levels,
    board_campaign,
    board_page,
    circulars_page,
    feedback_page,
    readable_feedback,
    require_manager,
    transfer_access,
    transfer_page,
    transfers_page,
)


def _job(job) -> str:
    return reverse("jobs:detail", kwargs={"job_id": job.pk})


# --- the campaign's feedback board: 送达 all decided, settings -----------------------------------------------


@require_POST
@scoped(BOARD_NOTE)
def board_release_all(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = board_campaign(request, pk)
    require_manager(request, campaign)

    def release(data: dict[str, Any]) -> int:
        released, refused = services.release_all(actor=request.user, campaign=campaign)
        for reason in refused[:5]:  # those not sent, and why; the rest were sent
            messages.error(request, reason)
        return released

    return handle_form(
        request,
        forms.EmptyForm(request.POST),
        release,
        success=lambda released: f"已送达 {released} 份反馈意见。",
        redirect_to=reverse("feedback:board", args=[campaign.pk]),
        render_page=lambda failed: board_page(request, campaign, failed),
    )


@require_POST
@scoped(BOARD_NOTE)
def board_config(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = board_campaign(request, pk)
    require_manager(request, campaign)
    return handle_form(
        request,
        forms.ConfigForm(request.POST),
        lambda data: services.save_config(
            actor=request.user,
            campaign=campaign,
            acknowledge_within_days=data["acknowledge_within_days"] or 0,
            archive_materials=data["archive_materials"],
        ),
        success="设置已保存。",
        redirect_to=reverse("feedback:board", args=[campaign.pk]),
        render_page=lambda failed: board_page(request, campaign, failed),
    )


# --- one assessee's feedback: 意见归纳, 送达 (staff), 签收 (the assessee or liaison), 代录纸质签收 (staff) ----------


def _on_feedback(request, pk, *, manage: bool, form, operation, success) -> HttpResponse:
    assessment, fb = readable_feedback(request, pk)
    if manage and not permissions.can_manage_feedback(request.user, assessment.campaign):
        raise PermissionDenied
    if not manage and not permissions.can_acknowledge_feedback(request.user, assessment):
        raise PermissionDenied
    return handle_form(
        request,
        form,
        lambda data: operation(assessment, fb, data),
        success=success,
        redirect_to=reverse("feedback:feedback", args=[assessment.pk]),
        render_page=lambda failed: feedback_page(request, assessment, fb, failed),
    )


def _released(fb):
    if fb is None:
        raise Http404
    return fb


@require_POST
@scoped(FEEDBACK_NOTE)
def feedback_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _on_feedback(
        request,
        pk,
        manage=True,
        form=forms.DraftForm(request.POST),
        operation=lambda assessment, fb, data: services.draft_feedback(
            actor=request.user,
            assessment=assessment,
            summary=data["summary"],
            requirements=data["requirements"],
        ),
        success="意见归纳已保存。",
    )


@require_POST
@scoped(FEEDBACK_NOTE)
def feedback_release(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _on_feedback(
        request,
        pk,
        manage=True,
        form=forms.EmptyForm(request.POST),
        operation=lambda assessment, fb, data: services.release_feedback(
            actor=request.user, assessment=assessment
        ),
        success="反馈意见已送达本人和联络员。",
    )


@require_POST
@scoped(FEEDBACK_NOTE)
def feedback_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _on_feedback(
        request,
        pk,
        manage=False,
        form=forms.EmptyForm(request.POST),
        operation=lambda assessment, fb, data: services.acknowledge_feedback(
            actor=request.user, feedback=_released(fb)
        ),
        success="已签收。",
    )


@require_POST
@scoped(FEEDBACK_NOTE)
def feedback_paper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _on_feedback(
        request,
        pk,
        manage=True,
        form=forms.PaperAcknowledgementForm(request.POST),
        operation=lambda assessment, fb, data: services.record_paper_acknowledgement(
            actor=request.user,
            feedback=_released(fb),
            on_behalf_of=data["on_behalf_of"],
            acknowledged_on=data["acknowledged_on"],
            note=data["note"],
        ),
        success="已代录纸质签收。",
    )


# --- circulars (EVA-6) ---------------------------------------------------------------------------------


@require_POST
@scoped(CIRCULARS_NOTE)
def circulars_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = board_campaign(request, pk)
    require_manager(request, campaign)
    form = forms.CircularForm(request.POST)
    return handle_form(
        request,
        form,
        lambda data: services.publish_circular(
            actor=request.user,
            campaign=campaign,
            title=data["title"],
            audience=form.chosen_audience(),
            issued_on=data["issued_on"],
            classification=data["classification"],
            classification_period=data["classification_period"],
            introduction=data["introduction"],
            closing=data["closing"],
            has_seal=data["has_seal"],
            style=data["style"],
        ),
        success=lambda circular: f"已印发通报，共 {circular.copies.count()} 份。",
        redirect_to=lambda circular: reverse("feedback:circular", args=[circular.pk]),
        render_page=lambda failed: circulars_page(request, campaign, failed),
    )


# --- archive transfer (EVA-7): 干部管理权限, 封存移交, 打包 ------------------------------------------------------


def _on_transfers(request, pk, make_form, operation, success) -> HttpResponse:
    """A write on the transfers page; `success` None means the redirect goes to the job's progress page."""
    campaign = board_campaign(request, pk)
    require_manager(request, campaign)
    form = make_form(campaign)
    return handle_form(
        request,
        form,
        lambda data: operation(campaign, form, data),
        success=success,
        redirect_to=(_job if success is None else reverse("feedback:transfers", args=[campaign.pk])),
        render_page=lambda failed: transfers_page(request, campaign, failed),
    )


@require_POST
@scoped(TRANSFERS_NOTE)
def transfers_seal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _on_transfers(
        request,
        pk,
        lambda campaign: forms.EmptyForm(request.POST),
        lambda campaign, form, data: services.seal_transfers(actor=request.user, campaign=campaign),
        lambda made: f"已封存并移交 {len(made)} 份移交清单。",
    )


@require_POST
@scoped(TRANSFERS_NOTE)
def transfers_authority(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def assign(campaign, form, data):
        assessment = data["assessment"]
        services.set_file_authority(
            actor=request.user,
            person=assessment.person,
            holder=data["holder"],
            post_organization=assessment.organization if data["per_post"] else None,
            note=data["note"],
        )
        return assessment, data["holder"]

    return _on_transfers(
        request,
        pk,
        lambda campaign: forms.AuthorityForm(request.POST, campaign=campaign),
        assign,
        lambda done: f"已设置{done[0].person_name}的干部管理单位为{done[1].name}。",
    )


@require_POST
@scoped(TRANSFERS_NOTE)
def transfers_rules(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = board_campaign(request, pk)
    require_manager(request, campaign)
    form = forms.HolderRulesForm(request.POST, levels=assessed_levels(campaign))
    return handle_form(
        request,
        form,
        lambda data: services.save_holder_rules(
            actor=request.user, campaign=campaign, holder_rules=form.holder_rules()
        ),
        success="已保存按层级的干部管理权限。",
        redirect_to=reverse("feedback:transfers", args=[campaign.pk]),
        render_page=lambda failed: transfers_page(request, campaign, failed),
    )


@require_POST
@scoped(TRANSFERS_NOTE)
def transfers_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def export(campaign, form, data):
        chosen = list(campaign.transfers.order_by("pk"))
        if not chosen:
            raise services.FeedbackConflict("尚无移交清单。")
        return tasks.start_export(actor=request.user, transfers=chosen, organization=campaign.organizer)

    return _on_transfers(request, pk, lambda campaign: forms.EmptyForm(request.POST), export, None)


# --- one 移交清单: 签收 (the holder), 代录签收 (staff), 打包 (either) ---------------------------------------------


def _on_transfer(request, access, form, operation, success) -> HttpResponse:
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=_job if success is None else reverse("feedback:transfer", args=[access.transfer.pk]),
        render_page=lambda failed: transfer_page(request, access, failed),
    )


@require_POST
@scoped(TRANSFER_NOTE)
def transfer_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = transfer_access(request, pk)
    if not access.can_sign:
        raise PermissionDenied
    return _on_transfer(
        request,
        access,
        forms.EmptyForm(request.POST),
        lambda data: services.acknowledge_transfer(actor=request.user, transfer=access.transfer),
        "已签收移交清单。",
    )


@require_POST
@scoped(TRANSFER_NOTE)
def transfer_paper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = transfer_access(request, pk)
    if not access.can_manage:
        raise PermissionDenied
    return _on_transfer(
        request,
        access,
        forms.TransferPaperForm(request.POST),
        lambda data: services.acknowledge_transfer(
            actor=request.user, transfer=access.transfer, on_behalf_of=data["on_behalf_of"]
        ),
        "已代录签收。",
    )


@require_POST
@scoped(TRANSFER_NOTE)
def transfer_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = transfer_access(request, pk)
    if not (access.can_sign or access.can_manage):
        raise PermissionDenied
    return _on_transfer(
        request,
        access,
        forms.EmptyForm(request.POST),
        lambda data: tasks.start_export(
            actor=request.user, transfers=[access.transfer], organization=access.transfer.holder
        ),
        None,
    )
