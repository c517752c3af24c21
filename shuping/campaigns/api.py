"""/api/v1/campaigns and /api/v1/assessments (SPEC §11): the same selectors and services as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema

from shuping.accounts.api_auth import API_AUTH
from shuping.core.api_base import api_access
from shuping.orgs.models import Organization

from . import permissions, selectors, services
from .blockers import blockers_for_many
from .choices import CampaignStatus, ReportingMode, Stage

router = Router(tags=["campaigns"], auth=API_AUTH)


class CampaignOut(Schema):
    id: int
    title: str
    year: int
    organizer_id: int
    organizer_name: str
    status: str
    status_label: str
    starts_on: date
    field_starts_on: date
    field_ends_on: date
    meetings_start_on: date
    meetings_end_on: date
    ends_on: date
    is_scope_confirmed: bool
    assessment_count: int


class CampaignIn(Schema):
    organizer_id: int
    year: int
    title: str = ""
    notice_id: int | None = None


class AssessmentOut(Schema):
    id: int
    campaign_id: int
    organization_id: int
    organization_name: str
    person_name: str
    is_graded: bool
    reporting_mode: str
    reporting_mode_label: str
    stage: str
    stage_label: str
    stage_changed_at: datetime | None
    rule_text: str
    paragraph: str
    is_excluded: bool
    tenure_flags: list[str]
    blockers: list[str]


class StageIn(Schema):
    to_stage: str


def _campaign_out(c) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "year": c.year,
        "organizer_id": c.organizer_id,
        "organizer_name": c.organizer.name,
        "status": c.status,
        "status_label": str(CampaignStatus(c.status).label),
        **{
            n: getattr(c, n)
            for n in (
                "starts_on",
                "field_starts_on",
                "field_ends_on",
                "meetings_start_on",
                "meetings_end_on",
                "ends_on",
            )
        },
        "is_scope_confirmed": c.is_scope_confirmed,
        # Annotated by selectors.campaigns_for_list: no query per campaign (PERF-5).
        "assessment_count": c.assessment_count,
    }


def _assessment_out(a, blockers: list[str]) -> dict:
    return {
        "id": a.pk,
        "campaign_id": a.campaign_id,
        "organization_id": a.organization_id,
        "organization_name": a.organization_name,
        "person_name": a.person_name,
        "is_graded": a.is_graded,
        "reporting_mode": a.reporting_mode,
        "reporting_mode_label": str(ReportingMode(a.reporting_mode).label),
        "stage": a.stage,
        "stage_label": str(Stage(a.stage).label),
        "stage_changed_at": a.stage_changed_at,
        "rule_text": a.rule_text,
        "paragraph": a.paragraph,
        "is_excluded": a.is_excluded,
        "tenure_flags": list(a.tenure_flags or []),
        "blockers": blockers,
    }


@router.get("/campaigns", response=list[CampaignOut], summary="本人可见的述职评议考核")
@api_access("signed_in", "只列出 selectors.campaigns_visible_to 范围内的考核")
def list_campaigns(request):
    return [_campaign_out(c) for c in selectors.campaigns_for_list(request.user)]


@router.post("/campaigns", response={201: CampaignOut}, summary="创建年度述职评议考核")
@api_access("scoped", "须为该组织单位的组织部门工作人员（permissions.can_create_campaign，否则 403）")
def create_campaign(request, payload: CampaignIn):
    organizer = Organization.objects.filter(pk=payload.organizer_id).first()
    if organizer is None or not permissions.can_create_campaign(request.user, organizer):
        raise PermissionDenied
    notice = None
    if payload.notice_id is not None:
        notice = selectors.notices_for_organizer(organizer, payload.year).filter(pk=payload.notice_id).first()
        if notice is None:
            raise Http404
    campaign = services.create_campaign(
        actor=request.user,
        organizer=organizer,
        year=payload.year,
        title=payload.title,
        notice=notice,
        source="api",
    )
    return 201, _campaign_out(selectors.campaigns_for_list(request.user).get(pk=campaign.pk))


@router.get("/campaigns/{campaign_id}", response=CampaignOut, summary="一次述职评议考核")
@api_access("scoped", "经 selectors.get_campaign_for 取考核，范围外 404")
def get_campaign(request, campaign_id: int):
    selectors.get_campaign_for(request.user, campaign_id)
    return _campaign_out(selectors.campaigns_for_list(request.user).get(pk=campaign_id))


@router.get("/assessments", response=list[AssessmentOut], summary="本人可见的考核对象")
@api_access("signed_in", "只列出 selectors.assessments_visible_to 范围内的考核对象；可按 campaign 过滤")
def list_assessments(request, campaign: int | None = None):
    qs = (
        selectors.assessments_visible_to(request.user)
        .select_related("campaign")
        .order_by("campaign_id", "organization_path")
    )
    if campaign is not None:
        qs = qs.filter(campaign_id=campaign)
    rows = list(qs)
    blocked = blockers_for_many(rows)
    return [_assessment_out(a, blocked[a.pk]) for a in rows]


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="一个考核对象及其阶段、受阻原因")
@api_access("scoped", "经 selectors.get_assessment_for 取考核对象，范围外 404")
def get_assessment(request, assessment_id: int):
    a = selectors.get_assessment_for(request.user, assessment_id)
    return _assessment_out(a, blockers_for_many([a])[a.pk])


@router.post("/assessments/{assessment_id}/stage", response=AssessmentOut, summary="推进到下一阶段")
@api_access(
    "scoped",
    "经 selectors.get_assessment_for 取考核对象（404）；须 permissions.can_transition_assessment（403）",
)
def transition_assessment(request, assessment_id: int, payload: StageIn):
    a = selectors.get_assessment_for(request.user, assessment_id)
    if not permissions.can_transition_assessment(request.user, a):
        raise PermissionDenied
    a = services.transition_assessment(
        actor=request.user, assessment=a, to_stage=payload.to_stage, source="api"
    )
    return _assessment_out(a, blockers_for_many([a])[a.pk])


# --- scope (API-1): the wizard's scope step, over the same services -----------------------------------


class ProposalOut(Schema):
    organization_id: int
    organization_name: str
    rule_text: str
    paragraph: str
    is_graded: bool
    reporting_mode: str
    is_optional: bool = Field(
        ..., description="第三条第二款“可选择”的代表：须在 include_optional 中点名才纳入"
    )
    is_included: bool


class ApplyScopeIn(Schema):
    include_optional: list[int] = Field(..., description="纳入的可选代表（党组织 id），不纳入时给空列表 []")


class AddAssessmentIn(Schema):
    organization_id: int
    reason: str = Field(..., min_length=1, max_length=500, examples=["上级党委指定增补"])
    is_graded: bool = True


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class GradingIn(Schema):
    is_graded: bool
    reason: str = Field("", max_length=500)


class ReportingModeIn(Schema):
    reporting_mode: ReportingMode
    reason: str = Field("", max_length=500)


class ConfirmIn(Schema):
    confirm: bool = Field(..., description="须为 true：确认名单后不能再按建议生成")


def _managed(request, campaign_id: int):
    campaign = selectors.get_campaign_for(request.user, campaign_id)
    if not permissions.can_manage_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


def _managed_assessment(request, assessment_id: int):
    assessment = selectors.get_assessment_for(request.user, assessment_id)
    if not permissions.can_manage_campaign(request.user, assessment.campaign):
        raise PermissionDenied
    return assessment


def _assessment_result(request, assessment_id: int) -> dict:
    a = selectors.get_assessment_for(request.user, assessment_id)
    return _assessment_out(a, blockers_for_many([a])[a.pk])


@router.get(
    "/campaigns/{campaign_id}/scope/proposal", response=list[ProposalOut], summary="第三条建议的考核对象"
)
@api_access("scoped", "考核经 get_campaign_for 取得（404），须为本次考核的组织部门工作人员（403）")
def get_scope_proposal(request, campaign_id: int):
    campaign = _managed(request, campaign_id)
    included = set(campaign.assessments.values_list("organization_id", flat=True))
    return [
        {
            "organization_id": p.org.key,
            "organization_name": p.org.name,
            "rule_text": p.rule_text,
            "paragraph": p.paragraph,
            "is_graded": p.is_graded,
            "reporting_mode": p.reporting_mode,
            "is_optional": p.is_optional,
            "is_included": p.org.key in included,
        }
        for p in selectors.scope_proposals(campaign)
    ]


@router.post(
    "/campaigns/{campaign_id}/scope/apply", response=list[AssessmentOut], summary="按第三条生成考核名单"
)
@api_access(
    "scoped", "考核须在范围内（404），须为本次考核的组织部门工作人员（403）；可重复执行，已在名单的不重复"
)
def apply_scope(request, campaign_id: int, payload: ApplyScopeIn):
    campaign = _managed(request, campaign_id)
    services.apply_scope_proposal(
        actor=request.user, campaign=campaign, include_optional=payload.include_optional, source="api"
    )
    rows = list(
        selectors.assessments_visible_to(request.user).filter(campaign=campaign).select_related("campaign")
    )
    blocked = blockers_for_many(rows)
    return [_assessment_out(a, blocked[a.pk]) for a in rows]


@router.post("/campaigns/{campaign_id}/assessments", response={201: AssessmentOut}, summary="增补考核对象")
@api_access("scoped", "考核须在范围内（404）且由本人管理（403）；党组织须在考核组织之下，理由必填")
def add_assessment(request, campaign_id: int, payload: AddAssessmentIn):
    campaign = _managed(request, campaign_id)
    organization = (
        Organization.objects.subtree_of(campaign.organizer, include_self=False)
        .filter(pk=payload.organization_id)
        .first()
    )
    if organization is None:
        raise Http404
    assessment = services.add_assessment(
        actor=request.user,
        campaign=campaign,
        organization=organization,
        reason=payload.reason,
        is_graded=payload.is_graded,
        source="api",
    )
    return 201, _assessment_result(request, assessment.pk)


@router.post("/assessments/{assessment_id}/exclude", response=AssessmentOut, summary="移出考核名单")
@api_access("scoped", "考核对象须在范围内（404），须为本次考核的组织部门工作人员（403）；理由必填")
def exclude_assessment(request, assessment_id: int, payload: ReasonIn):
    a = _managed_assessment(request, assessment_id)
    services.exclude_assessment(actor=request.user, assessment=a, reason=payload.reason, source="api")
    return _assessment_result(request, assessment_id)


@router.post("/assessments/{assessment_id}/restore", response=AssessmentOut, summary="恢复已移出的考核对象")
@api_access("scoped", "考核对象须在范围内（404），须为本次考核的组织部门工作人员（403）；理由必填")
def restore_assessment(request, assessment_id: int, payload: ReasonIn):
    a = _managed_assessment(request, assessment_id)
    services.restore_assessment(actor=request.user, assessment=a, reason=payload.reason, source="api")
    return _assessment_result(request, assessment_id)


@router.post("/assessments/{assessment_id}/grading", response=AssessmentOut, summary="确定是否考核定等")
@api_access("scoped", "考核对象须在范围内（404），须为本次考核的组织部门工作人员（403）")
def set_grading(request, assessment_id: int, payload: GradingIn):
    a = _managed_assessment(request, assessment_id)
    services.set_grading(
        actor=request.user, assessment=a, is_graded=payload.is_graded, reason=payload.reason, source="api"
    )
    return _assessment_result(request, assessment_id)


@router.post("/assessments/{assessment_id}/reporting-mode", response=AssessmentOut, summary="设定述职方式")
@api_access("scoped", "考核对象须在范围内（404），须为本次考核的组织部门工作人员（403）")
def set_reporting_mode(request, assessment_id: int, payload: ReportingModeIn):
    a = _managed_assessment(request, assessment_id)
    services.set_reporting_mode(
        actor=request.user, assessment=a, mode=payload.reporting_mode, reason=payload.reason, source="api"
    )
    return _assessment_result(request, assessment_id)


@router.post("/campaigns/{campaign_id}/scope/confirm", response=CampaignOut, summary="确认考核名单")
@api_access("scoped", "考核须在范围内（404），须为本次考核的组织部门工作人员（403）")
def confirm_scope(request, campaign_id: int, payload: ConfirmIn):
    campaign = _managed(request, campaign_id)
    if not payload.confirm:
        raise services.CampaignError("请以 confirm: true 确认名单。", field="confirm")
    services.confirm_scope(actor=request.user, campaign=campaign, source="api")
    return _campaign_out(selectors.campaigns_for_list(request.user).get(pk=campaign_id))
