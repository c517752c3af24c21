"""述职评议会 — meetings, their agenda, attendees, ballot boxes, commentary and offline venue packs (MTG-1 … MTG-6).

A campaign holds several meetings (one or two townships per 常委会, CMP-1). Each meeting hears the on-site
reporters of its agenda in order and lists its written reporters (CMP-3); an assessment reports at one
meeting only. The meeting supersedes the 会议方案 it sent up (campaigns.MeetingPlan, CMP-7): `plan` links it.

Voting belongs to the ballot engine: a meeting only *links* the boxes it had created through
shuping.ballots.services (per venue, 分会场 included, a main box and one 单列 box per reporter who attends
and must not rate themselves, 回避 — docs/adr/0006-recusal-boxes.md), and remembers which box subject is
which assessment.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuping.campaigns.choices import ReportingMode
from shuping.core.status import StatusMachine

from .choices import (
    MEETING_TRANSITIONS,
    AttendeeCategory,
    CommentaryMode,
    CommentaryStatus,
    CommenterRole,
    MeetingForm,
    MeetingStatus,
    ProblemCategory,
)

USER_MODEL = settings.AUTH_USER_MODEL


class Meeting(StatusMachine):
    """One 述职评议会 of a campaign (MTG-1): form, date, venue, presiding secretary, agenda."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("述职评议考核"),
    )
    title = models.CharField(_("会议名称"), max_length=200)
    form = models.CharField(_("会议形式"), max_length=32, choices=MeetingForm.choices)
    held_on = models.DateField(_("会议日期"))
    venue = models.CharField(_("会议地点"), max_length=200)
    presiding = models.ForeignKey(
        "orgs.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presided_meetings",
        verbose_name=_("主持会议的书记"),
    )
    #: As it was printed (history survives a change of secretary).
    presiding_name = models.CharField(_("主持人姓名"), max_length=64)
    commentary_mode = models.CharField(
        _("点评方式"), max_length=16, choices=CommentaryMode.choices, default=CommentaryMode.ONE_BY_ONE
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    #: MTG-4: announce the count on the spot (当场公布); otherwise nothing before 研究 (EVA-9).
    announces_on_spot = models.BooleanField(_("当场公布测评结果"), default=False)
    #: The 会议方案 sent up before the meeting (CMP-7); the meeting supersedes it.
    plan = models.OneToOneField(
        "campaigns.MeetingPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("报送的会议方案"),
    )
    #: The agenda item reporting now (meeting-day screen, MTG-4).
    current_position = models.PositiveSmallIntegerField(_("当前述职序号"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("述职评议会")
        verbose_name_plural = _("述职评议会")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return self.title

    #: `transition_to()` (core.status.StatusMachine) is the one place a meeting's status changes.
    TRANSITIONS = MEETING_TRANSITIONS
    STATUS_NOUN = "会议"


class AgendaItem(models.Model):
    """One reporter of the meeting: on-site (in speaking order) or written (listed, 书面述职, CMP-3)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    #: An assessment reports at one meeting of its campaign.
    assessment = models.OneToOneField(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="agenda_item", verbose_name=_("述职人")
    )
    mode = models.CharField(_("述职方式"), max_length=16, choices=ReportingMode.choices)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    reported_at = models.DateTimeField(_("述职时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["meeting", "mode", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.assessment}"

    @property
    def is_on_site(self) -> bool:
        return self.mode == ReportingMode.ON_SITE


class Venue(models.Model):
    """The main room or a sub-venue (分会场); each has its own ballot box, consolidated in one count."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("会场"), max_length=200)
    is_main = models.BooleanField(_("主会场"), default=False)
    is_offline = models.BooleanField(_("离线投票（涉密会场）"), default=False)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("会场")
        verbose_name_plural = _("会场")
        ordering = ["meeting", "-is_main", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "name"], name="meetings_venue_unique_name")]

    def __str__(self) -> str:
        return self.name


class AttendeeGroup(models.Model):
    """How many of one category attend at one venue, and whether they vote (MTG-2)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendee_groups")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="attendee_groups")
    category = models.CharField(_("类别"), max_length=32, choices=AttendeeCategory.choices)
    headcount = models.PositiveIntegerField(_("人数"), default=0)
    is_voting = models.BooleanField(_("参加测评"), default=True)

    class Meta:
        verbose_name = _("参会人员类别")
        verbose_name_plural = _("参会人员类别")
        ordering = ["venue", "category"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "category"], name="meetings_group_unique_category")
        ]

    def __str__(self) -> str:
        return f"{self.venue} · {self.get_category_display()} {self.headcount}"


class Attendee(models.Model):
    """A named attendee (optional, for the 签到表). `person` lets Shuping see that an attendee is also
    assessed at this meeting: they hold no slip for the 单列 box that rates them (回避, MTG-2)."""

    group = models.ForeignKey(AttendeeGroup, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("姓名"), max_length=64)
    post = models.CharField(_("单位职务"), max_length=200, blank=True)
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_attendances"
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["group", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class MeetingBox(models.Model):
    """A ballot box made for this meeting through the ballot engine (MTG-2, docs/adr/0006-recusal-boxes.md).

    Per venue a main box, rating every reporter except those recused (回避) by a voting attendee there, and
    for each such reporter a 单列 box rating that reporter alone, in which every voter at the venue votes
    except the reporter themselves (`recused_assessment`). So a recused reporter's main-box ballot has the
    same subjects as everybody else's, and no box has a single voter. `subject_assessments` maps box
    subject id → assessment id, so the boxes consolidate into one count per reporter (BAL-8: boxes merge by
    addition; every reporter is rated in exactly one box per venue).

    `is_legacy_recusal` marks a box made before ADR 0006, in which one recusing attendee voted alone on
    every other reporter: it is still counted, but its own tally singles that attendee out (BAL-6).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="boxes")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="boxes")
    box = models.OneToOneField("ballots.BallotBox", on_delete=models.PROTECT, related_name="meeting_link")
    recused_assessment = models.ForeignKey(
        "campaigns.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recusal_boxes",
        verbose_name=_("单列测评的述职人（本人回避）"),
    )
    is_legacy_recusal = models.BooleanField(_("旧式回避票箱（单人投票）"), default=False, editable=False)
    subject_assessments = models.JSONField(_("测评对象对应考核对象"), default=dict)

    class Meta:
        verbose_name = _("会议票箱")
        verbose_name_plural = _("会议票箱")
        ordering = ["meeting", "venue", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "recused_assessment"],
                condition=models.Q(recused_assessment__isnull=False, is_legacy_recusal=False),
                name="meetings_box_one_recusal_box_per_venue_reporter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.box}"

    @property
    def is_main(self) -> bool:
        """The venue's main box (rates every reporter not recused at the venue)."""
        return self.recused_assessment_id is None and not self.is_legacy_recusal


