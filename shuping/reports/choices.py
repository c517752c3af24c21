"""Report statuses and their allowed transitions (REP-1), publication and opinion statuses (REP-3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回修改")
    ACCEPTED = "accepted", _("已审核通过")


#: REP-1: draft → submitted → (returned with remarks → submitted again) → accepted.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset({ReportStatus.RETURNED, ReportStatus.ACCEPTED}),
    ReportStatus.RETURNED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.ACCEPTED: frozenset(),
}

#: Statuses in which the assessee or liaison may still edit.
EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class ReportSource(models.TextChoices):
    FORM = "form", _("在线填写")
    DOCX = "docx", _("上传签字版 Word")


class OpinionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    KEPT = "kept", _("已采纳")
    DISMISSED = "dismissed", _("不予采纳")
