from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "shuping.evaluations"
    label = "evaluations"
    verbose_name = "综合评价与研究"

    def ready(self) -> None:
        from . import blockers, components, stages, todos  # noqa: F401  (stage blockers; the composite's providers)
