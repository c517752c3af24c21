from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "shuping.oversight"
    label = "oversight"
    verbose_name = "监督指导"

    def ready(self) -> None:
        from django.apps import apps
        from django.utils.translation import gettext_lazy as _

        from . import providers, selectors, stages  # noqa: F401  (stages: the upward report page)

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
                visible=selectors.can_use_oversight,
                order=600,
            )
        )
