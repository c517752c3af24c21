"""Voting: slip codes, ballot sessions and the consume-and-store step (BAL-2, BAL-3, BAL-5, BAL-6, BAL-7).

Split from `services.py` (box life cycle) along the seam between setting a box up and voting in it.
Voting writes **no** audit event, no log line and no timestamp (BAL-6): a ballot is counted by the
credential it consumed, and the participation record is `Credential.is_used`. `services` re-exports
every public name here, so callers keep writing `services.submit_ballot(…)`.
"""

from __future__ import annotations

import json
import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import OperationalError, connection, transaction

from shuping.core import crypto, ratelimit
from shuping.core.errors import DomainError

from .choices import BoxStatus, Channel
from .models import Ballot, BallotBox, BallotSession, BoxDimension, BoxSubject, Credential
from .receipts import open_receipt, receipt_digest, seal_receipt

#: Code alphabet: no 0/O, 1/I/L lookalikes, so a code typed from a slip is read right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 8e14 codes: guessing one of a few hundred live codes is hopeless.
RECEIPT_ALPHABET = CODE_ALPHABET
RECEIPT_LENGTH = 8
SESSION_LABEL = "ballot-session"
RECEIPT_LABEL = "ballot-receipt"
MAX_OPINION_CHARS = 1000


class CredentialError(DomainError):
    """A voter-facing refusal; `code` is one of unknown / used / closed / not_open / session /
    session_open / busy / rate_limited.

    An unknown code is the voter's input error (400); too many session starts is 429 (DSC-4); the others
    are the state of the slip or box (409).
    """

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message, field=field, code=code)
        self.status = {"unknown": 400, "rate_limited": 429}.get(code, 409)


# --- slip codes (BAL-2, BAL-7) ----------------------------------------------------------------------


def normalize_code(code: str) -> str:
    """What a voter typed or scanned → the canonical code (full-width, lower case, dashes, spaces ignored)."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in text if ch.isalnum())


def code_hash(code: str, *, slip_key: bytes | None = None) -> str:
    """The keyed HMAC-SM3 of a normalized code: the only form in which a credential is stored.

    Under this instance's data key (crypto provider, label "ballot-credential"), or — for a box whose
    slips were minted elsewhere (an offline venue pack, MTG-6) — under that box's own `slip_key`.
    """
    data = normalize_code(code).encode("ascii", "ignore")
    if slip_key is not None:
        return _slip_mac(slip_key, b"credential", data).hex()
    return crypto.hmac_sm3(crypto.LABEL_BALLOT_CREDENTIAL, data).hex()


def format_code(code: str) -> str:
    """The code as printed on a slip: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def receipt_for_code(code: str, *, slip_key: bytes | None = None) -> str:
    """The receipt printed on a slip and given to its ballot (BAL-7): a keyed digest of the code.

    It exists on the paper slip and on the ballot, never beside the credential: the credential row holds a
    digest under another key, so neither row (nor the data key) leads from one to the other — only the
    slip in the voter's hand does. 8 characters of the code alphabet (≈ 40 bits). A box with its own
    `slip_key` (offline venue, MTG-6) derives receipts from that key instead, like its credential hashes.
    """
    data = normalize_code(code).encode("ascii", "ignore")
    if slip_key is not None:
        digest = _slip_mac(slip_key, b"receipt", data)
    else:
        digest = crypto.hmac_sm3(RECEIPT_LABEL, data)
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(RECEIPT_LENGTH):
        number, index = divmod(number, len(RECEIPT_ALPHABET))
        chars.append(RECEIPT_ALPHABET[index])
    return "".join(chars)


# --- boxes whose slips were minted elsewhere (offline venue pack, MTG-6) ----------------------------
#
# A laptop at an offline venue never holds the main server's data key, so it cannot check the server's
# credential hashes. For such a box the server mints fresh slips and keys their hashes and receipts with
# a `slip_key` derived from the pack's pairing secret (docs/adr/0005-offline-venue.md); the laptop stores
# that key on the box, sealed under its own data key, and the engine hashes codes for that box with it.
# Everything else — sessions, consume-and-store, paper entry, sealing — is the same engine.

