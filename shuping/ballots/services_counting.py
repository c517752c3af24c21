"""Writes for counting a box (BAL-4, BAL-7, MTG-4): paper entry, voided slips, second entry, sign-in
count, the on-spot announcement flag, and the certified 计票结果报告单.

Split from `services.py` only for length; the same rules hold: keyword-only, `@transaction.atomic`,
preconditions checked with a Chinese `DomainError`, box-level audit events only — never one per ballot,
per paper slip or per keystroke (BAL-6).

A paper ballot is consumed and stored by **the same** `services.consume_and_store` as a phone ballot:
one transaction, a conditional UPDATE of the credential that exactly one clerk (or phone) can win.
The clerk types the slip's code; its keyed hash finds the credential, the ballot gets the receipt
printed on the slip (`receipt_for_code`), and nothing keeps the code: after sealing, a paper ballot is
as unlinkable to its slip as a phone ballot (ADR 0004).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from shuping.core.errors import ConflictError, DomainError

from .choices import BoxStatus, Channel
from .models import Ballot, BallotBox, BallotSession, Credential, PaperCheck, TallyCertificate
from .receipts import receipt_digest
from .services import (
    CODE_LENGTH,
    CredentialError,
    audit_box,
    code_hash,
    consume_and_store,
    lock_box_for_voting,
    normalize_code,
    receipt_for_code,
    require_manager,
    slip_key,
)
from .tally import INVALID_MARK, Reconciliation

if TYPE_CHECKING:
    from shuping.accounts.models import User

MAX_ATTENDEES = 100_000


@dataclass(frozen=True)
class PaperMarks:
    """What a clerk keyed for one paper ballot: subject id → grade key, "" (blank) or "!" (invalid)."""

    ratings: Mapping[str, str]
    dimension_ratings: Mapping[str, Mapping[str, str]]


def _clean_marks(box: BallotBox, ratings: object, dimension_ratings: object) -> PaperMarks:
    """Normalise keyed marks; a blank subject is an abstention, '!' an unreadable/invalid mark."""
    grades = {str(k) for k, _label, _score in box.scale} | {INVALID_MARK}
    subject_ids = {str(pk) for pk in box.subjects.values_list("id", flat=True)}
    dimension_ids = {str(pk) for pk in box.dimensions.values_list("id", flat=True)}
    dimensions = dimension_ratings or {}
    if not isinstance(ratings, Mapping) or not isinstance(dimensions, Mapping):
        raise DomainError("录入内容格式不正确，请刷新页面后重试。", code="malformed")
    clean: dict[str, str] = {}
    for key, mark in ratings.items():
        mark = "" if mark is None else str(mark)
        if str(key) not in subject_ids or (mark and mark not in grades):
            raise DomainError("录入内容与票箱不符，请刷新页面后重试。", code="malformed")
        if mark:
            clean[str(key)] = mark
    clean_dimensions: dict[str, dict[str, str]] = {}
    for key, marks in dimensions.items():
        if str(key) not in subject_ids or not isinstance(marks, Mapping):
            raise DomainError("录入内容与票箱不符，请刷新页面后重试。", code="malformed")
        for dim, mark in marks.items():
            mark = "" if mark is None else str(mark)
            if str(dim) not in dimension_ids or (mark and mark not in grades):
                raise DomainError("录入内容与票箱不符，请刷新页面后重试。", code="malformed")
            if mark:
                clean_dimensions.setdefault(str(key), {})[str(dim)] = mark
    return PaperMarks(clean, clean_dimensions)


def _check_count(marks: PaperMarks, declared_count: int | None) -> None:
    """The per-slip check (BAL-4): the clerk also types how many subjects the paper marks."""
    if declared_count is None:
        raise DomainError("请输入本张票上已标注的评价数（核对数）。", field="declared_count", code="count")
    keyed = len(marks.ratings)
    if keyed != declared_count:
        raise DomainError(
            f"核对不符：录入了 {keyed} 项评价，纸质票上标注 {declared_count} 项。请对照纸质票重新录入本张。",
            field="declared_count",
            code="count",
        )


def _find_slip(box: BallotBox, code: str) -> Credential:
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        raise CredentialError("凭条码应为 10 位字母和数字，请核对后重新输入。", code="unknown", field="code")
    credential = Credential.objects.filter(
        box=box, code_hash=code_hash(normalized, slip_key=slip_key(box))
    ).first()
    if credential is None:
        raise CredentialError(
            "凭条码无效：不是本票箱的凭条，可能输错了，请核对后重新输入。", code="unknown", field="code"
        )
    return credential


def _refuse_paper(box: BallotBox, credential: Credential) -> None:
    if box.status == BoxStatus.CLOSED:
        raise CredentialError("票箱已封箱，不能再录入纸质票。", code="closed")
    if box.status == BoxStatus.DRAFT:
        raise CredentialError("投票尚未开始，不能录入纸质票。", code="not_open")
    if credential.is_rehearsal != (box.status == BoxStatus.REHEARSAL):
        raise CredentialError("演练凭条只能在演练中录入，正式凭条只能在正式投票中录入。", code="unknown")
    if credential.is_voided:
        raise CredentialError("此凭条已登记作废，不能录入。", code="used", field="code")
    if credential.is_used:
        raise CredentialError(
            "重复凭条：此凭条已录入或已用手机投票，不能再次录入。请把这张票交监票人处理。",
            code="used",
            field="code",
        )


def check_paper_slip(*, actor: User | None, box: BallotBox, code: str) -> None:
    """Check a keyed slip code before its marks are keyed (FLOW-4, BAL-4): refuse at once a code that is
    not this box's, a voided slip, or one already voted by phone or already entered — so the clerk does not
    key a whole ballot only to have it refused. A read: no audit event and no log line (BAL-6); the submit
    checks everything again under the box lock."""
    require_manager(actor, box)
    credential = _find_slip(box, code)
    if credential.is_used and not credential.is_voided and box.status != BoxStatus.CLOSED:
        if BallotSession.objects.filter(credential=credential).exists():
            raise CredentialError(
                "此凭条已用手机投票，不能再录入纸质票。请把这张票交监票人处理。", code="used", field="code"
            )
        raise CredentialError(
            "重复凭条：此凭条已录入过，不能再次录入。请把这张票交监票人处理。", code="used", field="code"
        )
    _refuse_paper(box, credential)


@transaction.atomic
def enter_paper_ballot(
    *,
    actor: User | None,
    box: BallotBox,
    code: str,
    ratings: Mapping[str, str],
    dimension_ratings: Mapping[str, Mapping[str, str]] | None = None,
    declared_count: int | None = None,
    is_spoiled: bool = False,
) -> str:
    """Key in one paper ballot (BAL-4); return its receipt (the one printed on the slip).

    Checks, each refusing with a Chinese message and writing nothing: the slip code belongs to an unused,
    unvoided slip of this box (a mis-typed or duplicated slip is caught at once); the number of keyed
    marks equals the count the clerk read off the paper. A spoiled ballot (废票: blank, defaced) is
    stored with no marks and counted as invalid. Several clerks may key at once: the credential is
    consumed by `services.consume_and_store`, so the same slip is accepted exactly once.
    """
    require_manager(actor, box)
    box.status = lock_box_for_voting(box.pk)
    credential = _find_slip(box, code)
    _refuse_paper(box, credential)
    if is_spoiled:
        marks = PaperMarks({}, {})
    else:
        marks = _clean_marks(box, ratings, dimension_ratings)
        _check_count(marks, declared_count)
        if not marks.ratings:
            raise DomainError("本张票没有任何评价：如为空白票，请按“废票”录入。", code="blank")
    receipt = receipt_for_code(code, slip_key=slip_key(box))
    try:
        with transaction.atomic():
            consume_and_store(
                box=box,
                credential=credential,
                ratings=dict(marks.ratings),
                dimension_ratings={k: dict(v) for k, v in marks.dimension_ratings.items()},
                opinions={},
                receipt_hash=receipt_digest(receipt),
                channel=Channel.PAPER,
                is_spoiled=is_spoiled,
            )
    except IntegrityError:  # a receipt collision between two slips of separate batches (≈ 1e-5)
        raise ConflictError("回执码重复，无法录入此凭条，请交监票人登记为废票。", code="receipt") from None
    return receipt


@transaction.atomic
def void_slip(*, actor: User | None, box: BallotBox, code: str) -> None:
    """Record an unused slip as voided (作废: not handed out, or handed back unused or damaged).

    A voided slip can never vote; it is subtracted from the slips handed out in the reconciliation.
    """
    require_manager(actor, box)
    box.status = lock_box_for_voting(box.pk)
    if box.status == BoxStatus.CLOSED:
        raise ConflictError("票箱已封箱，不能再登记作废凭条。", code="closed")
    credential = _find_slip(box, code)
    if credential.is_rehearsal:
        raise DomainError("演练凭条无需登记作废，演练结束即全部清除。", code="rehearsal")
    if credential.is_voided:
        raise ConflictError("此凭条已登记作废。", code="voided")
    if (
        Credential.objects.filter(pk=credential.pk, is_used=False, is_voided=False).update(is_voided=True)
        != 1
    ):
        raise ConflictError("此凭条已用于投票，不能作废。", code="used")


def _differences(box: BallotBox, first: Ballot, second: PaperMarks) -> list[str]:
    names = {str(pk): name for pk, name in box.subjects.values_list("id", "name")}
    dims = {str(pk): name for pk, name in box.dimensions.values_list("id", "name")}
    out = []
    for subject, name in names.items():
        if (first.ratings or {}).get(subject, "") != second.ratings.get(subject, ""):
            out.append(name)
        for dim, dim_name in dims.items():
            a = (first.dimension_ratings or {}).get(subject, {}).get(dim, "")
            if a != second.dimension_ratings.get(subject, {}).get(dim, ""):
                out.append(f"{name}·{dim_name}")
    return out


def _ballot_for_slip(box: BallotBox, code: str) -> Ballot:
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        raise DomainError("凭条码应为 10 位字母和数字，请核对后重新输入。", field="code", code="unknown")
    ballot = (
        Ballot.objects.select_for_update()
        .filter(
            box=box,
            channel=Channel.PAPER,
            receipt_hash=receipt_digest(receipt_for_code(normalized, slip_key=slip_key(box))),
        )
        .first()
    )
    if ballot is None:
        raise DomainError("没有找到这张凭条的首次录入：请核对凭条码，或先按首次录入。", field="code")
    return ballot


@transaction.atomic
def verify_paper_ballot(
    *,
    actor: User | None,
    box: BallotBox,
    code: str,
    ratings: Mapping[str, str],
    dimension_ratings: Mapping[str, Mapping[str, str]] | None = None,
    is_spoiled: bool = False,
) -> PaperCheck:
    """Second entry (复核) of a sampled paper ballot by another clerk; record whether it matches.

    The first entry is found through the slip's receipt, so this works before and after sealing and
    keeps nothing the paper does not carry. A mismatch is listed in the report until resolved.
    """
    require_manager(actor, box)
    ballot = _ballot_for_slip(box, code)
    second = PaperMarks({}, {}) if is_spoiled else _clean_marks(box, ratings, dimension_ratings)
    differences = _differences(box, ballot, second)
    if ballot.is_spoiled != is_spoiled:
        differences.insert(0, "废票认定")
    check, _created = PaperCheck.objects.update_or_create(
        box=box,
        receipt_hash=ballot.receipt_hash,
        defaults={"differences": differences, "is_resolved": not differences},
    )
    return check


@transaction.atomic
def correct_paper_ballot(
    *,
    actor: User | None,
    box: BallotBox,
    code: str,
    ratings: Mapping[str, str],
    dimension_ratings: Mapping[str, Mapping[str, str]] | None = None,
    declared_count: int | None = None,
) -> PaperCheck:
    """After a mismatch, key the ballot a third time from the paper: its marks replace the first entry.

    Only before sealing (afterwards the sealed ballots are final) and only for a ballot that a second
    entry found different. Counted in the certificate (corrections), not audited per ballot (BAL-6).
    """
    require_manager(actor, box)
    box.status = lock_box_for_voting(box.pk)
    if box.status == BoxStatus.CLOSED:
        raise ConflictError("票箱已封箱，选票不能再更正。", code="closed")
    ballot = _ballot_for_slip(box, code)
    check = PaperCheck.objects.filter(box=box, receipt_hash=ballot.receipt_hash, is_resolved=False).first()
    if check is None:
        raise ConflictError("只有复核不一致的纸质票才能更正。", code="no_mismatch")
    marks = _clean_marks(box, ratings, dimension_ratings)
    _check_count(marks, declared_count)
    ballot.ratings = dict(marks.ratings)
    ballot.dimension_ratings = {k: dict(v) for k, v in marks.dimension_ratings.items()}
    ballot.is_spoiled = False
    ballot.save(update_fields=["ratings", "dimension_ratings", "is_spoiled"])
    check.is_resolved = True
    check.save(update_fields=["is_resolved"])
    return check


@transaction.atomic
def record_attendance(*, actor: User | None, box: BallotBox, attendees: int) -> BallotBox:
    """签到人数 for the reconciliation, entered by staff (later: taken from the meeting's sign-in)."""
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    if hasattr(box, "certificate"):
        raise ConflictError("计票结果报告单已确认，签到人数不能再改。", code="certified")
    if not (0 <= int(attendees) <= MAX_ATTENDEES):
        raise DomainError("签到人数应为 0 或正整数。", field="attendees")
    box.attendees_signed_in = int(attendees)
    box.save(update_fields=["attendees_signed_in"])
    audit_box(
        actor=actor, action="ballots.attendance_recorded", box=box, detail={"attendees": int(attendees)}
    )
    return box


@transaction.atomic
def set_announcement(*, actor: User | None, box: BallotBox, announces_on_spot: bool) -> BallotBox:
    """MTG-4: whether the meeting screen shows the result once sealed — decided before voting, audited."""
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    if box.status not in (BoxStatus.DRAFT, BoxStatus.REHEARSAL):
        raise ConflictError("是否当场公布结果须在投票开始前决定。", code="bad_status")
    box.announces_on_spot = bool(announces_on_spot)
    box.save(update_fields=["announces_on_spot"])
    audit_box(
        actor=actor,
        action="ballots.announcement_set",
        box=box,
        detail={"announces_on_spot": box.announces_on_spot},
    )
    return box


def reconciliation(box: BallotBox) -> Reconciliation:
    """The box's counts for the 清点核对 (one aggregate query per table; never per ballot)."""
    rehearsal = box.status == BoxStatus.REHEARSAL
    slips = Credential.objects.filter(box=box, is_rehearsal=rehearsal).aggregate(
        issued=Count("id"),
        voided=Count("id", filter=Q(is_voided=True)),
        consumed=Count("id", filter=Q(is_used=True)),
    )
    ballots = Ballot.objects.filter(box=box, is_rehearsal=rehearsal).aggregate(
        stored=Count("id"),
        phone=Count("id", filter=Q(channel=Channel.PHONE)),
        paper=Count("id", filter=Q(channel=Channel.PAPER, is_spoiled=False)),
        spoiled=Count("id", filter=Q(is_spoiled=True)),
    )
    unresolved = PaperCheck.objects.filter(box=box, is_resolved=False).count()
    return Reconciliation(
        attendees=box.attendees_signed_in,
        issued=slips["issued"],
        voided=slips["voided"],
        phone=ballots["phone"],
        paper=ballots["paper"],
        spoiled=ballots["spoiled"],
        stored=ballots["stored"],
        consumed=slips["consumed"],
        unresolved_checks=unresolved,
    )


@transaction.atomic
def certify_box(
    *, actor: User, box: BallotBox, scrutineers: str = "", counters: str = ""
) -> TallyCertificate:
    """Certify the count of a sealed box (计票结果报告单); refuses, explaining in Chinese, unless it balances.

    监票人 and 计票人 are printed as names (optional) beside blank places where they sign the printout.
    """
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    require_manager(actor, box)
    if box.status != BoxStatus.CLOSED:
        raise ConflictError("票箱封箱后才能确认计票结果报告单。", code="not_closed")
    if TallyCertificate.objects.filter(box=box).exists():
        raise ConflictError("计票结果报告单已确认。", code="certified")
    figures = reconciliation(box)
    if not figures.is_balanced:
        raise ConflictError("清点核对不平衡，不能确认：" + "".join(figures.problems), code="imbalance")
    checks = PaperCheck.objects.filter(box=box).aggregate(
        sampled=Count("id"), mismatched=Count("id", filter=~Q(differences=[]))
    )
    certificate = TallyCertificate.objects.create(
        box=box,
        figures={**figures.as_dict(), **checks},
        scrutineers=scrutineers.strip()[:200],
        counters=counters.strip()[:200],
        certified_by=actor,
    )
    # "phone" is a word the audit log refuses in keys (phone numbers); here it is the voting channel.
    detail = {("by_app" if key == "phone" else key): value for key, value in certificate.figures.items()}
    audit_box(actor=actor, action="ballots.certified", box=box, detail=detail)
    return certificate
