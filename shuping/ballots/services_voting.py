"""Voting: slip codes, ballot sessions and the consume-and-store step (BAL-2, BAL-3, BAL-5, BAL-6, BAL-7).

Split from `services.py` (box life cycle) along the seam between setting a box up and voting in it.
Voting writes **no** audit event, no log line and no timestamp (BAL-6): a ballot is counted by the
credential it consumed, and the participation record is `Credential.is_used`. `services` re-exports
every public name here, so callers keep writing `services.submit_ballot(…)`.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from shuping.core import crypto
from shuping.core.errors import DomainError

from .choices import BoxStatus, Channel
from .models import Ballot, BallotBox, BallotSession, BoxDimension, BoxSubject, Credential

#: Code alphabet: no 0/O, 1/I/L lookalikes, so a code typed from a slip is read right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 8e14 codes: guessing one of a few hundred live codes is hopeless.
RECEIPT_ALPHABET = CODE_ALPHABET
RECEIPT_LENGTH = 8
SESSION_LABEL = "ballot-session"
RECEIPT_LABEL = "ballot-receipt"
MAX_OPINION_CHARS = 1000


class CredentialError(DomainError):
    """A voter-facing refusal; `code` is one of unknown / used / closed / not_open / session.

    An unknown code is the voter's input error (400); the others are the state of the slip or box (409).
    """

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message, field=field, code=code)
        self.status = 400 if code == "unknown" else 409


# --- slip codes (BAL-2, BAL-7) ----------------------------------------------------------------------


def normalize_code(code: str) -> str:
    """What a voter typed or scanned → the canonical code (full-width, lower case, dashes, spaces ignored)."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in text if ch.isalnum())


def code_hash(code: str) -> str:
    """The keyed HMAC-SM3 of a normalized code: the only form in which a credential is stored."""
    return crypto.hmac_sm3(
        crypto.LABEL_BALLOT_CREDENTIAL, normalize_code(code).encode("ascii", "ignore")
    ).hex()


