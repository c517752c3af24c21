from django.apps import AppConfig


class BallotsConfig(AppConfig):
    """民主测评: anonymous ballot boxes, credentials, phone voting, sealing and tally (SPEC §5)."""

    name = "shuping.ballots"
    label = "ballots"
    verbose_name = "民主测评"

    def ready(self) -> None:
        from shuping.core.navigation import NavItem, register

        from .permissions import can_use_ballots

        register(NavItem("民主测评", "ballots:list", can_use_ballots, order=225))
