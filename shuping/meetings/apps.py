from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "shuping.meetings"
    label = "meetings"
    verbose_name = "述职评议会"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import blockers, providers  # noqa: F401  (stage blocker, problem-matrix source)

        register(
            NavItem(
                label=_("述职评议会"),
                url_name="meetings:list",
                visible=lambda user: (
                    getattr(user, "is_authenticated", False) and not getattr(user, "admin_role", "")
                ),
                order=220,
            )
        )
