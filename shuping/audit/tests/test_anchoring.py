"""INT-2: the audit chain anchored outside the database — signed checkpoints in SHUPING_AUDIT_SINK catch a
truncated tail, a rewritten and recomputed chain and reordered rows even after the attacker deleted the
checkpoints stored in the database; database triggers refuse UPDATE and DELETE on audit rows.

The attacker here has database superuser rights (`sql()` runs past the triggers) but no access to the sink
and no audit key.
"""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from shuping.audit import sink
from shuping.audit.chain import compute_row_hash
from shuping.audit.models import AuditEvent, Checkpoint
from shuping.audit.services import create_checkpoint, prune_audit, record
from shuping.audit.verify import verify_chain
from shuping.core import periodic

from .conftest import frozen_at, on_postgres, plain_sql, sql

OTHER_AUDIT_KEY = "b3RoZXIta2V5LW9mLTMyLWJ5dGVzLWZvci10ZXN0cyE="


@pytest.fixture
def sink_file(tmp_path, settings):
    path = tmp_path / "offsite" / "checkpoints.jsonl"
    settings.SHUPING_AUDIT_SINK = str(path)
    return path


def signed(django_capture_on_commit_callbacks) -> Checkpoint:
    """A checkpoint, with its on-commit export to the sink run as a committed transaction would."""
    with django_capture_on_commit_callbacks(execute=True):
        return create_checkpoint()


def seven_rows(people, django_capture_on_commit_callbacks) -> list[AuditEvent]:
    """Rows 1–7 by two people, checkpoints at 3 and 7 shipped to the sink."""
    wang, li = people["wang"], people["li"]
    rows = [record(actor=wang, action="orgs.create", detail={"n": n}) for n in range(3)]
    signed(django_capture_on_commit_callbacks)
    rows += [
        record(actor=li if n % 2 else wang, action="evaluations.step.committee", detail={"n": n})
        for n in range(4)
    ]
    signed(django_capture_on_commit_callbacks)
    return rows


def rewind_head(sequence: int, row_hash: str) -> None:
    sql("UPDATE audit_chainhead SET last_sequence = %s, last_hash = %s", [sequence, row_hash])


def recompute_from(sequence: int, previous: str) -> str:
    """Fix every hash from `sequence` on, as an attacker who edited rows would (the chain is keyless)."""
    for row in AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
        fields = {**row.hashed_fields(), "prev_hash": previous}
        previous = compute_row_hash(fields)
        sql(
            "UPDATE audit_auditevent SET prev_hash = %s, row_hash = %s WHERE sequence = %s",
            [fields["prev_hash"], previous, row.sequence],
        )
    sql("UPDATE audit_chainhead SET last_hash = %s", [previous])
    return previous


@pytest.mark.req("INT-2", "SEC-4")
def test_checkpoints_go_to_the_sink_signed_and_only_once_committed(
    people, sink_file, django_capture_on_commit_callbacks
):
    record(actor=people["wang"], action="orgs.create")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        create_checkpoint()
    assert not sink_file.exists() and len(pending) == 1  # nothing shipped before the commit
    pending[0]()
    lines = sink_file.read_text().splitlines()
    assert len(lines) == 1
    shipped = json.loads(lines[0])
    assert shipped["sequence"] == 1 and shipped["algorithm"] == "hmac-sm3" and len(shipped["signature"]) == 64
    assert shipped["row_hash"] == AuditEvent.objects.get(sequence=1).row_hash


@pytest.mark.req("INT-2", "SEC-4", "REL-5")
def test_truncating_the_tail_and_deleting_the_stored_checkpoints_is_caught_by_the_sink(
    people, sink_file, django_capture_on_commit_callbacks
):
    rows = seven_rows(people, django_capture_on_commit_callbacks)
    sql("DELETE FROM audit_auditevent WHERE sequence > %s", [4])
    sql("DELETE FROM audit_checkpoint WHERE sequence > %s", [3])
    rewind_head(4, rows[3].row_hash)
    # What the database alone says: intact. (This is what `audit verify` said before INT-2.)
    assert verify_chain(sink_target="").ok
    result = verify_chain()
    assert (result.ok, result.code, result.first_bad_sequence) == (False, "rows_missing_at_end", 5), (
        result.message
    )
    assert "第 5 条起的记录缺失" in result.message
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("audit", "verify", stdout=out, stderr=err)
    assert (
        exit_status.value.code == 1
        and "第 5 条" in err.getvalue()
        and "rows_missing_at_end" in err.getvalue()
    )


