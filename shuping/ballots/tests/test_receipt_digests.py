"""DSC-3: receipts kept only as keyed digests; the voter still checks theirs on the published list.

Whoever printed the slips knows every slip's code and receipt. With the database alone (no data key) they
must not find the ballot a receipt belongs to: no column of any table holds a receipt, nor an unkeyed
digest of one, during voting or after sealing.
"""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from shuping.ballots import selectors, services, services_counting
from shuping.ballots.models import Ballot, BallotSession
from shuping.ballots.receipts import open_receipt, receipt_digest, receipt_fingerprint
from shuping.ballots.tests.factories import make_box, vote
from shuping.core import crypto

OTHER_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMzI="  # 32 bytes, base64: not this instance's key


def _every_stored_value() -> list[str]:
    """Every value of every column of every table, as text (bytes as hex and as text)."""
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        raw = bytes(value)
                        out += [raw.hex(), raw.decode("latin-1")]
                    elif value is not None:
                        out.append(str(value))
    return out


def _forms(receipt: str) -> list[str]:
    """The receipt and what anyone could compute from it without the data key."""
    data = receipt.encode()
    return [
        receipt,
        receipt.lower(),
        f"{receipt[:4]}-{receipt[4:]}",
        hashlib.sha256(data).hexdigest(),
        crypto.sm3_hex(data),
        receipt_fingerprint(hashlib.sha256(data).hexdigest()),
    ]


@pytest.mark.req("DSC-3")
def test_no_receipt_in_clear_in_any_column_after_voting_and_after_sealing(world):
    box, slips = make_box(world, subjects=2, categories={"市级领导": 6})
    phone_receipts = [vote(box, slip) for slip in slips[:3]]
    subjects = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    paper_receipt = services_counting.enter_paper_ballot(
        actor=world.organizer_staff, box=box, code=slips[3].code, ratings=dict.fromkeys(subjects, "poor"),
        declared_count=2,
    )  # fmt: skip
    services_counting.verify_paper_ballot(
        actor=world.organizer_staff, box=box, code=slips[3].code, ratings=dict.fromkeys(subjects, "good")
    )  # a 复核 that differs: a PaperCheck row
    open_session = services.start_session(code=slips[4].code)  # exchanged, not yet voted
    receipts = [*phone_receipts, paper_receipt, slips[4].receipt]
    assert receipts == [s.receipt for s in slips[:5]]

    for moment in ("after voting", "after sealing"):
        stored = _every_stored_value()
        for receipt in receipts:
            for form in _forms(receipt):
                assert not any(form in value for value in stored), (moment, receipt, form)
        if moment == "after voting":
            # What the phone gets back on a retry is the session's sealed copy, readable with the key only.
            session = BallotSession.objects.get(token_hash=services.session_hash(open_session.token))
            assert open_receipt(session.receipt_sealed, session.token_hash) == slips[4].receipt
            box = services.close_box(actor=world.organizer_staff, box=box)
    # The stored digest is keyed: under another data key the same receipt gives another digest.
    stored_digests = set(Ballot.objects.filter(box=box).values_list("receipt_hash", flat=True))
    assert stored_digests == {receipt_digest(r) for r in receipts[:4]}
    with override_settings(SHUPING_DATA_KEY=OTHER_KEY):
        assert not stored_digests & {receipt_digest(r) for r in receipts[:4]}
    # The voter still checks: each counted receipt is found, its fingerprint on the published list.
    published = selectors.published_receipts(box)
    for receipt in receipts[:4]:
        fingerprint, counted = selectors.check_receipt(box, receipt)
        assert counted and fingerprint in published
    assert selectors.check_receipt(box, slips[4].receipt)[1] is False  # exchanged but never voted


@pytest.mark.req("DSC-3")
def test_existing_receipts_are_converted_to_digests_by_the_migration(transactional_db, world):
    executor = MigrationExecutor(connection)
    executor.migrate([("ballots", "0005_box_slip_key")])
    old = executor.loader.project_state([("ballots", "0005_box_slip_key")]).apps
    box = old.get_model("ballots", "BallotBox").objects.create(
        organization_id=world.province.pk, title="旧票箱", created_by_id=world.organizer_staff.pk
    )
    category = old.get_model("ballots", "VoterCategory").objects.create(box=box, name="市级领导")
    Credential = old.get_model("ballots", "Credential")
    voted, waiting = (Credential.objects.create(box=box, category=category, code_hash=h) for h in ("a", "b"))
    old.get_model("ballots", "Ballot").objects.create(box=box, category=category, receipt="ABCDEFGH")
    old.get_model("ballots", "PaperCheck").objects.create(box=box, receipt="ABCDEFGH")
    Session = old.get_model("ballots", "BallotSession")
    Session.objects.create(credential=voted, token_hash="t1", receipt="ABCDEFGH", receipt_due="ABCDEFGH")
    Session.objects.create(credential=waiting, token_hash="t2", receipt="", receipt_due="JKMNPQRS")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from shuping.ballots.models import PaperCheck

    ballot = Ballot.objects.get()
    assert ballot.receipt_hash == receipt_digest("ABCDEFGH") == PaperCheck.objects.get().receipt_hash
    accepted, open_one = (
        BallotSession.objects.get(token_hash="t1"),
        BallotSession.objects.get(token_hash="t2"),
    )
    assert accepted.is_accepted and open_receipt(accepted.receipt_sealed, "t1") == "ABCDEFGH"
    assert not open_one.is_accepted and open_receipt(open_one.receipt_sealed, "t2") == "JKMNPQRS"
    assert open_one.receipt_hash == receipt_digest("JKMNPQRS")
    for form in ("ABCDEFGH", "JKMNPQRS"):
        assert not any(form in value for value in _every_stored_value())