def format_code(code: str) -> str:
    """The code as printed on a slip: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def receipt_for_code(code: str) -> str:
    """The receipt printed on a slip and given to its ballot (BAL-7): a keyed digest of the code.

    It exists on the paper slip and on the ballot, never beside the credential: the credential row holds a
    digest under another key, so neither row (nor the data key) leads from one to the other — only the
    slip in the voter's hand does. 8 characters of the code alphabet (≈ 40 bits).
    """
    digest = crypto.hmac_sm3(RECEIPT_LABEL, normalize_code(code).encode("ascii", "ignore"))
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(RECEIPT_LENGTH):
        number, index = divmod(number, len(RECEIPT_ALPHABET))
        chars.append(RECEIPT_ALPHABET[index])
    return "".join(chars)


# --- voting (BAL-3, BAL-5) -------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionStart:
    token: str
    box: BallotBox


def _session_hash(token: str) -> str:
    return crypto.hmac_sm3(SESSION_LABEL, token.encode("ascii", "ignore")).hex()


def _refuse_for_status(box: BallotBox, credential: Credential) -> None:
    if box.status == BoxStatus.CLOSED:
        raise CredentialError("投票已结束，票箱已封箱，不再接受投票。", code="closed")
    if box.status == BoxStatus.COUNTING:
        raise CredentialError("手机投票已结束，正在计票，不再接受投票。", code="closed")
    if box.status == BoxStatus.REHEARSAL and not credential.is_rehearsal:
        raise CredentialError("现在是演练时间，正式投票尚未开始，请稍候。", code="not_open")
    if box.status == BoxStatus.OPEN and credential.is_rehearsal:
        raise CredentialError("这是演练凭证，演练已结束，不能用于正式投票。", code="unknown")
    if box.status not in (BoxStatus.OPEN, BoxStatus.REHEARSAL):
        raise CredentialError("投票尚未开始，请等候工作人员宣布开始后再试。", code="not_open")


@transaction.atomic
def start_session(*, code: str) -> SessionStart:
    """Exchange a credential code for a ballot session token (BAL-3).

    The code arrives in a POST body (it rode in the URL fragment, which browsers never send), so it never
    reaches a request log. Exchanging again before voting (another phone) replaces the earlier session.
    """
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        raise CredentialError(
            "凭证码应为 10 位字母和数字，请核对凭条后重新输入。", code="unknown", field="code"
        )
    credential = Credential.objects.select_related("box").filter(code_hash=code_hash(normalized)).first()
    if credential is None:
        raise CredentialError("凭证码无效，请核对凭条后重新输入。", code="unknown", field="code")
    if credential.is_used:
        raise CredentialError("此凭证已投过票，每张凭条只能投票一次。", code="used", field="code")
    if credential.is_voided:
        raise CredentialError("此凭条已登记作废，不能投票。", code="used", field="code")
    credential.box.status = _lock_box_for_voting(credential.box_id)
    _refuse_for_status(credential.box, credential)
    token = secrets.token_urlsafe(24)
    BallotSession.objects.filter(credential=credential).delete()
    BallotSession.objects.create(
        credential=credential, token_hash=_session_hash(token), receipt_due=receipt_for_code(normalized)
    )
    return SessionStart(token=token, box=credential.box)


def _lock_box_for_voting(box_id: int) -> str:
    """The box's status under a lock that `close_box` must wait for (BAL-5).

    PostgreSQL: FOR SHARE — votes do not block one another, but closing (FOR UPDATE) waits for every
    vote in flight, and a vote arriving after the close sees the closed status. SQLite: transactions are
    BEGIN IMMEDIATE, so the whole vote already runs under the database's single write lock.
    """
    with connection.cursor() as cursor:
        suffix = " FOR SHARE" if connection.vendor == "postgresql" else ""
        cursor.execute(f"SELECT status FROM ballots_ballotbox WHERE id = %s{suffix}", [box_id])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else ""


def clean_ballot(
    box: BallotBox,
    subjects: Sequence[BoxSubject],
    dimensions: Sequence[BoxDimension],
    ratings: object,
    dimension_ratings: object,
    opinions: object,
) -> tuple[dict, dict, dict]:
    """Check a ballot's contents against the box; return them normalized or raise DomainError."""
    grades = {str(k) for k, _label, _score in box.scale}
    subject_ids = {str(s.pk) for s in subjects}
    dimension_ids = {str(d.pk) for d in dimensions}
    if (
        not isinstance(ratings, dict)
        or not isinstance(dimension_ratings or {}, dict)
        or not isinstance(opinions or {}, dict)
    ):
        raise DomainError("选票内容格式不正确，请刷新页面后重试。", code="malformed")
    clean_ratings = {}
    for key, grade in ratings.items():
        if str(key) not in subject_ids or (grade not in ("", None) and str(grade) not in grades):
            raise DomainError("选票内容与票箱不符，请刷新页面后重试。", code="malformed")
        if grade not in ("", None):
            clean_ratings[str(key)] = str(grade)
    if box.requires_every_subject:
        missing = [s.name for s in subjects if str(s.pk) not in clean_ratings]
        if missing:
            raise DomainError("请对每位测评对象作出评价。尚未评价：" + "、".join(missing), code="incomplete")
    if not clean_ratings:
        raise DomainError("请至少对一位测评对象作出评价。", code="incomplete")
    clean_dimensions: dict[str, dict[str, str]] = {}
    for key, marks in (dimension_ratings or {}).items():
        if str(key) not in subject_ids or not isinstance(marks, dict):
            raise DomainError("选票内容与票箱不符，请刷新页面后重试。", code="malformed")
        for dim, grade in marks.items():
            if str(dim) not in dimension_ids or (grade not in ("", None) and str(grade) not in grades):
                raise DomainError("选票内容与票箱不符，请刷新页面后重试。", code="malformed")
            if grade not in ("", None):
                clean_dimensions.setdefault(str(key), {})[str(dim)] = str(grade)
    clean_opinions = {}
    for key, text in (opinions or {}).items():
        if str(key) not in subject_ids and key != "general":
            raise DomainError("选票内容与票箱不符，请刷新页面后重试。", code="malformed")
        text = str(text or "").strip()
        if len(text) > MAX_OPINION_CHARS:
            raise DomainError(f"意见建议每条不超过 {MAX_OPINION_CHARS} 字。", code="too_long")
        if text and box.has_opinion:
            clean_opinions[str(key)] = text
    return clean_ratings, clean_dimensions, clean_opinions