@pytest.mark.req("INT-2", "SEC-4", "REL-5")
def test_changing_actor_names_and_recomputing_the_chain_is_caught_by_the_sink(
    people, sink_file, django_capture_on_commit_callbacks
):
    rows = seven_rows(people, django_capture_on_commit_callbacks)
    sql("UPDATE audit_auditevent SET actor_name = %s WHERE actor_name LIKE %s", ["无名氏", "%li%"])
    recompute_from(4, rows[2].row_hash)
    sql("DELETE FROM audit_checkpoint")
    assert verify_chain(sink_target="").ok
    result = verify_chain()
    assert (result.ok, result.code, result.first_bad_sequence) == (False, "checkpoint_mismatch", 7), (
        result.message
    )
    # The rewrite lies after the checkpoint at 3 that still holds: the message names rows 4 to 7.
    assert "第 4 至 7 条之间的记录被改写或重排" in result.message


@pytest.mark.req("INT-2", "SEC-4", "REL-5")
def test_reordering_rows_and_recomputing_the_chain_is_caught_by_the_sink(
    people, sink_file, django_capture_on_commit_callbacks
):
    rows = seven_rows(people, django_capture_on_commit_callbacks)
    # Rows 1 and 2 swap their content; numbers, links and hashes are all recomputed.
    first, second = (AuditEvent.objects.get(sequence=s) for s in (1, 2))
    for target, source in ((1, second), (2, first)):
        sql(
            "UPDATE audit_auditevent SET detail = "
            + ("CAST(%s AS jsonb)" if on_postgres() else "%s")
            + " WHERE sequence = %s",
            [json.dumps(source.detail), target],
        )
    recompute_from(1, "0" * 64)
    sql("DELETE FROM audit_checkpoint")
    assert verify_chain(sink_target="").ok
    result = verify_chain()
    assert (result.code, result.first_bad_sequence) == ("checkpoint_mismatch", 3), result.message
    assert "第 1 至 3 条之间" in result.message
    assert rows  # seven rows were made


@pytest.mark.req("INT-2", "SEC-4")
def test_a_line_added_to_the_sink_without_the_key_vouches_for_nothing(
    people, sink_file, django_capture_on_commit_callbacks
):
    seven_rows(people, django_capture_on_commit_callbacks)
    with override_settings(SHUPING_AUDIT_KEY=OTHER_AUDIT_KEY):
        forged = sink.from_record(json.loads(sink_file.read_text().splitlines()[-1]))
        from shuping.audit.chain import sign_checkpoint
        from shuping.audit.signing import checkpoint_mac

        forged_line = {
            **sink.as_record(forged),
            "sequence": 9,
            "signature": sign_checkpoint(
                checkpoint_mac,
                sequence=9,
                row_hash=forged.row_hash,
                row_occurred_at=forged.row_occurred_at,
                signed_at=forged.signed_at,
            ),
        }
    with sink_file.open("a") as handle:
        handle.write(json.dumps(forged_line) + "\n")
    result = verify_chain()
    assert (result.code, result.first_bad_sequence) == ("checkpoint_signature_invalid", 9)


