"""Paper ballots, reconciliation and the certificate (BAL-4), receipts on slips (BAL-7), and paper
ballots' anonymity after sealing (BAL-6, REL-2)."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from shuping.audit.models import AuditEvent
from shuping.ballots import services, services_counting
from shuping.ballots.choices import Channel
from shuping.ballots.models import Ballot, Credential, PaperCheck, TallyCertificate
from shuping.ballots.services import CredentialError
from shuping.ballots.tests.factories import make_box, vote
from shuping.core.errors import ConflictError, DomainError

GRADES = ["good", "fairly_good", "average", "poor"]


def _mistype(code: str) -> str:
    """One character changed, as a clerk's slip of the finger would."""
    i = 3
    replacement = "2" if code[i] != "2" else "3"
    return code[:i] + replacement + code[i + 1 :]


def _marks(subject_ids: list[str], rng: random.Random) -> dict[str, str]:
    marks = {}
    for s in subject_ids:
        roll = rng.random()
        marks[s] = "" if roll < 0.05 else ("!" if roll < 0.07 else rng.choice(GRADES))
    return marks


def _count(marks: dict[str, str]) -> int:
    return sum(1 for m in marks.values() if m)


@pytest.mark.req("BAL-4", "BAL-5")
def test_300_paper_ballots_keyed_with_planted_miskeys_caught_and_the_reconciliation_balancing(world):
    rng = random.Random(4)
    box, slips = make_box(world, subjects=5, categories={"市级领导": 150, "部门负责人": 160})
    staff = world.organizer_staff
    subjects = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    phone_slips, paper_slips, voided, not_returned = slips[:5], slips[5:305], slips[305:308], slips[308:]
    for slip in phone_slips:
        vote(box, slip, "good")
    services.start_counting(actor=staff, box=box)
    box.refresh_from_db()
    expected: dict[str, dict[str, int]] = {s: {} for s in subjects}
    for s in subjects:
        expected[s]["good"] = len(phone_slips)
    caught = 0
    for number, slip in enumerate(paper_slips):
        if number % 75 == 10:  # spoiled: a blank or defaced paper
            services_counting.enter_paper_ballot(
                actor=staff, box=box, code=slip.code, ratings={}, is_spoiled=True
            )
            continue
        marks = _marks(subjects, rng)
        if number % 50 == 7:  # planted: the code mistyped — caught, nothing written
            with pytest.raises(CredentialError, match="凭条码无效"):
                services_counting.enter_paper_ballot(
                    actor=staff,
                    box=box,
                    code=_mistype(slip.code),
                    ratings=marks,
                    declared_count=_count(marks),
                )
            caught += 1
        if number % 50 == 21:  # planted: a key dropped or doubled — the count check catches it
            with pytest.raises(DomainError, match="核对不符"):
                services_counting.enter_paper_ballot(
                    actor=staff, box=box, code=slip.code, ratings=marks, declared_count=_count(marks) + 1
                )
            caught += 1
        receipt = services_counting.enter_paper_ballot(
            actor=staff, box=box, code=slip.code.lower(), ratings=marks, declared_count=_count(marks)
        )
        assert receipt == slip.receipt  # the receipt printed on the slip (BAL-7)
        for s, m in marks.items():
            if m and m != "!":
                expected[s][m] = expected[s].get(m, 0) + 1
        if number % 60 == 33:  # planted: the same slip keyed twice (or by a second clerk)
            with pytest.raises(CredentialError, match="重复凭条"):
                services_counting.enter_paper_ballot(
                    actor=world.organizer_staff,
                    box=box,
                    code=slip.code,
                    ratings=marks,
                    declared_count=_count(marks),
                )
            caught += 1
    with pytest.raises(CredentialError, match="重复凭条"):  # a slip already used on a phone
        services_counting.enter_paper_ballot(
            actor=staff, box=box, code=phone_slips[0].code, ratings={subjects[0]: "good"}, declared_count=1
        )
    caught += 1
    assert caught == 6 + 6 + 5 + 1
    for slip in voided:
        services_counting.void_slip(actor=staff, box=box, code=slip.code)
    with pytest.raises(CredentialError):  # a voided slip can no longer vote
        services.start_session(code=voided[0].code)
    assert Ballot.objects.filter(box=box).count() == 305
    services.close_box(actor=staff, box=box)
    box.refresh_from_db()

    with pytest.raises(ConflictError, match="签到人数"):
        services_counting.certify_box(actor=staff, box=box)
    box = services_counting.record_attendance(actor=staff, box=box, attendees=len(slips) - len(voided))
    figures = services_counting.reconciliation(box)
    assert figures.is_balanced, figures.problems
    assert (figures.phone, figures.paper, figures.spoiled, figures.voided) == (5, 296, 4, 3)
    assert figures.not_returned == len(not_returned)
    certificate = services_counting.certify_box(actor=staff, box=box, scrutineers="王监票", counters="李计票")
    assert certificate.figures["cast"] == 305

    from shuping.ballots import selectors

    report = selectors.tally_report(box)
    assert report["invalid_ballots"] == 4
    for row in report["rows"]:
        counts = row["overall"].grade_counts
        assert {k: v for k, v in counts.items() if v} == {
            k: v for k, v in expected[str(row["subject"].pk)].items() if v
        }


