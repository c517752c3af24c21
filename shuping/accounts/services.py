"""Every write on accounts (SEC-3): sign-in outcomes, lockout, passwords, sessions, disabling, second factor.

Each service is keyword-only, runs in one transaction and writes its audit event in that transaction.
The sign-in policy itself is documented in docs/security.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.models import Device

from shuping.audit.services import AuditTarget, record

from .choices import AdminRole, Role
from .models import ApiToken, RoleGrant, User, UserSession
from .policy import ip_fingerprint, ip_prefix


class AccountError(Exception):
    """A request on an account that the rules refuse; the message is shown to the user as is."""


# Why a sign-in failed, as recorded in the audit detail.
BAD_CREDENTIALS = "bad_credentials"
LOCKED = "locked"
INACTIVE = "inactive"
THROTTLED = "throttled"
BAD_SECOND_FACTOR = "bad_second_factor"
#: Failures that count towards the account lockout and the per-address throttle.
COUNTED_FAILURES = (BAD_CREDENTIALS, BAD_SECOND_FACTOR)


def _source_detail(ip: str) -> dict[str, str]:
    """Where an attempt came from, without storing the full address: /24 (/48) prefix and a keyed hash."""
    return {"ip_prefix": ip_prefix(ip), "ip_hash": ip_fingerprint(ip) if ip else ""}


def _ip_key(ip: str) -> str:
    return f"accounts:login-failures:{ip_fingerprint(ip)}"


def _count_address_failure(ip: str) -> None:
    """Per-address failure counter in the cache, in a fixed window (the soft throttle)."""
    if not ip:
        return
    key = _ip_key(ip)
    window = settings.SHUPING_LOGIN_IP_THROTTLE_SECONDS
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


def address_throttled(*, ip: str) -> bool:
    """True when this address has failed SHUPING_LOGIN_IP_THROTTLE_FAILURES times in the current window."""
    if not ip:
        return False
    return int(cache.get(_ip_key(ip), 0)) >= settings.SHUPING_LOGIN_IP_THROTTLE_FAILURES


@transaction.atomic
def register_login_failure(*, username: str, ip: str, reason: str) -> User | None:
    """Record a failed sign-in: count it against the account and the address, lock if due, audit it.

    The account (if the name exists) is locked for SHUPING_LOGIN_LOCKOUT_SECONDS after
    SHUPING_LOGIN_LOCKOUT_FAILURES consecutive counted failures. Attempts refused because the account is
    already locked are audited but neither counted nor extend the lock, so an attacker cannot keep a
    colleague locked out for ever. The password is never recorded. Returns the account, if any.
    """
    now = timezone.now()
    user = User.objects.select_for_update().filter(username=username).first()
    newly_locked = False
    if user is not None and reason in COUNTED_FAILURES:
        if user.locked_until_at is not None and user.locked_until_at <= now:
            user.failed_login_count, user.locked_until_at = 0, None  # the previous lock has expired
        user.failed_login_count += 1
        if user.failed_login_count >= settings.SHUPING_LOGIN_LOCKOUT_FAILURES and not user.is_locked(now):
            user.locked_until_at = now + timedelta(seconds=settings.SHUPING_LOGIN_LOCKOUT_SECONDS)
            newly_locked = True
        user.save(update_fields=["failed_login_count", "locked_until_at"])
    if reason in COUNTED_FAILURES:
        _count_address_failure(ip)
    record(
        actor=None,
        action="accounts.login",
        target=user if user is not None else AuditTarget(type="accounts.username", label=username[:150]),
        outcome="denied" if reason in (LOCKED, THROTTLED, INACTIVE) else "failed",
        detail={
            "username": username[:150],
            "reason": reason,
            "locked": newly_locked,
            **_source_detail(ip),
        },
    )
    return user


@transaction.atomic
def register_login_success(*, user: User, ip: str, second_factor: str = "") -> None:
    """Record a completed sign-in (after the second factor, when one is required): reset the counter, audit."""
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until_at=None)
    user.failed_login_count, user.locked_until_at = 0, None
    record(
        actor=user,
        action="accounts.login",
        target=user,
        detail={"username": user.username, "second_factor": second_factor, **_source_detail(ip)},
    )


@transaction.atomic
def unlock_user(*, user: User, actor: User) -> None:
    """The security administrator lifts a lockout before it expires (SEC-1: only that administrator)."""
    if actor.admin_role != "security":
        raise AccountError("只有安全管理员可以解除账号锁定。")
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until_at=None)
    user.failed_login_count, user.locked_until_at = 0, None
    record(actor=actor, action="accounts.unlock", target=user)


# --- sessions ----------------------------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


@transaction.atomic
def remember_session(*, user: User, session_key: str) -> None:
    """Note a new signed-in session so that disabling the account can end it (called on every sign-in)."""
    if session_key:
        UserSession.objects.update_or_create(
            session_key=session_key, defaults={"user": user, "created_at": timezone.now()}
        )


@transaction.atomic
def forget_session(*, session_key: str) -> None:
    """Drop the note of a session that ended by signing out."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def _end_sessions(user: User, *, keep_session_key: str = "") -> int:
    store = _session_store()
    rows = UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or None)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    return len(keys)


