"""verify_chain() detects every edit, deletion and reordering (SEC-4, REL-5).

Tampering is done with raw SQL, as someone with database access would; the same tests run on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from shuping.audit.chain import compute_row_hash
from shuping.audit.models import AuditEvent, Checkpoint
from shuping.audit.services import create_checkpoint, prune_audit, record
from shuping.audit.verify import verify_chain

from .conftest import frozen_at, sql, sql_datetime, sql_json_placeholder

OTHER_AUDIT_KEY = "b3RoZXIta2V5LW9mLTMyLWJ5dGVzLWZvci10ZXN0cyE="


def assert_broken(*, at: int | None, code: str) -> None:
    result = verify_chain()
    assert not result.ok
    assert (result.first_bad_sequence, result.code) == (at, code), result.message
    if at is not None:
        assert f"第 {at} " in result.message
    assert code in str(result)


@pytest.mark.req("SEC-4")
def test_an_intact_log_verifies(chain):
    result = verify_chain()
    assert result.ok
    assert (result.count, result.code, result.first_bad_sequence) == (5, "ok", None)
    assert result.message == "审计日志完整：5 条记录"


def test_an_empty_log_verifies(db):
    result = verify_chain()
    assert (result.ok, result.count, result.message) == (True, 0, "审计日志完整：0 条记录")


def test_verification_streams_rows_in_small_chunks(people):
    for n in range(25):
        record(actor=people["wang"], action="orgs.update", detail={"n": n})
    result = verify_chain(chunk_size=3)
    assert (result.ok, result.count) == (True, 25)


@pytest.mark.req("SEC-4", "REL-5")
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "orgs.delete"),
        ("actor_name", "组织部 李部长（li）"),
        ("on_behalf_of", "县委书记 李四"),
        ("target_label", "中共丁县委员会"),
        ("source", "api"),
        ("outcome", "failed"),
        ("algorithm", "sha256"),
        ("prev_hash", "f" * 64),
        ("row_hash", "e" * 64),
    ],
)
def test_editing_any_column_of_a_row_is_detected_and_named(chain, column, value):
    sql(f"UPDATE audit_auditevent SET {column} = %s WHERE sequence = %s", [value, 3])
    expected = {"algorithm": "unknown_algorithm", "prev_hash": "prev_hash_mismatch"}.get(
        column, "row_hash_mismatch"
    )
    assert_broken(at=3, code=expected)


@pytest.mark.req("SEC-4", "REL-5")
def test_editing_the_time_of_a_row_is_detected(chain):
    moved = chain[2].occurred_at - timedelta(hours=1)
    sql("UPDATE audit_auditevent SET occurred_at = %s WHERE sequence = %s", [sql_datetime(moved), 3])
    assert_broken(at=3, code="row_hash_mismatch")


@pytest.mark.req("SEC-4", "REL-5")
def test_editing_the_detail_of_a_row_is_detected(chain):
    sql(
        f"UPDATE audit_auditevent SET detail = {sql_json_placeholder()} WHERE sequence = %s",
        ['{"words": 1}', 3],
    )
    assert_broken(at=3, code="row_hash_mismatch")


@pytest.mark.req("SEC-4", "REL-5")
def test_changing_who_acted_is_detected(chain, people):
    sql("UPDATE audit_auditevent SET actor_id = %s WHERE sequence = %s", [people["li"].pk, 3])
    assert_broken(at=3, code="row_hash_mismatch")


@pytest.mark.req("SEC-4", "REL-5")
def test_deleting_a_row_in_the_middle_is_detected_and_named(chain):
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [3])
    assert_broken(at=3, code="sequence_gap")


@pytest.mark.req("SEC-4", "REL-5")
def test_deleting_the_first_row_is_detected(chain):
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [1])
    assert_broken(at=1, code="rows_missing_at_start")


@pytest.mark.req("SEC-4", "REL-5")
def test_deleting_the_last_row_is_detected_by_the_chain_head(chain):
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [5])
    assert_broken(at=5, code="rows_missing_at_end")


@pytest.mark.req("SEC-4", "REL-5")
def test_deleting_a_row_and_renumbering_the_rest_is_detected(chain):
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [3])
    for sequence in (4, 5):
        sql("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [sequence - 1, sequence])
    sql("UPDATE audit_chainhead SET last_sequence = %s", [4])
    assert_broken(at=3, code="prev_hash_mismatch")


def _swap(first: int, second: int) -> None:
    parking = 10**12
    sql("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [parking, first])
    sql("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [first, second])
    sql("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [second, parking])


@pytest.mark.req("SEC-4", "REL-5")
def test_swapping_two_rows_is_detected_and_named(chain):
    _swap(2, 4)
    assert_broken(at=2, code="prev_hash_mismatch")


@pytest.mark.req("SEC-4", "REL-5")
def test_swapping_neighbours_is_detected(chain):
    _swap(4, 5)
    assert_broken(at=4, code="prev_hash_mismatch")


@pytest.mark.req("SEC-4", "REL-5")
def test_a_tampered_chain_head_hash_is_detected(chain):
    sql("UPDATE audit_chainhead SET last_hash = %s", ["a" * 64])
    assert_broken(at=5, code="head_mismatch")


@pytest.mark.req("SEC-4", "REL-5")
def test_a_chain_head_rewound_to_hide_rows_is_detected(chain):
    sql("UPDATE audit_chainhead SET last_sequence = %s, last_hash = %s", [3, chain[2].row_hash])
    assert_broken(at=4, code="rows_beyond_head")


@pytest.mark.req("SEC-4", "REL-5")
def test_a_deleted_chain_head_is_detected(chain):
    sql("DELETE FROM audit_chainhead")
    result = verify_chain()
    assert (result.ok, result.code) == (False, "head_missing")
    assert "链头缺失" in result.message


@pytest.mark.req("SEC-4", "REL-5")
def test_truncating_the_tail_and_rewinding_the_head_is_caught_by_a_checkpoint(chain):
    create_checkpoint()
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [5])
    sql("UPDATE audit_chainhead SET last_sequence = %s, last_hash = %s", [4, chain[3].row_hash])
    assert_broken(at=5, code="rows_missing_at_end")


@pytest.mark.req("SEC-4", "REL-5")
def test_a_chain_recomputed_after_an_edit_is_caught_by_a_checkpoint(chain):
    # The hash chain alone is keyless: an attacker can fix every hash after an edit. The signed
    # checkpoint cannot be fixed without the key.
    create_checkpoint()
    sql("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["orgs.delete", 3])
    previous = chain[1].row_hash
    for sequence in (3, 4, 5):
        row = AuditEvent.objects.get(sequence=sequence)
        fields = {**row.hashed_fields(), "prev_hash": previous}
        previous = compute_row_hash(fields)
        sql(
            "UPDATE audit_auditevent SET prev_hash = %s, row_hash = %s WHERE sequence = %s",
            [fields["prev_hash"], previous, sequence],
        )
    sql("UPDATE audit_chainhead SET last_hash = %s", [previous])
    assert_broken(at=5, code="checkpoint_mismatch")


@pytest.mark.req("SEC-4", "REL-5")
def test_an_altered_checkpoint_is_detected(chain):
    checkpoint = create_checkpoint()
    sql("UPDATE audit_checkpoint SET row_hash = %s WHERE id = %s", ["b" * 64, checkpoint.pk])
    assert_broken(at=5, code="checkpoint_signature_invalid")


@pytest.mark.req("SEC-4", "REL-5")
def test_a_checkpoint_signed_with_another_key_is_rejected(chain):
    with override_settings(SHUPING_AUDIT_KEY=OTHER_AUDIT_KEY):
        create_checkpoint()
    assert_broken(at=5, code="checkpoint_signature_invalid")


@pytest.mark.req("SEC-4", "REL-5")
def test_a_forged_checkpoint_cannot_excuse_deleted_rows(chain):
    long_ago = timezone.now() - timedelta(days=400)
    Checkpoint.objects.create(
        sequence=2,
        row_hash=chain[1].row_hash,
        row_occurred_at=long_ago,
        signed_at=long_ago,
        signature="0" * 64,
    )
    sql("DELETE FROM audit_auditevent WHERE sequence <= %s", [2])
    assert_broken(at=2, code="checkpoint_signature_invalid")


@pytest.mark.req("SEC-4", "REL-5")
def test_rows_deleted_within_retention_are_detected_even_at_a_checkpoint(chain):
    create_checkpoint()
    record(actor=None, action="jobs.finish", source="job")
    sql("DELETE FROM audit_auditevent WHERE sequence <= %s", [5])
    assert_broken(at=1, code="pruned_within_retention")


@pytest.mark.req("SEC-4")
def test_after_a_lawful_prune_verification_starts_from_the_signed_checkpoint(people):
    with frozen_at(timezone.now() - timedelta(days=200)):
        for _ in range(4):
            record(actor=people["wang"], action="orgs.create")
        create_checkpoint()
    record(actor=people["li"], action="campaigns.open")
    assert prune_audit().deleted == 4
    result = verify_chain()
    assert result.ok, result.message
    assert (result.anchor_sequence, result.first_sequence, result.last_sequence) == (4, 5, 6)


@pytest.mark.req("SEC-4", "REL-5")
def test_deleting_rows_after_a_lawful_prune_is_detected(people):
    with frozen_at(timezone.now() - timedelta(days=200)):
        for _ in range(4):
            record(actor=people["wang"], action="orgs.create")
        create_checkpoint()
    for _ in range(3):
        record(actor=people["li"], action="campaigns.open")
    prune_audit()
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [5])
    assert_broken(at=5, code="rows_missing_at_start")


def test_appends_made_while_verifying_are_not_taken_for_tampering(chain, monkeypatch):
    # Simulate a writer committing between the head read before the rows and the one after.
    from shuping.audit import verify as verify_module

    reads = []
    real_read = verify_module._read_head

    def read_and_append():
        reads.append(1)
        if len(reads) == 2:
            record(actor=None, action="jobs.finish", source="job")
        return real_read()

    monkeypatch.setattr(verify_module, "_read_head", read_and_append)
    result = verify_chain()
    assert result.ok, result.message
