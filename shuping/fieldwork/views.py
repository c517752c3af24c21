"""Field assessment pages (FLD-1 … FLD-5): the team's phone page, the organizer's plan, observations.

Thin: parse, call a service or a selector, render. Out of scope → 404 (selectors); not allowed → 403
(permissions). The record endpoint answers JSON to the page's script (offline drafts, record.js) and
redirects a plain form post.
"""

from __future__ import annotations

from typing import cast

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.accounts.models import User
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Campaign
from shuping.core import uploads
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError
from shuping.core.forms import error_context, handle_form

from . import forms, permissions, report, rules, scoring, selectors, services
from .choices import Evidence, ObservationSource, TalkCategory
from .models import IndicatorScore, VisitPhoto


@signed_in(
    "本人所在考核组的实地考核，以及本人担任组织部门工作人员、部门领导的考核的实地考核（selectors.field_assessments_visible_to）"
)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = list(selectors.field_assessments_for_list(request.user))
    campaigns = [
        c
        for c in selectors.campaigns_for_planning(request.user)
        if permissions.can_view_plan(request.user, c)
    ]
    return render(request, "fieldwork/home.html", {"items": items, "campaigns": campaigns})


def _plan_campaign(request: AuthenticatedHttpRequest, pk: int) -> Campaign:
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_view_plan(request.user, campaign):
        raise PermissionDenied
    return campaign


def _team_candidates(campaign) -> list[User]:
    """Who can join a team: people holding a role on the organizer or on this campaign (not administrators)."""
    return list(
        User.objects.filter(admin_role="", is_active=True)
        .filter(pk__in=campaign.grants.values("user_id"))
        .union(
            User.objects.filter(
                admin_role="", is_active=True, grants__organization=campaign.organizer
            ).exclude(grants__role="liaison")
        )
        .order_by("username")
    )


PLAN_NOTE = (
    "经 campaigns.selectors.get_campaign_for 取考核（范围外 404）；查看须为组织部门工作人员或部门领导，安排须为组织部门"
    "工作人员（permissions，否则 403）"
)


def plan_page(
    request: AuthenticatedHttpRequest, campaign: Campaign, failed: django_forms.Form | None = None
) -> HttpResponse:
    can_plan = permissions.can_plan_fieldwork(request.user, campaign)
    return render(
        request,
        "fieldwork/plan.html",
        {
            "campaign": campaign,
            "teams": list(selectors.teams_of(campaign)),
            "uncovered": list(selectors.uncovered_assessments(campaign)),
            "candidates": _team_candidates(campaign) if can_plan else [],
            "can_plan": can_plan,
            **error_context(failed),
        },
    )


@require_GET
@scoped(PLAN_NOTE)
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return plan_page(request, _plan_campaign(request, pk))


def _planner(request: AuthenticatedHttpRequest, pk: int) -> Campaign:
    campaign = _plan_campaign(request, pk)
    if not permissions.can_plan_fieldwork(request.user, campaign):
        raise PermissionDenied
    return campaign


