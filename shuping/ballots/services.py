"""Every write of a ballot box's life cycle (BAL-1, BAL-2, BAL-6): create, set up, slips, rehearsal,
open, counting, close and seal.

Box-level actions write an audit event in the same transaction. Voting (slip codes, ballot sessions,
consume-and-store) lives in `services_voting` and is re-exported here, so callers write
`services.submit_ballot(…)`; it writes **no** audit event, no log line and no timestamp (BAL-6).
"""

from __future__ import annotations

import importlib.util
import logging
import random
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from shuping.core.errors import ConflictError, DomainError

from .choices import BoxStatus, ScaleKind, Section
from .models import Ballot, BallotBox, BallotSession, BoxDimension, BoxSubject, Credential, VoterCategory
from .permissions import can_create_box_for, can_manage_box

# The voting half of the service API, re-exported so callers write `services.submit_ballot(…)`.
from .services_voting import (  # noqa: F401
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_OPINION_CHARS,
    RECEIPT_ALPHABET,
    RECEIPT_LABEL,
    RECEIPT_LENGTH,
    SESSION_LABEL,
    CredentialError,
    SessionStart,
    clean_ballot,
    code_hash,
    consume_and_store,
    format_code,
    lock_box_for_voting,
    new_session_token,
    normalize_code,
    receipt_for_code,
    seal_slip_key,
    session_hash,
    slip_key,
    slip_key_from_secret,
    start_session,
    submit_ballot,
)
from .tally import COMPETENCE_SCALE, DEFAULT_SCALE, Scale

if TYPE_CHECKING:
    from shuping.accounts.models import User
    from shuping.orgs.models import Organization

logger = logging.getLogger(__name__)

MAX_SCALE_GRADES = 9  # one number key per grade on the paper-entry screen
MAX_SLIPS_PER_CATEGORY = 5000

_random = random.SystemRandom()


# --- audit -----------------------------------------------------------------------------------------


def audit_box(*, actor: User | None, action: str, box: BallotBox, detail: dict | None = None) -> None:
    """A box-level audit event in the current transaction (never for a single ballot, BAL-6)."""
    if importlib.util.find_spec("shuping.audit.services") is None:  # the audit app lands separately
        return
    from shuping.audit.services import record

    record(actor=actor, action=action, target=box, detail=detail or {})


def require_manager(actor: User | None, box: BallotBox) -> None:
    if not can_manage_box(actor, box):
        raise DomainError("您没有管理此票箱的权限。", code="forbidden")


def _require_status(box: BallotBox, *statuses: str, message: str) -> None:
    if box.status not in statuses:
        raise ConflictError(message, code="bad_status")


# --- boxes (BAL-1) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectInput:
    """One subject of a box; `assessment` (a campaigns.Assessment, or None) when the box is a campaign's."""

    name: str
    post: str = ""
    section: str = Section.ON_SITE
    assessment: Any = None


@dataclass(frozen=True)
class CategoryInput:
    name: str
    weight: float | None = None


# Keyed by ScaleKind values (a TextChoices member is its str value, so a plain str finds it too).
SCALES: dict[str, Scale] = {ScaleKind.GOOD_TO_POOR: DEFAULT_SCALE, ScaleKind.COMPETENCE: COMPETENCE_SCALE}


def _custom_scale(grades: Sequence[tuple[str, int]]) -> list[list]:
    """A province's own scale (实施细则): labels best first, each with its score; keys g1, g2 …"""
    labels = [str(label).strip() for label, _score in grades]
    if not (2 <= len(grades) <= MAX_SCALE_GRADES):
        raise DomainError(f"自定义等次应有 2 到 {MAX_SCALE_GRADES} 个。", field="custom_scale")
    if not all(labels) or len(set(labels)) != len(labels) or any(len(label) > 16 for label in labels):
        raise DomainError("等次名称不能为空、不能重复，每个不超过 16 字。", field="custom_scale")
    scores = [int(score) for _label, score in grades]
    if any(not (0 <= score <= 1000) for score in scores):
        raise DomainError("等次分值应在 0 到 1000 之间。", field="custom_scale")
    if scores != sorted(scores, reverse=True):
        raise DomainError("等次应从好到差排列，分值依次不增。", field="custom_scale")
    return [[f"g{i + 1}", label, score] for i, (label, score) in enumerate(zip(labels, scores, strict=True))]


