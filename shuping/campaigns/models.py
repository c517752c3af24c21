"""Campaigns, per-assessee assessments, campaign roles, indicator sets, carry-over and the cascade (CMP-1 … CMP-7).

Assessment rows copy the organization's name, path, kind and level as they were when the scope was set,
so a campaign's history survives later mergers and splits (ORG-1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuping.core.status import StatusMachine
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import MaterializedPathField

if TYPE_CHECKING:
    from shuping.accounts.models import User

from .choices import (
    ALLOWED_TRANSITIONS,
    AdjustmentKind,
    AssessmentMethod,
    CampaignRole,
    CampaignStatus,
    Dimension,
    FindingSource,
    ReportingMode,
    Stage,
)

USER_MODEL = settings.AUTH_USER_MODEL


def default_settings() -> dict:
    """A first campaign's settings before anything is copied from last year.

    Only the grade scale is fixed by the regulation (Art. 6: 好、较好、一般、差). What the regulation leaves
    open — the share that must be 较好 or below (“一定比例”), the weights of ballot, field assessment and
    observation — stays empty until the organizer sets it, and is then copied to the next year (CMP-1).
    """
    return {
        "grade_scale": ["好", "较好", "一般", "差"],
        "lower_grades_min_percent": None,
        "weights": {},
        "written_reporters_on_separate_ballot_section": True,
    }


class Campaign(models.Model):
    """One organizer's 述职评议考核 for one assessed year (CMP-1), with its schedule and settings.

    The schedule defaults to the year's end and the beginning of the next (Art. 5: 一般安排在当年年底或
    次年年初); settings are copied from the organizer's previous campaign.
    """

    organizer = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("组织单位")
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    starts_on = models.DateField(_("启动日期"))
    field_starts_on = models.DateField(_("实地考核开始"))
    field_ends_on = models.DateField(_("实地考核结束"))
    meetings_start_on = models.DateField(_("述职评议会开始"))
    meetings_end_on = models.DateField(_("述职评议会结束"))
    ends_on = models.DateField(_("结束日期"))
    settings = models.JSONField(_("考核设置"), default=default_settings)
    scope_confirmed_at = models.DateTimeField(_("名单确认时间"), null=True, blank=True)
    scope_confirmed_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("沿用自")
    )
    source_notice = models.ForeignKey(
        "CampaignNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lower_campaigns",
        verbose_name=_("依据上级通知"),
    )
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("述职评议考核")
        verbose_name_plural = _("述职评议考核")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "year"], name="campaigns_one_per_organizer_year"),
            models.CheckConstraint(
                condition=Q(field_starts_on__lte=models.F("field_ends_on"))
                & Q(meetings_start_on__lte=models.F("meetings_end_on"))
                & Q(starts_on__lte=models.F("ends_on")),
                name="campaigns_schedule_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_scope_confirmed(self) -> bool:
        return self.scope_confirmed_at is not None


class Assessment(StatusMachine):
    """One secretary in one campaign (考核对象), with its own stage (CMP-1) and why it is in scope (CMP-2)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessments")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("党组织")
    )
    # The organization as it was (history survives mergers, ORG-1).
    organization_name = models.CharField(_("党组织名称（当时）"), max_length=200)
    organization_path = MaterializedPathField(_("党组织路径（当时）"), max_length=255, db_index=True)
    organization_kind = models.CharField(_("党组织类型（当时）"), max_length=40, choices=OrgKind.choices)
    organization_level = models.CharField(_("行政层级（当时）"), max_length=16, choices=AdminLevel.choices)
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    person_name = models.CharField(_("书记姓名（当时）"), max_length=64, blank=True)
    secretaryship = models.ForeignKey(
        "orgs.Secretaryship", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    is_graded = models.BooleanField(_("考核定等"), default=True)
    reporting_mode = models.CharField(_("述职方式"), max_length=16, choices=ReportingMode.choices)
    rule_code = models.CharField(_("规则"), max_length=64, blank=True)
    rule_text = models.CharField(_("纳入依据"), max_length=300, blank=True)
    paragraph = models.CharField(_("条款"), max_length=40, blank=True)
    is_added_by_organizer = models.BooleanField(_("组织单位增补"), default=False)
    is_excluded = models.BooleanField(_("已移出名单"), default=False)
    edit_reason = models.CharField(_("调整理由"), max_length=300, blank=True)
    tenure_flags = models.JSONField(_("任职提示"), default=list, blank=True)
    tenure_note = models.CharField(_("任职说明"), max_length=300, blank=True)
    is_tenure_decided = models.BooleanField(_("任职情况已处理"), default=True)
    # ORG-3 / CMP-2: when the post changed hands mid-year, the predecessor may report as a second reporter
    # for the same organization (report-only suggested); the successor's row stays the organization's own.
    is_predecessor = models.BooleanField(_("前任书记"), default=False)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, default=Stage.REPORT)
    stage_changed_at = models.DateTimeField(_("阶段变更时间"), null=True, blank=True)
    liaisons: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER_MODEL, blank=True, related_name="liaison_assessments", verbose_name=_("联络员")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核对象")
        verbose_name_plural = _("考核对象")
        ordering = ["campaign", "organization_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"],
                condition=Q(is_predecessor=False),
                name="campaigns_assessment_unique_org",
            ),
            models.UniqueConstraint(
                fields=["campaign", "organization", "person"],
                condition=Q(is_predecessor=True),
                name="campaigns_assessment_unique_predecessor",
            ),
        ]
        indexes = [models.Index(fields=["person", "campaign"], name="campaigns_assess_person_idx")]

    def __str__(self) -> str:
        return f"{self.organization_name} {self.person_name}".strip()

    #: `transition_to()` (core.status.StatusMachine): the one place an assessment's stage changes, one
    #: step forward (CMP-1); the caller saves the fields it returns.
    TRANSITIONS = ALLOWED_TRANSITIONS
    STATUS_FIELD = "stage"
    STATUS_NOUN = "考核对象"

    def on_transition(self, old: str, new: str) -> list[str]:
        self.stage_changed_at = timezone.now()
        return ["stage_changed_at"]


