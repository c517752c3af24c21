"""REL-2 / BAL-6: after sealing, nothing links a ballot to a credential or to the voting order.

Votes go through the real /v/ views and commit one by one (transactional database), as in a live
session, so database internals (xmin, ctid, rowid) are what they would be in production.
"""

from __future__ import annotations

import json
import logging
import math

import pytest
from django.db import connection, models
from django.test import Client

from shuping.audit.models import AuditEvent
from shuping.ballots import services
from shuping.ballots.models import Ballot, BallotSession, Credential
from shuping.ballots.receipts import receipt_digest
from shuping.ballots.tests.factories import make_box

VOTERS = 40


def kendall_tau(order: list[int]) -> float:
    """Kendall's tau between positions 0..n-1 and `order` (no ties)."""
    n = len(order)
    concordant = sum(1 for i in range(n) for j in range(i + 1, n) if order[i] < order[j])
    pairs = n * (n - 1) // 2
    return (2 * concordant - pairs) / pairs


def tau_z(tau: float, n: int) -> float:
    """z-score of tau under the null hypothesis of no association."""
    return tau / math.sqrt(2 * (2 * n + 5) / (9 * n * (n - 1)))


def physical_order(box) -> list[int]:
    """Submission numbers of the box's ballots, in the order they lie on disk."""
    order_by = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT opinions FROM ballots_ballot WHERE box_id = %s ORDER BY {order_by}", [box.pk])
        rows = [r[0] for r in cursor.fetchall()]
    return [int((json.loads(r) if isinstance(r, str) else r)["general"].split("#")[1]) for r in rows]


def xmins(table: str, box) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {table} WHERE box_id = %s", [box.pk])
        return {r[0] for r in cursor.fetchall()}


def vote_over_http(client: Client, box, slip, number: int) -> str:
    started = client.post("/v/session", json.dumps({"code": slip.code}), content_type="application/json")
    assert started.status_code == 200, started.content
    token = started.json()["token"]
    ratings = {str(s["id"]): "good" for s in started.json()["box"]["subjects"]}
    body = {"token": token, "ratings": ratings, "opinions": {"general": f"意见#{number}"}}
    submitted = client.post("/v/submit", json.dumps(body), content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    return submitted.json()["receipt"]


@pytest.fixture
def voted_box(transactional_db, world, caplog):
    """A box with 40 ballots cast over HTTP in a known order, each committed on its own."""
    caplog.set_level(logging.DEBUG)
    box, slips = make_box(world, categories={"市级领导": 20, "部门负责人": 20})
    audit_before = AuditEvent.objects.count()
    client = Client()
    receipts = [vote_over_http(client, box, slip, number) for number, slip in enumerate(slips[:VOTERS])]
    return {
        "box": box,
        "slips": slips,
        "receipts": receipts,
        "audit_during_voting": AuditEvent.objects.count() - audit_before,
    }


@pytest.mark.req("REL-2", "BAL-6")
def test_no_column_of_a_ballot_can_hold_a_credential_a_session_a_time_or_a_sequence(db):
    fields = {f.name: f for f in Ballot._meta.get_fields() if getattr(f, "concrete", False)}
    assert set(fields) == {
        "id",
        "box",
        "category",
        "is_rehearsal",
        "ratings",
        "dimension_ratings",
        "opinions",
        "receipt_hash",  # the keyed digest of the slip's receipt, never the receipt (DSC-3)
        "channel",  # phone or paper (BAL-4): a count per channel is certified; it names no one
        "is_spoiled",
    }
    assert isinstance(fields["id"], models.UUIDField)  # random key, no sequence
    assert not [
        f for f in fields.values() if isinstance(f, models.DateField | models.TimeField | models.AutoField)
    ]
    related = {f.related_model for f in fields.values() if f.is_relation}
    assert Credential not in related and BallotSession not in related
    credential_fields = [f for f in Credential._meta.get_fields() if getattr(f, "concrete", False)]
    assert not [f for f in credential_fields if isinstance(f, models.DateField | models.TimeField)]


@pytest.mark.req("REL-2", "BAL-6")
def test_sealing_rewrites_ballots_in_an_order_unrelated_to_voting(voted_box, world):
    box = voted_box["box"]
    before = physical_order(box)
    # The check has teeth: before sealing, disk order is the voting order.
    assert tau_z(kendall_tau(before), VOTERS) > 4
    ids_before = set(Ballot.objects.filter(box=box).values_list("id", flat=True))
    services.close_box(actor=world.organizer_staff, box=box)
    after = physical_order(box)
    assert sorted(after) == list(range(VOTERS))  # every ballot still there, once
    assert abs(tau_z(kendall_tau(after), VOTERS)) < 4, after  # p ≈ 6e-5 of a false alarm
    assert after != before
    assert not ids_before & set(Ballot.objects.filter(box=box).values_list("id", flat=True))  # fresh keys
    assert sorted(Ballot.objects.filter(box=box).values_list("receipt_hash", flat=True)) == sorted(
        receipt_digest(receipt) for receipt in voted_box["receipts"]
    )


@pytest.mark.req("REL-2", "BAL-6")
def test_after_sealing_no_session_mapping_remains(voted_box, world):
    box = voted_box["box"]
    assert BallotSession.objects.filter(credential__box=box).count() == VOTERS
    services.close_box(actor=world.organizer_staff, box=box)
    assert not BallotSession.objects.filter(credential__box=box).exists()
    assert Credential.objects.filter(box=box, is_used=True).count() == VOTERS  # participation kept


@pytest.mark.req("REL-2", "BAL-6")
def test_after_sealing_ballots_and_credentials_share_one_transaction_id(voted_box, world):
    box = voted_box["box"]
    if connection.vendor == "postgresql":
        # Before: each ballot carries its voter's transaction id, shared with the credential it consumed.
        assert len(xmins("ballots_ballot", box)) == VOTERS
        assert xmins("ballots_ballot", box) <= xmins("ballots_credential", box)
    services.close_box(actor=world.organizer_staff, box=box)
    if connection.vendor == "postgresql":
        assert len(xmins("ballots_ballot", box)) == 1
        assert xmins("ballots_credential", box) == xmins("ballots_ballot", box)
    else:  # SQLite: credential rowids follow the shuffled slip order, untouched by voting
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM ballots_credential WHERE box_id = %s", [box.pk])
            assert cursor.fetchone()[0] == len(voted_box["slips"])


@pytest.mark.req("REL-2", "BAL-6")
def test_voting_writes_no_audit_row_and_sealing_writes_one_without_ballot_data(voted_box, world):
    box = voted_box["box"]
    assert voted_box["audit_during_voting"] == 0
    services.close_box(actor=world.organizer_staff, box=box)
    events = list(AuditEvent.objects.filter(action__startswith="ballots.", target_id=str(box.pk)))
    assert [e.action for e in events].count("ballots.box_closed") == 1
    text = json.dumps([e.detail for e in events], ensure_ascii=False)
    for receipt in voted_box["receipts"]:
        assert receipt not in text


@pytest.mark.req("REL-2", "BAL-6")
def test_no_log_record_carries_a_credential_a_token_or_a_receipt(voted_box, world, caplog):
    services.close_box(actor=world.organizer_staff, box=voted_box["box"])
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    secrets = [s.code for s in voted_box["slips"]] + [s.display_code for s in voted_box["slips"]]
    secrets += voted_box["receipts"]
    assert not [s for s in secrets if s in logged]
    assert not [r for r in caplog.records if "/v/" in r.getMessage()]
