from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "shuping.feedback"
    label = "feedback"
    verbose_name = "反馈、通报与归档"

    def ready(self) -> None:
        from . import blockers, navigation, stages, todos  # noqa: F401  (the 反馈 stage blocker and reopen guard; menu; 待办)
