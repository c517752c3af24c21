"""Accounts and role grants (SEC-1, SEC-3)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AdminRole, Role


class User(AbstractUser):
    """A person who signs in: organization-department staff, leaders, liaisons, administrators.

    `admin_role` separates the three administrators (三员分立). Django's `is_superuser` is never set:
    no account can do everything.
    """

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    # 职务: documents name people by name and post (实地考核组报告, 移交清单, 点评人), never by account name.
    post = models.CharField(_("职务"), max_length=100, blank=True)
    admin_role = models.CharField(
        _("管理员角色"), max_length=16, choices=AdminRole.choices, blank=True, default=AdminRole.NONE
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # An account created by staff with a generated initial password (e.g. a liaison named on the spot)
    # must choose its own password at first sign-in; change_password clears it.
    must_change_password = models.BooleanField(_("须修改初始密码"), default=False)
    failed_login_count = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until_at = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def name_and_post(self) -> str:
        """“姓名（职务）” as documents name a person; the name alone when no post is recorded."""
        return f"{self.display_name}（{self.post}）" if self.post else self.display_name

    def set_password(self, raw_password: str | None) -> None:
        """Every path that sets a password (services, admin, createsuperuser) stamps its date (rotation)."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def is_locked(self, at=None) -> bool:
        """True while a lockout after repeated failed sign-ins is in force (SEC-3)."""
        at = at or timezone.now()
        return self.locked_until_at is not None and self.locked_until_at > at


class RoleGrant(models.Model):
    """A role a user holds on an organization, optionally over its whole subtree.

    Scoping starts here: selectors turn a user's grants into the organizations and (later) campaigns
    they may see. Campaign-level grants are added by the campaigns app.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="grants", verbose_name=_("党组织")
    )
    include_subtree = models.BooleanField(_("含下级组织"), default=False)
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("授权人")
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="accounts_grant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class UserSession(models.Model):
    """One signed-in session of a user, so that disabling the account ends all its sessions at once (SEC-3).

    Recorded on every sign-in (the `user_logged_in` signal) and removed on sign-out; rows older than the
    absolute session lifetime are pruned, since no session can outlive it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("用户"))
    session_key = models.CharField(_("会话标识"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A personal API token for an integration (API-1): acts as its account, with the account's scope.

    Only a keyed hash of the token is stored (`key_index`, HMAC-SM3 under the data key, like ballot
    credentials); the token itself is shown once when it is issued. `prefix` lets the owner tell tokens
    apart. A revoked token, or any token of a disabled account, authenticates nothing.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("账号")
    )
    name = models.CharField(_("用途"), max_length=64)
    prefix = models.CharField(_("令牌前缀"), max_length=12)
    key_index = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} · {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
