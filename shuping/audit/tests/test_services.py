"""record(), checkpoints and pruning (SEC-4)."""

from __future__ import annotations

import itertools
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.test import override_settings
from django.utils import timezone

from shuping.audit.chain import GENESIS_HASH, compute_row_hash
from shuping.audit.models import AppendOnlyError, AuditEvent, ChainHead, Checkpoint
from shuping.audit.services import AuditTarget, create_checkpoint, prune_audit, record, retention_days
from shuping.audit.signing import checkpoint_mac
from shuping.audit.verify import verify_chain
from shuping.core.errors import ConflictError, DomainError

from .conftest import frozen_at, sql


@pytest.mark.req("SEC-4")
def test_record_appends_linked_rows_numbered_by_position(chain):
    rows = list(AuditEvent.objects.order_by("sequence"))
    assert [r.sequence for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS_HASH
    for previous, current in itertools.pairwise(rows):
        assert current.prev_hash == previous.row_hash
    for row in rows:
        assert row.algorithm == "sm3"
        assert row.row_hash == compute_row_hash(row.hashed_fields())
    head = ChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (5, rows[-1].row_hash)


@pytest.mark.req("SEC-4")
def test_record_keeps_actor_on_behalf_of_target_source_and_outcome(world):
    event = record(
        actor=world.organizer_staff,
        action="meetings.record_commentary",
        target=world.county,
        on_behalf_of="县委书记 张三",
        source="api",
        outcome="success",
        detail={"words": 812},
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == world.organizer_staff
    assert event.actor_name == "组织科 王干事（organizer）"
    assert event.on_behalf_of == "县委书记 张三"
    assert (event.target_type, event.target_id) == ("orgs.organization", str(world.county.pk))
    assert event.target_label == str(world.county)
    assert (event.source, event.outcome, event.detail) == ("api", "success", {"words": 812})
    assert event.occurred_at is not None


def test_record_accepts_a_target_that_is_not_a_model(db):
    event = record(
        actor=None, action="accounts.login", outcome="failed", target=AuditTarget("username", "", "zhang")
    )
    assert (event.target_type, event.target_label, event.actor_id, event.actor_name) == (
        "username",
        "zhang",
        None,
        "",
    )


def test_an_anonymous_actor_is_recorded_as_nobody(db):
    event = record(actor=AnonymousUser(), action="accounts.login", outcome="denied")
    assert (event.actor_id, event.actor_name) == (None, "")


@pytest.mark.req("SEC-4")
def test_an_event_rolls_back_with_the_change_it_describes(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=people["wang"], action="orgs.create")
        raise RuntimeError("the service failed after recording")
    assert not AuditEvent.objects.exists()
    event = record(actor=people["wang"], action="orgs.create")
    assert event.sequence == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_record_opens_its_own_transaction_when_called_outside_one():
    assert connection.get_autocommit()
    record(actor=None, action="system.start", source="system")
    record(actor=None, action="system.start", source="system")
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [1, 2]
    assert verify_chain().ok


@pytest.mark.req("SEC-4")
@pytest.mark.parametrize(
    "detail",
    [
        {"password": "x"},
        {"new_password": "x"},
        {"otp": "123456"},
        {"api_token": "t"},
        {"credential": "c"},
        {"phone": "13800000000"},
        {"mobileNumber": "13800000000"},
        {"手机号": "13800000000"},
        {"初始密码": "x"},
        {"person": {"phone": "13800000000"}},
        {"people": [{"name": "张三", "telephone": "010-12345678"}]},
    ],
)
def test_detail_refuses_passwords_credentials_and_phone_numbers(db, detail):
    with pytest.raises(ValueError, match="never hold passwords"):
        record(actor=None, action="accounts.update", detail=detail)
    assert not AuditEvent.objects.exists()


def test_detail_keeps_ordinary_keys_that_merely_contain_short_words(db):
    event = record(
        actor=None, action="orgs.update", detail={"footprint": 1, "code": "T-PROV", "pinyin_name": "x"}
    )
    assert event.detail == {"footprint": 1, "code": "T-PROV", "pinyin_name": "x"}


def test_detail_values_survive_the_database_round_trip(db):
    record(
        actor=None,
        action="evaluations.score",
        detail={
            "score": 92.5,
            "weight": Decimal("0.30"),
            "on": date(2025, 1, 2),
            "items": (1, "二"),
            "ok": True,
        },
    )
    stored = AuditEvent.objects.get()
    assert stored.detail == {
        "score": "92.5",
        "weight": "0.30",
        "on": "2025-01-02",
        "items": [1, "二"],
        "ok": True,
    }
    assert verify_chain().ok


def test_detail_must_be_small(db):
    with pytest.raises(ValueError, match="4 KB"):
        record(actor=None, action="reports.save", detail={"text": "述" * 2000})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"action": "Create"},
        {"action": "orgs"},
        {"action": "orgs.create", "source": "email"},
        {"action": "orgs.create", "outcome": "ok"},
    ],
)
def test_record_refuses_unknown_codes(db, kwargs):
    with pytest.raises(ValueError):
        record(actor=None, **kwargs)


