"""/api/v1/orgs and /api/v1/people (ORG-1, ORG-3): scoped, paginated, constant query counts (PERF-5)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from shuping.core.api_base import api_access

from . import permissions, selectors
from .choices import AdminLevel, OrgKind
from .models import Organization, Person, Secretaryship

router = Router(tags=["orgs"], auth=django_auth)

MAX_PAGE = 200


class SecretaryBrief(Schema):
    person_id: int
    name: str
    title: str
    title_label: str
    started_on: date


class OrganizationBrief(Schema):
    id: int
    name: str
    short_name: str
    code: str


class OrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    kind: str
    kind_label: str
    admin_level: str
    admin_level_label: str
    parent_id: int | None
    depth: int
    is_central_soe: bool
    is_central_financial: bool
    valid_from_on: date | None
    valid_to_on: date | None
    has_children: bool
    current_secretary: SecretaryBrief | None


class OrganizationDetail(OrganizationOut):
    ancestors: list[OrganizationBrief]
    note: str


class OrganizationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganizationOut]


class OrganizationFilters(Schema):
    parent: int | None = Field(None, description="只列出该上级组织的直接下级")
    kind: OrgKind | None = Field(None, description="党组织类型")
    level: AdminLevel | None = Field(None, description="行政层级")
    q: str | None = Field(None, max_length=100, description="名称包含，或组织代码开头")
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10_000_000)


class SecretaryshipOut(Schema):
    id: int
    organization: OrganizationBrief
    title: str
    title_label: str
    started_on: date
    ended_on: date | None


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    birth_month: str | None = Field(description="出生年月，YYYY-MM")
    position: str
    phone_masked: str | None = Field(description="仅对组织部门人员以掩码给出，否则为 null")


class PersonDetail(PersonOut):
    secretaryships: list[SecretaryshipOut]


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class PeopleFilters(Schema):
    q: str | None = Field(None, max_length=100, description="姓名包含")
    organization: int | None = Field(None, description="曾在该党组织任书记")
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10_000_000)


# --- serialisation: whole pages at a time, so the query count does not depend on the page size ---


def _secretary(s: Secretaryship | None) -> dict | None:
    if s is None:
        return None
    return {
        "person_id": s.person_id,
        "name": s.person.name,
        "title": s.title,
        "title_label": str(s.get_title_display()),
        "started_on": s.started_on,
    }


def _organizations(orgs: list[Organization]) -> list[dict]:
    expandable = selectors.has_children(orgs) if orgs else set()
    secretaries = selectors.current_secretaryships(orgs) if orgs else {}
    return [
        {
            "id": o.pk,
            "name": o.name,
            "short_name": o.short_name,
            "code": o.code,
            "kind": o.kind,
            "kind_label": str(o.get_kind_display()),
            "admin_level": o.admin_level,
            "admin_level_label": str(o.get_admin_level_display()),
            "parent_id": o.parent_id,
            "depth": o.depth,
            "is_central_soe": o.is_central_soe,
            "is_central_financial": o.is_central_financial,
            "valid_from_on": o.valid_from_on,
            "valid_to_on": o.valid_to_on,
            "has_children": o.pk in expandable,
            "current_secretary": _secretary(secretaries.get(o.pk)),
        }
        for o in orgs
    ]


def _brief(o: Organization) -> dict:
    return {"id": o.pk, "name": o.name, "short_name": o.short_name, "code": o.code}


def _person(request, p: Person) -> dict:
    may_see = permissions.can_view_person_phone(request.user, p)
    return {
        "id": p.pk,
        "name": p.name,
        "gender": p.gender,
        "ethnicity": p.ethnicity,
        "birth_month": p.birth_month.strftime("%Y-%m") if p.birth_month else None,
        "position": p.position,
        "phone_masked": permissions.masked_phone(p.phone) if may_see else None,
    }


def _posts_prefetch() -> Prefetch:
    return Prefetch(
        "secretaryships",
        queryset=Secretaryship.objects.select_related("organization").order_by("-started_on", "-pk"),
    )


# --- operations ------------------------------------------------------------------------------------


@router.get("/orgs", response=OrganizationPage, summary="党组织列表")
@api_access("scoped", "只列出用户授权范围内的党组织；三员及无授权用户得到空列表")
def list_orgs(request, filters: Query[OrganizationFilters]):
    qs = selectors.filter_organizations(
        request.user,
        parent_id=filters.parent,
        kind=filters.kind,
        admin_level=filters.level,
        query=filters.q,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": _organizations(page),
    }


@router.get("/orgs/{org_id}", response=OrganizationDetail, summary="党组织详情")
@api_access("scoped", "通过范围内选择器获取，范围外 404")
def get_org(request, org_id: int):
    org = selectors.get_organization_for(request.user, org_id)
    (item,) = _organizations([org])
    item["ancestors"] = [_brief(a) for a in selectors.ancestors_for(request.user, org)]
    item["note"] = org.note
    return item


@router.get("/orgs/{org_id}/children", response=OrganizationPage, summary="党组织的直接下级")
@api_access("scoped", "上级组织须在用户范围内（范围外 404），只列出可见的下级")
def list_org_children(
    request, org_id: int, limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0)
):
    org = selectors.get_organization_for(request.user, org_id)
    qs = selectors.children_for(request.user, org)
    page = list(qs[offset : offset + limit])
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": _organizations(page)}


@router.get("/people", response=PersonPage, summary="干部列表")
@api_access("scoped", "只列出在用户范围内党组织任过书记的干部；电话仅以掩码给组织部门人员")
def list_people(request, filters: Query[PeopleFilters]):
    qs = selectors.filter_people(request.user, query=filters.q, organization_id=filters.organization)
    page = list(qs.prefetch_related(_posts_prefetch())[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_person(request, p) for p in page],
    }


@router.get("/people/{person_id}", response=PersonDetail, summary="干部详情")
@api_access("scoped", "干部须在用户范围内（范围外 404）；电话仅以掩码给组织部门人员")
def get_person(request, person_id: int):
    person = selectors.get_person_for(request.user, person_id)
    item = _person(request, person)
    item["secretaryships"] = [
        {
            "id": s.pk,
            "organization": _brief(s.organization),
            "title": s.title,
            "title_label": str(s.get_title_display()),
            "started_on": s.started_on,
            "ended_on": s.ended_on,
        }
        for s in person.secretaryships.all()
    ]
    return item
