"""The pure chain rules: canonical serialisation, hashing, streaming verification (SEC-4)."""

from __future__ import annotations

import resource
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.audit.chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    ChainVerifier,
    HeadData,
    canonical_bytes,
    compute_row_hash,
    software_sm3_hex,
)
from shuping.core.crypto import SoftwareProvider

T0 = datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)
provider = SoftwareProvider(master_key=b"k" * 32)


def mac(data: bytes) -> bytes:
    return provider.hmac_sm3("audit-checkpoint", data)


def row(sequence: int, prev_hash: str, **changes: Any) -> dict[str, Any]:
    fields = {
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


def rows(count: int) -> Iterator[dict[str, Any]]:
    """A valid chain produced lazily, one row at a time."""
    previous = GENESIS_HASH
    for sequence in range(1, count + 1):
        current = row(sequence, previous)
        previous = current["row_hash"]
        yield current


def verifier() -> ChainVerifier:
    return ChainVerifier(checkpoints=[], mac=mac, now=T0 + timedelta(days=1))


def test_the_provider_sm3_and_the_pure_default_agree():
    data = canonical_bytes(row(1, GENESIS_HASH))
    assert provider.sm3_hex(data) == software_sm3_hex(data)
    assert software_sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.integers() | st.text(max_size=12), max_size=8))
def test_the_serialisation_does_not_depend_on_key_order(detail):
    reordered = dict(reversed(list(detail.items())))
    assert canonical_bytes(row(1, GENESIS_HASH, detail=detail)) == canonical_bytes(
        row(1, GENESIS_HASH, detail=reordered)
    )


def test_the_same_instant_in_another_zone_hashes_the_same():
    beijing = T0.astimezone(timezone(timedelta(hours=8)))
    assert compute_row_hash(row(1, GENESIS_HASH)) == compute_row_hash(
        row(1, GENESIS_HASH, occurred_at=beijing + timedelta(seconds=1))
    )


def test_naive_timestamps_are_refused():
    with pytest.raises(ValueError):
        canonical_bytes({**row(1, GENESIS_HASH), "occurred_at": T0.replace(tzinfo=None)})


@pytest.mark.req("SEC-4")
@pytest.mark.parametrize("name", [n for n in HASHED_FIELDS if n not in {"algorithm"}])
def test_every_hashed_field_changes_the_hash(name):
    original = row(1, GENESIS_HASH)
    changed = dict(original)
    changed[name] = {
        "sequence": 2,
        "occurred_at": T0 + timedelta(microseconds=1),
        "actor_id": None,
        "detail": {"n": 2},
    }.get(name, "x")
    assert compute_row_hash(changed) != original["row_hash"]


def test_the_verifier_accepts_a_valid_chain_and_names_an_edit():
    good = verifier()
    chain = list(rows(6))
    assert all(good.feed(r) for r in chain)
    assert good.finish([HeadData(6, chain[-1]["row_hash"])]) is None
    chain[3] = {**chain[3], "action": "orgs.delete"}
    bad = verifier()
    for r in chain:
        if not bad.feed(r):
            break
    finding = bad.finish([HeadData(6, chain[-1]["row_hash"])])
    assert (finding.code, finding.sequence) == ("row_hash_mismatch", 4)


def test_the_verifier_keeps_no_rows_in_memory():
    checker = verifier()
    tracemalloc.start()
    for current in rows(5_000):
        assert checker.feed(current)
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # 5,000 rows held in memory would take megabytes; the verifier keeps one row's worth of state.
    assert peak < 512 * 1024
    assert checker.count == 5_000


@pytest.mark.slow
def test_a_million_rows_are_verified_without_growing_the_process():
    count = 1_000_000
    checker = verifier()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    last = None
    for current in rows(count):
        assert checker.feed(current)
        last = current
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert checker.finish([HeadData(count, last["row_hash"])]) is None
    assert checker.count == count
    # A million rows held would take well over a gigabyte.
    assert grown_kib < 64 * 1024
