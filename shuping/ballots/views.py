"""Organizer pages for ballot boxes (BAL-1, BAL-2, BAL-6, BAL-8): thin — parse, call a service, render.

Scope first: every box comes from `selectors.get_box_for(user, pk)` (404 out of scope); actions check
`permissions.can_manage_box` (403). The tally is shown only after the box is closed and sealed, and only
to organizer staff and department leaders covering the organization (EVA-9); before that, organizers see
turnout only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError
from shuping.core.forms import error_context, handle_form

from . import permissions, printing, selectors, services, services_counting
from .choices import BoxStatus
from .forms import BoxForm, SetupForm, SlipsForm, TransitionForm
from .slips import qr_svg

ACTIONS = {
    "rehearse": (services.start_rehearsal, "演练已开始：只有演练凭证可以投票。"),
    "end_rehearsal": (services.end_rehearsal, "演练已结束，演练票已全部清除。"),
    "open": (services.open_box, "投票已开始。"),
    "count": (services.start_counting, "手机投票已结束，请录入纸质票，录完后封箱。"),
    "announce": (
        lambda *, actor, box: services_counting.set_announcement(
            actor=actor, box=box, announces_on_spot=True
        ),
        "已设为封箱后在会场大屏当场公布结果。",
    ),
    "no_announce": (
        lambda *, actor, box: services_counting.set_announcement(
            actor=actor, box=box, announces_on_spot=False
        ),
        "已设为不当场公布结果（研究审定前保密）。",
    ),
    "close": (services.close_box, "票箱已封箱：不再接受投票，选票已按随机顺序重写封存。"),
}


def _manageable(request: AuthenticatedHttpRequest, pk: int):
    box = selectors.get_box_for(request.user, pk)
    if not permissions.can_manage_box(request.user, box):
        raise PermissionDenied
    return box


@signed_in("列出用户权限范围内（组织部门工作人员、部门领导授权覆盖的组织）的票箱")
def box_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    boxes = list(selectors.box_list_for(request.user))
    return render(
        request,
        "ballots/box_list.html",
        {"boxes": boxes, "can_create": permissions.can_create_box(request.user)},
    )


@signed_in("仅组织部门工作人员可新建票箱，组织单位限于其授权组织")
@require_http_methods(["GET", "POST"])
def box_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_create_box(request.user):
        raise PermissionDenied
    form = BoxForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            box = services.create_box(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "票箱已创建，请设置测评对象和参评人员类别。")
            return redirect("ballots:setup", pk=box.pk)
    return render(request, "ballots/box_form.html", {"form": form})


def _detail_page(request: AuthenticatedHttpRequest, box, failed: forms.Form | None = None) -> HttpResponse:
    return render(
        request,
        "ballots/box_detail.html",
        {
            "box": box,
            "meeting_link": selectors.meeting_link_of(box),
            "early_meeting_day": services.early_meeting_day(box) if box.status == BoxStatus.DRAFT else None,
            "offline_venue": selectors.offline_venue_of(box),
            "subjects": list(box.subjects.all()),
            "categories": list(box.categories.all()),
            "dimensions": list(box.dimensions.all()),
            "turnout": selectors.turnout(box),
            "can_manage": permissions.can_manage_box(request.user, box),
            "is_live": box.accepts_votes,
            **error_context(failed),
        },
    )


@scoped("票箱经 get_box_for 取得（范围外 404）；只显示投票进度，封箱前不显示结果")
def box_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.get_box_for(request.user, pk))


def _setup_initial(box) -> dict[str, str]:
    """The box's subjects, categories and dimensions as the setup form's lines."""
    return {
        "subjects": "\n".join(
            f"{s.name}｜{s.post}｜{s.get_section_display()[:2]}" for s in box.subjects.all()
        ),
        "categories": "\n".join(
            f"{c.name}｜{c.weight.normalize() if c.weight is not None else ''}".rstrip("｜")
            for c in box.categories.all()
        ),
        "dimensions": "\n".join(d.name for d in box.dimensions.all()),
    }


@scoped("票箱经 get_box_for 取得（范围外 404），仅组织部门工作人员可设置（否则 403）")
@require_http_methods(["GET", "POST"])
def box_setup(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    box = _manageable(request, pk)
    if request.method != "POST":
        form = SetupForm(initial=_setup_initial(box))
        return render(request, "ballots/box_setup.html", {"box": box, "form": form})
    return handle_form(
        request,
        SetupForm(request.POST, initial=_setup_initial(box)),
        lambda data: services.set_up_box(actor=request.user, box=box, **data),
        success="测评对象和参评人员类别已保存。",
        redirect_to=reverse("ballots:detail", args=[box.pk]),
        render_page=lambda failed: render(request, "ballots/box_setup.html", {"box": box, "form": failed}),
    )


def _slip_sheet(request: AuthenticatedHttpRequest, box, slips, *, as_html: bool) -> HttpResponse:
    vote_url = request.build_absolute_uri(reverse("vote:page"))
    receipts_url = request.build_absolute_uri(reverse("vote:receipts", args=[box.public_id]))
    if as_html:
        sheet = [{"slip": slip, "qr": qr_svg(f"{vote_url}#{slip.code}")} for slip in slips]
        return render(
            request,
            "ballots/slip_sheet.html",
            {"box": box, "sheet": sheet, "vote_url": vote_url, "receipts_url": receipts_url},
        )
    pdf = printing.slips_pdf(box=box, slips=slips, vote_url=vote_url, receipts_url=receipts_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="slips-{box.pk}.pdf"'
    return response


@scoped("票箱经 get_box_for 取得（范围外 404），仅组织部门工作人员可生成凭条（否则 403）")
@require_http_methods(["GET", "POST"])
def box_slips(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: how many slips per category. POST: generate them and show the sheet — the only time codes exist."""
    box = _manageable(request, pk)
    form = SlipsForm(request.POST or None, categories=box.categories.all())
    if request.method == "POST" and form.is_valid():
        # The codes exist only in this response (hashes are stored): generate and render in one transaction,
        # so a sheet that fails to render (PDF engine, QR) leaves no slips whose codes nobody saw.
        try:
            with transaction.atomic():
                slips = services.generate_credentials(
                    actor=request.user,
                    box=box,
                    counts=form.counts(),
                    is_rehearsal=form.cleaned_data["is_rehearsal"],
                )
                response = _slip_sheet(request, box, slips, as_html=bool(form.cleaned_data.get("as_html")))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            response["Cache-Control"] = "no-store"
            response["Referrer-Policy"] = "no-referrer"
            return response
    return render(request, "ballots/slips_form.html", {"box": box, "form": form})


