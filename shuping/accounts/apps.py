from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shuping.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import admin, signals, todos  # noqa: F401  (todos: the system and security administrators' 待办)

        signals.connect()
        # After the admin's autodiscovery (django.contrib.admin is first in INSTALLED_APPS): every
        # registered ModelAdmin audits its writes (INT-3).
        admin.audit_every_admin()
        from .admin import is_system_admin

        register(NavItem(label=_("系统管理"), url_name="admin:index", visible=is_system_admin, order=940))
        register(
            NavItem(
                label=_("账号安全"),
                url_name="accounts:security_accounts",
                visible=lambda user: getattr(user, "admin_role", "") == "security",
                order=950,
            )
        )
