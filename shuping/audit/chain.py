"""The audit hash chain as pure logic (SEC-4, REL-5): hashing, checkpoint signatures, verification.

No Django import: the functions take plain values, so the rules can be tested (and re-implemented by an
outside auditor) without a database. `shuping.audit.services` appends rows with them and
`shuping.audit.verify` feeds them the rows of the database in sequence order.

Each row's hash is SM3 over the canonical serialisation of its fields — JSON with sorted keys, no
whitespace, UTF-8, the previous row's hash included — so editing any field, deleting a row or moving a row
breaks the link to its neighbour. The chain alone is keyless (anyone who can write the table can recompute
it); checkpoints are HMAC-SM3 signatures over one row's hash with a key the database never sees, which pins
everything up to that row and lets older rows be pruned (docs/adr/0002-audit-chain.md).
"""

from __future__ import annotations

import hmac as std_hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes

GENESIS_HASH = "0" * 64
DEFAULT_ALGORITHM = "sm3"
CHECKPOINT_ALGORITHM = "hmac-sm3"
CHECKPOINT_MESSAGE_LABEL = "shuping/audit/checkpoint/v1"
# SPEC SEC-4: rows are kept at least 180 days; verification treats an earlier prune as tampering.
MIN_RETENTION_DAYS = 180

# The fields a row hash covers, in the order they are documented (the JSON itself sorts its keys).
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_name",
    "on_behalf_of",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "source",
    "outcome",
    "detail",
    "algorithm",
    "prev_hash",
)


def software_sm3_hex(data: bytes) -> str:
    """SM3 (GB/T 32905-2016) of `data` as 64 lowercase hex digits, in software.

    The default for pure use (tests, an outside auditor's script); inside Shuping the caller passes the
    configured crypto provider's `sm3_hex` (SEC-7), which gives the same digest.
    """
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


Hasher = Callable[[bytes], str]
Mac = Callable[[bytes], bytes]

# Recorded per row, so a later algorithm can be introduced without rewriting history.
DEFAULT_HASHERS: Mapping[str, Hasher] = {"sm3": software_sm3_hex}


