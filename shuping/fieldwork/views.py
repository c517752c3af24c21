"""Field assessment pages (FLD-1 … FLD-5): the team's phone page, the organizer's plan, observations.

Thin: parse, call a service or a selector, render. Out of scope → 404 (selectors); not allowed → 403
(permissions). The record endpoint answers JSON to the page's script (offline drafts, record.js) and
redirects a plain form post.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET, require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.accounts.models import User
from shuping.campaigns import selectors as campaign_selectors
from shuping.core import uploads
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError

from . import permissions, report, rules, scoring, selectors, services
from .choices import Evidence, ObservationSource, TalkCategory
from .models import IndicatorScore, VisitPhoto


def _int(value, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _date(value) -> date | None:
    return parse_date(str(value or "").strip()) if value else None


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


def _plan_campaign(request: AuthenticatedHttpRequest, pk: int):
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


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（范围外 404）；查看须为组织部门工作人员或部门领导，安排须为组织部门工作人员（permissions，否则 403）"
)
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _plan_campaign(request, pk)
    can_plan = permissions.can_plan_fieldwork(request.user, campaign)
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied
        try:
            _plan_action(request, campaign)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("fieldwork:plan", pk=campaign.pk)
    teams = list(selectors.teams_of(campaign))
    return render(
        request,
        "fieldwork/plan.html",
        {
            "campaign": campaign,
            "teams": teams,
            "uncovered": list(selectors.uncovered_assessments(campaign)),
            "candidates": _team_candidates(campaign) if can_plan else [],
            "can_plan": can_plan,
        },
    )


def _plan_action(request: AuthenticatedHttpRequest, campaign) -> None:
    action = request.POST.get("action")
    if action == "team":
        candidates = {u.pk: u for u in _team_candidates(campaign)}
        leader = candidates.get(_int(request.POST.get("leader")))
        if leader is None:
            raise services.FieldworkError("请选择组长。", field="leader")
        members = [candidates[i] for i in map(_int, request.POST.getlist("members")) if i in candidates]
        starts, ends = _date(request.POST.get("starts_on")), _date(request.POST.get("ends_on"))
        if not starts or not ends:
            raise services.FieldworkError("请填写考核组的开始和结束日期。", field="starts_on")
        team = services.create_team(
            actor=request.user,
            campaign=campaign,
            name=request.POST.get("name", ""),
            leader=leader,
            members=members,
            starts_on=starts,
            ends_on=ends,
        )
        messages.success(request, f"已组建“{team.name}”。")
    elif action == "cover":
        team = campaign.field_teams.filter(pk=_int(request.POST.get("team"))).first()
        ids = {_int(x) for x in request.POST.getlist("assessments")}
        assessments = list(
            campaign.assessments.filter(pk__in=ids - {None}).order_by("organization_path", "pk")
        )
        if team is None or not assessments:
            raise services.FieldworkError("请选择考核组并勾选考核对象。")
        starts = _date(request.POST.get("visit_starts_on")) or team.starts_on
        ends = _date(request.POST.get("visit_ends_on")) or team.ends_on
        seed_text = request.POST.get("seed", "").strip()
        planned = services.plan_field_assessments(
            actor=request.user,
            team=team,
            assessments=assessments,
            visit_starts_on=starts,
            visit_ends_on=ends,
            sample_size=_int(request.POST.get("sample_size"), 0),
            seed=_int(seed_text) if seed_text else None,
        )
        messages.success(request, f"已为“{team.name}”安排 {len(planned)} 个考核对象的实地考核。")
    else:
        raise services.FieldworkError("未知操作。")


def _detail_context(request: AuthenticatedHttpRequest, fa) -> dict:
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
    }


@scoped(
    "经 selectors.get_field_assessment_for 取实地考核（范围外 404：仅组织部门工作人员、部门领导和本考核组）"
)
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fa = selectors.get_field_assessment_for(request.user, pk)
    return render(request, "fieldwork/detail.html", _detail_context(request, fa))


def _score_inputs(request: AuthenticatedHttpRequest, fa) -> list[services.ScoreInput]:
    out = []
    for ind in selectors.form_indicators(fa):
        raw = request.POST.get(f"score_{ind.pk}", "").strip()
        if raw == "":
            continue
        try:
            percent = int(raw)
        except ValueError:
            raise services.FieldworkError("得分率应为 0 到 100 的整数。", field=f"score_{ind.pk}") from None
        evidence = request.POST.getlist(f"ev_{ind.pk}")
        out.append(
            services.ScoreInput(
                indicator_id=ind.pk,
                percent=percent,
                evidence_kinds=tuple(e for e in evidence if e in Evidence.values),
                visit_ids=tuple(_int(e[6:]) for e in evidence if e.startswith("visit:")),
                talk_ids=tuple(_int(e[5:]) for e in evidence if e.startswith("talk:")),
                with_new_visit="new_visit" in evidence,
                with_new_talk="new_talk" in evidence,
                note=request.POST.get(f"note_{ind.pk}", ""),
                override_reason=request.POST.get(f"reason_{ind.pk}", ""),
            )
        )
    return out


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
    p = request.POST
    try:
        result = services.submit_record(
            actor=request.user,
            field_assessment=fa,
            client_uuid=p.get("client_uuid", ""),
            visit=services.VisitInput(
                place=p.get("place", ""), facts=p.get("facts", ""), unit_id=_int(p.get("unit")) or None
            ),
            talk=services.TalkInput(
                summary=p.get("summary", ""),
                members_count=_int(p.get("members_count")),
                masses_count=_int(p.get("masses_count")),
                cadres_count=_int(p.get("cadres_count")),
                categories=tuple(p.getlist("categories")),
            ),
            scores=_score_inputs(request, fa),
            # From a request, the gate's Upload.file is the request's UploadedFile itself.
            photos=[
                cast(UploadedFile, u.file) for u in uploads.receive_all(request, "photos", uploads.PHOTO)
            ],
            drafted_at=parse_datetime(p.get("drafted_at", "") or "") if p.get("drafted_at") else None,
        )
    except DomainError as exc:
        if _wants_json(request):
            return JsonResponse({"detail": exc.message, "field": exc.field or "__all__"}, status=exc.status)
        messages.error(request, exc.message)
        return redirect("fieldwork:detail", pk=fa.pk)
    message = "记录已提交。" if result.created else "这份草稿此前已提交，未重复保存。"
    if _wants_json(request):
        return JsonResponse(
            {
                "created": result.created,
                "record": str(result.record.client_uuid),
                "warnings": result.warnings,
                "detail": message,
            },
            status=201 if result.created else 200,
        )
    messages.success(request, message)
    for w in result.warnings:
        messages.warning(request, w["reason"])
    return redirect("fieldwork:detail", pk=fa.pk)


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
    try:
        services.override_warning(actor=request.user, score=score, reason=request.POST.get("reason", ""))
        messages.success(request, "已记录保留理由，该项评分计入得分。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("fieldwork:detail", pk=score.field_assessment_id)


@require_POST
@scoped(
    "经 selectors.get_field_assessment_for 取实地考核（范围外 404）；须为考核组组长或组织部门工作人员（否则 403）"
)
def complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fa = selectors.get_field_assessment_for(request.user, pk)
    if not permissions.can_complete(request.user, fa):
        raise PermissionDenied
    try:
        services.complete_field_assessment(actor=request.user, field_assessment=fa)
        messages.success(request, "实地考核已完成。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("fieldwork:detail", pk=fa.pk)


@require_POST
@scoped(
    "经 selectors.get_field_assessment_for 取实地考核（范围外 404）；须为组织部门工作人员（permissions.can_plan_fieldwork，否则 403）"
)
def survey(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fa = selectors.get_field_assessment_for(request.user, pk)
    if not permissions.can_plan_fieldwork(request.user, fa.team.campaign):
        raise PermissionDenied
    try:
        services.create_survey(
            actor=request.user, field_assessment=fa, weight_percent=_int(request.POST.get("weight_percent"))
        )
        messages.success(request, "已建立满意度测评票箱，请在“民主测评”中生成凭证、开始测评。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("fieldwork:detail", pk=fa.pk)


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


@signed_in(
    "列出本人担任组织部门工作人员或部门领导的组织单位的平时了解（selectors.observations_visible_to）；记录须为组织部门工作人员（否则 403）"
)
def observations(request: AuthenticatedHttpRequest) -> HttpResponse:
    subjects = list(selectors.observation_subjects_for(request.user)[:500])
    if request.method == "POST":
        by_pk = {a.pk: a for a in subjects}
        assessment = by_pk.get(_int(request.POST.get("assessment")))
        if assessment is None:
            if not subjects:
                raise PermissionDenied
            messages.error(request, "请选择考核对象。")
            return redirect("fieldwork:observations")
        score_text = request.POST.get("score", "").strip()
        try:
            services.record_observation(
                actor=request.user,
                organizer=assessment.campaign.organizer,
                assessment=assessment,
                observed_on=_date(request.POST.get("observed_on")) or timezone.localdate(),
                source_kind=request.POST.get("source", ""),
                text=request.POST.get("text", ""),
                score=_int(score_text, -1) if score_text else None,
            )
            messages.success(request, "已记录平时了解。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("fieldwork:observations")
    return render(
        request,
        "fieldwork/observations.html",
        {
            "observations": list(selectors.observations_for_list(request.user)[:200]),
            "subjects": subjects,
            "sources": ObservationSource.choices,
        },
    )
