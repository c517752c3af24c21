"""`shuping grant USERNAME ROLE ORG_CODE [--subtree]` / `--revoke` / `--list USERNAME` (API-1, SEC-1).

The same services as the system administrator's API and admin (accounts.services.grant_role /
revoke_role): the same rules (no business role for the three administrators, no duplicate), the same
audit row — with source "cli" and no actor, since whoever runs it is on the server itself.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from shuping.accounts import services
from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant, User
from shuping.core.management.audited import AuditedCommand


class Command(AuditedCommand):
    help = "授予、撤销或列出账号的角色：shuping grant 用户名 角色 组织代码 [--subtree]；--revoke 撤销；--list 用户名"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="账号的用户名")
        parser.add_argument(
            "role", nargs="?", help="角色：" + "、".join(f"{v}（{label}）" for v, label in Role.choices)
        )
        parser.add_argument("org_code", nargs="?", help="党组织代码")
        parser.add_argument("--subtree", action="store_true", help="含下级组织")
        parser.add_argument("--revoke", action="store_true", help="撤销这一授权")
        parser.add_argument("--list", action="store_true", help="列出该账号的全部授权")

    def handle(self, *args, username: str, role: str | None, org_code: str | None, **options) -> None:
        from shuping.orgs.models import Organization

        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的账号。")
        if options["list"]:
            for grant in RoleGrant.objects.filter(user=user).select_related("organization").order_by("pk"):
                subtree = "（含下级）" if grant.include_subtree else ""
                self.stdout.write(
                    f"{grant.get_role_display()}\t{grant.organization.code}\t{grant.organization.name}{subtree}"
                )
            return
        if not role or not org_code:
            raise CommandError(
                "请给出角色和党组织代码，例如：shuping grant wang organizer_staff 430000 --subtree"
            )
        if role not in Role.values:
            raise CommandError(f"角色“{role}”不存在；可用：{', '.join(Role.values)}")
        organization = Organization.objects.filter(code=org_code).first()
        if organization is None:
            raise CommandError(f"没有代码为“{org_code}”的党组织。")
        if options["revoke"]:
            existing = RoleGrant.objects.filter(user=user, role=role, organization=organization).first()
            if existing is None:
                raise CommandError("该账号在此党组织没有这一角色。")
            services.revoke_role(actor=None, grant=existing, source="cli")
            self.stdout.write(
                f"已撤销：{user.username} 在 {organization.name} 的{existing.get_role_display()}角色。"
            )
            return
        try:
            grant = services.grant_role(
                actor=None,
                user=user,
                role=role,
                organization=organization,
                include_subtree=options["subtree"],
                source="cli",
            )
        except services.AccountError as error:
            raise CommandError(str(error)) from None
        subtree = "（含下级组织）" if grant.include_subtree else ""
        self.stdout.write(
            f"已授权：{user.username} 在 {organization.name}{subtree} 担任{grant.get_role_display()}。"
        )
