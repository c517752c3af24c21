"""Pages of 反馈、通报与归档 (EVA-5 … EVA-7). Thin: parse, call a service or a selector, render.
Out of scope → 404 (selectors); not allowed → 403 (permissions). Each write is its own small view in
`views_writes.py` (docs/architecture.md, Writes from pages), which draws the page again through the `*_page`
functions here when a write is refused."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Assessment, Campaign
from shuping.core.access import scoped, signed_in
from shuping.core.forms import error_context

from . import documents, permissions, rules, selectors, services, tasks
from .choices import CLASSIFICATIONS, CircularStyle, MaterialKind
from .models import ArchiveTransfer, Feedback


def board_campaign(request: AuthenticatedHttpRequest, pk: int) -> Campaign:
    """The campaign, scoped (404), for its organizer staff and department leaders (403)."""
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_view_board(request.user, campaign):
        raise PermissionDenied
    return campaign


def require_manager(request: AuthenticatedHttpRequest, campaign: Campaign) -> None:
    if not permissions.can_manage_feedback(request.user, campaign):
        raise PermissionDenied


@signed_in("只列出本人（考核对象或联络员）已送达的反馈（selectors.feedback_visible_to）")
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.feedback_for_list(request.user).filter(released_at__isnull=False)
    return render(request, "feedback/mine.html", {"rows": rows})


@signed_in("只列出发给本人所在组织部门的通报份和移交清单（selectors.inbox_copies / transfer_inbox）")
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "feedback/inbox.html",
        {"copies": selectors.inbox_copies(request.user), "transfers": selectors.transfer_inbox(request.user)},
    )


BOARD_NOTE = (
    "经 campaigns.selectors.get_campaign_for 取考核（404）；反馈情况只对组织部门工作人员和部门领导显示（403）；"
    "POST 须为组织部门工作人员（403）"
)


def board_page(
    request: AuthenticatedHttpRequest, campaign: Campaign, failed: forms.Form | None = None
) -> HttpResponse:
    return render(
        request,
        "feedback/board.html",
        {
            "campaign": campaign,
            "can_manage": permissions.can_manage_feedback(request.user, campaign),
            "rows": selectors.board(campaign),
            "overdue": selectors.overdue_feedback(campaign),
            "config": selectors.config_for(campaign),
            "materials": MaterialKind.choices,
            **error_context(failed),
        },
    )


@require_GET
@scoped(BOARD_NOTE)
def board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return board_page(request, board_campaign(request, pk))


@require_POST
@scoped("经 get_campaign_for（404）；批量生成反馈意见须为组织部门工作人员（403），后台任务带进度")
def letters(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = board_campaign(request, pk)
    require_manager(request, campaign)
    job = tasks.start_letters(actor=request.user, campaign=campaign)
    messages.success(request, "已开始批量生成反馈意见，可在后台任务中查看进度。")
    return redirect("jobs:detail", job_id=job.pk)


def readable_feedback(request: AuthenticatedHttpRequest, pk: int) -> tuple[Assessment, Feedback | None]:
    """The assessment, scoped (404), and its feedback, readable by the user under the release rule (403)."""
    assessment = campaign_selectors.get_assessment_for(request.user, pk)
    feedback = selectors.feedback_of(assessment)
    if not permissions.can_view_feedback(request.user, assessment, feedback):
        raise PermissionDenied
    return assessment, feedback


FEEDBACK_NOTE = (
    "经 campaigns.selectors.get_assessment_for 取考核对象（404）；送达前只对组织部门工作人员和部门领导显示，"
    "考核对象、联络员 403（EVA-9）；送达后本人和联络员可见并签收；撰写、送达、代录签收须为组织部门工作人员（403）"
)


def feedback_page(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    fb: Feedback | None,
    failed: forms.Form | None = None,
) -> HttpResponse:
    campaign = assessment.campaign
    can_acknowledge = permissions.can_acknowledge_feedback(request.user, assessment)
    return render(
        request,
        "feedback/feedback.html",
        {
            "assessment": assessment,
            "campaign": campaign,
            "feedback": fb,
            "evaluation": getattr(assessment, "evaluation", None),
            "can_manage": permissions.can_manage_feedback(request.user, campaign),
            "can_acknowledge": can_acknowledge
            and fb is not None
            and fb.is_released
            and not fb.is_acknowledged,
            "is_reader": selectors.is_reader(request.user, campaign),
            "is_overdue": fb is not None and selectors.is_overdue(fb),
            **error_context(failed),
        },
    )


@require_GET
@scoped(FEEDBACK_NOTE)
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return feedback_page(request, *readable_feedback(request, pk))


def _letter(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    assessment, fb = readable_feedback(request, pk)
    if fb is None or not fb.is_released:
        # Before release the letter would carry no decided grade; staff preview it on the page instead.
        if fb is None or not selectors.is_reader(request.user, assessment.campaign):
            raise Http404
        preview = Feedback(
            assessment=assessment,
            campaign=assessment.campaign,
            grade="（待研究确定）",
            summary=fb.summary,
            requirements=fb.requirements,
            document_number=fb.document_number,
        )
        return documents.respond(documents.feedback_letter(preview), f"反馈意见（草稿）-{assessment.pk}", fmt)
    return documents.respond(documents.feedback_letter(fb), f"反馈意见-{assessment.pk}", fmt)


@scoped("同反馈页面：经 get_assessment_for（404）与送达规则（403）；反馈意见 PDF")
def letter_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _letter(request, pk, "pdf")


@scoped("同反馈页面：经 get_assessment_for（404）与送达规则（403）；反馈意见 .docx")
def letter_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _letter(request, pk, "docx")


# --- circulars (EVA-6) ---------------------------------------------------------------------------------


CIRCULARS_NOTE = "经 get_campaign_for（404）；通报只对组织部门工作人员和部门领导显示（403）；印发须为组织部门工作人员（403）"


def circulars_page(
    request: AuthenticatedHttpRequest, campaign: Campaign, failed: forms.Form | None = None
) -> HttpResponse:
    return render(
        request,
        "feedback/circulars.html",
        {
            "campaign": campaign,
            "can_manage": permissions.can_manage_feedback(request.user, campaign),
            "circulars": selectors.circulars_of(campaign),
            "candidates": selectors.audience_candidates(campaign),
            "classifications": [c for c in CLASSIFICATIONS if c],
            "styles": CircularStyle.choices,
            "style": selectors.config_for(campaign).circular_style,
            "default_title": f"关于{campaign.year}年度党委（党组）书记抓基层党建工作述职评议考核结果的通报",
            **error_context(failed),
        },
    )


@require_GET
@scoped(CIRCULARS_NOTE)
def circulars(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return circulars_page(request, board_campaign(request, pk))


@scoped(
    "经 selectors.get_circular_for：考核的组织部门工作人员和部门领导，或收文单位组织部门（本份）；其他人 404"
)
def circular(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item, copy = selectors.get_circular_for(request.user, pk)
    if copy is not None:
        services.mark_circular_read(actor=request.user, copy=copy)
    return render(
        request,
        "feedback/circular.html",
        {
            "circular": item,
            "copy": copy,
            "copies": item.copies.select_related("organization", "read_by"),
            "results": selectors.campaign_results(item.campaign),
        },
    )


def _circular_document(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    item, copy = selectors.get_circular_for(request.user, pk)
    number = copy.copy_number if copy else None
    if copy is None and (request.GET.get("copy") or "").isdigit():
        found = item.copies.filter(copy_number=int(request.GET["copy"])).first()
        number = found.copy_number if found else None
    document = documents.circular_document(item, selectors.campaign_results(item.campaign), number)
    suffix = f"-{number:06d}" if number else ""
    return documents.respond(document, f"通报-{item.pk}{suffix}", fmt)


@scoped("同通报页面（selectors.get_circular_for，404）；收文单位得到本单位份号的文本")
def circular_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _circular_document(request, pk, "pdf")


@scoped("同通报页面（selectors.get_circular_for，404）；可编辑的 .docx")
def circular_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _circular_document(request, pk, "docx")


# --- archive transfer (EVA-7) --------------------------------------------------------------------------


TRANSFERS_NOTE = (
    "经 get_campaign_for（404）；干部管理权限与归档移交只对组织部门工作人员和部门领导显示（403）；设置、封存、"
    "打包须为组织部门工作人员（403）"
)


def transfers_page(
    request: AuthenticatedHttpRequest, campaign: Campaign, failed: forms.Form | None = None
) -> HttpResponse:
    holder_rules = selectors.config_for(campaign).holder_rules
    return render(
        request,
        "feedback/transfers.html",
        {
            "campaign": campaign,
            "can_manage": permissions.can_manage_feedback(request.user, campaign),
            "authorities": selectors.authorities_of(campaign),
            "transfers": campaign.transfers.select_related("holder").prefetch_related("items"),
            "levels": [
                {"value": v, "label": label, "rule": rules.holder_rule(v, holder_rules)}
                for v, label in assessed_levels(campaign)
            ],
            "holder_choices": list(rules.HOLDER_CHOICES.items()),
            **error_context(failed),
        },
    )


@require_GET
@scoped(TRANSFERS_NOTE)
def transfers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return transfers_page(request, board_campaign(request, pk))


def assessed_levels(campaign) -> list[tuple[str, str]]:
    """(AdminLevel value, label) of the levels the campaign's assessees are at, top down."""
    from shuping.orgs.choices import AdminLevel

    present = set(campaign.assessments.filter(is_excluded=False).values_list("organization_level", flat=True))
    return [(v, str(label)) for v, label in AdminLevel.choices if v in present]