@transaction.atomic
def end_user_sessions(*, user: User, actor: User | None, keep_session_key: str = "") -> int:
    """End every session of `user` now (all but `keep_session_key`); returns how many were ended."""
    count = _end_sessions(user, keep_session_key=keep_session_key)
    record(actor=actor, action="accounts.sessions_end", target=user, detail={"sessions": count})
    return count


@transaction.atomic
def prune_session_records(*, at: datetime | None = None) -> int:
    """Forget session notes older than the absolute session lifetime: no session outlives it."""
    cutoff = (at or timezone.now()) - timedelta(seconds=settings.SHUPING_SESSION_ABSOLUTE_SECONDS)
    deleted, _ = UserSession.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- disabling -----------------------------------------------------------------------------------------


@transaction.atomic
def disable_user(*, user: User, actor: User | None, reason: str = "") -> None:
    """Disable an account and end all its sessions immediately (SEC-3).

    `actor` is None when the system disables the account (dormant accounts). Idempotent: disabling a
    disabled account still ends any session left and is audited.
    """
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    count = _end_sessions(user)
    record(
        actor=actor,
        action="accounts.disable",
        target=user,
        source="web" if actor is not None else "system",
        detail={"reason": reason, "sessions_ended": count},
    )


@transaction.atomic
def disable_dormant_accounts(*, days: int | None = None, at: datetime | None = None) -> list[User]:
    """Disable active accounts unused for `days` (default SHUPING_DORMANT_ACCOUNT_DAYS); `shuping tick` calls it.

    Unused means no sign-in since the cutoff — or, never signed in, created before it.
    """
    days = settings.SHUPING_DORMANT_ACCOUNT_DAYS if days is None else days
    cutoff = (at or timezone.now()) - timedelta(days=days)
    dormant = list(
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("pk")
    )
    for user in dormant:
        disable_user(user=user, actor=None, reason=f"dormant:{days}")
    return dormant


# --- passwords -----------------------------------------------------------------------------------------


@transaction.atomic
def change_password(*, user: User, new_password: str, keep_session_key: str = "") -> None:
    """Set a new password (validated: ≥ 12 characters, not common …), stamp its date, end other sessions.

    Raises django.core.exceptions.ValidationError with Chinese messages when the password is refused.
    """
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    count = _end_sessions(user, keep_session_key=keep_session_key)
    record(actor=user, action="accounts.password_change", target=user, detail={"sessions_ended": count})


