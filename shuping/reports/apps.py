from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shuping.reports"
    label = "reports"
    verbose_name = "述职报告"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import blockers, matrix, stages, todos  # noqa: F401  (报告 blocker, matrix, stage pages, 待办)
        from .permissions import can_use_reports

        register(
            NavItem(
                label=_("述职报告"),
                url_name="reports:list",
                visible=can_use_reports,
                order=210,
            )
        )