@scoped("票箱经 get_box_for 取得（范围外 404），仅组织部门工作人员可演练、开始、封箱（否则 403）")
@require_POST
def box_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    box = _manageable(request, pk)
    form = TransitionForm(request.POST)
    return handle_form(
        request,
        form,
        lambda data: _transition(request, box, data),
        success=lambda _box: ACTIONS[form.cleaned_data["action"]][1],
        redirect_to=reverse("ballots:detail", args=[box.pk]),
        render_page=lambda failed: _detail_page(request, box, failed),
    )


def _transition(request: AuthenticatedHttpRequest, box, data: dict) -> object:
    if data["action"] == "open":  # FLOW-5: a meeting's box before its day needs the tick
        return services.open_box(actor=request.user, box=box, confirm_early=data["confirm_early"])
    service, _done = ACTIONS[data["action"]]
    return service(actor=request.user, box=box)


@scoped("票箱经 get_box_for 取得（范围外 404）；只返回投票进度（凭证使用数），不含任何选票内容")
def box_turnout(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    box = selectors.get_box_for(request.user, pk)
    return render(
        request,
        "ballots/_turnout.html",
        {"box": box, "turnout": selectors.turnout(box), "is_live": box.accepts_votes},
    )


@scoped(
    "票箱经 get_box_for 取得（范围外 404）；计票结果仅对组织部门工作人员和部门领导（EVA-9），且仅在封箱后"
)
def box_tally(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    box = selectors.get_box_for(request.user, pk)
    if not permissions.can_view_tally(request.user, box):
        raise PermissionDenied
    context: dict = {"box": box, "is_closed": box.status == BoxStatus.CLOSED}
    if context["is_closed"]:
        # DSC-1: every figure comes out of the disclosure door; a box that is only part of a larger count
        # (a meeting's 分会场, a 回避 box, an offline venue) points to where its ballots are counted.
        report = selectors.tally_report(box)
        context["report"] = report
        context["meeting_link"] = selectors.meeting_link_of(box)
        context["merged_only"] = report["is_part_only"]
        context["min_ballots"] = report["min_ballots"]
        context["can_read_opinions"] = permissions.can_read_opinions(request.user, box)
        if context["can_read_opinions"]:
            context["opinions"] = selectors.opinions_for(box)
    return render(request, "ballots/box_tally.html", context)