@require_POST
@scoped(PLAN_NOTE)
def plan_team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """组建考核组."""
    campaign = _planner(request, pk)
    return handle_form(
        request,
        forms.TeamForm(request.POST, candidates=_team_candidates(campaign)),
        lambda data: services.create_team(
            actor=request.user,
            campaign=campaign,
            name=data["name"],
            leader=data["leader"],
            members=list(data["members"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        ),
        success=lambda team: f"已组建“{team.name}”。",
        redirect_to=reverse("fieldwork:plan", args=[campaign.pk]),
        render_page=lambda failed: plan_page(request, campaign, failed),
    )


@require_POST
@scoped(PLAN_NOTE)
def plan_cover(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """分配考核对象: many assessees to one team in one submit (FLOW-4)."""
    campaign = _planner(request, pk)

    def cover(data: dict) -> tuple[str, int]:
        planned = services.plan_field_assessments(
            actor=request.user,
            team=data["team"],
            assessments=data["chosen"],
            visit_starts_on=data["visit_starts_on"],
            visit_ends_on=data["visit_ends_on"],
            sample_size=data["sample_size"] or 0,
            seed=data["seed"],
        )
        return data["team"].name, len(planned)

    return handle_form(
        request,
        forms.CoverForm(request.POST, campaign=campaign),
        cover,
        success=lambda done: f"已为“{done[0]}”安排 {done[1]} 个考核对象的实地考核。",
        redirect_to=reverse("fieldwork:plan", args=[campaign.pk]),
        render_page=lambda failed: plan_page(request, campaign, failed),
    )


def _detail_context(request: AuthenticatedHttpRequest, fa, failed: django_forms.Form | None = None) -> dict:
    indicators = selectors.form_indicators(fa)
    data = selectors.records_of(fa)
    scores = data["scores"]
    can_see = permissions.can_see_scores(request.user, fa)
    result = selectors.score_of(fa, indicators, scores) if can_see else None
    rows = []
    for ind in indicators:
        visible, _why = rules.can_be_seen_on_site(
            text=ind.text, guidance=ind.scoring_guidance, method=ind.method
        )
        rows.append({"indicator": ind, "score": scores.get(ind.pk), "site": visible})
    return {
        "fa": fa,
        "campaign": fa.team.campaign,
        "units": list(fa.sampled_units.all()),
        "rows": rows,
        "visits": data["visits"],
        "talks": data["talks"],
        "result": result,
        "score_text": scoring.format_score(result.score) if result else "",
        "indicator_text": scoring.format_score(result.indicator_score) if result else "",
        "survey_text": scoring.format_score(result.survey_score) if result else "",
        "can_see_scores": can_see,
        "can_record": permissions.can_record(request.user, fa),
        "can_complete": permissions.can_complete(request.user, fa) and fa.status != "completed",
        "can_plan": permissions.can_plan_fieldwork(request.user, fa.team.campaign),
        "talk_categories": TalkCategory.choices,
        "evidence_labels": dict(Evidence.choices),
        "art6": rules.ART6_TEXT,
        **error_context(failed),
    }


@require_GET
@scoped(
    "经 selectors.get_field_assessment_for 取实地考核（范围外 404：仅组织部门工作人员、部门领导和本考核组）"
)
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fa = selectors.get_field_assessment_for(request.user, pk)
    return detail_page(request, fa)


def detail_page(
    request: AuthenticatedHttpRequest, fa, failed: django_forms.Form | None = None
) -> HttpResponse:
    return render(request, "fieldwork/detail.html", _detail_context(request, fa, failed))


def _on_detail(request: AuthenticatedHttpRequest, fa, form, operation, success) -> HttpResponse:
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("fieldwork:detail", args=[fa.pk]),
        render_page=lambda failed: detail_page(request, fa, failed),
    )


def _wants_json(request: AuthenticatedHttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@scoped(
    "经 selectors.get_field_assessment_for 取实地考核（范围外 404）；须为本考核组成员且未完成（permissions.can_record，否则 403）；同一草稿编号只存一次"
)
def record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fa = selectors.get_field_assessment_for(request.user, pk)
    if not permissions.can_record(request.user, fa):
        raise PermissionDenied
    form = forms.RecordForm(request.POST, indicators=selectors.form_indicators(fa))
    if _wants_json(request):
        return _record_json(request, fa, form)

    def submit(data: dict) -> services.SubmitResult:
        result = _submit(request, fa, form)
        for warning in result.warnings:
            messages.warning(request, warning["reason"])
        return result

    return _on_detail(request, fa, form, submit, _record_message)


def _submit(request: AuthenticatedHttpRequest, fa, form: forms.RecordForm) -> services.SubmitResult:
    return services.submit_record(
        actor=request.user,
        field_assessment=fa,
        client_uuid=form.cleaned_data["client_uuid"],
        visit=form.visit(),
        talk=form.talk(),
        scores=form.scores(),
        # From a request, the gate's Upload.file is the request's UploadedFile itself.
        photos=[cast(UploadedFile, u.file) for u in uploads.receive_all(request, "photos", uploads.PHOTO)],
        drafted_at=form.cleaned_data["drafted_at"],
    )


def _record_message(result: services.SubmitResult) -> str:
    return "记录已提交。" if result.created else "这份草稿此前已提交，未重复保存。"


def _record_json(request: AuthenticatedHttpRequest, fa, form: forms.RecordForm) -> JsonResponse:
    """The page's script (record.js) gets JSON: the record, its warnings, or the refusal and its field."""
    if not form.is_valid():
        field, message = form.first_error()
        return JsonResponse({"detail": message, "field": field}, status=400)
    try:
        result = _submit(request, fa, form)
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "field": exc.field or "__all__"}, status=exc.status)
    return JsonResponse(
        {
            "created": result.created,
            "record": str(result.record.client_uuid),
            "warnings": result.warnings,
            "detail": _record_message(result),
        },
        status=201 if result.created else 200,
    )


@require_POST
@scoped(
    "评分经 selectors.field_assessments_visible_to 限定（范围外 404）；须为本考核组成员或组织部门工作人员（否则 403）"
)
def override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    score = (
        IndicatorScore.objects.filter(
            pk=pk, field_assessment__in=selectors.field_assessments_visible_to(request.user)
        )
        .select_related("field_assessment__team__campaign")
        .first()
    )
    if score is None:
        raise Http404
    if not permissions.can_override_warning(request.user, score.field_assessment):
        raise PermissionDenied
    return _on_detail(
        request,
        score.field_assessment,
        forms.OverrideForm(request.POST),
        lambda data: services.override_warning(actor=request.user, score=score, reason=data["reason"]),
        "已记录保留理由，该项评分计入得分。",
    )


@require_POST
@scoped(
    "经 selectors.get_field_assessment_for 取实地考核（范围外 404）；须为考核组组长或组织部门工作人员（否则 403）"
)
def complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fa = selectors.get_field_assessment_for(request.user, pk)
    if not permissions.can_complete(request.user, fa):
        raise PermissionDenied
    return _on_detail(
        request,
        fa,
        forms.EmptyForm(request.POST),
        lambda data: services.complete_field_assessment(actor=request.user, field_assessment=fa),
        "实地考核已完成。",
    )


@require_POST
@scoped(
    "经 selectors.get_field_assessment_for 取实地考核（范围外 404）；须为组织部门工作人员（permissions.can_plan_fieldwork，否则 403）"
)
def survey(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fa = selectors.get_field_assessment_for(request.user, pk)
    if not permissions.can_plan_fieldwork(request.user, fa.team.campaign):
        raise PermissionDenied
    return _on_detail(
        request,
        fa,
        forms.SurveyForm(request.POST),
        lambda data: services.create_survey(
            actor=request.user, field_assessment=fa, weight_percent=data["weight_percent"] or 0
        ),
        "已建立满意度测评票箱，请在“民主测评”中生成凭证、开始测评。",
    )


@require_GET
@scoped(
    "经 selectors.get_field_assessment_for 取实地考核（范围外 404）；考核组报告含得分，仅组织部门工作人员、部门领导和本考核组（EVA-9）"
)
def team_report(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    fa = selectors.get_field_assessment_for(request.user, pk)
    if not permissions.can_see_scores(request.user, fa):
        raise PermissionDenied
    content, content_type = report.render(fa, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="field-report-{fa.pk}.{fmt}"'
    return response


@require_GET
@scoped("照片经 selectors.field_assessments_visible_to 限定（范围外 404）；不经公开的媒体地址提供（SEC-8）")
def photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    item = VisitPhoto.objects.filter(
        pk=pk, visit__field_assessment__in=selectors.field_assessments_visible_to(request.user)
    ).first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), content_type=_photo_type(item.file.name))


def _photo_type(name: str | None) -> str:
    suffix = (name or "").rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "webp": "image/webp", "gif": "image/gif"}.get(suffix, "image/jpeg")


OBSERVATIONS_NOTE = (
    "列出本人担任组织部门工作人员或部门领导的组织单位的平时了解（selectors.observations_visible_to）；"
    "记录须为组织部门工作人员（否则 403）"
)


def observations_page(
    request: AuthenticatedHttpRequest, subjects: list, failed: django_forms.Form | None = None
) -> HttpResponse:
    return render(
        request,
        "fieldwork/observations.html",
        {
            "observations": list(selectors.observations_for_list(request.user)[:200]),
            "subjects": subjects,
            "sources": ObservationSource.choices,
            **error_context(failed),
        },
    )


@require_GET
@signed_in(OBSERVATIONS_NOTE)
def observations(request: AuthenticatedHttpRequest) -> HttpResponse:
    return observations_page(request, list(selectors.observation_subjects_for(request.user)[:500]))


@require_POST
@signed_in(OBSERVATIONS_NOTE)
def observations_record(request: AuthenticatedHttpRequest) -> HttpResponse:
    subjects = list(selectors.observation_subjects_for(request.user)[:500])
    if not subjects:
        raise PermissionDenied
    return handle_form(
        request,
        forms.ObservationForm(request.POST, subjects=subjects),
        lambda data: services.record_observation(
            actor=request.user,
            organizer=data["assessment"].campaign.organizer,
            assessment=data["assessment"],
            observed_on=data["observed_on"],
            source_kind=data["source"],
            text=data["text"],
            score=data["score"],
        ),
        success="已记录平时了解。",
        redirect_to=reverse("fieldwork:observations"),
        render_page=lambda failed: observations_page(request, subjects, failed),
    )
