"""Upward reports (OVS-1, Art. 8: 开展述职评议考核情况，应及时向上一级党组织报告).

Dashboards (OVS-2) have no tables of their own: they are aggregates over campaigns and assessments
(shuping.oversight.selectors).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ReportStatus

USER_MODEL = settings.AUTH_USER_MODEL


class UpwardReport(models.Model):
    """One campaign's report to the parent organization: drafted from the campaign's data after 研究 /
    通报, edited by the organizer's staff, submitted, then read in the parent's inbox (OVS-1)."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="upward_report", verbose_name=_("考核")
    )
    from_organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="upward_reports_sent",
        verbose_name=_("报告单位"),
    )
    #: None when the parent is outside the system (a province's committee reports to 中共中央组织部, Art. 8).
    to_organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="upward_reports_received",
        verbose_name=_("上一级党组织"),
        null=True,
        blank=True,
    )
    #: The addressee outside the system, as the document names it (e.g. 中共中央组织部).
    to_name = models.CharField(_("报送单位（系统外）"), max_length=100, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    scope_text = models.TextField(_("考核范围"), blank=True)
    meetings_text = models.TextField(_("述职评议会"), blank=True)
    grades_text = models.TextField(_("等次分布"), blank=True)
    problems_text = models.TextField(_("主要问题"), blank=True)
    rectification_text = models.TextField(_("整改安排"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    submitted_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("向上级报告")
        verbose_name_plural = _("向上级报告")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["to_organization", "status"], name="oversight_report_inbox_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_organization__isnull=False) | ~models.Q(to_name=""),
                name="oversight_report_has_addressee",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    @property
    def is_external(self) -> bool:
        """The addressee is outside the system: sent as the exported document, read by nobody here."""
        return self.to_organization_id is None

    @property
    def addressee_name(self) -> str:
        return self.to_name if self.to_organization is None else self.to_organization.display_name