@transaction.atomic
def password_set_by_admin(*, user: User, actor: User, keep_session_key: str = "") -> int:
    """The system administrator set `user`'s password in the admin (INT-3): stamp it, require a change at
    next sign-in, end the account's sessions, and record who did it. Returns the sessions ended."""
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    user.save(update_fields=["password_changed_at", "must_change_password"])
    count = _end_sessions(user, keep_session_key=keep_session_key)
    record(
        actor=actor,
        action="accounts.password_set_by_admin",
        target=user,
        detail={"sessions_ended": count, "usable": user.has_usable_password()},
    )
    return count


#: Initial passwords avoid characters that are easily misread when copied from a screen (0/O, 1/l/I).
_INITIAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def generate_initial_password() -> str:
    """A random 19-character initial password in four groups (passes the ≥ 12 / not-common validators)."""
    import secrets

    return "-".join("".join(secrets.choice(_INITIAL_ALPHABET) for _ in range(4)) for _ in range(4))


@transaction.atomic
def create_account(
    *, actor: User | None, username: str, full_name: str, source: str = "web"
) -> tuple[User, str]:
    """Create an ordinary account (no administrator role, no grants) with a generated initial password.

    Used where staff set up someone on the spot, e.g. a liaison (联络员) of an assessee's organization.
    Returns the user and the initial password, which the caller shows once and never stores; the account
    must change it at first sign-in (must_change_password, enforced by PasswordRotationMiddleware).
    """
    username = username.strip()
    full_name = " ".join(full_name.split())
    if not full_name:
        raise AccountError("请填写姓名。")
    if not username or len(username) > 150 or not all(c.isalnum() or c in "@.+-_" for c in username):
        raise AccountError("用户名应为字母、数字或 @ . + - _，不超过 150 个字符。")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"用户名“{username}”已被使用，请换一个。")
    password = generate_initial_password()
    user = User(username=username, full_name=full_name, must_change_password=True)
    user.set_password(password)
    user.save()
    record(
        actor=actor,
        action="accounts.create",
        target=user,
        source=source,
        detail={"username": username, "full_name": full_name, "first_sign_in_change": True},
    )
    return user, password


# --- second factor -------------------------------------------------------------------------------------


@transaction.atomic
def confirm_second_factor_device(*, user: User, device: Device) -> None:
    """Mark a freshly enrolled device (its first code verified) as the user's confirmed second factor."""
    if device.user_id != user.pk:
        raise AccountError("该设备不属于当前用户。")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=user, action="accounts.second_factor_enrol", target=user, detail={"device": device.name})


@transaction.atomic
def reset_second_factor(*, user: User, actor: User) -> int:
    """The security administrator removes a user's second-factor devices (lost phone); they enrol again."""
    if actor.admin_role != "security":
        raise AccountError("只有安全管理员可以重置动态口令。")
    from django_otp import devices_for_user

    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    record(actor=actor, action="accounts.second_factor_reset", target=user, detail={"devices": len(devices)})
    return len(devices)


# --- API tokens (API-1) ------------------------------------------------------------------------------------

#: Tokens read `sp_` + 43 URL-safe characters (256 bits); the prefix shown to the owner is the first 10.
TOKEN_PREFIX = "sp_"  # noqa: S105 — a marker, not a secret
TOKEN_LABEL = "api-token"  # noqa: S105 — the blind-index label
MAX_ACTIVE_TOKENS = 10
#: last_used_at is written at most this often per token, so reads through a token stay reads.
TOKEN_TOUCH_SECONDS = 60


def token_index(token: str) -> str:
    from shuping.core import crypto

    return crypto.blind_index(TOKEN_LABEL, token)


@transaction.atomic
def issue_api_token(*, actor: User, name: str, source: str = "web") -> tuple[ApiToken, str]:
    """Issue a personal API token for `actor`'s own account; returns it with the token, shown once.

    The three administrators get no token: their work is done in person, with a second factor (三员分立).
    """
    import secrets

    name = " ".join(name.split())
    if not name or len(name) > 64:
        raise AccountError("请填写令牌用途（不超过 64 个字）。")
    if actor.admin_role:
        raise AccountError("系统、安全、审计管理员不签发 API 令牌，请在网页上办理。")
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise AccountError(f"有效令牌已达 {MAX_ACTIVE_TOKENS} 个，请先吊销不用的令牌。")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        user=actor, name=name, prefix=token[:10], key_index=token_index(token)
    )
    record(
        actor=actor,
        action="accounts.api_token.issue",
        target=api_token,
        source=source,
        detail={"name": name, "prefix": api_token.prefix},
    )
    return api_token, token


