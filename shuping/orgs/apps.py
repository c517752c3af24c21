from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "shuping.orgs"
    label = "orgs"
    verbose_name = "党组织与干部"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from .selectors import grant_scope

        # Users with any organization grant see the tree; the three administrators do not (三员分立).
        register(
            NavItem(
                label=_("党组织"),
                url_name="orgs:tree",
                visible=lambda user: not grant_scope(user).is_empty,
                order=700,
            )
        )