TRANSFER_NOTE = (
    "经 selectors.get_transfer_for：考核的组织部门工作人员和部门领导，或干部管理单位组织部门（404）；"
    "签收须为干部管理单位（403），组织部门工作人员可代录"
)


@dataclass(frozen=True)
class TransferAccess:
    """A 移交清单, scoped, and whether the user signs for it (the holder) or manages it (the organizer)."""

    transfer: ArchiveTransfer
    can_sign: bool
    can_manage: bool


def transfer_access(request: AuthenticatedHttpRequest, pk: int) -> TransferAccess:
    item = selectors.get_transfer_for(request.user, pk)
    return TransferAccess(
        transfer=item,
        can_sign=permissions.can_acknowledge_transfer(request.user, item),
        can_manage=permissions.can_manage_feedback(request.user, item.campaign),
    )


def transfer_page(
    request: AuthenticatedHttpRequest, access: TransferAccess, failed: forms.Form | None = None
) -> HttpResponse:
    return render(
        request,
        "feedback/transfer.html",
        {
            "transfer": access.transfer,
            "items": selectors.transfer_items(access.transfer),
            "can_sign": access.can_sign,
            "can_manage": access.can_manage,
            **error_context(failed),
        },
    )


@require_GET
@scoped(TRANSFER_NOTE)
def transfer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return transfer_page(request, transfer_access(request, pk))


@scoped("同移交清单页面（selectors.get_transfer_for，404）；移交清单 PDF")
def transfer_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_transfer_for(request.user, pk)
    return documents.respond(documents.transfer_list(item), f"移交清单-{item.number}", "pdf")


@scoped("同移交清单页面（selectors.get_transfer_for，404）；移交清单 .docx")
def transfer_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_transfer_for(request.user, pk)
    return documents.respond(documents.transfer_list(item), f"移交清单-{item.number}", "docx")


# --- a person's history (EVA-7, Art. 7) -----------------------------------------------------------------


@scoped(
    "经 selectors.person_history_for：只含研究后的年度，考核的组织部门工作人员和部门领导见本考核的年度，干部管理单位组织部门见全部；其他人 404"
)
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    who, rows = selectors.person_history_for(request.user, pk)
    return render(request, "feedback/person.html", {"person": who, "rows": rows})
