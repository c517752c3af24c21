from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "shuping.campaigns"
    label = "campaigns"
    verbose_name = "述职评议考核"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shuping.core.navigation import NavItem, register
        from shuping.documents.selectors import register_reader_source

        from . import blockers, todos  # noqa: F401  (the campaigns app's own stage blockers; guidance 待办)
        from .permissions import can_use_campaigns
        from .selectors import organizers_by_campaign_role

        # Staff named on one of an organization's campaigns read its 发文 register (DOC-1).
        register_reader_source(organizers_by_campaign_role)
        register(
            NavItem(
                label=_("述职评议考核"),
                url_name="campaigns:list",
                visible=can_use_campaigns,
                order=200,
            )
        )
