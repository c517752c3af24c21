"""Ballot boxes, credentials and anonymous ballots — 民主测评 (SPEC §5, BAL-1 … BAL-8).

Anonymity by construction (BAL-6, docs/adr/0004-ballot-anonymity.md):
- a `Ballot` has a random UUID key, no timestamp, no sequence and no reference to a credential or session;
- participation is recorded on `Credential.is_used` only — the count of used credentials is the turnout;
- `BallotSession` (the only row linking a credential to a cast ballot, via the receipt, while voting is
  under way, for idempotent retries) is deleted when the box is sealed, and sealing rewrites every ballot in
  random order and touches every credential in one transaction.

The ballot engine is usable without a campaign: subjects are typed names. A box made for a meeting or
campaign links each subject to its `campaigns.Assessment` (nullable `BoxSubject.assessment`), so results
are read by assessment.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuping.core.status import StatusMachine

from .choices import TRANSITIONS as BOX_TRANSITIONS
from .choices import BoxStatus, Channel, Section
from .tally import DEFAULT_SCALE, Grade, Scale


def default_scale() -> list[list]:
    return [[g.key, g.label, int(g.score)] for g in DEFAULT_SCALE.grades]


def new_public_id() -> str:
    """A random public id for the box's public pages (/v/<public id>/receipts): reveals nothing."""
    return secrets.token_hex(6)


