"""Statuses, source kinds and grades of rectification (RCT-1 … RCT-7) and their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListStatus(models.TextChoices):
    """RCT-1: the assessee or liaison drafts; the list is filed (报备) with the organizer, who confirms or
    returns it with remarks."""

    DRAFT = "draft", _("起草中")
    SUBMITTED = "submitted", _("已报备待确认")
    RETURNED = "returned", _("已退回修改")
    CONFIRMED = "confirmed", _("已确认")


LIST_TRANSITIONS: dict[str, frozenset[str]] = {
    ListStatus.DRAFT: frozenset({ListStatus.SUBMITTED}),
    ListStatus.SUBMITTED: frozenset({ListStatus.CONFIRMED, ListStatus.RETURNED}),
    ListStatus.RETURNED: frozenset({ListStatus.SUBMITTED}),
    ListStatus.CONFIRMED: frozenset(),
}


class ItemStatus(models.TextChoices):
    """RCT-2: the assessee can only mark an item done (DONE_REPORTED); the upper level closes it (销号) or
    sends it back (IN_PROGRESS again, with a reason). Overdue is NOT a status: it is computed."""

    OPEN = "open", _("未开始")
    IN_PROGRESS = "in_progress", _("整改中")
    DONE_REPORTED = "done_reported", _("已报完成待销号")
    CLOSED = "closed", _("已销号")


ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.OPEN: frozenset({ItemStatus.IN_PROGRESS, ItemStatus.DONE_REPORTED}),
    ItemStatus.IN_PROGRESS: frozenset({ItemStatus.DONE_REPORTED}),
    ItemStatus.DONE_REPORTED: frozenset({ItemStatus.CLOSED, ItemStatus.IN_PROGRESS}),
    ItemStatus.CLOSED: frozenset(),
}

UNFINISHED_STATUSES = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS, ItemStatus.DONE_REPORTED)


class SourceKind(models.TextChoices):
    """RCT-1: where a problem was pointed out; one item may have several."""

    COMMENTARY = "commentary", _("述职点评")
    FIELD = "field", _("实地考核")
    OPINION = "opinion", _("综合评价意见")
    INSPECTION = "inspection", _("巡视巡察")
    AUDIT = "audit", _("审计")
    SUPERVISION = "supervision", _("督查")
    CARRY_OVER = "carry_over", _("上年度未完成整改")
    OTHER = "other", _("其他")


class ClosureMethod(models.TextChoices):
    SINGLE = "single", _("逐项销号")
    BATCH = "batch", _("批量销号")
    SAMPLE = "sample", _("抽查销号")


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("到期提醒")
    OVERDUE = "overdue", _("逾期提醒")
    CLOSURE = "closure", _("销号通报")
    RETURNED = "returned", _("退回")
    ANNUAL_GRADE = "annual_grade", _("年度考核等次")


class AnnualGrade(models.TextChoices):
    """年度考核等次 of civil servants and cadres."""

    EXCELLENT = "优秀", _("优秀")
    COMPETENT = "称职", _("称职")
    BASICALLY_COMPETENT = "基本称职", _("基本称职")
    INCOMPETENT = "不称职", _("不称职")


class AnnualGradeStatus(models.TextChoices):
    RECORDED = "recorded", _("已确定")
    PENDING = "pending", _("待定")
    REFUSED = "refused", _("不得评为优秀")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("已移交")
    CONCLUDED = "concluded", _("已办结")