@pytest.mark.req("BAL-4")
def test_certificate_refuses_an_imbalance_and_explains_it_in_chinese(world):
    box, slips = make_box(world, categories={"市级领导": 6})
    vote(box, slips[0])
    services.close_box(actor=world.organizer_staff, box=box)
    services_counting.record_attendance(actor=world.organizer_staff, box=box, attendees=4)
    with pytest.raises(ConflictError) as refused:
        services_counting.certify_box(actor=world.organizer_staff, box=box)
    assert "发出凭条 6 张" in refused.value.message and "签到人数 4 人不符，多 2 张" in refused.value.message
    assert not TallyCertificate.objects.exists()


@pytest.mark.req("BAL-4")
def test_certificate_needs_a_sealed_box(world):
    box, _slips = make_box(world, categories={"市级领导": 2})
    services_counting.record_attendance(actor=world.organizer_staff, box=box, attendees=2)
    with pytest.raises(ConflictError, match="封箱后"):
        services_counting.certify_box(actor=world.organizer_staff, box=box)


@pytest.mark.req("BAL-4")
def test_a_second_entry_reports_a_mismatch_that_blocks_certification_until_corrected(world):
    box, slips = make_box(world, subjects=3, categories={"市级领导": 3})
    staff = world.organizer_staff
    s = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    first = {s[0]: "good", s[1]: "average", s[2]: "poor"}
    for slip in slips:
        services_counting.enter_paper_ballot(
            actor=staff, box=box, code=slip.code, ratings=first, declared_count=3
        )
    same = services_counting.verify_paper_ballot(actor=staff, box=box, code=slips[0].code, ratings=first)
    assert same.is_match
    other = {**first, s[1]: "fairly_good"}
    check = services_counting.verify_paper_ballot(actor=staff, box=box, code=slips[1].code, ratings=other)
    assert check.differences == [box.subjects.get(pk=s[1]).name] and not check.is_resolved
    services.close_box(actor=staff, box=box)
    box.refresh_from_db()
    services_counting.record_attendance(actor=staff, box=box, attendees=3)
    with pytest.raises(ConflictError, match="两次录入不一致"):
        services_counting.certify_box(actor=staff, box=box)
    with pytest.raises(ConflictError, match="已封箱"):
        services_counting.correct_paper_ballot(
            actor=staff, box=box, code=slips[1].code, ratings=other, declared_count=3
        )


@pytest.mark.req("BAL-4")
def test_a_correction_before_sealing_replaces_the_first_entry(world):
    box, slips = make_box(world, subjects=2, categories={"市级领导": 2})
    staff = world.organizer_staff
    s = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    services_counting.enter_paper_ballot(
        actor=staff, box=box, code=slips[0].code, ratings={s[0]: "good", s[1]: "good"}, declared_count=2
    )
    services_counting.verify_paper_ballot(
        actor=staff, box=box, code=slips[0].code, ratings={s[0]: "good", s[1]: "poor"}
    )
    services_counting.correct_paper_ballot(
        actor=staff, box=box, code=slips[0].code, ratings={s[0]: "good", s[1]: "poor"}, declared_count=2
    )
    assert Ballot.objects.get(box=box).ratings == {s[0]: "good", s[1]: "poor"}
    assert PaperCheck.objects.get(box=box).is_resolved