class BallotBox(StatusMachine):
    """A 民主测评 ballot box: who is rated (subjects), on what scale, by which voter categories.

    Owned by the organizer organization (the Party committee whose organization department runs it):
    every scope check starts from `organization`.
    """

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="ballot_boxes", verbose_name=_("组织单位")
    )
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=BoxStatus.choices, default=BoxStatus.DRAFT)
    #: The grades, best first, as [key, label, score] triples (copied from the chosen scale, editable).
    scale = models.JSONField(_("评价等次"), default=default_scale)
    requires_every_subject = models.BooleanField(_("须对每位对象作出评价"), default=True)
    has_opinion = models.BooleanField(_("征求文字意见"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    opened_at = models.DateTimeField(_("开始投票时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("封箱时间"), null=True, blank=True)
    is_sealed = models.BooleanField(_("已封存"), default=False)
    #: The id in public URLs (receipt list, BAL-7): random, so box numbers are not enumerable.
    public_id = models.CharField(_("公开编号"), max_length=16, unique=True, default=new_public_id)
    #: 签到人数, entered by staff for the reconciliation (BAL-4); later filled from the meeting's sign-in.
    attendees_signed_in = models.PositiveIntegerField(_("签到人数"), null=True, blank=True)
    #: MTG-4: the organizer chose, before voting, to announce the result on the spot (当场公布).
    announces_on_spot = models.BooleanField(_("当场公布结果"), default=False)
    #: Bumped whenever subjects, dimensions or the scale change (only in a draft box): voting checks a
    #: ballot against a per-process copy of the settings of exactly this version (PERF-1).
    config_version = models.PositiveIntegerField(_("设置版本"), default=1, editable=False)
    #: Only on a venue laptop, for a box loaded from an offline venue pack (MTG-6): the key the pack's slip
    #: hashes and receipts were made with (derived from the pairing secret), SM4-GCM-sealed under this
    #: instance's data key. Codes of this box are hashed with it instead of the instance's data key.
    slip_key_sealed = models.BinaryField(_("离线凭条密钥（加密）"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("测评票箱")
        verbose_name_plural = _("测评票箱")

    def __str__(self) -> str:
        return self.title

    #: `transition_to()` (core.status.StatusMachine) is the one place a box changes status.
    TRANSITIONS = BOX_TRANSITIONS
    STATUS_NOUN = "票箱"

    @property
    def tally_scale(self) -> Scale:
        return Scale(tuple(Grade(str(k), str(label), int(score)) for k, label, score in self.scale))

    @property
    def accepts_votes(self) -> bool:
        return self.status in (BoxStatus.OPEN, BoxStatus.REHEARSAL)

    @property
    def accepts_paper(self) -> bool:
        """Paper ballots are keyed while voting is open and after phone voting stopped (计票中)."""
        return self.status in (BoxStatus.OPEN, BoxStatus.COUNTING, BoxStatus.REHEARSAL)


class BoxSubject(models.Model):
    """One person rated on the ballot (考核对象), in the on-site or the written section."""

    box = models.ForeignKey(
        BallotBox, on_delete=models.CASCADE, related_name="subjects", verbose_name=_("票箱")
    )
    section = models.CharField(_("述职方式"), max_length=16, choices=Section.choices, default=Section.ON_SITE)
    name = models.CharField(_("姓名"), max_length=64)
    post = models.CharField(_("单位职务"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    #: The assessment this subject is rated for, when the box belongs to a meeting or campaign: results are
    #: read by assessment, never by matching names (EVA-1). Null for a box used without a campaign.
    assessment = models.ForeignKey(
        "campaigns.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ballot_subjects",
        verbose_name=_("考核对象"),
    )

    class Meta:
        verbose_name = _("测评对象")
        verbose_name_plural = _("测评对象")
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return self.name


class BoxDimension(models.Model):
    """An optional per-dimension rating asked for every subject (e.g. 抓党建责任落实), same scale."""

    box = models.ForeignKey(
        BallotBox, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("票箱")
    )
    name = models.CharField(_("评价维度"), max_length=100)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评价维度")
        verbose_name_plural = _("评价维度")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class VoterCategory(models.Model):
    """A voter category (参评人员类别, e.g. 市级领导 / 部门负责人 / 党代表), optionally weighted."""

    box = models.ForeignKey(
        BallotBox, on_delete=models.CASCADE, related_name="categories", verbose_name=_("票箱")
    )
    name = models.CharField(_("类别"), max_length=64)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("参评人员类别")
        verbose_name_plural = _("参评人员类别")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["box", "name"], name="ballots_category_unique_name")]

    def __str__(self) -> str:
        return self.name


class Credential(models.Model):
    """A one-time voting credential (slip), stored only as a keyed HMAC-SM3 hash of its code (BAL-2).

    `is_used` is the participation record: the number of used credentials per category is the turnout.
    Rehearsal credentials (`is_rehearsal`) work only in rehearsal mode and are deleted when it ends.
    """

    box = models.ForeignKey(
        BallotBox, on_delete=models.CASCADE, related_name="credentials", verbose_name=_("票箱")
    )
    category = models.ForeignKey(
        VoterCategory, on_delete=models.CASCADE, related_name="credentials", verbose_name=_("类别")
    )
    code_hash = models.CharField(_("凭证摘要"), max_length=64, unique=True)
    is_used = models.BooleanField(_("已使用"), default=False)
    is_rehearsal = models.BooleanField(_("演练凭证"), default=False)
    #: 作废: a slip not handed out, or handed back unused or damaged (BAL-4); it can never vote.
    is_voided = models.BooleanField(_("已作废"), default=False)

    class Meta:
        verbose_name = _("投票凭证")
        verbose_name_plural = _("投票凭证")
        indexes = [models.Index(fields=["box", "is_rehearsal", "is_used"], name="ballots_cred_turnout")]

    def __str__(self) -> str:
        return f"{self.box_id}/{self.category_id}"  # never the code: only its hash exists


class BallotSession(models.Model):
    """The ballot session a credential was exchanged for (BAL-3): a hashed bearer token.

    `is_accepted` is set when the ballot is accepted, so a retried submission returns the same receipt.
    This row links credential and ballot (through the receipt digest) while voting is under way; sealing
    deletes every session of the box (BAL-6). It carries no timestamp and no receipt in clear (DSC-3).
    """

    credential = models.OneToOneField(Credential, on_delete=models.CASCADE, related_name="session")
    token_hash = models.CharField(max_length=64, unique=True)
    #: The keyed digest of the slip's receipt (derived from the code at exchange time): the ballot's.
    receipt_hash = models.CharField(max_length=64, blank=True)
    #: The receipt itself, SM4-GCM-sealed and bound to this session's token hash: given back to the phone.
    receipt_sealed = models.BinaryField(null=True, blank=True, editable=False)
    is_accepted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("投票会话")
        verbose_name_plural = _("投票会话")

    def __str__(self) -> str:
        return "ballot session"


class Ballot(models.Model):
    """One anonymous ballot (BAL-6): a random key, the voter category, the marks — nothing else.

    No timestamp, no sequence, no credential or session reference; `receipt_hash` is the keyed HMAC-SM3
    digest of the receipt printed on the voter's slip (DSC-3): the voter checks, once the list is published
    after closing, that the ballot was counted (BAL-7), but the database alone — without the data key —
    does not lead from a receipt on a slip to its ballot.
    `ratings` maps subject id → grade key; `dimension_ratings` subject id → {dimension id → grade key};
    `opinions` subject id → free text (seen only by organizer staff, never raw by an assessee).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    box = models.ForeignKey(
        BallotBox, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("票箱")
    )
    category = models.ForeignKey(
        VoterCategory, on_delete=models.CASCADE, related_name="+", verbose_name=_("类别")
    )
    is_rehearsal = models.BooleanField(_("演练票"), default=False)
    ratings = models.JSONField(_("总体评价"), default=dict)
    dimension_ratings = models.JSONField(_("分项评价"), default=dict, blank=True)
    opinions = models.JSONField(_("意见建议"), default=dict, blank=True)
    receipt_hash = models.CharField(_("回执码摘要"), max_length=64)
    channel = models.CharField(_("投票方式"), max_length=8, choices=Channel.choices, default=Channel.PHONE)
    #: 废票: a paper ballot handed in but invalid as a whole (blank, defaced); its ratings are empty.
    is_spoiled = models.BooleanField(_("废票"), default=False)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(fields=["box", "receipt_hash"], name="ballots_ballot_unique_receipt")
        ]

    def __str__(self) -> str:
        return "ballot"  # never the receipt digest


class PaperCheck(models.Model):
    """A second entry (复核) of one sampled paper ballot, compared with the first (BAL-4).

    Found through the receipt digest (derived from the slip code the clerk types again), so it adds no link
    the paper itself does not already carry; it has no timestamp and no receipt in clear (DSC-3).
    `differences` names the subjects whose
    marks differ; `is_resolved` is set when the ballot was corrected or the first entry confirmed.
    """

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="paper_checks")
    receipt_hash = models.CharField(_("回执码摘要"), max_length=64)
    differences = models.JSONField(_("不一致项"), default=list, blank=True)
    is_resolved = models.BooleanField(_("已处理"), default=False)

    class Meta:
        verbose_name = _("纸质票复核")
        verbose_name_plural = _("纸质票复核")
        constraints = [
            models.UniqueConstraint(fields=["box", "receipt_hash"], name="ballots_papercheck_unique")
        ]

    def __str__(self) -> str:
        return "paper check"

    @property
    def fingerprint(self) -> str:
        """The receipt's fingerprint, as on the published list (the receipt itself is not stored)."""
        from .receipts import receipt_fingerprint

        return receipt_fingerprint(self.receipt_hash)

    @property
    def is_match(self) -> bool:
        return not self.differences


class TallyCertificate(models.Model):
    """计票结果报告单: the reconciled figures of a sealed box, certified by staff, signed on paper (BAL-4).

    `figures` is a snapshot of the reconciliation at certification; 监票人 and 计票人 sign the printout.
    """

    box = models.OneToOneField(BallotBox, on_delete=models.PROTECT, related_name="certificate")
    figures = models.JSONField(_("清点数字"), default=dict)
    scrutineers = models.CharField(_("监票人"), max_length=200, blank=True)
    counters = models.CharField(_("计票人"), max_length=200, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人")
    )
    certified_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("计票结果报告单")
        verbose_name_plural = _("计票结果报告单")

    def __str__(self) -> str:
        return f"计票结果报告单 {self.box_id}"