def timestamp_text(moment: datetime) -> str:
    """A datetime as UTC ISO 8601 with microseconds — the same text whatever zone the database returns."""
    if moment.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _canonical_json(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    """The canonical serialisation of one row: sorted JSON of HASHED_FIELDS in UTF-8."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = timestamp_text(fields["occurred_at"])
    return _canonical_json(payload)


def compute_row_hash(fields: Mapping[str, Any], hashers: Mapping[str, Hasher] = DEFAULT_HASHERS) -> str:
    """The row hash with the algorithm the row records; KeyError for an unknown algorithm."""
    return hashers[fields["algorithm"]](canonical_bytes(fields))


def checkpoint_message(
    *, sequence: int, row_hash: str, row_occurred_at: datetime, signed_at: datetime, algorithm: str
) -> bytes:
    """What a checkpoint signature covers: the row it pins (number, hash, time) and when it was signed.

    The label inside the message separates it from anything else MACed under the same subkey.
    """
    return _canonical_json(
        {
            "label": CHECKPOINT_MESSAGE_LABEL,
            "sequence": sequence,
            "row_hash": row_hash,
            "row_occurred_at": timestamp_text(row_occurred_at),
            "signed_at": timestamp_text(signed_at),
            "algorithm": algorithm,
        }
    )


def sign_checkpoint(
    mac: Mac, *, sequence: int, row_hash: str, row_occurred_at: datetime, signed_at: datetime
) -> str:
    """HMAC-SM3 signature (hex) of a checkpoint; `mac` is HMAC-SM3 under the checkpoint subkey."""
    return mac(
        checkpoint_message(
            sequence=sequence,
            row_hash=row_hash,
            row_occurred_at=row_occurred_at,
            signed_at=signed_at,
            algorithm=CHECKPOINT_ALGORITHM,
        )
    ).hex()


@dataclass(frozen=True)
class CheckpointData:
    """A stored checkpoint as plain values."""

    sequence: int
    row_hash: str
    row_occurred_at: datetime
    signed_at: datetime
    algorithm: str
    signature: str

    def signature_is_valid(self, mac: Mac) -> bool:
        """True when `signature` is the HMAC-SM3 of this checkpoint under the checkpoint subkey."""
        if self.algorithm != CHECKPOINT_ALGORITHM:
            return False
        expected = sign_checkpoint(
            mac,
            sequence=self.sequence,
            row_hash=self.row_hash,
            row_occurred_at=self.row_occurred_at,
            signed_at=self.signed_at,
        )
        return std_hmac.compare_digest(expected, self.signature)


@dataclass(frozen=True)
class HeadData:
    """The chain head as plain values: the last sequence appended and its hash."""

    last_sequence: int
    last_hash: str


@dataclass(frozen=True)
class Finding:
    """The first thing wrong with the chain: an English code, the first bad sequence, message params."""

    code: str
    sequence: int | None
    params: dict[str, Any] = field(default_factory=dict)


class ChainVerifier:
    """Checks rows fed one at a time in sequence order; holds only the previous row, never the log.

    Usage: `v = ChainVerifier(...)`, `v.feed(row)` for each row while it returns True, then
    `v.finish(heads)` returns the first Finding or None. A row is a mapping with HASHED_FIELDS and
    `row_hash`.

    `anchor` starts verification at a trusted (signed) checkpoint instead of the oldest row — used to check
    only what was appended since the last checkpoint before signing the next one.
    """

    def __init__(
        self,
        *,
        checkpoints: Iterable[CheckpointData],
        mac: Mac,
        now: datetime,
        hashers: Mapping[str, Hasher] = DEFAULT_HASHERS,
        anchor: CheckpointData | None = None,
        min_retention: timedelta = timedelta(days=MIN_RETENTION_DAYS),
    ) -> None:
        self.checkpoints = {c.sequence: c for c in checkpoints}
        self.now = now
        self.hashers = hashers
        self.min_retention = min_retention
        self.anchor = anchor
        self.finding: Finding | None = None
        self.count = 0
        self.first_sequence: int | None = None
        self.start_anchor: CheckpointData | None = None
        self.last_sequence = 0
        self.last_hash = GENESIS_HASH
        self.last_occurred_at: datetime | None = None
        self._expected_sequence: int | None = None
        self._expected_prev = GENESIS_HASH
        # A forged checkpoint would vouch for forged history: check every signature before any row.
        for checkpoint in sorted(self.checkpoints.values(), key=lambda c: c.sequence):
            if not checkpoint.signature_is_valid(mac):
                self.finding = Finding("checkpoint_signature_invalid", checkpoint.sequence)
                break
        if anchor is not None and self.finding is None:
            if not anchor.signature_is_valid(mac):
                self.finding = Finding("checkpoint_signature_invalid", anchor.sequence)
            else:
                self._begin_at(anchor)

    def _begin_at(self, anchor: CheckpointData) -> None:
        self.start_anchor = anchor
        self._expected_sequence = anchor.sequence + 1
        self._expected_prev = anchor.row_hash
        self.last_sequence = anchor.sequence
        self.last_hash = anchor.row_hash
        self.last_occurred_at = anchor.row_occurred_at

    def _first_missing_before(self, sequence: int) -> int:
        """The first row that cannot be accounted for below `sequence` (after the last lawful prune)."""
        earlier = [s for s in self.checkpoints if s < sequence - 1]
        return max(earlier) + 1 if earlier else 1

    def _start(self, sequence: int) -> bool:
        """Decide where the chain begins when its oldest remaining row is `sequence`."""
        if sequence == 1:
            self._expected_sequence = 1
            self._expected_prev = GENESIS_HASH
            return True
        anchor = self.checkpoints.get(sequence - 1)
        if anchor is None:
            first = self._first_missing_before(sequence)
            self.finding = Finding("rows_missing_at_start", first, {"first": first, "last": sequence - 1})
            return False
        if anchor.row_occurred_at > self.now - self.min_retention:
            first = self._first_missing_before(sequence)
            self.finding = Finding(
                "pruned_within_retention",
                first,
                {"first": first, "last": sequence - 1, "days": self.min_retention.days},
            )
            return False
        self._begin_at(anchor)
        return True

    def feed(self, row: Mapping[str, Any]) -> bool:
        """Check one row; False once something is wrong (the caller stops iterating)."""
        if self.finding is not None:
            return False
        sequence = row["sequence"]
        if self._expected_sequence is None and not self._start(sequence):
            return False
        expected = self._expected_sequence
        if sequence != expected:
            code = "sequence_gap" if sequence > expected else "sequence_duplicate"
            self.finding = Finding(code, expected, {"found": sequence})
            return False
        if row["prev_hash"] != self._expected_prev:
            self.finding = Finding("prev_hash_mismatch", sequence)
            return False
        if row["algorithm"] not in self.hashers:
            self.finding = Finding("unknown_algorithm", sequence, {"algorithm": row["algorithm"]})
            return False
        try:
            computed: str | None = compute_row_hash(row, self.hashers)
        except (TypeError, ValueError):
            # A row that cannot be serialised (naive time, NaN in the detail) matches no stored hash — not
            # even an empty one.
            computed = None
        if computed is None or not std_hmac.compare_digest(computed, row["row_hash"]):
            self.finding = Finding("row_hash_mismatch", sequence)
            return False
        checkpoint = self.checkpoints.get(sequence)
        if checkpoint is not None and (
            checkpoint.row_hash != row["row_hash"] or checkpoint.row_occurred_at != row["occurred_at"]
        ):
            # The row and its successors hash correctly but disagree with what was signed: the chain
            # was recomputed after an edit by someone without the key.
            self.finding = Finding("checkpoint_mismatch", sequence)
            return False
        if self.first_sequence is None:
            self.first_sequence = sequence
        self.count += 1
        self.last_sequence = sequence
        self.last_hash = row["row_hash"]
        self.last_occurred_at = row["occurred_at"]
        self._expected_sequence = sequence + 1
        self._expected_prev = row["row_hash"]
        return True

    def finish(self, heads: Iterable[HeadData | None]) -> Finding | None:
        """Check the end of the chain against the head(s) read before and after the rows.

        Rows appended while verifying are tolerated: the head read before the rows can only be behind the
        last row seen, the one read after can only be ahead of it.
        """
        if self.finding is not None:
            return self.finding
        present = [h for h in heads if h is not None]
        if self.count == 0 and self._expected_sequence is None:
            return self._finish_without_rows(present)
        last = self.last_sequence
        signed_beyond = [s for s in self.checkpoints if s > last]
        if signed_beyond:
            self.finding = Finding("rows_missing_at_end", last + 1, {"until": max(signed_beyond)})
            return self.finding
        if not present:
            self.finding = Finding("head_missing", last or None)
            return self.finding
        low = min(present, key=lambda h: h.last_sequence)
        high = max(present, key=lambda h: h.last_sequence)
        if last < low.last_sequence:
            self.finding = Finding("rows_missing_at_end", last + 1, {"until": low.last_sequence})
        elif last > high.last_sequence:
            self.finding = Finding("rows_beyond_head", high.last_sequence + 1, {"head": high.last_sequence})
        elif any(h.last_sequence == last and h.last_hash != self.last_hash for h in present):
            self.finding = Finding("head_mismatch", last or None)
        return self.finding

    def _finish_without_rows(self, present: list[HeadData]) -> Finding | None:
        """No row at all: an empty log, or everything up to the head pruned at a signed checkpoint."""
        head_sequence = max((h.last_sequence for h in present), default=0)
        if head_sequence == 0:
            if self.checkpoints:
                self.finding = Finding("rows_missing_at_end", 1, {"until": max(self.checkpoints)})
            return self.finding
        if not self._start(head_sequence + 1):
            return self.finding
        anchor = self.start_anchor
        if anchor is None or any(h.last_hash != anchor.row_hash for h in present):
            self.finding = Finding("head_mismatch", head_sequence)
        return self.finding
