"""Pages of 反馈、通报与归档 (EVA-5 … EVA-7). Thin: parse, call a service or a selector, render.
Out of scope → 404 (selectors); not allowed → 403 (permissions)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import selectors as campaign_selectors
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError
from shuping.orgs.models import Organization

from . import documents, permissions, rules, selectors, services, tasks
from .choices import CLASSIFICATIONS, CircularStyle, MaterialKind
from .models import Feedback


def _board_campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_view_board(request.user, campaign):
        raise PermissionDenied
    return campaign


def _managed(request: AuthenticatedHttpRequest, campaign) -> None:
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


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（404）；反馈情况只对组织部门工作人员和部门领导显示（403）；POST 须为组织部门工作人员（403）"
)
def board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _board_campaign(request, pk)
    can_manage = permissions.can_manage_feedback(request.user, campaign)
    if request.method == "POST":
        _managed(request, campaign)
        action = request.POST.get("action", "")
        try:
            if action == "release_all":
                released, refused = services.release_all(actor=request.user, campaign=campaign)
                messages.success(request, f"已送达 {released} 份反馈意见。")
                for reason in refused[:5]:
                    messages.error(request, reason)
            elif action == "config":
                services.save_config(
                    actor=request.user,
                    campaign=campaign,
                    acknowledge_within_days=int(request.POST.get("acknowledge_within_days") or 0),
                    archive_materials=request.POST.getlist("archive_materials"),
                )
                messages.success(request, "设置已保存。")
            else:
                messages.error(request, "未知操作。")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "输入有误。"))
        return redirect("feedback:board", pk=campaign.pk)
    return render(
        request,
        "feedback/board.html",
        {
            "campaign": campaign,
            "can_manage": can_manage,
            "rows": selectors.board(campaign),
            "overdue": selectors.overdue_feedback(campaign),
            "config": selectors.config_for(campaign),
            "materials": MaterialKind.choices,
        },
    )


@require_POST
@scoped("经 get_campaign_for（404）；批量生成反馈意见须为组织部门工作人员（403），后台任务带进度")
def letters(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _board_campaign(request, pk)
    _managed(request, campaign)
    job = tasks.start_letters(actor=request.user, campaign=campaign)
    messages.success(request, "已开始批量生成反馈意见，可在后台任务中查看进度。")
    return redirect("jobs:detail", job_id=job.pk)


def _feedback_page(request: AuthenticatedHttpRequest, pk: int):
    assessment = campaign_selectors.get_assessment_for(request.user, pk)
    feedback = selectors.feedback_of(assessment)
    if not permissions.can_view_feedback(request.user, assessment, feedback):
        raise PermissionDenied
    return assessment, feedback


@scoped(
    "经 campaigns.selectors.get_assessment_for 取考核对象（404）；送达前只对组织部门工作人员和部门领导显示，考核对象、联络员 403（EVA-9）；送达后本人和联络员可见并签收；撰写、送达、代录签收须为组织部门工作人员（403）"
)
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, fb = _feedback_page(request, pk)
    campaign = assessment.campaign
    can_manage = permissions.can_manage_feedback(request.user, campaign)
    can_acknowledge = permissions.can_acknowledge_feedback(request.user, assessment)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "acknowledge":
            if not can_acknowledge:
                raise PermissionDenied
        elif not can_manage:
            raise PermissionDenied
        try:
            if action == "draft":
                services.draft_feedback(
                    actor=request.user,
                    assessment=assessment,
                    summary=request.POST.get("summary", ""),
                    requirements=request.POST.get("requirements", ""),
                )
                messages.success(request, "意见归纳已保存。")
            elif action == "release":
                services.release_feedback(actor=request.user, assessment=assessment)
                messages.success(request, "反馈意见已送达本人和联络员。")
            elif action == "acknowledge":
                if fb is None:
                    raise Http404
                services.acknowledge_feedback(actor=request.user, feedback=fb)
                messages.success(request, "已签收。")
            elif action == "paper":
                if fb is None:
                    raise Http404
                services.record_paper_acknowledgement(
                    actor=request.user,
                    feedback=fb,
                    on_behalf_of=request.POST.get("on_behalf_of", ""),
                    acknowledged_on=parse_date(request.POST.get("acknowledged_on") or "") or None,
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "已代录纸质签收。")
            else:
                messages.error(request, "未知操作。")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "输入有误。"))
        return redirect("feedback:feedback", pk=assessment.pk)
    evaluation = getattr(assessment, "evaluation", None)
    return render(
        request,
        "feedback/feedback.html",
        {
            "assessment": assessment,
            "campaign": campaign,
            "feedback": fb,
            "evaluation": evaluation,
            "can_manage": can_manage,
            "can_acknowledge": can_acknowledge
            and fb is not None
            and fb.is_released
            and not fb.is_acknowledged,
            "is_reader": selectors.is_reader(request.user, campaign),
            "is_overdue": fb is not None and selectors.is_overdue(fb),
        },
    )


def _letter(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    assessment, fb = _feedback_page(request, pk)
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


@scoped(
    "经 get_campaign_for（404）；通报只对组织部门工作人员和部门领导显示（403）；印发须为组织部门工作人员（403）"
)
def circulars(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _board_campaign(request, pk)
    can_manage = permissions.can_manage_feedback(request.user, campaign)
    candidates = selectors.audience_candidates(campaign)
    if request.method == "POST":
        _managed(request, campaign)
        ids = [int(v) for v in request.POST.getlist("audience") if v.isdigit()]
        try:
            circular = services.publish_circular(
                actor=request.user,
                campaign=campaign,
                title=request.POST.get("title", ""),
                audience=list(Organization.objects.filter(pk__in=ids).order_by("path")),
                issued_on=parse_date(request.POST.get("issued_on") or "") or None,
                classification=request.POST.get("classification", ""),
                classification_period=request.POST.get("classification_period", ""),
                introduction=request.POST.get("introduction", ""),
                closing=request.POST.get("closing", ""),
                has_seal=request.POST.get("has_seal") == "1",
                style=request.POST.get("style", ""),
            )
            messages.success(request, f"已印发通报，共 {circular.copies.count()} 份。")
            return redirect("feedback:circular", pk=circular.pk)
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "输入有误。"))
        return redirect("feedback:circulars", pk=campaign.pk)
    return render(
        request,
        "feedback/circulars.html",
        {
            "campaign": campaign,
            "can_manage": can_manage,
            "circulars": selectors.circulars_of(campaign),
            "candidates": candidates,
            "classifications": [c for c in CLASSIFICATIONS if c],
            "styles": CircularStyle.choices,
            "style": selectors.config_for(campaign).circular_style,
            "default_title": f"关于{campaign.year}年度党委（党组）书记抓基层党建工作述职评议考核结果的通报",
        },
    )


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


@scoped(
    "经 get_campaign_for（404）；干部管理权限与归档移交只对组织部门工作人员和部门领导显示（403）；设置、封存、打包须为组织部门工作人员（403）"
)
def transfers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _board_campaign(request, pk)
    can_manage = permissions.can_manage_feedback(request.user, campaign)
    if request.method == "POST":
        _managed(request, campaign)
        action = request.POST.get("action", "")
        try:
            if action == "seal":
                made = services.seal_transfers(actor=request.user, campaign=campaign)
                messages.success(request, f"已封存并移交 {len(made)} 份移交清单。")
            elif action == "authority":
                assessment = (
                    campaign.assessments.select_related("person")
                    .filter(pk=int(request.POST.get("assessment") or 0), person__isnull=False)
                    .first()
                )
                holder = Organization.objects.filter(code=request.POST.get("holder_code", "").strip()).first()
                if assessment is None or holder is None:
                    raise services.FeedbackError("请填写干部管理单位的组织代码。", field="holder_code")
                services.set_file_authority(
                    actor=request.user,
                    person=assessment.person,
                    holder=holder,
                    post_organization=assessment.organization if request.POST.get("per_post") else None,
                    note=request.POST.get("note", ""),
                )
                messages.success(request, f"已设置{assessment.person_name}的干部管理单位为{holder.name}。")
            elif action == "rules":
                levels = _assessed_levels(campaign)
                services.save_holder_rules(
                    actor=request.user,
                    campaign=campaign,
                    holder_rules={v: request.POST.get(f"rule_{v}", rules.ORGANIZER) for v, _label in levels},
                )
                messages.success(request, "已保存按层级的干部管理权限。")
            elif action == "export":
                chosen = list(campaign.transfers.order_by("pk"))
                if not chosen:
                    raise services.FeedbackConflict("尚无移交清单。")
                job = tasks.start_export(
                    actor=request.user, transfers=chosen, organization=campaign.organizer
                )
                return redirect("jobs:detail", job_id=job.pk)
            else:
                messages.error(request, "未知操作。")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "输入有误。"))
        return redirect("feedback:transfers", pk=campaign.pk)
    holder_rules = selectors.config_for(campaign).holder_rules
    return render(
        request,
        "feedback/transfers.html",
        {
            "campaign": campaign,
            "can_manage": can_manage,
            "authorities": selectors.authorities_of(campaign),
            "transfers": campaign.transfers.select_related("holder").prefetch_related("items"),
            "levels": [
                {"value": v, "label": label, "rule": rules.holder_rule(v, holder_rules)}
                for v, label in _assessed_levels(campaign)
            ],
            "holder_choices": list(rules.HOLDER_CHOICES.items()),
        },
    )


def _assessed_levels(campaign) -> list[tuple[str, str]]:
    """(AdminLevel value, label) of the levels the campaign's assessees are at, top down."""
    from shuping.orgs.choices import AdminLevel

    present = set(campaign.assessments.filter(is_excluded=False).values_list("organization_level", flat=True))
    return [(v, str(label)) for v, label in AdminLevel.choices if v in present]


