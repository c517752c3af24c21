"""The audit chain's verification rules, fed made-up rows and checkpoints — no database (SEC-4, INT-2, INT-4).

Each case tampers with a valid chain the way an attacker with write access to the table could (delete the
tail and rewind the head, rewrite a row and recompute the chain, reorder, forge a checkpoint, prune too
early) and pins the exact finding `ChainVerifier` reports: its code, the first bad sequence and its
parameters, and the Chinese message `describe` makes of it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from shuping.audit.chain import (
    CHECKPOINT_ALGORITHM,
    GENESIS_HASH,
    MIN_RETENTION_DAYS,
    ChainVerifier,
    CheckpointData,
    Finding,
    HeadData,
    canonical_bytes,
    checkpoint_message,
    compute_row_hash,
    sign_checkpoint,
    software_sm3_hex,
    timestamp_text,
)
from shuping.audit.verify import describe
from shuping.core.crypto import SoftwareProvider

pytestmark = pytest.mark.req("INT-4", "INT-2")

T0 = datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)
NOW = T0 + timedelta(days=400)
provider = SoftwareProvider(master_key=b"k" * 32)


def mac(data: bytes) -> bytes:
    return provider.hmac_sm3("audit-checkpoint", data)


def other_mac(data: bytes) -> bytes:
    return SoftwareProvider(master_key=b"x" * 32).hmac_sm3("audit-checkpoint", data)


def make_row(sequence: int, prev_hash: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "sequence": sequence,
        "occurred_at": T0 + timedelta(seconds=sequence),
        "actor_id": 7,
        "actor_name": "组织科 王干事（wang）",
        "on_behalf_of": "",
        "action": "orgs.update",
        "target_type": "orgs.organization",
        "target_id": "42",
        "target_label": "中共乙县委员会",
        "source": "web",
        "outcome": "success",
        "detail": {"n": sequence},
        "algorithm": "sm3",
        "prev_hash": prev_hash,
        **changes,
    }
    fields["row_hash"] = compute_row_hash(fields)
    return fields


def chain(count: int, start: int = 1, prev: str = GENESIS_HASH) -> list[dict[str, Any]]:
    result = []
    for sequence in range(start, start + count):
        result.append(make_row(sequence, prev))
        prev = result[-1]["row_hash"]
    return result


def checkpoint(row: dict[str, Any], signed_at: datetime | None = None, sign: Any = mac) -> CheckpointData:
    signed_at = signed_at or row["occurred_at"] + timedelta(minutes=1)
    return CheckpointData(
        sequence=row["sequence"],
        row_hash=row["row_hash"],
        row_occurred_at=row["occurred_at"],
        signed_at=signed_at,
        algorithm=CHECKPOINT_ALGORITHM,
        signature=sign_checkpoint(
            sign,
            sequence=row["sequence"],
            row_hash=row["row_hash"],
            row_occurred_at=row["occurred_at"],
            signed_at=signed_at,
        ),
    )


def head_of(row: dict[str, Any]) -> HeadData:
    return HeadData(last_sequence=row["sequence"], last_hash=row["row_hash"])


def run(
    rows: Iterable[dict[str, Any]],
    heads: Iterable[HeadData | None],
    checkpoints: Iterable[CheckpointData] = (),
    **options: Any,
) -> tuple[Finding | None, ChainVerifier]:
    verifier = ChainVerifier(checkpoints=checkpoints, mac=mac, now=options.pop("now", NOW), **options)
    for row in rows:
        ok = verifier.feed(row)
        # The contract the callers rely on: False exactly when a finding was made (they stop reading then).
        assert ok is (verifier.finding is None), (row["sequence"], ok, verifier.finding)
        if not ok:
            break
    return verifier.finish(heads), verifier


# --- serialisation, hashing and signing -------------------------------------------------------------------


def test_the_sm3_known_answer():
    # GB/T 32905-2016, appendix A.1.
    assert software_sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_timestamps_are_utc_with_microseconds():
    plus8 = timezone(timedelta(hours=8))
    assert timestamp_text(datetime(2025, 3, 1, 17, 30, tzinfo=plus8)) == "2025-03-01T09:30:00.000000+00:00"
    with pytest.raises(ValueError, match=r"^audit timestamps must be timezone-aware$"):
        timestamp_text(datetime(2025, 3, 1, 9, 30))


def test_the_canonical_form_is_sorted_compact_utf8_json():
    row = make_row(3, "ab" * 32, detail={"z": 1, "a": "评"})
    expected = (
        '{"action":"orgs.update","actor_id":7,"actor_name":"组织科 王干事（wang）","algorithm":"sm3",'
        '"detail":{"a":"评","z":1},"occurred_at":"2025-03-01T09:30:03.123456+00:00","on_behalf_of":"",'
        f'"outcome":"success","prev_hash":"{"ab" * 32}","sequence":3,"source":"web",'
        '"target_id":"42","target_label":"中共乙县委员会","target_type":"orgs.organization"}'
    ).encode()
    assert canonical_bytes(row) == expected
    assert row["row_hash"] == software_sm3_hex(expected)


def test_a_nan_in_the_detail_is_refused():
    with pytest.raises(ValueError):
        canonical_bytes(make_row(1, GENESIS_HASH, detail={"x": 1}) | {"detail": {"x": math.nan}})


def test_the_checkpoint_message_and_signature():
    plus8 = timezone(timedelta(hours=8))
    message = checkpoint_message(
        sequence=5,
        row_hash="cd" * 32,
        row_occurred_at=datetime(2025, 3, 1, 17, 30, tzinfo=plus8),
        signed_at=datetime(2025, 3, 2, 9, 0, 0, 1, tzinfo=UTC),
        algorithm="hmac-sm3",
    )
    assert (
        message
        == (
            '{"algorithm":"hmac-sm3","label":"shuping/audit/checkpoint/v1",'
            f'"row_hash":"{"cd" * 32}","row_occurred_at":"2025-03-01T09:30:00.000000+00:00",'
            '"sequence":5,"signed_at":"2025-03-02T09:00:00.000001+00:00"}'
        ).encode()
    )
    seen: list[bytes] = []

    def recording(data: bytes) -> bytes:
        seen.append(data)
        return b"\x01\xfe"

    signature = sign_checkpoint(
        recording,
        sequence=5,
        row_hash="cd" * 32,
        row_occurred_at=datetime(2025, 3, 1, 17, 30, tzinfo=plus8),
        signed_at=datetime(2025, 3, 2, 9, 0, 0, 1, tzinfo=UTC),
    )
    assert signature == "01fe"
    assert seen == [message]


def test_a_checkpoint_signature_is_valid_only_unchanged_and_under_the_key():
    good = checkpoint(chain(1)[0])
    assert good.signature_is_valid(mac) is True
    assert good.signature_is_valid(other_mac) is False
    changes = {
        "sequence": 2,
        "row_hash": "00" + good.row_hash[2:],
        "row_occurred_at": good.row_occurred_at + timedelta(microseconds=1),
        "signed_at": good.signed_at + timedelta(microseconds=1),
        "signature": "00" + good.signature[2:] if good.signature[:2] != "00" else "11" + good.signature[2:],
    }
    for name, value in changes.items():
        altered = CheckpointData(**{**good.__dict__, name: value})
        assert altered.signature_is_valid(mac) is False, name
    # Another algorithm name is refused even with a signature made over the same message.
    other = CheckpointData(**{**good.__dict__, "algorithm": "hmac-sha256"})
    assert other.signature_is_valid(mac) is False


# --- a clean chain ----------------------------------------------------------------------------------------


def test_a_clean_chain_is_accepted_and_its_range_recorded():
    rows = chain(5)
    finding, verifier = run(rows, [head_of(rows[2]), head_of(rows[-1])], [checkpoint(rows[1])])
    assert finding is None
    # A checkpoint at the very last row signs nothing beyond it.
    assert run(rows, [head_of(rows[-1])], [checkpoint(rows[1]), checkpoint(rows[-1])])[0] is None
    assert (verifier.count, verifier.first_sequence, verifier.last_sequence) == (5, 1, 5)
    assert verifier.last_hash == rows[-1]["row_hash"]
    assert verifier.last_occurred_at == rows[-1]["occurred_at"]
    assert verifier.start_anchor is None
    assert describe(finding, 5) == "审计日志完整：5 条记录"


def test_a_fresh_verifier_starts_at_the_genesis():
    verifier = ChainVerifier(checkpoints=[], mac=mac, now=NOW)
    assert (verifier.count, verifier.first_sequence, verifier.last_sequence) == (0, None, 0)
    assert verifier.last_hash == GENESIS_HASH and verifier.last_occurred_at is None
    assert verifier.finding is None and verifier.start_anchor is None and verifier.anchor is None
    assert verifier.min_retention == timedelta(days=MIN_RETENTION_DAYS) == timedelta(days=180)
    assert verifier.now == NOW


def test_an_empty_log_without_a_head_or_checkpoint_is_intact():
    assert run([], [None])[0] is None
    assert run([], [])[0] is None
    assert run([], [HeadData(0, GENESIS_HASH)])[0] is None


# --- forged checkpoints -----------------------------------------------------------------------------------


def test_a_forged_checkpoint_is_reported_before_any_row():
    rows = chain(6)
    forged = [checkpoint(rows[4], sign=other_mac), checkpoint(rows[1], sign=other_mac)]
    finding, verifier = run(rows, [head_of(rows[-1])], [checkpoint(rows[0]), *forged])
    assert finding == Finding("checkpoint_signature_invalid", 2)
    assert verifier.count == 0
    assert verifier.feed(rows[0]) is False
    assert describe(finding, 0) == "第 2 条的签名检查点签名无效（检查点被伪造或篡改）"


def test_a_forged_anchor_is_refused_and_a_true_one_starts_the_check_after_it():
    rows = chain(6)
    finding, _ = run(rows[3:], [head_of(rows[-1])], anchor=checkpoint(rows[2], sign=other_mac))
    assert finding == Finding("checkpoint_signature_invalid", 3)
    anchor = checkpoint(rows[2])
    finding, verifier = run(rows[3:], [head_of(rows[-1])], anchor=anchor)
    assert finding is None
    assert verifier.start_anchor == anchor
    assert (verifier.count, verifier.first_sequence, verifier.last_sequence) == (3, 4, 6)
    # Anchored at row 3, row 5 first is a gap at 4 — the anchor sets what comes next.
    finding, _ = run(rows[4:], [head_of(rows[-1])], anchor=anchor)
    assert finding == Finding("sequence_gap", 4, {"found": 5})
    # Nothing appended since the anchor: the anchored row is the last one.
    finding, verifier = run([], [head_of(rows[2])], anchor=anchor)
    assert finding is None
    assert (verifier.last_sequence, verifier.last_hash) == (3, rows[2]["row_hash"])
    assert verifier.last_occurred_at == rows[2]["occurred_at"]


def test_a_forged_anchor_is_reported_even_with_valid_checkpoints():
    rows = chain(4)
    finding, _ = run(
        rows[2:], [head_of(rows[-1])], [checkpoint(rows[0])], anchor=checkpoint(rows[1], sign=other_mac)
    )
    assert finding == Finding("checkpoint_signature_invalid", 2)


# --- rewrites ---------------------------------------------------------------------------------------------


def test_an_edited_row_is_named():
    rows = chain(5)
    rows[2] = {**rows[2], "target_label": "别的单位"}
    finding, verifier = run(rows, [head_of(rows[-1])])
    assert finding == Finding("row_hash_mismatch", 3)
    assert verifier.count == 2 and verifier.last_sequence == 2
    assert describe(finding, 2) == "第 3 条记录内容与哈希不符（记录被修改）"


@pytest.mark.parametrize("bad", [{"occurred_at": datetime(2025, 3, 1)}, {"detail": {"x": object()}}])
def test_a_row_that_cannot_be_serialised_is_a_mismatch(bad):
    rows = chain(2)
    rows[1] = {**rows[1], **bad}
    assert run(rows, [head_of(rows[-1])])[0] == Finding("row_hash_mismatch", 2)
    # Not even an emptied hash column lets such a row through.
    rows[1] = {**rows[1], "row_hash": ""}
    assert run(rows, [HeadData(2, "")])[0] == Finding("row_hash_mismatch", 2)


def test_a_nan_detail_with_an_emptied_hash_is_refused():
    rows = chain(2)
    rows[1] = {**rows[1], "detail": {"x": math.nan}, "row_hash": ""}
    assert run(rows, [HeadData(2, "")])[0] == Finding("row_hash_mismatch", 2)


def test_a_rewritten_and_recomputed_chain_is_caught_by_the_checkpoint():
    rows = chain(5)
    signed = checkpoint(rows[3])
    forged = chain(2)
    forged.append(make_row(3, forged[1]["row_hash"], target_label="别的单位"))
    forged += chain(2, start=4, prev=forged[2]["row_hash"])
    finding, verifier = run(forged, [head_of(forged[-1])], [signed])
    assert finding == Finding("checkpoint_mismatch", 4)
    assert verifier.count == 3


def test_a_checkpoint_pinning_another_time_disagrees_with_the_row():
    rows = chain(3)
    other_time = checkpoint({**rows[1], "occurred_at": rows[1]["occurred_at"] + timedelta(seconds=1)})
    assert other_time.row_hash == rows[1]["row_hash"]
    assert run(rows, [head_of(rows[-1])], [other_time])[0] == Finding("checkpoint_mismatch", 2)


def test_an_unknown_algorithm_is_named():
    rows = chain(2)
    rows.append({**make_row(3, rows[-1]["row_hash"]), "algorithm": "md5"})
    finding, _ = run(rows, [head_of(rows[-1])])
    assert finding == Finding("unknown_algorithm", 3, {"algorithm": "md5"})
    assert describe(finding, 2) == "第 3 条记录的哈希算法“md5”无法识别"


def test_a_second_algorithm_can_be_registered():
    rows = [make_row(1, GENESIS_HASH)]
    hashers = {"sm3": software_sm3_hex, "rev": lambda data: software_sm3_hex(data)[::-1]}
    second = {**make_row(2, rows[0]["row_hash"]), "algorithm": "rev"}
    second["row_hash"] = compute_row_hash(second, hashers)
    finding, verifier = run([rows[0], second], [head_of(second)], hashers=hashers)
    assert finding is None and verifier.count == 2


# --- deletion, insertion and reordering -------------------------------------------------------------------


def test_a_deleted_middle_row_is_a_gap_at_its_sequence():
    rows = chain(5)
    finding, _ = run(rows[:2] + rows[3:], [head_of(rows[-1])])
    assert finding == Finding("sequence_gap", 3, {"found": 4})
    assert describe(finding, 2) == "第 3 条记录缺失（其后是第 4 条；记录被删除或重排）"


def test_swapped_rows_are_reported_where_the_order_breaks():
    rows = chain(5)
    finding, _ = run([rows[0], rows[2], rows[1], *rows[3:]], [head_of(rows[-1])])
    assert finding == Finding("sequence_gap", 2, {"found": 3})
    # Renumbered to hide the swap, the links break instead.
    renumbered = [rows[0], {**rows[2], "sequence": 2}, {**rows[1], "sequence": 3}]
    assert run(renumbered, [head_of(rows[2])])[0] == Finding("prev_hash_mismatch", 2)


def test_a_repeated_row_is_a_duplicate():
    rows = chain(3)
    finding, _ = run([rows[0], rows[1], rows[1], rows[2]], [head_of(rows[-1])])
    assert finding == Finding("sequence_duplicate", 3, {"found": 2})
    assert describe(finding, 2) == "第 3 条记录序号错乱（记录被重排）"


def test_an_inserted_row_breaks_the_link():
    rows = chain(3)
    inserted = make_row(2, GENESIS_HASH)
    finding, verifier = run([rows[0], inserted], [head_of(rows[-1])])
    assert finding == Finding("prev_hash_mismatch", 2)
    assert verifier.count == 1
    assert describe(finding, 1) == "第 2 条记录与前一条的链接断裂（记录被删除、插入或重排）"


def test_the_first_row_must_link_to_the_genesis():
    row = make_row(1, "ff" * 32)
    assert run([row], [head_of(row)])[0] == Finding("prev_hash_mismatch", 1)


# --- the start of the chain: deletion and pruning ---------------------------------------------------------


def test_rows_deleted_at_the_start_without_a_checkpoint():
    rows = chain(6)
    finding, verifier = run(rows[3:], [head_of(rows[-1])])
    assert finding == Finding("rows_missing_at_start", 1, {"first": 1, "last": 3})
    assert verifier.count == 0
    assert describe(finding, 0) == "第 1 至 3 条记录缺失，且没有对应的签名检查点（记录被删除）"
    finding, _ = run(rows[1:], [head_of(rows[-1])])
    assert describe(finding, 0) == "第 1 条记录缺失，且没有对应的签名检查点（记录被删除）"


def test_rows_deleted_after_a_lawful_prune_count_from_the_checkpoint():
    rows = chain(20)
    old = [checkpoint(rows[2]), checkpoint(rows[8]), checkpoint(rows[9])]
    # Oldest remaining row is 15: no checkpoint at 14; the last lawful prune point below is 10.
    finding, _ = run(rows[14:], [head_of(rows[-1])], old)
    assert finding == Finding("rows_missing_at_start", 11, {"first": 11, "last": 14})


def test_a_prune_at_an_old_checkpoint_is_lawful():
    rows = chain(8)
    anchor = checkpoint(rows[4])
    finding, verifier = run(rows[5:], [head_of(rows[-1])], [anchor])
    assert finding is None
    assert verifier.start_anchor == anchor
    assert (verifier.count, verifier.first_sequence, verifier.last_sequence) == (3, 6, 8)


def test_the_retention_boundary():
    rows = chain(8)
    anchor = checkpoint(rows[4])
    exactly = anchor.row_occurred_at + timedelta(days=180)
    assert run(rows[5:], [head_of(rows[-1])], [anchor], now=exactly)[0] is None
    finding, _ = run(rows[5:], [head_of(rows[-1])], [anchor], now=exactly - timedelta(microseconds=1))
    assert finding == Finding("pruned_within_retention", 1, {"first": 1, "last": 5, "days": 180})
    assert describe(finding, 0) == "第 1 至 5 条记录在 180 天保留期内被删除"
    short = timedelta(days=30)
    finding, _ = run(
        rows[5:], [head_of(rows[-1])], [anchor], now=anchor.row_occurred_at + short, min_retention=short
    )
    assert finding is None
    finding, _ = run(rows[5:], [head_of(rows[-1])], [anchor], now=anchor.row_occurred_at, min_retention=short)
    assert finding == Finding("pruned_within_retention", 1, {"first": 1, "last": 5, "days": 30})


def test_a_recent_prune_counts_from_the_previous_checkpoint():
    rows = chain(12)
    checkpoints = [checkpoint(rows[4]), checkpoint(rows[8]), checkpoint(rows[9])]
    # Row 10's checkpoint is within retention; 9 is too, but lies below it: rows 10 is the first lost.
    finding, _ = run(rows[10:], [head_of(rows[-1])], checkpoints, now=rows[9]["occurred_at"])
    assert finding == Finding("pruned_within_retention", 10, {"first": 10, "last": 10, "days": 180})
    assert describe(finding, 0) == "第 10 条记录在 180 天保留期内被删除"


# --- the end of the chain: truncation and the head --------------------------------------------------------


def test_a_truncated_tail_with_the_head_left_is_missing_at_the_end():
    rows = chain(6)
    finding, verifier = run(rows[:4], [head_of(rows[-1])])
    assert finding == Finding("rows_missing_at_end", 5, {"until": 6})
    assert verifier.finding == finding
    assert describe(finding, 4) == "第 5 条起的记录缺失（链头或签名检查点登记到第 6 条；末尾记录被删除）"


def test_a_truncated_tail_with_the_head_rewound_is_caught_by_a_later_checkpoint():
    rows = chain(6)
    finding, _ = run(rows[:3], [head_of(rows[2])], [checkpoint(rows[1]), checkpoint(rows[4])])
    assert finding == Finding("rows_missing_at_end", 4, {"until": 5})
    # Several checkpoints beyond the end: the furthest one is named.
    finding, _ = run(rows[:2], [head_of(rows[1])], [checkpoint(rows[4]), checkpoint(rows[2])])
    assert finding == Finding("rows_missing_at_end", 3, {"until": 5})


def test_a_missing_head_is_reported():
    rows = chain(3)
    finding, _ = run(rows, [None, None])
    assert finding == Finding("head_missing", 3)
    assert describe(finding, 3) == "链头缺失（链头被删除）"


def test_rows_beyond_the_head_are_forged_or_the_head_was_rewound():
    rows = chain(6)
    finding, _ = run(rows, [head_of(rows[3])])
    assert finding == Finding("rows_beyond_head", 5, {"head": 4})
    assert describe(finding, 6) == "第 5 条起的记录未在链头登记（链头只到第 4 条；链头被篡改或记录被伪造）"


def test_rows_appended_while_verifying_are_tolerated_between_the_two_heads():
    rows = chain(6)
    before, after = head_of(rows[2]), head_of(rows[-1])
    assert run(rows[:4], [before, after])[0] is None
    assert run(rows[:4], [after, before])[0] is None
    assert run(rows[:4], [None, before, after])[0] is None
    assert run(rows[:2], [before, after])[0] == Finding("rows_missing_at_end", 3, {"until": 3})
    assert run(rows, [before, head_of(rows[4])])[0] == Finding("rows_beyond_head", 6, {"head": 5})


def test_a_head_with_another_hash_is_tampered():
    rows = chain(4)
    wrong = HeadData(4, rows[2]["row_hash"])
    finding, _ = run(rows, [wrong])
    assert finding == Finding("head_mismatch", 4)
    assert describe(finding, 4) == "链头与第 4 条记录不符（链头被篡改）"
    # Only a head at the last row is compared: an earlier one (read before) needs no match.
    assert run(rows, [HeadData(2, "00" * 32), head_of(rows[-1])])[0] is None
    assert run(rows, [head_of(rows[-1]), wrong])[0] == Finding("head_mismatch", 4)


def test_finish_repeats_the_finding():
    rows = chain(3)
    verifier = ChainVerifier(checkpoints=[], mac=mac, now=NOW)
    for row in rows:
        assert verifier.feed(row) is True
    assert verifier.feed(rows[0]) is False
    finding = Finding("sequence_duplicate", 4, {"found": 1})
    assert verifier.finish([head_of(rows[-1])]) == finding
    assert verifier.finish([]) == finding
    assert verifier.feed(make_row(4, rows[-1]["row_hash"])) is False


# --- no rows at all ---------------------------------------------------------------------------------------


def test_no_rows_but_checkpoints_means_everything_was_deleted():
    rows = chain(4)
    finding, _ = run([], [None], [checkpoint(rows[3]), checkpoint(rows[1])])
    assert finding == Finding("rows_missing_at_end", 1, {"until": 4})
    finding, _ = run([], [HeadData(0, GENESIS_HASH)], [checkpoint(rows[1])])
    assert finding == Finding("rows_missing_at_end", 1, {"until": 2})


def test_no_rows_but_a_head_without_checkpoint_means_deletion():
    rows = chain(4)
    finding, _ = run([], [head_of(rows[-1])])
    assert finding == Finding("rows_missing_at_start", 1, {"first": 1, "last": 4})
    finding, _ = run([], [head_of(rows[1]), head_of(rows[-1])])
    assert finding == Finding("rows_missing_at_start", 1, {"first": 1, "last": 4})


def test_everything_pruned_at_an_old_checkpoint_matching_the_head_is_intact():
    rows = chain(4)
    signed = checkpoint(rows[-1])
    finding, verifier = run([], [head_of(rows[-1]), None], [checkpoint(rows[1]), signed])
    assert finding is None
    assert verifier.start_anchor == signed
    assert (verifier.last_sequence, verifier.last_hash) == (4, rows[-1]["row_hash"])


def test_everything_pruned_but_the_head_disagrees_with_the_checkpoint():
    rows = chain(4)
    signed = checkpoint(rows[-1])
    finding, _ = run([], [HeadData(4, rows[2]["row_hash"])], [signed])
    assert finding == Finding("head_mismatch", 4)
    finding, _ = run([], [head_of(rows[-1]), HeadData(4, "11" * 32)], [signed])
    assert finding == Finding("head_mismatch", 4)


def test_everything_pruned_too_recently():
    rows = chain(4)
    signed = checkpoint(rows[-1])
    finding, _ = run([], [head_of(rows[-1])], [signed], now=rows[-1]["occurred_at"] + timedelta(days=1))
    assert finding == Finding("pruned_within_retention", 1, {"first": 1, "last": 4, "days": 180})
