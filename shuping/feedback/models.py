"""反馈、通报与归档 after the committee's 研究 (SPEC §7 EVA-5 … EVA-7; Art. 6 last paragraph, Art. 7).

- `FeedbackConfig`: a campaign's settings for this stage — days to acknowledge, the materials the
  province's rules put into the personnel file.
- `Feedback`: what one assessee is told — the decided grade, the opinion and the de-identified 意见归纳
  written by staff (never raw ballot text, BAL-6) — its release and the acknowledgement (签收), online or
  recorded from paper by staff on the assessee's behalf (代录).
- `Circular` / `CircularCopy`: the 通报 to a configured audience, one numbered copy (份号) per recipient
  organization, read in the recipient's inbox.
- `FileAuthority`: who holds a person's personnel file (干部管理权限) — an organization whose
  organization department keeps it, per person and optionally per post; absent, the organizer.
- `ArchiveTransfer` / `TransferItem` / `TransferMaterial`: sealed materials handed to the file holder
  with a transfer list (移交清单) the holder acknowledges; each file stored with its SM3 hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shuping.core.status import StatusMachine

from .choices import (
    DEFAULT_MATERIALS,
    TRANSFER_TRANSITIONS,
    AcknowledgementMethod,
    CircularStyle,
    TransferStatus,
)

USER_MODEL = settings.AUTH_USER_MODEL


def default_materials() -> list[str]:
    return list(DEFAULT_MATERIALS)


class FeedbackConfig(models.Model):
    """The campaign's feedback and archive settings (copied from last year's when first read)."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="feedback_config"
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(_("签收期限（天）"), default=7)
    archive_materials = models.JSONField(_("归档材料"), default=default_materials)
    #: 干部管理权限 per level of the assessed organization: {AdminLevel value or "": rules.ORGANIZER | UPPER}
    #: — who keeps the files when no person's own record says otherwise (EVA-7).
    holder_rules = models.JSONField(_("干部管理权限（按层级）"), default=dict, blank=True)
    #: The 通报's style this campaign (EVA-6), offered on the circulars page and copied next year.
    circular_style = models.CharField(
        _("通报样式"), max_length=8, choices=CircularStyle.choices, default=CircularStyle.TABLE
    )

    class Meta:
        verbose_name = _("反馈与归档设置")
        verbose_name_plural = _("反馈与归档设置")

    def __str__(self) -> str:
        return f"{self.campaign} · 反馈与归档设置"


