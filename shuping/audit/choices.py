"""Where an audited action came from and how it ended (SEC-4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """The channel an action came through; web, API, CLI and jobs call the same services."""

    WEB = "web", _("网页")
    API = "api", _("接口")
    CLI = "cli", _("命令行")
    JOB = "job", _("后台任务")
    SYSTEM = "system", _("系统")


class Outcome(models.TextChoices):
    """How the action ended: done, refused by a permission check, or failed."""

    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒绝")
    FAILED = "failed", _("失败")
