"""/api/v1/dashboards (SPEC §11, OVS-2): the same selectors as the dashboard page, scoped to the user."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from shuping.accounts.api_auth import API_AUTH
from shuping.campaigns.choices import STAGE_ORDER
from shuping.core.api_base import api_access

from . import selectors

router = Router(tags=["dashboards"], auth=API_AUTH)


class RootOut(Schema):
    organization_id: int
    name: str


class ChildOut(Schema):
    organization_id: int
    name: str
    is_own_level: bool
    campaigns: int
    draft: int
    open: int
    closed: int
    with_meeting_plan: int
    assessments: int
    late: int
    stages: dict[str, int]


class TrendOut(Schema):
    year: int
    campaigns: int
    assessees: int
    decided: int


class LateCampaignOut(Schema):
    campaign_id: int
    title: str
    organizer_name: str
    assessments: int
    late: int


class DashboardOut(Schema):
    organization_id: int
    name: str
    year: int
    today: date
    years: list[int]
    stages: list[str]
    stage_totals: dict[str, int]
    late_total: int
    children: list[ChildOut]
    late_campaigns: list[LateCampaignOut]
    trend: list[TrendOut]
    grades: list[dict] | None
    rectification: list[dict] | None


@router.get("/dashboards", response=list[RootOut], summary="本人可监督的组织")
@api_access("signed_in", "只列出用户可监督的组织（组织部门工作人员/部门领导，含下级）")
def list_dashboards(request):
    return [
        {"organization_id": o.pk, "name": o.display_name} for o in selectors.oversight_roots_for(request.user)
    ]


@router.get("/dashboards/{organization_id}", response=DashboardOut, summary="一个组织的述职评议考核监督看板")
@api_access("scoped", "组织须在用户可监督的子树内（selectors.get_oversight_org_for，否则 404）")
def get_dashboard(request, organization_id: int, year: int | None = None):
    org = selectors.get_oversight_org_for(request.user, organization_id)
    if year is not None and not 2019 <= year <= 2100:
        year = None
    board = selectors.dashboard_for(org, year=year)
    return {
        "organization_id": org.pk,
        "name": org.display_name,
        "year": board.year,
        "today": board.today,
        "years": board.years,
        "stages": list(STAGE_ORDER),
        "stage_totals": board.stage_totals,
        "late_total": board.late_total,
        "children": [
            {
                "organization_id": r.organization_id,
                "name": r.name,
                "is_own_level": r.is_own_level,
                "campaigns": r.campaigns,
                "draft": r.draft,
                "open": r.open,
                "closed": r.closed,
                "with_meeting_plan": r.with_plan,
                "assessments": r.assessments,
                "late": r.late,
                "stages": r.stages,
            }
            for r in board.rows
        ],
        "late_campaigns": [
            {
                "campaign_id": c["campaign_id"],
                "title": c["campaign__title"],
                "organizer_name": c["campaign__organizer__name"],
                "assessments": c["total"],
                "late": c["late"],
            }
            for c in board.late_campaigns
        ],
        "trend": board.trend,
        "grades": board.grades,
        "rectification": board.rectification,
    }
