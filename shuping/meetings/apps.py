from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "shuping.meetings"
    label = "meetings"
    verbose_name = "述职评议会"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import blockers, providers, stages, todos  # noqa: F401  (blocker, matrix, stage pages, 待办)
        from .permissions import can_use_meetings

        register(
            NavItem(
                label=_("述职评议会"),
                url_name="meetings:list",
                visible=can_use_meetings,
                order=220,
            )
        )
