from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "shuping.campaigns"
    label = "campaigns"
    verbose_name = "述职评议考核"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register

        from . import blockers  # noqa: F401  (registers the campaigns app's own stage blockers)

        register(
            NavItem(
                label=_("述职评议考核"),
                url_name="campaigns:list",
                visible=lambda user: (
                    getattr(user, "is_authenticated", False) and not getattr(user, "admin_role", "")
                ),
                order=200,
            )
        )