SLIP_KEY_BYTES = 32
_SLIP_KEY_SALT = b"shuping/offline-slips/v1"


def slip_key_from_secret(secret: str) -> bytes:
    """The 32-byte slip key of an offline venue pack, derived (HKDF-SM3) from its pairing secret."""
    normalized = normalize_code(secret).encode("ascii", "ignore")
    return HKDF(algorithm=hashes.SM3(), length=SLIP_KEY_BYTES, salt=_SLIP_KEY_SALT, info=b"slip-key").derive(
        normalized
    )


def _slip_mac(slip_key: bytes, purpose: bytes, data: bytes) -> bytes:
    subkey = HKDF(algorithm=hashes.SM3(), length=32, salt=_SLIP_KEY_SALT, info=b"mac/" + purpose).derive(
        slip_key
    )
    mac = crypto_hmac.HMAC(subkey, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def _slip_key_associated(box: BallotBox) -> bytes:
    return f"ballots.box.slip_key/{box.public_id}".encode()


def seal_slip_key(box: BallotBox, slip_key: bytes) -> bytes:
    """`slip_key` encrypted (SM4-GCM) under this instance's data key, bound to the box's public id."""
    return crypto.encrypt(slip_key, associated_data=_slip_key_associated(box))


def slip_key(box: BallotBox) -> bytes | None:
    """The box's own slip key (a box loaded from an offline venue pack), else None (this instance's key)."""
    sealed = box.slip_key_sealed
    if not sealed:
        return None
    return crypto.decrypt(bytes(sealed), associated_data=_slip_key_associated(box))


def _candidate_hashes(normalized: str) -> list[str]:
    """The code's hash under this instance's key and under the slip key of every box that has one and
    is not closed (normally none; one on a venue laptop): the code is looked up among all of them."""
    out = [code_hash(normalized)]
    keyed = BallotBox.objects.filter(slip_key_sealed__isnull=False).exclude(status=BoxStatus.CLOSED)
    for box in keyed.only("id", "public_id", "slip_key_sealed"):
        out.append(code_hash(normalized, slip_key=slip_key(box)))
    return out


# --- voting (BAL-3, BAL-5) -------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionStart:
    token: str
    box: BallotBox


def session_hash(token: str) -> str:
    return crypto.hmac_sm3(SESSION_LABEL, token.encode("ascii", "ignore")).hex()


def _refuse(status: str, is_rehearsal: bool) -> None:
    """Refuse a vote the box's status does not allow, with the message the voter sees."""
    if status == BoxStatus.CLOSED:
        raise CredentialError("投票已结束，票箱已封箱，不再接受投票。", code="closed")
    if status == BoxStatus.COUNTING:
        raise CredentialError("手机投票已结束，正在计票，不再接受投票。", code="closed")
    if status == BoxStatus.REHEARSAL and not is_rehearsal:
        raise CredentialError("现在是演练时间，正式投票尚未开始，请稍候。", code="not_open")
    if status == BoxStatus.OPEN and is_rehearsal:
        raise CredentialError("这是演练凭证，演练已结束，不能用于正式投票。", code="unknown")
    if status not in (BoxStatus.OPEN, BoxStatus.REHEARSAL):
        raise CredentialError("投票尚未开始，请等候工作人员宣布开始后再试。", code="not_open")


def _refuse_for_status(box: BallotBox, credential: Credential) -> None:
    _refuse(box.status, credential.is_rehearsal)


BUSY_MESSAGE = "此凭证正在另一部手机或另一个页面上验证，请稍候几秒再试。"
RATE_LIMITED_MESSAGE = "本票箱的投票验证请求过于频繁，请稍候一分钟再试；如持续出现请联系会场工作人员。"


def start_session(*, code: str, replace: bool = False) -> SessionStart:
    """Exchange a credential code for a ballot session token (BAL-3, DSC-4).

    The code arrives in a POST body (it rode in the URL fragment, which browsers never send), so it never
    reaches a request log. One session per credential: while a session of this slip is open, another
    exchange is refused with 409 (`session_open`) unless the voter confirms `replace` (another phone, a
    closed tab), which ends the earlier session. The credential row is locked for the exchange, so
    concurrent exchanges of one code give exactly one session; one that finds the row locked is answered
    409 (`busy`) at once rather than queueing — never a duplicate-key 500 (DSC-4).
    The token starts with the box's public id (already public: it is in the receipts URL), so a ballot
    can be checked against the box's cached settings before the database is asked anything.
    """
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        raise CredentialError(
            "凭证码应为 10 位字母和数字，请核对凭条后重新输入。", code="unknown", field="code"
        )
    try:
        return _start_session(normalized, replace=replace)
    except OperationalError as exc:
        if not _is_lock_conflict(exc):
            raise
        raise CredentialError(BUSY_MESSAGE, code="busy", field="code") from None


def _is_lock_conflict(exc: OperationalError) -> bool:
    """PostgreSQL: the credential row is held by a concurrent exchange (FOR UPDATE NOWAIT, SQLSTATE 55P03);
    SQLite: the write lock was not granted within the busy timeout. Either way the answer is: retry soon."""
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == "55P03":
        return True
    return connection.vendor == "sqlite" and "locked" in str(exc)


@transaction.atomic
def _start_session(normalized: str, *, replace: bool) -> SessionStart:
    found = (
        Credential.objects.filter(code_hash__in=_candidate_hashes(normalized))
        .values_list("pk", "box_id")
        .first()
    )
    if found is None:
        raise CredentialError("凭证码无效，请核对凭条后重新输入。", code="unknown", field="code")
    credential_id, box_id = found
    box_limit = settings.SHUPING_VOTE_STARTS_PER_BOX
    if not ratelimit.hit(
        ratelimit.key_for("vote-box", str(box_id)), limit=box_limit, window=settings.SHUPING_VOTE_RATE_WINDOW
    ):
        raise CredentialError(RATE_LIMITED_MESSAGE, code="rate_limited", field="code")
    # Lock order box → credential → session, as voting and closing take them (no deadlock with close_box).
    status = lock_box_for_voting(box_id)
    credential = _lock_credential(credential_id)
    if credential.is_used:
        raise CredentialError("此凭证已投过票，每张凭条只能投票一次。", code="used", field="code")
    if credential.is_voided:
        raise CredentialError("此凭条已登记作废，不能投票。", code="used", field="code")
    credential.box.status = status
    _refuse_for_status(credential.box, credential)
    existing = BallotSession.objects.filter(credential=credential)
    if not replace and existing.exists():
        raise CredentialError(
            "此凭证已在另一部手机或另一个页面上打开了选票。如果是您本人打开的，可以在本页继续投票，"
            "原页面随即失效。",
            code="session_open",
            field="code",
        )
    existing.delete()
    token = new_session_token(credential.box)
    token_hash = session_hash(token)
    receipt = receipt_for_code(normalized, slip_key=slip_key(credential.box))
    BallotSession.objects.create(
        credential=credential,
        token_hash=token_hash,
        receipt_hash=receipt_digest(receipt),
        receipt_sealed=seal_receipt(receipt, token_hash),
    )
    return SessionStart(token=token, box=credential.box)


def _lock_credential(credential_id: int) -> Credential:
    """The credential row, locked for this exchange; a concurrent holder makes it fail at once (DSC-4).

    PostgreSQL: FOR UPDATE NOWAIT (OperationalError when another exchange holds it). SQLite: the
    transaction is BEGIN IMMEDIATE, so it already holds the database's single write lock.
    """
    query = Credential.objects.select_related("box")
    if connection.vendor == "postgresql":
        query = query.select_for_update(nowait=True, of=("self",))
    return query.get(pk=credential_id)


def new_session_token(box: BallotBox) -> str:
    """A fresh ballot session token: `<box public id>.<random>`; only its keyed hash is stored."""
    return f"{box.public_id}.{secrets.token_urlsafe(24)}"


def lock_box_for_voting(box_id: int) -> str:
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


# --- the ballot's contents, checked against the box's settings --------------------------------------


@dataclass(frozen=True)
class BoxConfig:
    """What a ballot is checked against: fixed while the box can vote (set-up needs a draft box).

    Cached per process by public id and `BallotBox.config_version`; the version is part of the voting
    statement's WHERE clause, so a stale copy can never accept a ballot the box would refuse.
    """

    box_id: int
    public_id: str
    version: int
    grades: frozenset[str]
    subjects: tuple[tuple[str, str], ...]  # (id, name) in ballot order
    subject_ids: frozenset[str]
    dimension_ids: frozenset[str]
    requires_every_subject: bool
    has_opinion: bool


_CONFIGS: dict[str, BoxConfig] = {}
_MAX_CACHED_CONFIGS = 256


def box_config(box_id: int, public_id: str, version: int) -> BoxConfig:
    """The box's voting settings: this process's copy if it is of `version`, else read (3 queries).

    Keyed by the random public id, never the row id alone (row ids can be reused, e.g. after a rollback).
    """
    cached = _CONFIGS.get(public_id)
    if cached is not None and cached.box_id == box_id and cached.version == version:
        return cached
    box = BallotBox.objects.only(
        "id", "public_id", "config_version", "scale", "requires_every_subject", "has_opinion"
    ).get(pk=box_id)
    subjects = tuple(
        (str(pk), name) for pk, name in BoxSubject.objects.filter(box_id=box_id).values_list("id", "name")
    )
    config = BoxConfig(
        box_id=box.pk,
        public_id=box.public_id,
        version=box.config_version,
        grades=frozenset(str(k) for k, _label, _score in box.scale),
        subjects=subjects,
        subject_ids=frozenset(pk for pk, _name in subjects),
        dimension_ids=frozenset(
            str(pk) for pk in BoxDimension.objects.filter(box_id=box_id).values_list("id", flat=True)
        ),
        requires_every_subject=box.requires_every_subject,
        has_opinion=box.has_opinion,
    )
    if len(_CONFIGS) >= _MAX_CACHED_CONFIGS:
        _CONFIGS.clear()
    _CONFIGS[config.public_id] = config
    return config


def clean_ballot(
    config: BoxConfig, ratings: object, dimension_ratings: object, opinions: object
) -> tuple[dict, dict, dict]:
    """Check a ballot's contents against the box's settings; return them normalized or raise DomainError."""
    malformed = DomainError("选票内容与票箱不符，请刷新页面后重试。", code="malformed")
    dimensions = dimension_ratings or {}
    notes = opinions or {}
    if not isinstance(ratings, dict) or not isinstance(dimensions, dict) or not isinstance(notes, dict):
        raise DomainError("选票内容格式不正确，请刷新页面后重试。", code="malformed")
    clean_ratings = {}
    for key, grade in ratings.items():
        if grade in ("", None):
            if str(key) not in config.subject_ids:
                raise malformed
            continue
        if str(key) not in config.subject_ids or str(grade) not in config.grades:
            raise malformed
        clean_ratings[str(key)] = str(grade)
    if config.requires_every_subject and len(clean_ratings) != len(config.subject_ids):
        missing = [name for pk, name in config.subjects if pk not in clean_ratings]
        raise DomainError("请对每位测评对象作出评价。尚未评价：" + "、".join(missing), code="incomplete")
    if not clean_ratings:
        raise DomainError("请至少对一位测评对象作出评价。", code="incomplete")
    clean_dimensions: dict[str, dict[str, str]] = {}
    for key, marks in dimensions.items():
        if str(key) not in config.subject_ids or not isinstance(marks, dict):
            raise malformed
        for dim, grade in marks.items():
            if str(dim) not in config.dimension_ids or (
                grade not in ("", None) and str(grade) not in config.grades
            ):
                raise malformed
            if grade not in ("", None):
                clean_dimensions.setdefault(str(key), {})[str(dim)] = str(grade)
    clean_opinions = {}
    for key, text in notes.items():
        if str(key) not in config.subject_ids and key != "general":
            raise malformed
        text = str(text or "").strip()
        if len(text) > MAX_OPINION_CHARS:
            raise DomainError(f"意见建议每条不超过 {MAX_OPINION_CHARS} 字。", code="too_long")
        if "\x00" in text:
            raise DomainError("意见建议中含有不允许的字符，请修改后重试。", code="malformed")
        if text and config.has_opinion:
            clean_opinions[str(key)] = text
    return clean_ratings, clean_dimensions, clean_opinions


# --- submitting a ballot (BAL-3, BAL-5) -------------------------------------------------------------

#: PostgreSQL: the whole vote as ONE statement (so one implicit transaction, one round trip, one commit).
#: `b` share-locks the box row only while it is open (or in rehearsal) at the settings version the ballot
#: was checked against: `close_box` / `start_counting` take it FOR UPDATE, so they wait for every vote in
#: flight, and a vote waiting behind them re-reads the row and finds it closed (READ COMMITTED re-check).
#: `c` consumes the credential by a conditional UPDATE: of two racing submissions exactly one gets a row.
#: The ballot is inserted only from `c`'s row, with the receipt's digest (DSC-3); the session is marked
#: accepted and its sealed receipt is what the phone gets back, on this and every retry.
#: Lock order box → credential → session, the same as closing's, so no deadlock.
VOTE_SQL = """
WITH s AS (
    SELECT id, credential_id, receipt_hash, receipt_sealed
    FROM ballots_ballotsession WHERE token_hash = %(token_hash)s AND NOT is_accepted AND receipt_hash <> ''
), b AS (
    SELECT id, status FROM ballots_ballotbox
    WHERE public_id = %(public_id)s AND config_version = %(version)s AND status IN ('open', 'rehearsal')
    FOR SHARE
), c AS (
    UPDATE ballots_credential AS cr SET is_used = true FROM s, b
    WHERE cr.id = s.credential_id AND cr.box_id = b.id AND NOT cr.is_used AND NOT cr.is_voided
      AND cr.is_rehearsal = (b.status = 'rehearsal')
    RETURNING cr.category_id, cr.is_rehearsal, b.id AS box_id, s.id AS session_id, s.receipt_hash,
              s.receipt_sealed
), u AS (
    UPDATE ballots_ballotsession AS bs SET is_accepted = true FROM c WHERE bs.id = c.session_id
), i AS (
    INSERT INTO ballots_ballot
        (id, box_id, category_id, is_rehearsal, ratings, dimension_ratings, opinions, receipt_hash, channel,
         is_spoiled)
    SELECT gen_random_uuid(), c.box_id, c.category_id, c.is_rehearsal,
           %(ratings)s::jsonb, %(dimension_ratings)s::jsonb, %(opinions)s::jsonb, c.receipt_hash, 'phone', false
    FROM c
    RETURNING box_id
)
SELECT c.receipt_sealed FROM c JOIN i ON i.box_id = c.box_id
"""


def submit_ballot(
    *, token: str, ratings: object, dimension_ratings: object = None, opinions: object = None
) -> str:
    """Consume the session's credential and store its ballot atomically; return the receipt (BAL-5).

    Idempotent: a retry of an accepted session returns the same receipt and stores nothing. The credential
    is consumed by a conditional UPDATE (`… WHERE NOT is_used`) whose affected-row count decides, so two
    racing submissions can never both succeed. Writes no log line and no audit event (BAL-6).

    The ballot keeps only the receipt's keyed digest; the receipt the phone gets is the session's sealed
    copy (DSC-3). On PostgreSQL the ballot is checked against the box's cached settings (the box's public
    id leads the token) and then stored by `VOTE_SQL`, one statement. Anything that statement does not accept — an
    unknown, used, retried or expired session, a closed box, changed settings, a malformed ballot — goes
    to `_submit_checked`, the step-by-step transaction that finds the right answer or refusal.
    """
    token = token or ""
    token_hash = session_hash(token)
    if connection.vendor == "postgresql":
        config = _CONFIGS.get(token.partition(".")[0])
        if config is not None:
            try:
                clean = clean_ballot(config, ratings, dimension_ratings, opinions)
            except DomainError:
                clean = None  # the checked path refuses it, after the session and box checks
            if clean is not None:
                sealed = _vote_in_one_statement(token_hash, config, *clean)
                if sealed is not None:
                    return open_receipt(sealed, token_hash)
    return _submit_checked(token_hash, ratings, dimension_ratings, opinions)


def _vote_in_one_statement(
    token_hash: str, config: BoxConfig, ratings: dict, dimension_ratings: dict, opinions: dict
) -> bytes | None:
    params: dict[str, str | int] = {
        "token_hash": token_hash,
        "public_id": config.public_id,
        "version": config.version,
        "ratings": json.dumps(ratings, ensure_ascii=False),
        "dimension_ratings": json.dumps(dimension_ratings, ensure_ascii=False),
        "opinions": json.dumps(opinions, ensure_ascii=False),
    }
    with connection.cursor() as cursor:
        cursor.execute(VOTE_SQL, params)
        row = cursor.fetchone()
    return row[0] if row else None


SESSION_SQL = """
SELECT s.id, s.is_accepted, s.receipt_hash, s.receipt_sealed, c.id, c.category_id, c.is_rehearsal, c.box_id, b.status,
       b.public_id, b.config_version
FROM ballots_ballotsession s
JOIN ballots_credential c ON c.id = s.credential_id
JOIN ballots_ballotbox b ON b.id = c.box_id
WHERE s.token_hash = %s
"""


@transaction.atomic
def _submit_checked(token_hash: str, ratings: object, dimension_ratings: object, opinions: object) -> str:
    """The step-by-step vote (SQLite, and every case the one-statement vote does not accept)."""
    expired = CredentialError(
        "投票会话已失效（可能已在另一部手机上打开）。请重新扫描凭条上的二维码。", code="session"
    )
    with connection.cursor() as cursor:
        cursor.execute(SESSION_SQL, [token_hash])
        row = cursor.fetchone()
    if row is None:
        raise expired
    (
        session_id,
        is_accepted,
        receipt_hash,
        receipt_sealed,
        credential_id,
        category_id,
        is_rehearsal,
        box_id,
        status,
        public_id,
        version,
    ) = row
    if not receipt_hash or receipt_sealed is None:
        raise expired  # a session of the format before DSC-3: the voter starts again
    if is_accepted:
        return open_receipt(receipt_sealed, token_hash)
    if connection.vendor == "postgresql":  # SQLite: BEGIN IMMEDIATE already holds the write lock
        status = lock_box_for_voting(box_id)
    _refuse(status, bool(is_rehearsal))
    clean_ratings, clean_dimensions, clean_opinions = clean_ballot(
        box_config(box_id, public_id, version), ratings, dimension_ratings, opinions
    )
    try:  # no savepoint needed: a refused consumption has written nothing
        consume_and_store(
            box=BallotBox(pk=box_id),
            credential=Credential(pk=credential_id, category_id=category_id, is_rehearsal=is_rehearsal),
            ratings=clean_ratings,
            dimension_ratings=clean_dimensions,
            opinions=clean_opinions,
            receipt_hash=receipt_hash,
            channel=Channel.PHONE,
        )
    except CredentialError:
        # A double tap: the other submission of this session won and committed; answer with its receipt.
        if BallotSession.objects.filter(pk=session_id, is_accepted=True).exists():
            return open_receipt(receipt_sealed, token_hash)
        raise
    BallotSession.objects.filter(pk=session_id).update(is_accepted=True)
    return open_receipt(receipt_sealed, token_hash)


def consume_and_store(
    *,
    box: BallotBox,
    credential: Credential,
    ratings: dict,
    dimension_ratings: dict,
    opinions: dict,
    receipt_hash: str,
    channel: str,
    is_spoiled: bool = False,
) -> None:
    """THE one consume-and-store step (BAL-5), for phone ballots and paper ballots alike.

    Must run inside the caller's transaction, after the box row was locked for voting
    (`lock_box_for_voting`). The conditional UPDATE's affected-row count decides: two racing
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
        receipt_hash=receipt_hash,
        channel=channel,
        is_spoiled=is_spoiled,
    )