class Feedback(models.Model):
    """The result fed back to one assessee (EVA-5, Art. 6: 经党委（党组）研究后，向被评议考核人反馈)."""

    assessment = models.OneToOneField(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="feedback"
    )
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="feedbacks")
    #: Copied from the decided evaluation when released (a later re-decision is fed back anew).
    grade = models.CharField(_("等次"), max_length=8, blank=True)
    achievements = models.TextField(_("肯定成绩"), blank=True)
    problems = models.JSONField(_("指出问题"), default=list, blank=True)
    #: 意见归纳: written by staff, de-identified; raw ballot opinions never reach the assessee (BAL-6).
    summary = models.TextField(_("民主评议意见归纳"), blank=True)
    requirements = models.TextField(_("整改要求"), blank=True)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    drafted_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    released_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledge_by_on = models.DateField(_("签收期限"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement_method = models.CharField(
        _("签收方式"), max_length=8, choices=AcknowledgementMethod.choices, blank=True
    )
    #: 代录: who signed the paper receipt (the assessee's name), entered by staff (SEC-4).
    on_behalf_of = models.CharField(_("代录（签收人）"), max_length=100, blank=True)
    acknowledgement_note = models.CharField(_("签收说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("反馈")
        verbose_name_plural = _("反馈")
        ordering = ["campaign", "assessment__organization_path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(released_at__isnull=False),
                name="feedback_acknowledged_only_after_release",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · 反馈"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class Circular(models.Model):
    """A 通报 of results within a configured scope (EVA-6), as an official document with 密级 and 份号."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="circulars")
    title = models.CharField(_("标题"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=64)
    classification = models.CharField(_("密级"), max_length=16, blank=True)
    classification_period = models.CharField(_("保密期限"), max_length=16, blank=True)
    introduction = models.TextField(_("正文导语"), blank=True)
    closing = models.TextField(_("结语"), blank=True)
    has_seal = models.BooleanField(_("加盖印章"), default=True)
    #: 名单式 or 表格式, as issued (a reprint keeps its layout).
    style = models.CharField(
        _("通报样式"), max_length=8, choices=CircularStyle.choices, default=CircularStyle.TABLE
    )
    issued_on = models.DateField(_("成文日期"))
    published_at = models.DateTimeField(_("印发时间"), auto_now_add=True)
    published_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def classification_text(self) -> str:
        if not self.classification:
            return ""
        if self.classification_period:
            return f"{self.classification}★{self.classification_period}"
        return self.classification


class CircularCopy(models.Model):
    """One numbered copy (份号) of a circular, sent to one audience organization's inbox."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="copies")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    copy_number = models.PositiveIntegerField(_("份号"))
    read_at = models.DateTimeField(_("阅知时间"), null=True, blank=True)
    read_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("通报份")
        verbose_name_plural = _("通报份")
        ordering = ["circular", "copy_number"]
        constraints = [
            models.UniqueConstraint(fields=["circular", "copy_number"], name="feedback_copy_number_unique"),
            models.UniqueConstraint(fields=["circular", "organization"], name="feedback_copy_org_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.circular} · 第{self.copy_number:06d}份"


class FileAuthority(models.Model):
    """干部管理权限: which organization's organization department keeps this person's personnel file.

    `post_organization` narrows it to one post (the person's secretaryship there); empty, it holds for
    every post. Without a row, the campaign's organizer keeps the file. E.g. a provincially managed
    secretary assessed in a work committee's campaign: holder = the province's committee.
    """

    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="file_authorities")
    post_organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("任职党组织"),
    )
    holder = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("干部管理单位")
    )
    note = models.CharField(_("依据"), max_length=300, blank=True)
    set_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    set_at = models.DateTimeField(_("设置时间"), auto_now=True)

    class Meta:
        verbose_name = _("干部管理权限")
        verbose_name_plural = _("干部管理权限")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "post_organization"], name="feedback_authority_per_post"
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(post_organization__isnull=True),
                name="feedback_authority_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.holder}"


class ArchiveTransfer(StatusMachine):
    """Sealed evaluation materials handed to one file holder with a 移交清单 (EVA-7)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="transfers")
    holder = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("清单编号"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.SENT
    )
    sent_at = models.DateTimeField(_("移交时间"), auto_now_add=True)
    sent_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of = models.CharField(_("代录（签收人）"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("归档移交")
        verbose_name_plural = _("归档移交")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="feedback_transfer_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} → {self.holder}"

    #: `transition_to()` (core.status.StatusMachine): the one place a transfer's status changes.
    TRANSITIONS = TRANSFER_TRANSITIONS
    STATUS_NOUN = "档案移交"


class TransferItem(models.Model):
    """One person's sealed materials in a transfer."""

    transfer = models.ForeignKey(ArchiveTransfer, on_delete=models.CASCADE, related_name="items")
    assessment = models.OneToOneField(
        "campaigns.Assessment", on_delete=models.PROTECT, related_name="archive_item"
    )
    person_name = models.CharField(_("姓名"), max_length=64)
    organization_name = models.CharField(_("党组织"), max_length=200)
    grade = models.CharField(_("等次"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("移交人员")
        verbose_name_plural = _("移交人员")
        ordering = ["transfer", "pk"]

    def __str__(self) -> str:
        return f"{self.organization_name} {self.person_name}"


def material_path(material: TransferMaterial, filename: str) -> str:
    """Sealed files live under feedback/transfers/<transfer>/ in the one storage (SEC-8)."""
    return f"feedback/transfers/{material.item.transfer_id}/{filename}"


class TransferMaterial(models.Model):
    """One sealed file: stored once, with its SM3 hash taken when sealed (the manifest repeats it)."""

    item = models.ForeignKey(TransferItem, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("材料"), max_length=32)
    title = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=material_path, max_length=300)
    sm3 = models.CharField(_("SM3"), max_length=64)
    size = models.PositiveIntegerField(_("字节数"))
    pages = models.PositiveSmallIntegerField(_("页数"), default=1)

    class Meta:
        verbose_name = _("移交材料")
        verbose_name_plural = _("移交材料")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return self.title