@scoped(
    "经 selectors.get_transfer_for：考核的组织部门工作人员和部门领导，或干部管理单位组织部门（404）；签收须为干部管理单位（403），组织部门工作人员可代录"
)
def transfer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_transfer_for(request.user, pk)
    can_sign = permissions.can_acknowledge_transfer(request.user, item)
    can_manage = permissions.can_manage_feedback(request.user, item.campaign)
    if request.method == "POST":
        if not (can_sign or can_manage):
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "acknowledge" and can_sign:
                services.acknowledge_transfer(actor=request.user, transfer=item)
                messages.success(request, "已签收移交清单。")
            elif action == "paper" and can_manage:
                signer = request.POST.get("on_behalf_of", "")
                if not signer.strip():
                    raise services.FeedbackError("请填写纸质回执上的签收人。", field="on_behalf_of")
                services.acknowledge_transfer(actor=request.user, transfer=item, on_behalf_of=signer)
                messages.success(request, "已代录签收。")
            elif action == "export" and (can_sign or can_manage):
                job = tasks.start_export(actor=request.user, transfers=[item], organization=item.holder)
                return redirect("jobs:detail", job_id=job.pk)
            else:
                messages.error(request, "未知操作，或无权办理。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("feedback:transfer", pk=item.pk)
    return render(
        request,
        "feedback/transfer.html",
        {
            "transfer": item,
            "items": selectors.transfer_items(item),
            "can_sign": can_sign,
            "can_manage": can_manage,
        },
    )


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
