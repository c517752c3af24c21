from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "shuping.oversight"
    label = "oversight"
    verbose_name = "监督指导"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        register(
            NavItem(
                label=_("监督指导"),
                url_name="oversight:index",
                visible=lambda user: (
                    getattr(user, "is_authenticated", False) and not getattr(user, "admin_role", "")
                ),
                order=600,
            )
        )
