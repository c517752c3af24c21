"""综合评价与研究 (SPEC §7, EVA-1 … EVA-4, EVA-9).

- `EvaluationConfig`: a campaign's composite and quota rules beyond what campaigns' settings already hold
  (weights and the 较好-or-below share live in `Campaign.settings`); copied from last year.
- `Evaluation`: one assessee's composite snapshot (score, suggested grade, explanation), the grade the
  organizer proposes (an override of the suggestion needs a written reason; both kept), the opinion
  (achievements affirmed, structured problems), and where it stands in the decision chain.
- `GradeVersion`: every grade ever proposed or decided, in order (history kept, EVA-4).
- `DecisionStep`: a step of the chain — section draft, 部务会, 常委会 / 党组会, or a later re-decision — with
  its date and 会议纪要 reference, entered by staff (代录), covering a set of evaluations.
- `Recusal`: who stayed out of a step (回避) and why.
- `BallotLink`: which ballot subject(s) rate this assessee, until ballots link subjects to assessments.
- `AdjustmentEntry`: a 加减分 item of the assessee's indicator set applied to this evaluation (EVA-1, CMP-4),
  with its points, 事由 and 依据, recorded by organizer staff (代录 on behalf of whoever supplied it).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuping.campaigns.choices import AdjustmentKind
from shuping.core.status import StatusMachine

from .choices import (
    ALLOWED_TRANSITIONS,
    EvaluationStatus,
    Grade,
    RecusalReason,
    StepKind,
    VersionKind,
)

USER_MODEL = settings.AUTH_USER_MODEL


def default_bands() -> list[list]:
    return [["好", 90], ["较好", 80], ["一般", 60]]


def default_vetoes() -> list[dict]:
    return [{"flag": "serious_incident", "cap": "一般", "label": "发生严重问题（一票否决）"}]


def default_thresholds() -> list[dict]:
    return [{"min_percent": 50, "rules_out": "好", "measure": "top_rate"}]


class EvaluationConfig(models.Model):
    """The campaign's declared composite and quota rules (EVA-1, EVA-2), copied from last year's."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="evaluation_config"
    )
    bands = models.JSONField(_("分数段"), default=default_bands)
    vetoes = models.JSONField(_("否决规则"), default=default_vetoes, blank=True)
    ballot_thresholds = models.JSONField(_("测评门槛"), default=default_thresholds, blank=True)
    adjustment_cap = models.DecimalField(
        _("加减分上限"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    top_max_percent = models.DecimalField(
        _("“好”等次上限（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    rounding = models.CharField(_("取整规则"), max_length=8, default="ceil")
    pool_below = models.PositiveSmallIntegerField(_("合并计算的人数下限"), default=5)
    #: {organization kind: group name}; kinds not listed fall into the default groups (selectors.group_of).
    groups = models.JSONField(_("分组"), default=dict, blank=True)
    disagreement_percent = models.PositiveSmallIntegerField(_("排名差异提示阈值（%）"), default=50)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("综合评价规则")
        verbose_name_plural = _("综合评价规则")

    def __str__(self) -> str:
        return f"{self.campaign} · 综合评价规则"


class Evaluation(StatusMachine):
    """One assessee's 综合评价: composite snapshot, proposed and final grade, opinion, decision status."""

    assessment = models.OneToOneField(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="evaluation"
    )
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="evaluations")
    status = models.CharField(
        _("状态"), max_length=24, choices=EvaluationStatus.choices, default=EvaluationStatus.OPEN
    )
    # The composite (EVA-1) as last computed — an aid, never the decision.
    composite_score = models.DecimalField(
        _("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    suggested_grade = models.CharField(_("建议等次"), max_length=4, choices=Grade.choices, blank=True)
    components = models.JSONField(_("计分要素"), default=dict, blank=True)
    explanation = models.JSONField(_("计算说明"), default=list, blank=True)
    fired_rules = models.JSONField(_("触发的规则"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    #: Facts the organizer records for the declared vetoes, e.g. {"serious_incident": "说明"} (EVA-1).
    flags = models.JSONField(_("否决情形"), default=dict, blank=True)
    # The organizer's proposal (EVA-2): an override of the suggestion needs a written reason.
    proposed_grade = models.CharField(_("拟定等次"), max_length=4, choices=Grade.choices, blank=True)
    suggested_at_proposal = models.CharField(_("提出时的建议等次"), max_length=4, blank=True)
    override_reason = models.TextField(_("调整理由"), blank=True)
    proposed_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("提出时间"), null=True, blank=True)
    # Set by the committee's 研究 (EVA-4); changed later only by a recorded re-decision.
    final_grade = models.CharField(_("确定等次"), max_length=4, choices=Grade.choices, blank=True)
    is_locked = models.BooleanField(_("已锁定"), default=False)
    decided_at = models.DateTimeField(_("研究时间"), null=True, blank=True)
    # The opinion (EVA-3): achievements affirmed, problems pointed out ([{text, source}]).
    achievements = models.TextField(_("肯定成绩"), blank=True)
    problems = models.JSONField(_("指出问题"), default=list, blank=True)
    opinion_updated_at = models.DateTimeField(_("意见修改时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("综合评价")
        verbose_name_plural = _("综合评价")
        ordering = ["campaign", "assessment__organization_path"]

    def __str__(self) -> str:
        return f"{self.assessment} · 综合评价"

    @property
    def grade(self) -> str:
        """The grade in force: the decided one once approved, else the proposal."""
        return self.final_grade or self.proposed_grade

    @property
    def is_override(self) -> bool:
        return bool(self.proposed_grade and self.suggested_at_proposal) and (
            self.proposed_grade != self.suggested_at_proposal
        )

    #: `transition_to()` (core.status.StatusMachine): the one place an evaluation's status changes.
    TRANSITIONS = ALLOWED_TRANSITIONS
    STATUS_NOUN = "综合评价"


class DecisionStep(models.Model):
    """One step of the decision chain (EVA-4, Art. 6 经党委（党组）研究), entered by staff (代录)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="decision_steps"
    )
    kind = models.CharField(_("环节"), max_length=24, choices=StepKind.choices)
    body = models.CharField(_("会议"), max_length=100, blank=True)
    held_on = models.DateField(_("日期"))
    minutes_reference = models.CharField(_("会议纪要"), max_length=200)
    note = models.TextField(_("说明"), blank=True)
    #: {group name: written reason} for quota rules left broken at approval (EVA-2, EVA-4).
    quota_reasons = models.JSONField(_("比例说明"), default=dict, blank=True)
    #: The quota as it stood when the step was recorded (for the record).
    quota_snapshot = models.JSONField(_("比例情况"), default=list, blank=True)
    evaluations = models.ManyToManyField(Evaluation, related_name="decision_steps")
    entered_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.CharField(_("代录（会议）"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("研究环节")
        verbose_name_plural = _("研究环节")
        ordering = ["campaign", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_on}"


class GradeVersion(models.Model):
    """Every grade proposed or decided, in order: history is kept (EVA-4)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    kind = models.CharField(_("类型"), max_length=16, choices=VersionKind.choices)
    grade = models.CharField(_("等次"), max_length=4, choices=Grade.choices)
    suggested_grade = models.CharField(_("建议等次"), max_length=4, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    step = models.ForeignKey(DecisionStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("等次记录")
        verbose_name_plural = _("等次记录")
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="evaluations_version_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.grade}"


class Recusal(models.Model):
    """回避 recorded on a decision step: who stayed out and why."""

    step = models.ForeignKey(DecisionStep, on_delete=models.CASCADE, related_name="recusals")
    name = models.CharField(_("姓名"), max_length=64)
    user = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("回避情形"), max_length=16, choices=RecusalReason.choices)
    detail = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        ordering = ["step", "pk"]

    def __str__(self) -> str:
        return self.name


class BallotLink(models.Model):
    """The ballot subject(s) that rate this assessee (one per box; sub-venues add up).

    The ballots app plans a nullable `BoxSubject.assessment`; until it lands, the organizer confirms the
    link here (suggested by name within the organizer's closed boxes).
    """

    assessment = models.ForeignKey(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="ballot_links"
    )
    subject = models.ForeignKey("ballots.BoxSubject", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    linked_at = models.DateTimeField(_("关联时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("测评对象关联")
        verbose_name_plural = _("测评对象关联")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "subject"], name="evaluations_ballot_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} ↔ {self.subject_id}"


class AdjustmentEntry(models.Model):
    """One 加减分 item (`campaigns.Adjustment`, CMP-4) applied to one assessee's evaluation (EVA-1).

    `points` is always a positive magnitude (0 < points ≤ the item's 最高分值); the sign comes from `kind`
    (加分 adds, 减分 subtracts) — see `signed_points`. The item's kind, text and 最高分值 are copied when the
    entry is recorded, so the record survives a later edit or removal of the item (as Assessment copies the
    organization's name). Organizer staff record it; `on_behalf_of` names who supplied it when entered for
    someone else (代录, e.g. 省委组织部 for a commendation, 巡察办 for a problem found by inspection).
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="adjustments")
    item = models.ForeignKey(
        "campaigns.Adjustment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=AdjustmentKind.choices)
    item_text = models.CharField(_("加减分项"), max_length=500)
    max_points = models.DecimalField(_("最高分值"), max_digits=6, decimal_places=2)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("事由"))
    basis = models.CharField(_("依据（文号）"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    on_behalf_of = models.CharField(_("代录（提供单位）"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("加减分记录")
        verbose_name_plural = _("加减分记录")
        ordering = ["evaluation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gt=0), name="evaluations_adjustment_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points} · {self.item_text[:30]}"

    @property
    def signed_points(self) -> Decimal:
        """+points for 加分, −points for 减分."""
        return self.points if self.kind == AdjustmentKind.BONUS else -self.points
