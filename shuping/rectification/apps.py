from django.apps import AppConfig


class RectificationConfig(AppConfig):
    """整改 (SPEC §8, RCT-1 … RCT-7): lists, items from many sources closed once, consequences, carry-over."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "shuping.rectification"
    label = "rectification"
    verbose_name = "整改落实"

    def ready(self) -> None:
        # Problem-source providers, the carry-over hook, the decision consequence (EVA-4), periodic jobs, menu.
        from . import hooks, providers, stages, todos  # noqa: F401

        hooks.connect()
