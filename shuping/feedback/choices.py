"""Statuses and kinds of 反馈、通报与归档 (EVA-5 … EVA-7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AcknowledgementMethod(models.TextChoices):
    """How the assessee signed (签收): in Shuping, or on paper recorded by staff (代录)."""

    ONLINE = "online", _("系统内签收")
    PAPER = "paper", _("纸质签收（代录）")


class TransferStatus(models.TextChoices):
    SENT = "sent", _("已移交，待签收")
    ACKNOWLEDGED = "acknowledged", _("已签收")


#: A transfer is acknowledged once, never sent back (EVA-7).
TRANSFER_TRANSITIONS: dict[str, frozenset[str]] = {
    TransferStatus.SENT: frozenset({TransferStatus.ACKNOWLEDGED}),
    TransferStatus.ACKNOWLEDGED: frozenset(),
}


class MaterialKind(models.TextChoices):
    """What goes into the personnel file (按照干部管理权限归档); the province's rules pick the list."""

    EVALUATION_FORM = "evaluation_form", _("综合评价意见表")
    FEEDBACK_LETTER = "feedback_letter", _("反馈意见")
    DECISION_EXTRACT = "decision_extract", _("研究审定情况摘录")


DEFAULT_MATERIALS = [MaterialKind.EVALUATION_FORM.value, MaterialKind.FEEDBACK_LETTER.value]

#: Secrecy levels (密级) a circular may carry; empty = not classified.
CLASSIFICATIONS = ("", "内部", "秘密", "机密")


class CircularStyle(models.TextChoices):
    """How a 通报 presents the results (EVA-6), chosen per campaign: many provinces name the 好 list and the
    一般/差 list in the text (名单式) rather than tabling every secretary (表格式)."""

    TABLE = "table", _("表格式（逐一列表）")
    LIST = "list", _("名单式（正文点名“好”和“一般”“差”）")
