from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shuping.reports"
    label = "reports"
    verbose_name = "述职报告"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import blockers, matrix, todos  # noqa: F401  (the 报告 stage blocker, matrix providers, 待办)

        register(
            NavItem(
                label=_("述职报告"),
                url_name="reports:list",
                visible=lambda user: (
                    getattr(user, "is_authenticated", False) and not getattr(user, "admin_role", "")
                ),
                order=210,
            )
        )