@transaction.atomic
def create_box(
    *,
    actor: User,
    organization: Organization,
    title: str,
    scale_kind: str = ScaleKind.GOOD_TO_POOR,
    custom_scale: Sequence[tuple[str, int]] = (),
    requires_every_subject: bool = True,
    has_opinion: bool = True,
    announces_on_spot: bool = False,
) -> BallotBox:
    """Create a draft box owned by `organization` (the organizer); the actor must be its organizer staff.

    `scale_kind` picks a built-in scale, or `custom` with `custom_scale` = [(label, score), …] best first.
    `announces_on_spot` (MTG-4) lets the meeting screen show the result once the box is sealed.
    """
    title = title.strip()
    if not title:
        raise DomainError("请填写票箱名称。", field="title")
    if not can_create_box_for(actor, organization):
        raise DomainError(
            "您不是该组织的组织部门工作人员，不能为其创建票箱。", field="organization", code="forbidden"
        )
    if scale_kind == ScaleKind.CUSTOM:
        scale = _custom_scale(custom_scale)
    elif scale_kind in SCALES:
        scale = [[g.key, g.label, int(g.score)] for g in SCALES[scale_kind].grades]
    else:
        raise DomainError("请选择评价等次。", field="scale_kind")
    box = BallotBox.objects.create(
        organization=organization,
        title=title[:200],
        scale=scale,
        requires_every_subject=requires_every_subject,
        has_opinion=has_opinion,
        announces_on_spot=announces_on_spot,
        created_by=actor,
    )
    audit_box(
        actor=actor,
        action="ballots.box_created",
        box=box,
        detail={"title": box.title, "scale": [g[1] for g in scale], "announces_on_spot": announces_on_spot},
    )
    return box


@transaction.atomic
def set_up_box(
    *,
    actor: User | None,
    box: BallotBox,
    subjects: Sequence[SubjectInput],
    categories: Sequence[CategoryInput],
    dimensions: Sequence[str] = (),
) -> BallotBox:
    """Replace a draft box's subjects, voter categories and dimensions (only before any slip exists).

    A box made for a meeting or campaign passes each subject's assessment (`SubjectInput.assessment`,
    default None): it must be one of the box organization's own campaigns.
    """
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    _require_status(box, BoxStatus.DRAFT, message="只有草拟状态的票箱可以修改测评对象和类别。")
    if not subjects:
        raise DomainError("请至少填写一位测评对象。", field="subjects")
    if not categories:
        raise DomainError("请至少填写一个参评人员类别。", field="categories")
    names = [c.name.strip() for c in categories]
    if len(set(names)) != len(names) or not all(names):
        raise DomainError("参评人员类别名称不能为空，也不能重复。", field="categories")
    for c in categories:
        if c.weight is not None and not (0 < c.weight <= 1000):
            raise DomainError("类别权重应为大于 0 的数。", field="categories")
    for s in subjects:
        if not s.name.strip():
            raise DomainError("测评对象姓名不能为空。", field="subjects")
        if s.section not in Section.values:
            raise DomainError("述职方式不正确。", field="subjects")
        if s.assessment is not None and s.assessment.campaign.organizer_id != box.organization_id:
            raise DomainError("测评对象所属的考核不是本票箱组织单位的考核。", field="subjects")
    if Credential.objects.filter(box=box, is_rehearsal=False).exists():
        raise ConflictError("已生成投票凭证，不能再修改类别；如需修改，请新建票箱。", code="slips_exist")
    Credential.objects.filter(box=box).delete()  # rehearsal slips belong to the old categories
    box.subjects.all().delete()
    box.categories.all().delete()
    box.dimensions.all().delete()
    BoxSubject.objects.bulk_create(
        BoxSubject(
            box=box,
            name=s.name.strip()[:64],
            post=s.post.strip()[:200],
            section=s.section,
            position=i,
            assessment=s.assessment,
        )
        for i, s in enumerate(subjects)
    )
    VoterCategory.objects.bulk_create(
        VoterCategory(box=box, name=c.name.strip()[:64], weight=c.weight, position=i)
        for i, c in enumerate(categories)
    )
    BoxDimension.objects.bulk_create(
        BoxDimension(box=box, name=d.strip()[:100], position=i) for i, d in enumerate(dimensions) if d.strip()
    )
    box.config_version += 1  # voters' cached copies of the old settings no longer match (PERF-1)
    box.save(update_fields=["config_version"])
    audit_box(
        actor=actor,
        action="ballots.box_set_up",
        box=box,
        detail={"subjects": len(subjects), "categories": names, "dimensions": len(dimensions)},
    )
    return box