class Commenter(models.Model):
    """Who comments at the meeting: the presiding secretary (on every reporter), committee members by their
    portfolio (分工), guidance staff from the level above (Art. 8). `keywords` pick the problems of their
    portfolio from the problem matrix (REP-4)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="commenters")
    role = models.CharField(_("身份"), max_length=16, choices=CommenterRole.choices)
    name = models.CharField(_("姓名"), max_length=64)
    post = models.CharField(_("职务"), max_length=100, blank=True)  # recorded by name and post (MTG-3)
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    portfolio = models.CharField(_("分工"), max_length=200, blank=True)
    keywords = models.JSONField(_("分工关键词"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("点评人")
        verbose_name_plural = _("点评人")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(role="presiding"),
                name="meetings_one_presiding_commenter",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name_and_post(self) -> str:
        """“姓名（职务）”, as the minutes and the pack name a commenter; the name alone without a post."""
        return f"{self.name}（{self.post}）" if self.post else self.name


class Commentary(models.Model):
    """点评: one commenter on one reporter (MTG-3). Drafted beforehand by staff as 点评稿 (hidden from the
    assessee and their liaison, EVA-9), finalised after the meeting from what was said, entered on the
    commenter's behalf (代录) with attribution: `entered_by` typed it, the commenter said it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="commentaries")
    assessment = models.ForeignKey(
        "campaigns.Assessment", on_delete=models.CASCADE, related_name="commentaries"
    )
    commenter = models.ForeignKey(Commenter, on_delete=models.PROTECT, related_name="commentaries")
    #: 书面点评: the written reporters' commentary (CMP-3).
    is_written = models.BooleanField(_("书面点评"), default=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=CommentaryStatus.choices, default=CommentaryStatus.DRAFT
    )
    draft_text = models.TextField(_("点评稿"), blank=True)
    remarks = models.TextField(_("点评意见"), blank=True)
    direction = models.TextField(_("努力方向"), blank=True)
    drafted_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("点评")
        verbose_name_plural = _("点评")
        ordering = ["meeting", "assessment", "commenter__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "commenter"], name="meetings_commentary_unique")
        ]

    def __str__(self) -> str:
        return f"{self.commenter} → {self.assessment}"

    @property
    def is_final(self) -> bool:
        return self.status == CommentaryStatus.FINAL


