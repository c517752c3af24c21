"""述职报告 (REP-1), their publication for members' supervision and the opinion box (REP-3).

A report belongs to one assessment. Its problems are structured items (a list of {"text": …}) so that
quality checks (REP-2) and the problem matrix (REP-4) can read them one by one; answers to carried-over
items (CMP-5) are kept per item with the item's text as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuping.core.status import StatusMachine

from .choices import ALLOWED_TRANSITIONS, OpinionStatus, ReportSource, ReportStatus

USER_MODEL = settings.AUTH_USER_MODEL


class Report(StatusMachine):
    """The secretary's 述职报告 for one assessment (REP-1, Art. 5: 总结工作成效、查摆突出问题、分析产生根源、
    提出破解工作瓶颈的措施). Drafted by the assessee or their liaison; late submissions are kept and marked."""

    assessment = models.OneToOneField(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="report", verbose_name=_("考核对象")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    source = models.CharField(
        _("来源"), max_length=8, choices=ReportSource.choices, default=ReportSource.FORM
    )
    achievements = models.TextField(_("工作成效"), blank=True)
    problems = models.JSONField(_("突出问题"), default=list, blank=True)
    causes = models.TextField(_("原因分析"), blank=True)
    measures = models.TextField(_("破解措施"), blank=True)
    carry_over_answers = models.JSONField(_("对上年度及巡视巡察问题的回应"), default=list, blank=True)
    original_file = models.FileField(_("签字版原件"), upload_to="reports/originals/%Y/", blank=True)
    original_name = models.CharField(_("原件文件名"), max_length=200, blank=True)
    due_on = models.DateField(_("报送截止日期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期提交"), default=False)
    remarks = models.TextField(_("退回意见"), blank=True)
    submission_count = models.PositiveSmallIntegerField(_("提交次数"), default=0)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("述职报告")
        verbose_name_plural = _("述职报告")
        ordering = ["assessment_id"]
        indexes = [models.Index(fields=["status"], name="reports_status_idx")]

    def __str__(self) -> str:
        return f"{self.assessment} 述职报告"

    #: `transition_to()` (core.status.StatusMachine): the one place a report's status changes.
    TRANSITIONS = ALLOWED_TRANSITIONS
    STATUS_NOUN = "述职报告"

    @property
    def problem_texts(self) -> list[str]:
        return [str(p.get("text", "")) for p in self.problems or [] if str(p.get("text", "")).strip()]

    @property
    def full_text(self) -> str:
        """The whole report as one text (near-copy detection, publication)."""
        parts = [self.achievements, *self.problem_texts, self.causes, self.measures]
        parts += [str(a.get("answer", "")) for a in self.carry_over_answers or []]
        return "\n".join(p for p in parts if p)


class Publication(models.Model):
    """Reports published to an organization's members for a period (REP-3, Art. 5: 述职评议后，应将述职报告
    在一定范围内公布，接受基层党组织和党员群众监督). Reached without an account through `/p/<token>/`."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="publications")
    audience = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("公布范围（党组织）")
    )
    title = models.CharField(_("标题"), max_length=200)
    token = models.CharField(_("访问码"), max_length=64, unique=True)
    reports = models.ManyToManyField(Report, related_name="publications", verbose_name=_("公布的述职报告"))
    opens_at = models.DateTimeField(_("公布开始"))
    closes_at = models.DateTimeField(_("公布结束"))
    is_withdrawn = models.BooleanField(_("已撤回"), default=False)
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("述职报告公布")
        verbose_name_plural = _("述职报告公布")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="reports_pub_period"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return not self.is_withdrawn and self.opens_at <= at < self.closes_at


class Opinion(models.Model):
    """An anonymous message from the opinion box (REP-3). Nothing identifying is stored: no IP address, no
    user agent, no account — only the text, the time and the report it concerns."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="opinions")
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="opinions"
    )
    text = models.TextField(_("意见内容"))
    status = models.CharField(
        _("处理状态"), max_length=16, choices=OpinionStatus.choices, default=OpinionStatus.PENDING
    )
    moderation_note = models.CharField(_("处理说明"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众意见")
        verbose_name_plural = _("群众意见")
        ordering = ["-received_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
