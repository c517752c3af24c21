"""/api/v1/accounts, /api/v1/grants, /api/v1/tokens (API-1): the same services as the pages and the admin.

Accounts and role grants are the system administrator's (三员分立; the service refuses everyone else);
API tokens are each account's own. Every write is audited by its service.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema

from shuping.core.api_base import api_access
from shuping.core.errors import DomainError

from . import services
from .api_auth import API_AUTH
from .choices import AdminRole, Role
from .models import ApiToken, RoleGrant, User

router = Router(tags=["accounts"], auth=API_AUTH)


class AccountIn(Schema):
    username: str = Field(..., min_length=1, max_length=150, examples=["xian_zuzhi_wang"])
    full_name: str = Field(..., min_length=1, max_length=64, examples=["王晓明"])


class AccountCreated(Schema):
    id: int
    username: str
    full_name: str
    initial_password: str = Field(..., description="初始密码，只在此返回一次；首次登录须修改")


class GrantIn(Schema):
    user_id: int
    role: Role
    organization_id: int
    include_subtree: bool = False


class GrantOut(Schema):
    id: int
    user_id: int
    username: str
    role: str
    role_label: str
    organization_id: int
    organization_name: str
    include_subtree: bool
    granted_at: datetime


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=64, examples=["党员信息系统同步"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenOut):
    token: str = Field(..., description="令牌本身，只在此返回一次；系统只保存摘要")


def _as_domain(error: services.AccountError) -> DomainError:
    return DomainError(str(error), code="refused")


def _system_admin(request) -> None:
    if request.user.admin_role != AdminRole.SYSTEM:
        raise PermissionDenied


def _grant_out(grant: RoleGrant) -> dict:
    return {
        "id": grant.pk,
        "user_id": grant.user_id,
        "username": grant.user.username,
        "role": grant.role,
        "role_label": str(grant.get_role_display()),
        "organization_id": grant.organization_id,
        "organization_name": grant.organization.name,
        "include_subtree": grant.include_subtree,
        "granted_at": grant.granted_at,
    }


def _token_out(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.post("/accounts", response={201: AccountCreated}, summary="创建账号（系统管理员）")
@api_access("admin", "系统管理员创建普通账号（三员分立）；其他账号 403", admin_role="system")
def create_account(request, payload: AccountIn):
    _system_admin(request)
    try:
        user, password = services.create_account(
            actor=request.user, username=payload.username, full_name=payload.full_name, source="api"
        )
    except services.AccountError as error:
        raise _as_domain(error) from None
    return 201, {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "initial_password": password,
    }


@router.get("/grants", response=list[GrantOut], summary="角色授权列表（系统管理员）")
@api_access("admin", "系统管理员查看角色授权，可按 user 过滤；其他账号 403", admin_role="system")
def list_grants(request, user: int | None = None):
    _system_admin(request)
    qs = RoleGrant.objects.select_related("user", "organization").order_by("user__username", "pk")
    if user is not None:
        qs = qs.filter(user_id=user)
    return [_grant_out(g) for g in qs[:1000]]


@router.post("/grants", response={201: GrantOut}, summary="授予角色（系统管理员）")
@api_access(
    "admin_only", "系统管理员授予角色；不能授予管理员、不能给自己授权；其他账号 403", admin_role="system"
)
def create_grant(request, payload: GrantIn):
    from shuping.orgs.models import Organization

    _system_admin(request)
    user = User.objects.filter(pk=payload.user_id).first()
    organization = Organization.objects.filter(pk=payload.organization_id).first()
    if user is None or organization is None:
        raise Http404
    try:
        grant = services.grant_role(
            actor=request.user,
            user=user,
            role=payload.role,
            organization=organization,
            include_subtree=payload.include_subtree,
            source="api",
        )
    except services.AccountError as error:
        raise _as_domain(error) from None
    return 201, _grant_out(grant)


@router.delete("/grants/{grant_id}", response={204: None}, summary="撤销角色授权（系统管理员）")
@api_access("admin", "系统管理员撤销授权；其他账号 403，授权不存在 404", admin_role="system")
def delete_grant(request, grant_id: int):
    _system_admin(request)
    grant = RoleGrant.objects.filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    services.revoke_role(actor=request.user, grant=grant, source="api")
    return 204, None


@router.get("/tokens", response=list[TokenOut], summary="本人的 API 令牌")
@api_access("signed_in", "只列出本人的令牌")
def list_tokens(request):
    return [_token_out(t) for t in ApiToken.objects.filter(user=request.user)]


@router.post("/tokens", response={201: TokenIssued}, summary="签发本人的 API 令牌")
@api_access("signed_in", "为本人账号签发令牌（管理员不签发）；令牌只返回一次")
def create_token(request, payload: TokenIn):
    try:
        token, value = services.issue_api_token(actor=request.user, name=payload.name, source="api")
    except services.AccountError as error:
        raise _as_domain(error) from None
    return 201, {**_token_out(token), "token": value}


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销本人的 API 令牌")
@api_access("scoped", "只能吊销本人的令牌，他人的令牌 404")
def delete_token(request, token_id: int):
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404
    services.revoke_api_token(actor=request.user, api_token=token, source="api")
    return 204, None