class CommentaryProblem(models.Model):
    """A problem pointed out in a commentary: a structured item ready to seed a rectification item (RCT-1)."""

    commentary = models.ForeignKey(Commentary, on_delete=models.CASCADE, related_name="problems")
    text = models.CharField(_("问题"), max_length=500)
    category = models.CharField(
        _("类别"), max_length=24, choices=ProblemCategory.choices, default=ProblemCategory.OTHER
    )
    #: Where the draft took it from (a problem-matrix source: report, field, inspection …), if anywhere.
    source = models.CharField(_("来源"), max_length=32, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("点评指出的问题")
        verbose_name_plural = _("点评指出的问题")
        ordering = ["commentary", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class OfflineExport(models.Model):
    """An offline venue pack handed to a laptop (MTG-6), and, once back, the results file imported.

    The pairing secret is printed on the pack and kept here only encrypted (SM4-GCM, SEC-7); it keys the
    HMAC-SM3 signature of the results file. `nonce` and `serial` are single-use: a results file is imported
    once (`imported_at`), a second import of the same file — or of another file naming the same export —
    is refused as a replay.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="offline_exports")
    meeting_box = models.ForeignKey(MeetingBox, on_delete=models.PROTECT, related_name="offline_exports")
    serial = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    nonce = models.CharField(_("随机数"), max_length=64, unique=True)
    secret_sealed = models.BinaryField(_("配对密钥（加密）"))
    exported_by = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    exported_at = models.DateTimeField(_("导出时间"), auto_now_add=True)
    imported_at = models.DateTimeField(_("结果导入时间"), null=True, blank=True)
    imported_by = models.ForeignKey(
        USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    results_sm3 = models.CharField(_("结果文件摘要"), max_length=64, blank=True)
    ballots_imported = models.PositiveIntegerField(_("导入选票数"), default=0)
    #: The imported tally inputs: [[category name, {assessment id: grade key}], …] in random order — no
    #: credential, no time, no order of voting (BAL-6); they join the meeting's consolidated count.
    tally_inputs = models.JSONField(_("计票数据"), default=list, blank=True)
    #: The offline slips minted for this pack, per voter category name (their codes are on paper only).
    slip_counts = models.JSONField(_("离线凭条数"), default=dict, blank=True)
    #: The laptop's 清点核对 figures (issued, voided, cast …) as sealed in the results file.
    figures = models.JSONField(_("离线会场清点数字"), default=dict, blank=True)
    #: Set when a later export of the same box replaced this pack: its results file is then refused.
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("离线会场包")
        verbose_name_plural = _("离线会场包")
        ordering = ["-exported_at"]

    def __str__(self) -> str:
        return str(self.serial)


class OfflineVenue(models.Model):
    """On the venue laptop (MTG-6): a venue pack loaded into this instance and the box it runs in.

    The box is an ordinary ballot box of the engine whose credentials are the pack's slip hashes (keyed
    by the pack's slip key, `BallotBox.slip_key_sealed`). `pack` is the verified pack payload; the pairing
    secret is kept SM4-GCM-sealed under this laptop's data key, to sign the results file.
    `subject_map` maps this box's subject ids to the pack's (the main server's) subject ids.
    """

    serial = models.UUIDField(_("会场包编号"), unique=True)
    box = models.OneToOneField("ballots.BallotBox", on_delete=models.PROTECT, related_name="offline_venue")
    pack = models.JSONField(_("会场包内容"))
    secret_sealed = models.BinaryField(_("配对密钥（加密）"))
    subject_map = models.JSONField(_("测评对象对应"), default=dict)
    clerk = models.ForeignKey(USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)
    results_written_at = models.DateTimeField(_("结果文件生成时间"), null=True, blank=True)
    results_sm3 = models.CharField(_("结果文件摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("离线会场（笔记本）")
        verbose_name_plural = _("离线会场（笔记本）")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return str(self.serial)