@pytest.mark.req("SEC-4")
def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(chain):
    event = AuditEvent.objects.get(sequence=2)
    event.action = "orgs.delete"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(sequence=2).update(action="orgs.delete")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert verify_chain().ok


def test_an_account_with_audit_events_cannot_be_deleted(chain, people):
    # PROTECT, not SET_NULL: nulling the actor would rewrite history. Accounts are disabled instead.
    with pytest.raises(ProtectedError):
        people["wang"].delete()


@pytest.mark.req("SEC-4")
def test_a_checkpoint_signs_the_last_row_and_is_idempotent(chain):
    checkpoint = create_checkpoint()
    assert checkpoint.sequence == 5
    assert checkpoint.row_hash == chain[-1].row_hash
    assert checkpoint.as_data().signature_is_valid(checkpoint_mac)
    assert create_checkpoint().pk == checkpoint.pk
    record(actor=None, action="jobs.finish", source="job")
    assert create_checkpoint().sequence == 6
    assert Checkpoint.objects.count() == 2


def test_a_checkpoint_needs_rows(db):
    with pytest.raises(DomainError):
        create_checkpoint()


def test_a_broken_chain_is_never_signed(chain):
    sql("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["orgs.delete", 4])
    with pytest.raises(ConflictError, match="第 4 条"):
        create_checkpoint()
    assert not Checkpoint.objects.exists()


def _aged_chain(people, *, days_old: int) -> None:
    """Three rows and a checkpoint `days_old` days ago, two more rows a day later, two rows now."""
    start = timezone.now() - timedelta(days=days_old)
    with frozen_at(start):
        for _ in range(3):
            record(actor=people["wang"], action="orgs.create")
        create_checkpoint()
    with frozen_at(start + timedelta(days=1)):
        for _ in range(2):
            record(actor=people["li"], action="orgs.update")
    for _ in range(2):
        record(actor=people["li"], action="campaigns.open")


@pytest.mark.req("SEC-4")
def test_prune_deletes_rows_past_retention_only_up_to_the_latest_checkpoint(people):
    _aged_chain(people, days_old=200)
    result = prune_audit()
    assert (result.deleted, result.through_sequence) == (3, 3)
    # Rows 4 and 5 are past retention too, but no checkpoint covers them: they stay.
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [4, 5, 6, 7, 8]
    prune_event = AuditEvent.objects.get(sequence=8)
    assert prune_event.action == "audit.prune"
    assert prune_event.detail["through_sequence"] == 3
    verified = verify_chain()
    assert verified.ok, verified.message
    assert (verified.anchor_sequence, verified.count) == (3, 5)


@pytest.mark.req("SEC-4")
def test_prune_keeps_rows_within_retention(people):
    _aged_chain(people, days_old=100)
    create_checkpoint()
    result = prune_audit()
    assert result.deleted == 0
    assert AuditEvent.objects.count() == 7


def test_prune_refuses_a_cut_off_within_retention(people):
    _aged_chain(people, days_old=200)
    with pytest.raises(DomainError, match="180"):
        prune_audit(before=timezone.now() - timedelta(days=10))
    assert AuditEvent.objects.count() == 7


def test_prune_refuses_a_broken_chain(people):
    _aged_chain(people, days_old=200)
    sql("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["orgs.delete", 6])
    with pytest.raises(ConflictError):
        prune_audit()
    assert AuditEvent.objects.count() == 7


@pytest.mark.req("SEC-4")
def test_retention_is_never_below_180_days():
    with override_settings(SHUPING_AUDIT_RETENTION_DAYS=30):
        assert retention_days() == 180
    with override_settings(SHUPING_AUDIT_RETENTION_DAYS=365):
        assert retention_days() == 365
    assert retention_days() == 180


@pytest.mark.slow
@pytest.mark.postgres_only  # SQLite has one writer: deselected there, never skipped
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_a_gap_free_valid_chain():
    # Only meaningful on PostgreSQL, where writers really run in parallel and the head lock serialises them.
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(per_thread):
                with transaction.atomic():
                    record(actor=None, action="jobs.step", source="job", detail={"worker": worker, "n": n})
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=append, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    total = threads * per_thread
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, total + 1)
    )
    assert ChainHead.objects.get().last_sequence == total
    result = verify_chain()
    assert result.ok, result.message
    assert result.count == total