@transaction.atomic
def submit_ballot(
    *, token: str, ratings: object, dimension_ratings: object = None, opinions: object = None
) -> str:
    """Consume the session's credential and store its ballot in ONE transaction; return the receipt (BAL-5).

    Idempotent: a retry of an accepted session returns the same receipt and stores nothing. The credential
    is consumed by a conditional UPDATE (`… WHERE is_used = false`) whose affected-row count decides, so two
    racing submissions can never both succeed. Writes no log line and no audit event (BAL-6).
    """
    token_hash = _session_hash(token or "")
    expired = CredentialError(
        "投票会话已失效（可能已在另一部手机上打开）。请重新扫描凭条上的二维码。", code="session"
    )
    # Lock order box → session → credential, the same as close_box's (box → sessions), so no deadlock.
    box_id = (
        BallotSession.objects.filter(token_hash=token_hash)
        .values_list("credential__box_id", flat=True)
        .first()
    )
    if box_id is None:
        raise expired
    status = _lock_box_for_voting(box_id)
    session = (
        BallotSession.objects.select_for_update(of=("self",))
        .select_related("credential")
        .filter(token_hash=token_hash)
        .first()
    )
    if session is None:
        raise expired
    if session.receipt:
        return session.receipt
    credential = session.credential
    box = BallotBox.objects.get(pk=box_id)
    box.status = status
    _refuse_for_status(box, credential)
    subjects = list(BoxSubject.objects.filter(box=box))
    dimensions = list(BoxDimension.objects.filter(box=box))
    clean_ratings, clean_dimensions, clean_opinions = clean_ballot(
        box, subjects, dimensions, ratings, dimension_ratings, opinions
    )
    receipt = session.receipt_due or "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    consume_and_store(
        box=box,
        credential=credential,
        ratings=clean_ratings,
        dimension_ratings=clean_dimensions,
        opinions=clean_opinions,
        receipt=receipt,
        channel=Channel.PHONE,
    )
    session.receipt = receipt
    session.save(update_fields=["receipt"])
    return receipt


def consume_and_store(
    *,
    box: BallotBox,
    credential: Credential,
    ratings: dict,
    dimension_ratings: dict,
    opinions: dict,
    receipt: str,
    channel: str,
    is_spoiled: bool = False,
) -> None:
    """THE one consume-and-store step (BAL-5), for phone ballots and paper ballots alike.

    Must run inside the caller's transaction, after the box row was locked for voting
    (`_lock_box_for_voting`). The conditional UPDATE's affected-row count decides: two racing
    submissions of one credential (two phones, two clerks, a phone and a clerk) can never both succeed.
    Writes no log line and no audit event (BAL-6).
    """
    consumed = Credential.objects.filter(pk=credential.pk, is_used=False, is_voided=False).update(
        is_used=True
    )
    if consumed != 1:
        raise CredentialError("此凭证已投过票，每张凭条只能投票一次。", code="used")
    Ballot.objects.create(
        box=box,
        category_id=credential.category_id,
        is_rehearsal=credential.is_rehearsal,
        ratings=ratings,
        dimension_ratings=dimension_ratings,
        opinions=opinions,
        receipt=receipt,
        channel=channel,
        is_spoiled=is_spoiled,
    )
