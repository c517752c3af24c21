from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "shuping.fieldwork"
    label = "fieldwork"
    verbose_name = "实地考核与平时了解"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import blockers  # noqa: F401  (registers the field-stage blocker)

        register(
            NavItem(
                label=_("实地考核"),
                url_name="fieldwork:home",
                visible=lambda user: (
                    getattr(user, "is_authenticated", False) and not getattr(user, "admin_role", "")
                ),
                order=215,
            )
        )
