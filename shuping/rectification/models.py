"""整改 (SPEC §8, RCT-1 … RCT-7).

- `RectificationList`: one assessee's 整改清单, due a set number of days after feedback, filed with (报备)
  the organizer's organization department, which confirms or returns it.
- `RectificationItem`: problem, measures, responsible person, deadline, status; overdue is computed by
  selectors, never stored (RCT-2). `ItemSource`: the typed references to where the problem was pointed out
  — one item may have several, and its closure is reported to each (`closure_reported_at`).
- `Milestone`, `ProgressUpdate` (optional, SM3-stamped evidence), `ClosureBatch` (single / batch / sampled 销号
  with the sampling seed recorded).
- `Notification`: in-app notices, also handed to the configured senders (file by default).
- `Admonition` (约谈提醒) and `AccountabilityReferral` (追责问责) — a referral never closes items (Art. 7).
- `AnnualGradeRestriction` (不得评优名单), `AnnualAssessmentGrade` (年度考核等次), `UnitEvaluation` (RCT-4, RCT-7).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuping.core.status import StatusMachine

from . import rules
from .choices import (
    ITEM_TRANSITIONS,
    LIST_TRANSITIONS,
    AnnualGrade,
    AnnualGradeStatus,
    ClosureMethod,
    ItemStatus,
    ListStatus,
    NotificationKind,
    ReferralStatus,
    SourceKind,
)

USER_MODEL = settings.AUTH_USER_MODEL


class RectificationList(StatusMachine):
    """整改清单 of one assessee (RCT-1, Art. 7 ¶2: 列出整改清单，认真抓好整改落实)."""

    assessment = models.OneToOneField(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="rectification_list"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="rectification_lists"
    )
    status = models.CharField(_("状态"), max_length=16, choices=ListStatus.choices, default=ListStatus.DRAFT)
    #: The date the period counts from: feedback (EVA-5) when it exists, else the committee's approval.
    starts_on = models.DateField(_("起算日期"))
    starts_from = models.CharField(_("起算依据"), max_length=16, default="approval")
    due_on = models.DateField(_("清单报送期限"))
    #: 限期整改 (RCT-5): set when the grade is 一般 or 差; items may not run past it.
    rectify_by = models.DateField(_("限期整改期限"), null=True, blank=True)
    filed_with = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("报备单位")
    )
    submitted_at = models.DateTimeField(_("报备时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_remarks = models.TextField(_("退回意见"), blank=True)
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改清单")
        verbose_name_plural = _("整改清单")
        ordering = ["campaign", "assessment__organization_path"]

    def __str__(self) -> str:
        return f"{self.assessment} · 整改清单"

    #: `transition_to()` (core.status.StatusMachine): the one place a list's status changes.
    TRANSITIONS = LIST_TRANSITIONS
    STATUS_NOUN = "整改清单"


class RectificationItem(StatusMachine):
    """整改事项: problem, measures, responsible person, deadline, status (RCT-1, RCT-2).

    `organization` and `post_organization_path` let next year's campaign pick an unfinished item up at the
    same organization, whoever then holds the post (RCT-6)."""

    rectification_list = models.ForeignKey(RectificationList, on_delete=models.CASCADE, related_name="items")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    problem = models.TextField(_("问题"))
    measures = models.TextField(_("整改措施"), blank=True)
    responsible = models.CharField(_("责任人"), max_length=100, blank=True)
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    done_reported_at = models.DateTimeField(_("报完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closure = models.ForeignKey(
        "ClosureBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    #: Last year's item this one carries over (RCT-6), if any.
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_into"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["rectification_list", "position", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="rct_item_status_deadline")]

    def __str__(self) -> str:
        return self.problem[:40]

    #: `transition_to()` (core.status.StatusMachine): the one place an item's status changes.
    TRANSITIONS = ITEM_TRANSITIONS
    STATUS_NOUN = "整改事项"

    @property
    def is_closed(self) -> bool:
        return self.status == ItemStatus.CLOSED

    @property
    def is_done_late(self) -> bool:
        """逾期完成 (FLOW-4): reported done (or closed) on a day after the deadline."""
        if self.done_reported_at is None or self.status not in (ItemStatus.DONE_REPORTED, ItemStatus.CLOSED):
            return False
        return rules.finished_late(self.deadline, timezone.localdate(self.done_reported_at))


class ItemSource(models.Model):
    """A typed reference to where an item's problem was pointed out (RCT-1): one item, several sources.

    `reference` is the source's own id ("campaigns.InspectionFinding:12", "evaluations.Evaluation:3#1",
    "meetings.CommentaryProblem:7"); `closure_reported_at` records that the closure was reported to it."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("来源"), max_length=16, choices=SourceKind.choices)
    reference = models.CharField(_("来源编号"), max_length=120, blank=True)
    text = models.TextField(_("原文"), blank=True)
    closure_reported_at = models.DateTimeField(_("销号已通报"), null=True, blank=True)

    class Meta:
        verbose_name = _("问题来源")
        verbose_name_plural = _("问题来源")
        ordering = ["item", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind", "reference"],
                name="rct_source_unique",
                condition=~models.Q(reference=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}".strip()


class Milestone(models.Model):
    """An optional intermediate step of an item (RCT-1)."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="milestones")
    text = models.CharField(_("阶段目标"), max_length=300)
    due_on = models.DateField(_("时限"))
    is_done = models.BooleanField(_("已完成"), default=False)

    class Meta:
        verbose_name = _("阶段目标")
        verbose_name_plural = _("阶段目标")
        ordering = ["item", "due_on", "pk"]

    def __str__(self) -> str:
        return self.text


def _evidence_path(instance: ProgressUpdate, filename: str) -> str:
    return f"rectification/{instance.item_id}/{timezone.now():%Y%m%d%H%M%S}-{filename[-80:]}"


class ProgressUpdate(models.Model):
    """进展 (RCT-2) with OPTIONAL evidence — never compulsory (Art. 6: 为基层减负); a file carries its SM3."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("进展情况"))
    evidence = models.FileField(_("佐证材料"), upload_to=_evidence_path, blank=True)
    evidence_name = models.CharField(_("文件名"), max_length=200, blank=True)
    evidence_sm3 = models.CharField(_("SM3 摘要"), max_length=64, blank=True)
    marks_done = models.BooleanField(_("报告完成"), default=False)
    author = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: 代录 (FLOW-4): organizer staff typed it for an assessee without a liaison; who reported it.
    on_behalf_of = models.CharField(_("代录（报告人）"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class ClosureBatch(models.Model):
    """One act of 销号 by the upper level (RCT-2): single, batch, or a random sample with its seed."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(_("方式"), max_length=8, choices=ClosureMethod.choices)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    population = models.JSONField(_("抽查范围"), default=list, blank=True)
    sampled = models.JSONField(_("抽中事项"), default=list, blank=True)
    note = models.TextField(_("说明"), blank=True)
    closed_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("销号时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("销号记录")
        verbose_name_plural = _("销号记录")
        ordering = ["-closed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.closed_at:%Y-%m-%d}"


class Notification(models.Model):
    """In-app notice (RCT-2 reminders, RCT-1 closure reports). `recipient` is a user, or None with an
    `audience` outside the system (e.g. the 巡察 office a closure is reported to); senders deliver it."""

    kind = models.CharField(_("类型"), max_length=16, choices=NotificationKind.choices)
    recipient = models.ForeignKey(
        USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="rectification_notices"
    )
    audience = models.CharField(_("送达对象"), max_length=200, blank=True)
    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    source = models.ForeignKey(ItemSource, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    #: A date key so a periodic job never sends the same reminder twice.
    key = models.CharField(_("去重键"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    sent_via = models.JSONField(_("发送渠道"), default=list, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"], name="rct_notice_key_unique", condition=~models.Q(key="")
            )
        ]

    def __str__(self) -> str:
        return self.subject


class Admonition(models.Model):
    """约谈提醒 (RCT-5, Art. 7: 一般和差的，要约谈提醒、限期整改): who, whom, when, the record of the talk."""

    assessment = models.ForeignKey(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="admonitions"
    )
    grade = models.CharField(_("等次"), max_length=4)
    conducted_by = models.CharField(_("约谈人"), max_length=100, blank=True)
    person_name = models.CharField(_("被约谈人"), max_length=64)
    held_on = models.DateField(_("约谈日期"), null=True, blank=True)
    record = models.TextField(_("约谈记录"), blank=True)
    opened_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    opened_at = models.DateTimeField(_("开启时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("约谈提醒")
        verbose_name_plural = _("约谈提醒")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"约谈 {self.person_name}"

    @property
    def is_held(self) -> bool:
        return self.held_on is not None


class AccountabilityReferral(models.Model):
    """追责问责 referral (RCT-5). Recorded only: it never closes or replaces rectification items
    (Art. 7: 避免简单以问责代替整改)."""

    assessment = models.ForeignKey(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="accountability_referrals"
    )
    referred_to = models.CharField(_("移交机关"), max_length=200)
    reason = models.TextField(_("问题和依据"))
    referred_on = models.DateField(_("移交日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    outcome = models.TextField(_("处理结果"), blank=True)
    recorded_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("追责问责")
        verbose_name_plural = _("追责问责")
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"移交 {self.referred_to}"


class AnnualGradeRestriction(models.Model):
    """不得评优名单 (RCT-4, Art. 7: 综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次)."""

    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="annual_restrictions")
    person_name = models.CharField(_("姓名"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度"))
    assessment = models.ForeignKey(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="annual_restrictions"
    )
    grade = models.CharField(_("述职评议考核等次"), max_length=4)
    created_at = models.DateTimeField(_("列入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("不得评优名单")
        verbose_name_plural = _("不得评优名单")
        ordering = ["year", "person_name"]
        constraints = [
            models.UniqueConstraint(fields=["assessment"], name="rct_restriction_one_per_assessment")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person_name}"


class AnnualAssessmentGrade(models.Model):
    """年度考核等次 as recorded for a person and year (RCT-4). 优秀 waits as 待定 (pending) while the
    述职评议考核 is not yet decided, and is refused on approval if that grade is not 好."""

    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="annual_grades")
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("年度考核等次"), max_length=8, choices=AnnualGrade.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=AnnualGradeStatus.choices, default=AnnualGradeStatus.RECORDED
    )
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("确定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度考核等次")
        verbose_name_plural = _("年度考核等次")
        ordering = ["year", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="rct_annual_grade_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.grade}"


class UnitEvaluation(models.Model):
    """The unit's annual Party-building evaluation receives the secretary's grade (RCT-7, Art. 7 ¶1:
    作为评价所在单位年度党建工作情况的重要依据)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    organization_name = models.CharField(_("单位（当时）"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    assessment = models.ForeignKey(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="unit_evaluations"
    )
    secretary_grade = models.CharField(_("书记述职评议考核等次"), max_length=4)
    note = models.TextField(_("说明"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位年度党建工作评价")
        verbose_name_plural = _("单位年度党建工作评价")
        ordering = ["year", "organization_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="rct_unit_evaluation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organization_name}"
