"""The 发文 register (DOC-1): 发文字号 = 机关代字 + 〔year of issue〕 + a sequence per organ and year.

The issuing organ is identified by the organizer's Organization (the Party committee whose 组织部 issues
the campaign's documents: "中共示范省委员会" issues as 示范省委组织部, 代字 示范省委组). Its 机关代字 is an
`IssuingOrgan` row; without one, `rules.default_organ_code` derives it from the short name. A
`NumberCounter` row per organ and year is locked (select_for_update) while a number is taken, so numbers
have no gap and no duplicate; a `RegisteredDocument` is keyed by what it registers (`subject`,
e.g. "meetings.notice:12"), so generating the document again reuses its number and date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuingOrgan(models.Model):
    """The 机关代字 an organization's organization department issues under (configured per organization)."""

    organization = models.OneToOneField(
        "orgs.Organization",
        on_delete=models.CASCADE,
        related_name="issuing_organ",
        verbose_name=_("发文机关"),
    )
    code = models.CharField(_("机关代字"), max_length=32)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("机关代字")
        verbose_name_plural = _("机关代字")

    def __str__(self) -> str:
        return self.code


class NumberCounter(models.Model):
    """The last sequence number taken by one organ in one year of issue (locked while a number is taken)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("发文序号")
        verbose_name_plural = _("发文序号")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="documents_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.year}: {self.last}"


class RegisteredDocument(models.Model):
    """One numbered document in the 发文 register."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="registered_documents"
    )
    year = models.PositiveSmallIntegerField(_("发文年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=64)
    subject = models.CharField(_("登记对象"), max_length=120, unique=True)
    kind = models.CharField(_("文种"), max_length=16)
    title = models.CharField(_("标题"), max_length=300)
    issued_on = models.DateField(_("成文日期"))
    classification = models.CharField(_("密级"), max_length=32, blank=True)
    copies = models.PositiveIntegerField(_("份数"), default=1)
    url = models.CharField(_("文件链接"), max_length=300, blank=True)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("发文登记")
        verbose_name_plural = _("发文登记")
        ordering = ["organization", "-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "sequence"], name="documents_register_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