class CampaignGrant(models.Model):
    """A role on one whole campaign (SEC-1): the responsible section's staff, leaders, field assessors,
    guidance staff from the level above (CMP-7), viewers. Liaisons are per assessment (`Assessment.liaisons`)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(USER_MODEL, on_delete=models.CASCADE, related_name="campaign_grants")
    role = models.CharField(_("角色"), max_length=32, choices=CampaignRole.choices)
    granted_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核授权")
        verbose_name_plural = _("考核授权")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user", "role"], name="campaigns_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.campaign}"


class IndicatorSet(models.Model):
    """What is assessed (CMP-4, Art. 4): a template (per kind and level) or one campaign's set."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="indicator_sets"
    )
    name = models.CharField(_("名称"), max_length=200)
    organization_kind = models.CharField(
        _("适用党组织类型"), max_length=40, choices=OrgKind.choices, blank=True
    )
    admin_level = models.CharField(_("适用层级"), max_length=16, choices=AdminLevel.choices, blank=True)
    is_template = models.BooleanField(_("模板"), default=False)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核指标体系")
        verbose_name_plural = _("考核指标体系")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One indicator: dimension, text, weight, scoring guidance and method; a formalism warning may be
    overridden with a stored reason (CMP-6)."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="indicators")
    dimension = models.CharField(_("考核内容"), max_length=24, choices=Dimension.choices)
    text = models.CharField(_("指标"), max_length=500)
    weight = models.DecimalField(_("权重（分值）"), max_digits=6, decimal_places=2, default=0)
    scoring_guidance = models.TextField(_("评分标准"), blank=True)
    method = models.CharField(_("考核方式"), max_length=24, choices=AssessmentMethod.choices, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    lint_warnings = models.JSONField(_("形式主义提示"), default=list, blank=True)
    lint_override_reason = models.CharField(_("保留理由"), max_length=300, blank=True)
    lint_overridden_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["indicator_set", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_open_warning(self) -> bool:
        return bool(self.lint_warnings) and not self.lint_override_reason


class Adjustment(models.Model):
    """A 加减分 item of an indicator set (CMP-4)."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("类型"), max_length=16, choices=AdjustmentKind.choices)
    text = models.CharField(_("事项"), max_length=500)
    max_points = models.DecimalField(_("最高分值"), max_digits=6, decimal_places=2, default=0)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("加减分项")
        verbose_name_plural = _("加减分项")
        ordering = ["indicator_set", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class InspectionFinding(models.Model):
    """A problem touching Party building fed back by 巡视、巡察、审计 or 督查, attached to an assessee (CMP-5)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    source = models.CharField(_("来源"), max_length=24, choices=FindingSource.choices)
    fed_back_on = models.DateField(_("反馈日期"), null=True, blank=True)
    description = models.TextField(_("问题描述"))
    rectification_status = models.CharField(_("整改情况"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("巡视巡察反馈问题")
        verbose_name_plural = _("巡视巡察反馈问题")
        ordering = ["assessment", "pk"]

    def __str__(self) -> str:
        return self.description[:40]


class CampaignNotice(models.Model):
    """The organizer's campaign notice to the levels below (CMP-7, Art. 8): schedule, key content, forms,
    statistics tables. Lower campaigns start from it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("标题"), max_length=200)
    key_content = models.TextField(_("重点内容"), blank=True)
    forms = models.JSONField(_("表格样式"), default=list, blank=True)
    statistics_tables = models.JSONField(_("统计表"), default=list, blank=True)
    schedule = models.JSONField(_("时间安排"), default=dict)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("工作通知")
        verbose_name_plural = _("工作通知")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class MeetingPlan(models.Model):
    """A lower campaign's 会议方案 sent up before the meeting (CMP-7); the meetings app links to it later."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="meeting_plans")
    planned_on = models.DateField(_("会议日期"))
    venue = models.CharField(_("地点"), max_length=200)
    agenda = models.TextField(_("议程"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("会议方案")
        verbose_name_plural = _("会议方案")
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.planned_on}"