# --- credentials (BAL-2) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    """A printed slip: shown once, on the sheet generated with it, and never stored."""

    code: str
    category: str
    is_rehearsal: bool
    #: The box's own slip key (offline venue pack, MTG-6), else None: the receipt is derived under it.
    slip_key: bytes | None = field(default=None, repr=False)

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def receipt(self) -> str:
        return receipt_for_code(self.code, slip_key=self.slip_key)


@transaction.atomic
def generate_credentials(
    *, actor: User | None, box: BallotBox, counts: Mapping[int, int], is_rehearsal: bool = False
) -> list[Slip]:
    """Issue `counts[category_id]` new one-time credentials; return the slips shuffled (BAL-2).

    The plaintext codes exist only in the returned list (the printable sheet); the database keeps their
    keyed hashes. The slips are shuffled across categories' order of issue so no list of issue ties a slip
    to a person; rows are also inserted in shuffled order.
    """
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    if is_rehearsal:
        _require_status(box, BoxStatus.DRAFT, BoxStatus.REHEARSAL, message="演练凭证只能在投票开始前生成。")
    else:
        _require_status(box, BoxStatus.DRAFT, BoxStatus.OPEN, message="票箱已封箱，不能再生成投票凭证。")
    categories = {c.pk: c for c in box.categories.all()}
    if not categories or not box.subjects.exists():
        raise DomainError("请先设置测评对象和参评人员类别。", code="not_set_up")
    key = slip_key(box)
    if key is not None and not is_rehearsal:
        raise ConflictError(
            "这是离线会场票箱：正式凭条已由总部随离线会场包生成，笔记本上不能再生成。", code="offline_box"
        )
    slips: list[tuple[Slip, VoterCategory]] = []
    receipts: set[str] = set()
    for category_id, n in counts.items():
        if category_id not in categories:
            raise DomainError("参评人员类别不存在。", field="counts")
        if not (0 <= int(n) <= MAX_SLIPS_PER_CATEGORY):
            raise DomainError(f"每类凭证数量应在 0 到 {MAX_SLIPS_PER_CATEGORY} 之间。", field="counts")
        category = categories[category_id]
        for _ in range(int(n)):
            while True:  # receipts are unique per box: redraw the rare code whose receipt repeats
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                if receipt_for_code(code, slip_key=key) not in receipts:
                    break
            receipts.add(receipt_for_code(code, slip_key=key))
            slips.append((Slip(code, category.name, is_rehearsal, slip_key=key), category))
    if not slips:
        raise DomainError("请填写要生成的凭证数量。", field="counts")
    _random.shuffle(slips)
    Credential.objects.bulk_create(
        Credential(
            box=box,
            category=category,
            code_hash=code_hash(slip.code, slip_key=key),
            is_rehearsal=is_rehearsal,
        )
        for slip, category in slips
    )
    audit_box(
        actor=actor,
        action="ballots.slips_generated",
        box=box,
        detail={"count": len(slips), "is_rehearsal": is_rehearsal},
    )
    return [slip for slip, _ in slips]


# --- status changes (BAL-1, BAL-6) -----------------------------------------------------------------


def _wipe_rehearsal(box: BallotBox) -> int:
    wiped = Ballot.objects.filter(box=box, is_rehearsal=True).delete()[0]
    Credential.objects.filter(box=box, is_rehearsal=True).delete()  # their sessions cascade
    return wiped


@transaction.atomic
def start_rehearsal(*, actor: User | None, box: BallotBox) -> BallotBox:
    """演练: the box accepts rehearsal slips only; every rehearsal ballot is wiped when it ends."""
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    box.transition_to(BoxStatus.REHEARSAL)
    box.save(update_fields=["status"])
    audit_box(actor=actor, action="ballots.rehearsal_started", box=box)
    return box


@transaction.atomic
def end_rehearsal(*, actor: User | None, box: BallotBox) -> BallotBox:
    """End the rehearsal: rehearsal ballots and rehearsal slips are deleted, never counted."""
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    box.transition_to(BoxStatus.DRAFT)
    wiped = _wipe_rehearsal(box)
    box.save(update_fields=["status"])
    audit_box(actor=actor, action="ballots.rehearsal_ended", box=box, detail={"wiped_ballots": wiped})
    return box


def early_meeting_day(box: BallotBox) -> date | None:
    """The meeting day when `box` was made for a 述职评议会 that is still ahead of today, else None."""
    held_on = (
        BallotBox.objects.filter(pk=box.pk, meeting_link__isnull=False)
        .values_list("meeting_link__meeting__held_on", flat=True)
        .first()
    )
    return held_on if held_on is not None and timezone.localdate() < held_on else None


