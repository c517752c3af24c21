"""/api/v1/orgs and /api/v1/people (ORG-1, ORG-3): scoped, paginated, constant query counts (PERF-5)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Query, Router, Schema

from shuping.accounts.api_auth import API_AUTH
from shuping.core.api_base import api_access

from . import permissions, selectors, services
from .choices import AdminLevel, Gender, OrgKind, SecretaryTitle
from .models import Organization, Person, Secretaryship

router = Router(tags=["orgs"], auth=API_AUTH)

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


# --- writes (API-1): the services the import and the pages use; the same scope and audit ------------------


class OrganizationIn(Schema):
    parent_id: int = Field(..., description="上级党组织（须在您的范围内且您可维护）")
    name: str = Field(..., min_length=1, max_length=200, examples=["中共丙镇委员会"])
    short_name: str = Field("", max_length=64, examples=["丙镇党委"])
    code: str = Field(..., min_length=1, max_length=64, examples=["T-TOWN-2"])
    kind: OrgKind = Field(..., examples=["township_committee"])
    admin_level: AdminLevel = Field(..., examples=["township"])
    is_central_soe: bool = False
    is_central_financial: bool = False
    valid_from_on: date | None = None
    note: str = Field("", max_length=2000)


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    short_name: str | None = Field(None, max_length=64)
    code: str | None = Field(None, min_length=1, max_length=64)
    kind: OrgKind | None = None
    admin_level: AdminLevel | None = None
    is_central_soe: bool | None = None
    is_central_financial: bool | None = None
    valid_from_on: date | None = None
    note: str | None = Field(None, max_length=2000)


class MoveIn(Schema):
    parent_id: int = Field(..., description="新的上级党组织")


class CloseIn(Schema):
    ended_on: date = Field(..., description="撤销或合并之日；组织不删除，历史保留")


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=64, examples=["李明"])
    gender: Gender | None = Field(None, description="male（男）或 female（女）")
    ethnicity: str = Field("汉族", max_length=32)
    birth_month: date | None = None
    position: str = Field("", max_length=200, examples=["丙镇党委书记"])
    phone: str = Field("", max_length=32)
    organization_id: int = Field(..., description="任书记的党组织（须在您的范围内且您可维护）")
    started_on: date = Field(..., examples=["2024-03-01"])
    title: SecretaryTitle = SecretaryTitle.SECRETARY


class SecretaryshipIn(Schema):
    person_id: int
    organization_id: int
    started_on: date
    title: SecretaryTitle = SecretaryTitle.SECRETARY


class SecretaryshipWritten(Schema):
    id: int
    person_id: int
    organization_id: int
    title: str
    started_on: date
    ended_on: date | None


class EndIn(Schema):
    ended_on: date


def _editable_org(request, org_id: int) -> Organization:
    org = selectors.get_organization_for(request.user, org_id)
    if not permissions.can_edit_organization(request.user, org):
        raise PermissionDenied
    return org


def _org_detail(request, org: Organization) -> dict:
    return get_org(request, org.pk)


def _secretaryship_out(s: Secretaryship) -> dict:
    return {
        "id": s.pk,
        "person_id": s.person_id,
        "organization_id": s.organization_id,
        "title": s.title,
        "started_on": s.started_on,
        "ended_on": s.ended_on,
    }


@router.post("/orgs", response={201: OrganizationDetail}, summary="新建党组织")
@api_access("scoped", "上级组织经范围内选择器取得（范围外 404），须为组织部门工作人员可维护（403）")
def create_org(request, payload: OrganizationIn):
    parent = _editable_org(request, payload.parent_id)
    data = payload.dict(exclude={"parent_id"})
    org = services.create_organization(parent=parent, actor=request.user, source="api", **data)
    return 201, _org_detail(request, org)


@router.patch("/orgs/{org_id}", response=OrganizationDetail, summary="修改党组织信息")
@api_access("scoped", "组织经范围内选择器取得（范围外 404），须可维护（403）；上下级关系用“调整隶属”")
def update_org(request, org_id: int, payload: OrganizationPatch):
    org = _editable_org(request, org_id)
    # null means "leave as is", except for the start date, where it means "no start date".
    changes = {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if value is not None or name == "valid_from_on"
    }
    if changes:
        services.update_organization(actor=request.user, organization=org, source="api", **changes)
    return _org_detail(request, org)


@router.post("/orgs/{org_id}/move", response=OrganizationDetail, summary="调整隶属关系（连同全部下级）")
@api_access("scoped", "组织与新上级都须在范围内（404）且可维护（403）")
def move_org(request, org_id: int, payload: MoveIn):
    org = _editable_org(request, org_id)
    new_parent = _editable_org(request, payload.parent_id)
    services.move_organization(actor=request.user, organization=org, new_parent=new_parent, source="api")
    return _org_detail(request, org)


@router.post("/orgs/{org_id}/close", response=OrganizationDetail, summary="撤销党组织（保留历史）")
@api_access("scoped", "组织须在范围内（404）且可维护（403）；只标注撤销日期，不删除")
def close_org(request, org_id: int, payload: CloseIn):
    org = _editable_org(request, org_id)
    services.end_organization(actor=request.user, organization=org, ended_on=payload.ended_on, source="api")
    return _org_detail(request, org)


@router.post("/people", response={201: PersonDetail}, summary="登记干部及其书记任职")
@api_access("scoped", "任职的党组织须在范围内（404）且可维护（403）；干部与任职一并写入")
def create_person(request, payload: PersonIn):
    org = _editable_org(request, payload.organization_id)
    with transaction.atomic():
        person = services.create_person(
            actor=request.user,
            name=payload.name,
            gender=payload.gender or "",
            ethnicity=payload.ethnicity,
            birth_month=payload.birth_month,
            position=payload.position,
            phone=payload.phone,
            source="api",
        )
        services.create_secretaryship(
            actor=request.user,
            person=person,
            organization=org,
            started_on=payload.started_on,
            title=payload.title,
            source="api",
        )
    return 201, get_person(request, person.pk)


@router.post("/secretaryships", response={201: SecretaryshipWritten}, summary="登记书记任职")
@api_access("scoped", "干部与党组织都须在范围内（404），党组织须可维护（403）")
def create_secretaryship(request, payload: SecretaryshipIn):
    person = selectors.get_person_for(request.user, payload.person_id)
    org = _editable_org(request, payload.organization_id)
    secretaryship = services.create_secretaryship(
        actor=request.user,
        person=person,
        organization=org,
        started_on=payload.started_on,
        title=payload.title,
        source="api",
    )
    return 201, _secretaryship_out(secretaryship)


@router.post("/secretaryships/{secretaryship_id}/end", response=SecretaryshipWritten, summary="结束书记任职")
@api_access("scoped", "任职所在党组织须在范围内（404）且可维护（403）")
def end_secretaryship(request, secretaryship_id: int, payload: EndIn):
    secretaryship = (
        Secretaryship.objects.filter(
            pk=secretaryship_id, organization__in=selectors.organizations_visible_to(request.user)
        )
        .select_related("organization")
        .first()
    )
    if secretaryship is None:
        raise Http404
    if not permissions.can_edit_organization(request.user, secretaryship.organization):
        raise PermissionDenied
    secretaryship = services.end_secretaryship(
        actor=request.user, secretaryship=secretaryship, ended_on=payload.ended_on, source="api"
    )
    return _secretaryship_out(secretaryship)