@pytest.mark.req("BAL-4")
def test_paper_entry_refuses_a_closed_box_a_draft_box_and_another_boxs_slip(world):
    box, slips = make_box(world, categories={"市级领导": 2})
    other, other_slips = make_box(world, categories={"市级领导": 2})
    s = str(box.subjects.first().pk)
    with pytest.raises(CredentialError, match="凭条码无效"):
        services_counting.enter_paper_ballot(
            actor=world.organizer_staff,
            box=box,
            code=other_slips[0].code,
            ratings={s: "good"},
            declared_count=1,
        )
    services.close_box(actor=world.organizer_staff, box=box)
    box.refresh_from_db()
    with pytest.raises(CredentialError, match="已封箱"):
        services_counting.enter_paper_ballot(
            actor=world.organizer_staff, box=box, code=slips[0].code, ratings={s: "good"}, declared_count=1
        )
    with pytest.raises(DomainError):  # a department leader sees the box but does not key ballots
        services_counting.enter_paper_ballot(
            actor=world.department_leader, box=other, code=other_slips[0].code, ratings={}, declared_count=0
        )


@pytest.mark.req("BAL-4", "BAL-5")
def test_phone_voting_stops_while_paper_is_counted(world):
    box, slips = make_box(world, categories={"市级领导": 3})
    session = services.start_session(code=slips[0].code)
    services.start_counting(actor=world.organizer_staff, box=box)
    box.refresh_from_db()
    with pytest.raises(CredentialError, match="正在计票"):
        services.submit_ballot(token=session.token, ratings={str(box.subjects.first().pk): "good"})
    with pytest.raises(CredentialError, match="正在计票"):
        services.start_session(code=slips[1].code)
    s = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    services_counting.enter_paper_ballot(
        actor=world.organizer_staff,
        box=box,
        code=slips[0].code,
        ratings=dict.fromkeys(s, "good"),
        declared_count=len(s),
    )
    assert Credential.objects.filter(box=box, is_used=True).count() == 1


@pytest.mark.req("BAL-4", "BAL-6")
def test_keying_paper_ballots_writes_no_audit_event_per_ballot(world):
    box, slips = make_box(world, categories={"市级领导": 5})
    s = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    before = AuditEvent.objects.count()
    for slip in slips[:4]:
        services_counting.enter_paper_ballot(
            actor=world.organizer_staff,
            box=box,
            code=slip.code,
            ratings=dict.fromkeys(s, "good"),
            declared_count=len(s),
        )
    services_counting.void_slip(actor=world.organizer_staff, box=box, code=slips[4].code)
    assert AuditEvent.objects.count() == before


@pytest.mark.req("BAL-7")
def test_the_receipt_shown_after_phone_voting_is_the_one_printed_on_the_slip(world):
    box, slips = make_box(world, categories={"市级领导": 2})
    assert vote(box, slips[0]) == slips[0].receipt
    assert len({slip.receipt for slip in slips}) == len(slips)


@pytest.mark.django_db(transaction=True)
@pytest.mark.req("REL-2", "BAL-6")
def test_after_sealing_no_column_or_database_internal_links_a_paper_ballot_to_its_slip(world):
    box, slips = make_box(world, subjects=2, categories={"市级领导": 12})
    s = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    for number, slip in enumerate(slips[:10]):
        services_counting.enter_paper_ballot(
            actor=world.organizer_staff,
            box=box,
            code=slip.code,
            ratings={s[0]: GRADES[number % 4], s[1]: "good"},
            declared_count=2,
        )
    ids_before = set(Ballot.objects.filter(box=box).values_list("id", flat=True))
    services.close_box(actor=world.organizer_staff, box=box)
    ballots = list(Ballot.objects.filter(box=box).values())
    assert len(ballots) == 10 and all(b["channel"] == Channel.PAPER for b in ballots)
    assert ids_before.isdisjoint({b["id"] for b in ballots})  # fresh random keys
    hashes = {services.code_hash(slip.code) for slip in slips} | {slip.code for slip in slips}
    for ballot in ballots:  # no column carries the code or its stored hash
        assert not any(str(v) in hashes for v in ballot.values())
        assert set(ballot) == {
            "id", "box_id", "category_id", "is_rehearsal", "ratings", "dimension_ratings", "opinions",
            "receipt_hash", "channel", "is_spoiled",
        }  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT xmin::text FROM ballots_ballot WHERE box_id = %s", [box.pk])
            ballot_xmins = {r[0] for r in cursor.fetchall()}
            cursor.execute("SELECT DISTINCT xmin::text FROM ballots_credential WHERE box_id = %s", [box.pk])
            credential_xmins = {r[0] for r in cursor.fetchall()}
        assert len(ballot_xmins) == 1 and ballot_xmins == credential_xmins  # all written by the seal
