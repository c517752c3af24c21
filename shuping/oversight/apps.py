from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "shuping.oversight"
    label = "oversight"
    verbose_name = "监督指导"

    def ready(self) -> None:
        from django.apps import apps
        from django.utils.translation import gettext_lazy as _

        from . import providers, selectors

        # Oversight reads the apps that record results; they never import it (OVS-2).
        if apps.is_installed("shuping.evaluations"):
            selectors.register_grade_provider(providers.approved_grades)
        if apps.is_installed("shuping.rectification"):
            selectors.register_rectification_provider(providers.rectification_progress)

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