@transaction.atomic
def revoke_api_token(*, actor: User, api_token: ApiToken, source: str = "web") -> ApiToken:
    """Revoke a token: its owner, or the security administrator (e.g. a token that leaked)."""
    api_token = ApiToken.objects.select_for_update().get(pk=api_token.pk)
    if api_token.user_id != actor.pk and actor.admin_role != "security":
        raise AccountError("只能吊销本人的令牌。")
    if api_token.revoked_at is not None:
        return api_token
    api_token.revoked_at = timezone.now()
    api_token.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="accounts.api_token.revoke",
        target=api_token,
        source=source,
        detail={"owner": api_token.user.username, "prefix": api_token.prefix},
    )
    return api_token


def authenticate_api_token(token: str) -> User | None:
    """The active account a presented token belongs to, or None (revoked, unknown, disabled or locked)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(key_index=token_index(token), revoked_at__isnull=True)
        .first()
    )
    if api_token is None or not api_token.user.is_active or api_token.user.is_locked():
        return None
    now = timezone.now()
    if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > TOKEN_TOUCH_SECONDS:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


# --- role grants (SEC-1, API-1) ------------------------------------------------------------------------------


def _check_system_admin(actor: User | None, what: str) -> None:
    # 三员分立: accounts and their roles are the system administrator's work; the security administrator
    # unlocks and resets, the audit administrator reads the log, and neither can do this.
    if actor is not None and actor.admin_role != AdminRole.SYSTEM:
        raise AccountError(f"只有系统管理员可以{what}。")


@transaction.atomic
def grant_role(
    *,
    actor: User | None,
    user: User,
    role: str,
    organization: Any,  # an orgs.Organization (orgs sits above accounts, docs/architecture.md)
    include_subtree: bool = False,
    source: str = "web",
) -> RoleGrant:
    """Grant `role` on `organization` (optionally its subtree) to `user` (SEC-1).

    The system administrator grants (None = the command line, run on the server). The three
    administrators hold no organization role, nobody grants to themselves, and a grant that exists
    is refused rather than duplicated.
    """
    _check_system_admin(actor, "授予角色")
    if role not in Role.values:
        raise AccountError("角色不是允许的取值。")
    if user.admin_role:
        raise AccountError("系统、安全、审计管理员不能再被授予业务角色（三员分立）。")
    if actor is not None and user.pk == actor.pk:
        raise AccountError("不能给自己授权。")
    if not user.is_active:
        raise AccountError("该账号已停用，不能授权。")
    if RoleGrant.objects.filter(user=user, role=role, organization=organization).exists():
        raise AccountError("该账号在此党组织已有这一角色。")
    grant = RoleGrant.objects.create(
        user=user, role=role, organization=organization, include_subtree=include_subtree, granted_by=actor
    )
    record(
        actor=actor,
        action="accounts.grant.create",
        target=grant,
        source=source,
        detail={
            "user": user.username,
            "role": role,
            "organization_id": organization.pk,
            "include_subtree": include_subtree,
        },
    )
    return grant


@transaction.atomic
def revoke_role(*, actor: User | None, grant: RoleGrant, source: str = "web") -> None:
    """Withdraw a role grant; the audit row keeps who held what, where, and who withdrew it (SEC-1)."""
    _check_system_admin(actor, "撤销授权")
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    record(
        actor=actor,
        action="accounts.grant.revoke",
        target=grant,
        source=source,
        detail={
            "user": grant.user.username,
            "role": grant.role,
            "organization_id": grant.organization_id,
            "include_subtree": grant.include_subtree,
        },
    )
    grant.delete()
