"""Pages of 整改 (RCT-1 … RCT-7): my lists, one assessee's list (phone-first), one item, the organizer's board
with 销号 and circular. Thin: parse, call a service or selector, render. Out of scope → 404 (selectors);
not allowed → 403 (permissions)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import selectors as campaign_selectors
from shuping.core import uploads
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError

from . import consequences, permissions, rules, selectors, services, sources
from .choices import AnnualGrade, ItemStatus, ListStatus
from .models import RectificationItem


@signed_in(
    "只列出本人可见的整改清单（rectification.selectors.lists_visible_to，按考核的组织单位和本人角色限定）"
)
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "rectification/index.html",
        {"lists": selectors.my_lists(request.user), "notices": selectors.notices_for(request.user)},
    )


def _milestones(request: AuthenticatedHttpRequest) -> list[tuple[str, date]]:
    """Optional milestones from the add form: pairs of 阶段目标 text and date; incomplete pairs are dropped."""
    pairs = zip(request.POST.getlist("milestone_text"), request.POST.getlist("milestone_on"), strict=False)
    out = []
    for text, raw in pairs:
        on = parse_date(raw or "")
        if text.strip() and on is not None:
            out.append((text, on))
    return out


def _update_item(request: AuthenticatedHttpRequest, obj: RectificationItem) -> None:
    """Measures, responsible person, deadline and optional new milestones; the problem stays as it was pointed
    out (RCT-1: items come from the problems, nothing is typed twice), so it is not read from the form."""
    services.update_item(
        actor=request.user,
        item=obj,
        problem=obj.problem,
        measures=request.POST.get("measures", ""),
        responsible=request.POST.get("responsible", ""),
        deadline=parse_date(request.POST.get("deadline", "") or ""),
        milestones=_milestones(request),
    )
    messages.success(request, f"已保存第 {obj.position} 项的整改措施。")


def _list_action(request: AuthenticatedHttpRequest, assessment, rectification_list) -> None:
    action = request.POST.get("action", "")
    user = request.user
    if action == "start":
        services.start_list(actor=user, assessment=assessment)
        messages.success(request, "已建立整改清单，已从指出的问题中列出整改事项。")
    elif rectification_list is None:
        raise Http404
    elif action == "add_item":
        services.add_item(
            actor=user,
            rectification_list=rectification_list,
            problem=request.POST.get("problem", ""),
            measures=request.POST.get("measures", ""),
            responsible=request.POST.get("responsible", ""),
            deadline=parse_date(request.POST.get("deadline", "") or ""),
            milestones=_milestones(request),
        )
        messages.success(request, "已添加整改事项。")
    elif action == "update_item":
        raw = request.POST.get("item", "")
        obj = rectification_list.items.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if obj is None:
            raise Http404
        _update_item(request, obj)
    elif action == "merge":
        ids = [int(x) for x in request.POST.getlist("items") if x.isdigit()]
        chosen = list(rectification_list.items.filter(pk__in=ids).order_by("position", "pk"))
        if len(chosen) < 2:
            messages.error(request, "请至少选择两项要合并的事项。")
            return
        services.merge_items(actor=user, keep=chosen[0], others=chosen[1:])
        messages.success(request, f"已合并为一项，保留全部 {len(chosen)} 项的问题来源。")
    elif action == "submit":
        services.submit_list(actor=user, rectification_list=rectification_list)
        messages.success(request, "已报备上级组织部门。")
    elif action == "confirm":
        services.confirm_list(actor=user, rectification_list=rectification_list)
        messages.success(request, "已确认整改清单。")
    elif action == "return":
        services.return_list(
            actor=user, rectification_list=rectification_list, remarks=request.POST.get("remarks", "")
        )
        messages.success(request, "已退回修改。")
    elif action == "admonition":
        consequences.record_admonition(
            actor=user,
            assessment=assessment,
            conducted_by=request.POST.get("conducted_by", ""),
            held_on=parse_date(request.POST.get("held_on", "") or ""),
            record_text=request.POST.get("record", ""),
        )
        messages.success(request, "已录入约谈提醒。")
    elif action == "referral":
        consequences.refer_for_accountability(
            actor=user,
            assessment=assessment,
            referred_to=request.POST.get("referred_to", ""),
            reason=request.POST.get("reason", ""),
            referred_on=parse_date(request.POST.get("referred_on", "") or ""),
        )
        messages.success(request, "已录入追责问责移交；整改事项不因问责而关闭（第七条）。")
    else:
        messages.error(request, "未知操作。")


@scoped(
    "经 campaigns.selectors.get_assessment_for 取考核对象（404）；研究确定前不显示；起草、报备限本人和联络员，确认、退回、约谈、问责限组织部门工作人员（403）"
)
def assessment_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = campaign_selectors.get_assessment_for(request.user, pk)
    can_manage = permissions.can_manage_rectification(request.user, assessment.campaign)
    can_draft = permissions.can_draft_list(request.user, assessment)
    rectification_list = selectors.list_of(assessment)
    if rectification_list is None and not (
        can_manage or can_draft or permissions.can_read_campaign(request.user, assessment.campaign)
    ):
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action", "")
        drafter_actions = {"start", "add_item", "update_item", "merge", "submit"}
        if not (can_manage or (can_draft and action in drafter_actions)):
            raise PermissionDenied
        try:
            _list_action(request, assessment, rectification_list)
        except DomainError as exc:
            messages.error(request, exc.message)
        response = redirect("rectification:list", pk=assessment.pk)
        if action == "update_item" and request.POST.get("item", "").isdigit():
            response["Location"] += f"#rct-item-{request.POST['item']}"  # back to the card just saved
        return response
    items = list(selectors.list_detail(rectification_list)) if rectification_list else []
    context = {
        "assessment": assessment,
        "campaign": assessment.campaign,
        "rlist": rectification_list,
        "items": items,
        "can_manage": can_manage,
        "can_draft": can_draft,
        "is_editable": rectification_list is not None
        and rectification_list.status in (ListStatus.DRAFT, ListStatus.RETURNED),
        "grade": sources.approved_grade(assessment),
        "needs_admonition": rules.needs_admonition(sources.approved_grade(assessment)),
        "overdue_count": sum(1 for i in items if i.is_overdue),
        "closed_count": sum(1 for i in items if i.status == ItemStatus.CLOSED),
        "today": selectors.today(),
        # RCT-6: last year's unfinished items, shown before the list is started (they are carried into it).
        "carried": [] if rectification_list else selectors.carried_into(assessment),
        **selectors.consequences_of(assessment),
    }
    return render(request, "rectification/list.html", context)


def _evidence(request: AuthenticatedHttpRequest):
    """The optional evidence file, through the upload gate (INT-1)."""
    upload = uploads.receive(request, "evidence", uploads.EVIDENCE)
    return upload.open() if upload is not None else None


def _item_action(request: AuthenticatedHttpRequest, obj: RectificationItem) -> None:
    action = request.POST.get("action", "")
    user = request.user
    if action in ("progress", "done"):
        services.add_progress(
            actor=user,
            item=obj,
            text=request.POST.get("text", ""),
            evidence=_evidence(request),
            marks_done=action == "done",
            on_behalf_of=request.POST.get("on_behalf_of", ""),
        )
        messages.success(request, "已报告完成，等待上级销号。" if action == "done" else "已记录进展。")
    elif action == "close":
        services.close_items(actor=user, items=[obj], note=request.POST.get("note", ""))
        messages.success(request, "已销号，并已向各问题来源通报。")
    elif action == "send_back":
        services.send_back_item(actor=user, item=obj, reason=request.POST.get("reason", ""))
        messages.success(request, "已退回。")
    elif action == "milestone":
        raw = request.POST.get("milestone", "")
        milestone = obj.milestones.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if milestone is None:
            raise Http404
        services.set_milestone_done(actor=user, milestone=milestone)
        messages.success(request, "已标记阶段目标完成。")
    elif action == "update":
        _update_item(request, obj)
    else:
        messages.error(request, "未知操作。")


@scoped(
    "经 rectification.selectors.get_item_for 取事项（404）；报告进展、报完成限本人和联络员（无联络员的由组织部门工作人员代录），销号、退回限上级组织部门工作人员且不得为本人（403，RCT-2）"
)
def item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = selectors.get_item_for(request.user, pk)
    assessment = obj.rectification_list.assessment
    can_draft = permissions.can_draft_list(request.user, assessment)
    can_close = permissions.can_close_item(request.user, obj)
    can_record_for = not can_draft and permissions.can_record_for(request.user, assessment)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not (
            (can_draft and action in {"progress", "done", "update", "milestone"})
            or (can_record_for and action in {"progress", "done"})
            or (can_close and action in {"close", "send_back"})
        ):
            raise PermissionDenied
        try:
            _item_action(request, obj)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("rectification:item", pk=obj.pk)
    return render(
        request,
        "rectification/item.html",
        {
            "item": obj,
            "assessment": assessment,
            "rlist": obj.rectification_list,
            "updates": obj.updates.select_related("author").order_by("created_at", "pk"),
            "can_draft": can_draft,
            "can_record_for": can_record_for,
            "closure": obj.closure,
            "can_close": can_close,
            "is_editable": obj.rectification_list.status in (ListStatus.DRAFT, ListStatus.RETURNED),
            "can_report": obj.rectification_list.status == ListStatus.CONFIRMED
            and obj.status != ItemStatus.CLOSED,
        },
    )


@require_GET
@scoped("经 rectification.selectors.get_update_for 取佐证材料（只限可见该事项的用户，否则 404）")
def evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    update = selectors.get_update_for(request.user, pk)
    return FileResponse(
        update.evidence.open("rb"), as_attachment=True, filename=update.evidence_name or "evidence"
    )


def _board_action(request: AuthenticatedHttpRequest, campaign) -> None:
    action = request.POST.get("action", "")
    ids = [int(x) for x in request.POST.getlist("items") if x.isdigit()]
    items = list(RectificationItem.objects.filter(pk__in=ids, rectification_list__campaign=campaign))
    if action == "close":
        batch = services.close_items(actor=request.user, items=items, note=request.POST.get("note", ""))
        messages.success(request, f"已销号 {len(batch.population)} 项，并已向各问题来源通报。")
    elif action == "sample":
        raw = request.POST.get("size", "") or "0"
        batch = services.close_by_sampling(
            actor=request.user,
            items=items,
            size=int(raw) if raw.isdigit() else 0,
            note=request.POST.get("note", ""),
        )
        messages.success(
            request,
            f"抽查 {len(batch.sampled)} 项（随机种子 {batch.seed}），已销号 {len(batch.population)} 项。",
        )
    elif action == "settings":
        raw = request.POST.get("days", "")
        raw_admonition = request.POST.get("admonition_deadline_days", "")
        services.set_rectification_settings(
            actor=request.user,
            campaign=campaign,
            days=int(raw) if raw.isdigit() else 0,
            admonition_deadline_days=int(raw_admonition) if raw_admonition.isdigit() else None,
        )
        messages.success(request, "已保存整改期限设置。")
    else:
        messages.error(request, "未知操作。")


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（404）；整改进度只对在该考核中有角色的人员显示（组织部门、领导、指导人员，否则 403）；销号、设置限组织部门工作人员（403）"
)
def campaign_board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_read_campaign(request.user, campaign):
        raise PermissionDenied
    can_manage = permissions.can_manage_rectification(request.user, campaign)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            _board_action(request, campaign)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("rectification:campaign", pk=campaign.pk)
    return render(
        request,
        "rectification/campaign.html",
        {
            "campaign": campaign,
            "rows": selectors.circular_rows(campaign),
            "closable": selectors.closable_items(campaign),
            "restrictions": selectors.restrictions(campaign),
            "units": selectors.unit_evaluations(campaign),
            "can_manage": can_manage,
            "days": services.list_days(campaign),
            "admonition_days": services.admonition_days(campaign),
        },
    )


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（404）；不得评优名单和年度考核等次只对在该考核中有角色的人员显示（否则 403）；录入等次限组织部门工作人员（403，RCT-4）"
)
def annual_grades(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """RCT-4: the 不得评优名单 for the cadre-assessment section, and the 年度考核 grades entered against it —
    优秀 for a person whose grade is not 好 is refused, citing Art. 7; before the decision it waits as 待定."""
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_read_campaign(request.user, campaign):
        raise PermissionDenied
    can_manage = permissions.can_manage_rectification(request.user, campaign)
    people = selectors.campaign_people(campaign)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        raw = request.POST.get("person", "")
        person = people.get(int(raw)) if raw.isdigit() else None
        if person is None:
            messages.error(request, "请选择本次考核中的书记。")
        else:
            try:
                row = consequences.record_annual_grade(
                    person=person,
                    year=campaign.year,
                    grade=request.POST.get("grade", ""),
                    actor=request.user,
                    note=request.POST.get("note", ""),
                )
                messages.success(
                    request,
                    f"已录入 {person.name} 的年度考核等次：{row.grade}（{row.get_status_display()}）。",
                )
            except DomainError as exc:
                messages.error(request, exc.message)
        return redirect("rectification:annual_grades", pk=campaign.pk)
    return render(
        request,
        "rectification/annual_grades.html",
        {
            "campaign": campaign,
            "restrictions": selectors.restrictions(campaign),
            "grades": selectors.annual_grades(campaign, people),
            "people": people.values(),
            "grade_choices": AnnualGrade.choices,
            "can_manage": can_manage,
            "art7": rules.ART7_EXCELLENT,
        },
    )