@pytest.mark.req("INT-2")
def test_a_directory_sink_keeps_one_file_per_checkpoint_and_verify_reads_it(
    people, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.SHUPING_AUDIT_SINK = str(tmp_path / "checkpoints") + "/"
    rows = seven_rows(people, django_capture_on_commit_callbacks)
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == [
        "checkpoint-000000000003.json",
        "checkpoint-000000000007.json",
    ]
    assert verify_chain().external_checkpoints == 2
    sql("DELETE FROM audit_auditevent WHERE sequence > %s", [5])
    sql("DELETE FROM audit_checkpoint WHERE sequence > %s", [3])
    rewind_head(5, rows[4].row_hash)
    assert (verify_chain().code, verify_chain().first_bad_sequence) == ("rows_missing_at_end", 6)


@pytest.mark.req("INT-2")
def test_a_syslog_sink_sends_each_checkpoint_and_verify_reads_the_collected_log(
    people, tmp_path, settings, django_capture_on_commit_callbacks
):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    settings.SHUPING_AUDIT_SINK = f"syslog:127.0.0.1:{receiver.getsockname()[1]}"
    try:
        record(actor=people["wang"], action="orgs.create")
        signed(django_capture_on_commit_callbacks)
        message = receiver.recv(65536).decode()
    finally:
        receiver.close()
    assert sink.LINE_PREFIX in message and '"sequence":1' in message
    collected = tmp_path / "loghost-messages.log"
    collected.write_text(f"Dec  7 19:00:00 app1 {message}\n")
    assert verify_chain().external_checkpoints == 0  # syslog cannot be read back from the app server
    sql("DELETE FROM audit_auditevent")
    sql("DELETE FROM audit_checkpoint")
    rewind_head(0, "0" * 64)
    result = verify_chain(sink_target=str(collected))
    assert (result.code, result.first_bad_sequence) == ("rows_missing_at_end", 1)


@pytest.mark.req("INT-2", "SEC-4")
def test_the_hourly_tick_signs_a_checkpoint_and_ships_it(
    people, sink_file, django_capture_on_commit_callbacks
):
    assert "audit.checkpoint" in [job.name for job in periodic.registered("hourly")]
    record(actor=people["wang"], action="orgs.create")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tick", "--schedule", "hourly", stdout=StringIO())
    assert Checkpoint.objects.filter(sequence=1).exists()
    assert [c.sequence for c in sink.read()] == [1]


@pytest.mark.req("INT-2", "SEC-4")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET actor_name = 'x' WHERE sequence = 1",
        "DELETE FROM audit_auditevent WHERE sequence = 1",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_checkpoint SET row_hash = 'x'",
        "DELETE FROM audit_checkpoint",
    ],
)
def test_database_triggers_refuse_update_and_delete_of_audit_rows(people, statement):
    record(actor=people["wang"], action="orgs.create")
    create_checkpoint()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        plain_sql(statement)
    assert AuditEvent.objects.get(sequence=1).actor_name == "组织科 王干事（wang）"
    assert Checkpoint.objects.filter(sequence=1).exists()


@pytest.mark.req("INT-2")
def test_the_triggers_are_installed_on_this_database(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid IN ('audit_auditevent'::regclass, "
                "'audit_checkpoint'::regclass) AND NOT tgisinternal ORDER BY tgname"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        names = [row[0] for row in cursor.fetchall()]
    assert len([n for n in names if n.startswith(("audit_auditevent", "audit_checkpoint"))]) == 4, names


@pytest.mark.req("INT-2", "SEC-4")
def test_pruning_is_the_path_past_the_triggers_and_leaves_a_checkpoint_in_the_sink(
    people, sink_file, django_capture_on_commit_callbacks
):
    with frozen_at(timezone.now() - timedelta(days=200)):
        for _ in range(3):
            record(actor=people["wang"], action="orgs.create")
        signed(django_capture_on_commit_callbacks)
    record(actor=people["li"], action="campaigns.open")
    with django_capture_on_commit_callbacks(execute=True):
        result = prune_audit()
    assert (result.deleted, result.through_sequence) == (3, 3)
    prune_row = AuditEvent.objects.get(action="audit.prune")
    # The prune's own row is pinned at once, in the database and outside it.
    assert Checkpoint.objects.order_by("-sequence").first().sequence == prune_row.sequence
    assert [c.sequence for c in sink.read()] == [3, prune_row.sequence]
    assert verify_chain().ok
    # Hiding the prune by deleting its row and rewinding the head is a detectable truncation.
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [prune_row.sequence])
    sql("DELETE FROM audit_checkpoint WHERE sequence = %s", [prune_row.sequence])
    previous = AuditEvent.objects.get(sequence=prune_row.sequence - 1)
    rewind_head(previous.sequence, previous.row_hash)
    assert (verify_chain().code, verify_chain().first_bad_sequence) == (
        "rows_missing_at_end",
        prune_row.sequence,
    )
