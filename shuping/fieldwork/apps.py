from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "shuping.fieldwork"
    label = "fieldwork"
    verbose_name = "实地考核与平时了解"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import blockers, stages, todos  # noqa: F401  (the field-stage blocker, stage pages, 待办)
        from .permissions import can_use_fieldwork

        register(
            NavItem(
                label=_("实地考核"),
                url_name="fieldwork:home",
                visible=can_use_fieldwork,
                order=215,
            )
        )
