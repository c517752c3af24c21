"""Field assessment (实地考核) and observations (平时了解): SPEC §6, FLD-1 … FLD-5, Art. 6.

- `FieldTeam`: a campaign's 考核组 (leader, members — each holds FIELD_ASSESSOR on the campaign) with dates.
- `FieldAssessment`: one team's plan for one assessee: dates, the sampled sub-units with the seed and the
  population they were drawn from (so the sample can be re-derived), the indicator set whose items make the
  form (shorter at lower levels), and optionally the mass satisfaction survey (a ballot box, FLD-3).
- `FieldRecord`: one submission from a phone, keyed by the client-generated UUID (idempotency key): never
  lost, never doubled. It may carry a `SiteVisit`, a `Talk` and indicator scores.
- `IndicatorScore`: the current score of one indicator with the evidence behind it and, when it rests only
  on paper where a visit would do, the Art. 6 warning and any override reason.
- `Observation`: something the organizer learned during the year, optionally scored (FLD-4).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from shuping.accounts.models import User

from .choices import FieldStatus, ObservationSource, SampleMethod

USER_MODEL = settings.AUTH_USER_MODEL


class FieldTeam(models.Model):
    """A 实地考核组 of one campaign: a leader and members, in the field between two dates."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="field_teams")
    name = models.CharField(_("考核组名称"), max_length=100)
    leader = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, related_name="led_field_teams")
    members: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER_MODEL, related_name="field_teams", verbose_name=_("成员")
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实地考核组")
        verbose_name_plural = _("实地考核组")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="fieldwork_team_unique_name"),
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="fieldwork_team_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FieldAssessment(models.Model):
    """One team's field assessment of one assessee (FLD-1): plan, sample, records, score."""

    team = models.ForeignKey(FieldTeam, on_delete=models.PROTECT, related_name="field_assessments")
    assessment = models.OneToOneField(
        "campaigns.Assessment", on_delete=models.PROTECT, related_name="field_assessment"
    )
    indicator_set = models.ForeignKey(
        "campaigns.IndicatorSet",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("考核表"),
    )
    visit_starts_on = models.DateField(_("实地考核开始"))
    visit_ends_on = models.DateField(_("实地考核结束"))
    sample_method = models.CharField(_("抽样方式"), max_length=16, choices=SampleMethod.choices)
    #: The random seed (None when chosen), the population drawn from and the size: enough to re-derive.
    sample_seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    sample_population = models.JSONField(_("抽样范围"), default=list, blank=True)
    sample_size = models.PositiveSmallIntegerField(_("抽取数量"), default=0)
    status = models.CharField(
        _("状态"), max_length=16, choices=FieldStatus.choices, default=FieldStatus.PLANNED
    )
    survey_box = models.OneToOneField(
        "ballots.BallotBox", on_delete=models.PROTECT, null=True, blank=True, related_name="field_assessment"
    )
    survey_weight_percent = models.PositiveSmallIntegerField(
        _("群众满意度测评占比（%）"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实地考核")
        verbose_name_plural = _("实地考核")
        ordering = ["team", "assessment__organization_path"]

    def __str__(self) -> str:
        return f"{self.team} · {self.assessment}"


class SampledUnit(models.Model):
    """A sub-unit (village, community, branch …) the team visits; name copied as it was."""

    field_assessment = models.ForeignKey(
        FieldAssessment, on_delete=models.CASCADE, related_name="sampled_units"
    )
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    organization_name = models.CharField(_("单位名称（当时）"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("抽查单位")
        verbose_name_plural = _("抽查单位")
        ordering = ["field_assessment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["field_assessment", "organization"], name="fieldwork_sample_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.organization_name


class FieldRecord(models.Model):
    """One submission from a team member's phone. `client_uuid` is made on the device when the draft is
    started and is the idempotency key: a retried or replayed submission returns the first record."""

    client_uuid = models.UUIDField(_("草稿编号"), unique=True)
    field_assessment = models.ForeignKey(FieldAssessment, on_delete=models.CASCADE, related_name="records")
    submitted_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    drafted_at = models.DateTimeField(_("草稿时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("实地考核记录")
        verbose_name_plural = _("实地考核记录")
        ordering = ["field_assessment", "submitted_at", "pk"]

    def __str__(self) -> str:
        return str(self.client_uuid)


class SiteVisit(models.Model):
    """实地查看: where the team went and the concrete facts it saw (多到现场看，多见具体事)."""

    record = models.OneToOneField(FieldRecord, on_delete=models.CASCADE, related_name="visit")
    field_assessment = models.ForeignKey(FieldAssessment, on_delete=models.CASCADE, related_name="visits")
    unit = models.ForeignKey(
        SampledUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    place = models.CharField(_("地点"), max_length=200)
    facts = models.TextField(_("看到的具体情况"))

    class Meta:
        verbose_name = _("实地查看")
        verbose_name_plural = _("实地查看")
        ordering = ["field_assessment", "pk"]

    def __str__(self) -> str:
        return self.place


def _photo_path(instance: VisitPhoto, filename: str) -> str:
    # A random name: the uploaded file name may carry personal data.
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "jpg"
    return f"fieldwork/{instance.visit.field_assessment_id}/{uuid.uuid4().hex}.{suffix}"


class VisitPhoto(models.Model):
    """An optional photo of a site visit (SEC-8: default storage; served only through a scoped view)."""

    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=_photo_path)

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self) -> str:
        return self.file.name or ""


class Talk(models.Model):
    """个别谈话 / 走访: how many members, masses and cadres, their categories and what was said — no names."""

    record = models.OneToOneField(FieldRecord, on_delete=models.CASCADE, related_name="talk")
    field_assessment = models.ForeignKey(FieldAssessment, on_delete=models.CASCADE, related_name="talks")
    members_count = models.PositiveSmallIntegerField(_("党员人数"), default=0)
    masses_count = models.PositiveSmallIntegerField(_("群众人数"), default=0)
    cadres_count = models.PositiveSmallIntegerField(_("干部人数"), default=0)
    categories = models.JSONField(_("类别"), default=list, blank=True)
    summary = models.TextField(_("听到的主要情况"))

    class Meta:
        verbose_name = _("谈话走访")
        verbose_name_plural = _("谈话走访")
        ordering = ["field_assessment", "pk"]

    def __str__(self) -> str:
        return self.summary[:30]

    @property
    def people_count(self) -> int:
        return self.members_count + self.masses_count + self.cadres_count


class IndicatorScore(models.Model):
    """The current score (0–100 % of the indicator's weight) of one indicator, with its evidence.

    `formalism_warning` holds the Art. 6 warning when the score rests only on paper (查阅资料、听汇报) for an
    indicator that can be judged on site; until a reason is given (`override_reason`) the score is left out
    of the field score and the page says why."""

    field_assessment = models.ForeignKey(FieldAssessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey("campaigns.Indicator", on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(_("得分率（%）"))
    evidence_kinds = models.JSONField(_("依据"), default=list, blank=True)
    visits = models.ManyToManyField(SiteVisit, blank=True, related_name="scores")
    talks = models.ManyToManyField(Talk, blank=True, related_name="scores")
    note = models.CharField(_("说明"), max_length=500, blank=True)
    formalism_warning = models.JSONField(_("形式主义提示"), default=dict, blank=True)
    override_reason = models.CharField(_("保留理由"), max_length=300, blank=True)
    record = models.ForeignKey(FieldRecord, on_delete=models.SET_NULL, null=True, related_name="scores")
    scored_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(_("评分时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标评分")
        verbose_name_plural = _("指标评分")
        ordering = ["field_assessment", "indicator__position", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["field_assessment", "indicator"], name="fieldwork_score_unique"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="fieldwork_score_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.percent}"

    @property
    def has_open_warning(self) -> bool:
        return bool(self.formalism_warning) and not self.override_reason


class Observation(models.Model):
    """平时了解 (FLD-4): what the organizer's staff learned during the year about a person or assessee,
    optionally scored (0–100). Belongs to the organizer; confidential like every result before 研究."""

    organizer = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        "campaigns.Assessment", on_delete=models.CASCADE, null=True, blank=True, related_name="observations"
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    observed_on = models.DateField(_("了解日期"))
    source = models.CharField(_("了解方式"), max_length=16, choices=ObservationSource.choices)
    text = models.TextField(_("了解到的情况"))
    score = models.PositiveSmallIntegerField(_("评分（可选）"), null=True, blank=True)
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("平时了解")
        verbose_name_plural = _("平时了解")
        ordering = ["-observed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
                name="fieldwork_observation_score",
            ),
            models.CheckConstraint(
                condition=models.Q(assessment__isnull=False) | models.Q(person__isnull=False),
                name="fieldwork_observation_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:30]
