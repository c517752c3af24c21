from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "shuping.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import selectors

        register(
            NavItem(
                label=_("后台任务"),
                url_name="jobs:list",
                visible=selectors.can_use_jobs,
                order=800,
            )
        )