@transaction.atomic
def open_box(*, actor: User | None, box: BallotBox, confirm_early: bool = False) -> BallotBox:
    """Start voting. Needs subjects and at least one real slip. A meeting's box before the meeting day
    opens only with `confirm_early` — the explicit confirmation the pages ask for (FLOW-5)."""
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    if not Credential.objects.filter(box=box, is_rehearsal=False).exists():
        raise ConflictError("请先生成投票凭证，再开始投票。", code="no_slips")
    held_on = early_meeting_day(box)
    if held_on is not None and not confirm_early:
        raise ConflictError(
            f"述职评议会定于 {held_on:%Y-%m-%d} 召开，今天（{timezone.localdate():%Y-%m-%d}）尚未到会议日："
            "提前开始投票须勾选确认。",
            code="early",
        )
    box.transition_to(BoxStatus.OPEN)
    _wipe_rehearsal(box)
    box.opened_at = timezone.now()
    box.save(update_fields=["status", "opened_at"])
    early = {"before_meeting_day": held_on.isoformat()} if held_on is not None else None
    audit_box(actor=actor, action="ballots.box_opened", box=box, detail=early)
    return box


@transaction.atomic
def start_counting(*, actor: User | None, box: BallotBox) -> BallotBox:
    """Stop phone voting; paper ballots are still keyed in (计票中, BAL-4).

    The row lock waits for every phone vote in flight (they hold a share lock), as closing does.
    """
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    box.transition_to(BoxStatus.COUNTING)
    box.save(update_fields=["status"])
    audit_box(actor=actor, action="ballots.counting_started", box=box)
    return box


@transaction.atomic
def close_box(*, actor: User | None, box: BallotBox) -> BallotBox:
    """Close and seal the box (BAL-6): nothing is accepted afterwards.

    The row lock on the box waits for every vote in flight (they hold a share lock on it) and every later
    vote sees the box closed. In the same transaction the box is sealed (see `_seal`).
    """
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    box.transition_to(BoxStatus.CLOSED)
    box.closed_at = timezone.now()
    stored, used = _seal(box)
    box.is_sealed = True
    box.save(update_fields=["status", "closed_at", "is_sealed"])
    audit_box(
        actor=actor,
        action="ballots.box_closed",
        box=box,
        detail={"ballots": stored, "slips_used": used},
    )
    transaction.on_commit(_scrub_storage)
    return box


def _seal(box: BallotBox) -> tuple[int, int]:
    """Rewrite every ballot in random order and touch every credential, in this one transaction.

    Before: each ballot row was written by its voter's transaction, as was the consumed credential, so
    PostgreSQL `xmin` (same transaction id) and `ctid`/SQLite `rowid` (insertion order) could link them
    and reveal voting order. After: every ballot and every credential of the box carries this
    transaction's id; ballots lie in a random physical order under fresh random keys; sessions are gone.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # deleted cells are zeroed, not left in free pages
            cursor.execute("PRAGMA secure_delete = ON")
    rows = list(
        Ballot.objects.filter(box=box).values_list(
            "category_id",
            "is_rehearsal",
            "ratings",
            "dimension_ratings",
            "opinions",
            "receipt_hash",
            "channel",
            "is_spoiled",
        )
    )
    _random.shuffle(rows)
    Ballot.objects.filter(box=box).delete()
    Ballot.objects.bulk_create(
        (
            Ballot(
                id=uuid.uuid4(),
                box=box,
                category_id=category_id,
                is_rehearsal=is_rehearsal,
                ratings=ratings,
                dimension_ratings=dimension_ratings,
                opinions=opinions,
                receipt_hash=receipt_hash,
                channel=channel,
                is_spoiled=is_spoiled,
            )
            for (
                category_id,
                is_rehearsal,
                ratings,
                dimension_ratings,
                opinions,
                receipt_hash,
                channel,
                is_spoiled,
            ) in rows
        ),
        batch_size=500,
    )
    Credential.objects.filter(box=box).update(is_used=F("is_used"))
    BallotSession.objects.filter(credential__box=box).delete()
    used = Credential.objects.filter(box=box, is_used=True, is_rehearsal=False).count()
    return len(rows), used


def _scrub_storage() -> None:
    """After sealing: reclaim the old ballot rows' space so their bytes and ordering do not linger."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ballots_ballot, ballots_credential, ballots_ballotsession")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:  # best effort; the ADR tells operators what to run instead
        logger.warning("封箱后的存储清理未能执行，请运维人员按 ADR 0004 手工执行。")
