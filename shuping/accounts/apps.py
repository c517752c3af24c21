from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shuping.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import signals

        signals.connect()
        register(
            NavItem(
                label=_("账号安全"),
                url_name="accounts:security_accounts",
                visible=lambda user: getattr(user, "admin_role", "") == "security",
                order=950,
            )
        )
