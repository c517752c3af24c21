"""Boxes, credentials, voting and integrity through the services (BAL-1, BAL-2, BAL-3, BAL-5)."""

from __future__ import annotations

import pytest
from django.db import connection

from shuping.ballots import selectors, services
from shuping.ballots.choices import BoxStatus
from shuping.ballots.models import Ballot, BallotSession, Credential
from shuping.ballots.receipts import receipt_digest, seal_receipt
from shuping.ballots.tests.factories import make_box, vote
from shuping.core import crypto
from shuping.core.errors import ConflictError, DomainError


@pytest.mark.req("BAL-1")
def test_a_box_lists_subjects_in_sections_with_categories_and_the_default_scale(world):
    box, _ = make_box(world, subjects=4, weights={"市级领导": 2}, open_box=False)
    assert box.status == BoxStatus.DRAFT
    assert [label for _k, label, _s in box.scale] == ["好", "较好", "一般", "差"]
    assert sorted(box.subjects.values_list("section", flat=True)) == ["on_site"] * 2 + ["written"] * 2
    assert {c.name: c.weight for c in box.categories.all()} == {"市级领导": 2, "部门负责人": None}


@pytest.mark.req("BAL-1")
def test_another_scale_can_be_chosen(world):
    box, slips = make_box(world, scale_kind="competence")
    assert [label for _k, label, _s in box.scale] == ["优秀", "称职", "基本称职", "不称职"]
    vote(box, slips[0], grade="competent")
    with pytest.raises(DomainError):
        vote(box, slips[1], grade="good")  # not a grade of this scale


@pytest.mark.req("BAL-1")
def test_only_organizer_staff_covering_the_organization_create_boxes(world):
    with pytest.raises(DomainError):
        services.create_box(actor=world.department_leader, organization=world.province, title="x")
    with pytest.raises(DomainError):
        services.create_box(actor=world.outsider, organization=world.province, title="x")
    box = services.create_box(actor=world.organizer_staff, organization=world.county, title="县级测评")
    assert box.organization == world.county


@pytest.mark.req("BAL-2")
def test_credentials_are_stored_only_as_keyed_hashes_and_slips_are_shuffled(world):
    box, slips = make_box(world, categories={"市级领导": 20, "部门负责人": 20}, open_box=False)
    assert len(slips) == 40 and len({s.code for s in slips}) == 40
    stored = set(Credential.objects.filter(box=box).values_list("code_hash", flat=True))
    for slip in slips:
        assert slip.code not in stored and slip.display_code not in stored
        assert crypto.hmac_sm3(crypto.LABEL_BALLOT_CREDENTIAL, slip.code.encode()).hex() in stored
    # Shuffled: the printed order is not the categories one after the other.
    order = [s.category for s in slips]
    assert order != sorted(order) and order != sorted(order, reverse=True)


@pytest.mark.req("BAL-2", "BAL-3")
def test_a_typed_code_is_accepted_with_dashes_spaces_lower_case_and_full_width(world):
    box, slips = make_box(world)
    code = slips[0].display_code.lower().replace("-", " - ")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code)
    session = services.start_session(code=full_width)
    assert session.box == box


@pytest.mark.req("BAL-3", "BAL-5")
def test_a_ballot_is_stored_and_the_credential_consumed_once(world):
    box, slips = make_box(world)
    receipt = vote(box, slips[0], opinions={"general": "希望加强基层组织建设"})
    assert Ballot.objects.filter(box=box).count() == 1
    assert Credential.objects.filter(box=box, is_used=True).count() == 1
    assert Ballot.objects.get(box=box).receipt_hash == receipt_digest(receipt)


@pytest.mark.req("BAL-3", "BAL-5")
def test_resubmitting_the_same_session_returns_the_same_receipt_and_stores_nothing_more(world):
    box, slips = make_box(world)
    session = services.start_session(code=slips[0].code)
    ratings = {str(pk): "good" for pk in box.subjects.values_list("id", flat=True)}
    first = services.submit_ballot(token=session.token, ratings=ratings)
    again = services.submit_ballot(token=session.token, ratings={k: "poor" for k in ratings})
    assert first == again
    assert Ballot.objects.filter(box=box).count() == 1


@pytest.mark.req("BAL-3", "BAL-5")
def test_a_used_credential_is_refused_with_a_clear_message(world):
    box, slips = make_box(world)
    vote(box, slips[0])
    with pytest.raises(services.CredentialError) as refused:
        services.start_session(code=slips[0].code)
    assert refused.value.code == "used" and "已投过票" in refused.value.message


@pytest.mark.req("BAL-5")
def test_a_double_use_through_two_sessions_is_refused(world):
    box, slips = make_box(world)
    first = services.start_session(code=slips[0].code)
    ratings = {str(pk): "good" for pk in box.subjects.values_list("id", flat=True)}
    services.submit_ballot(token=first.token, ratings=ratings)
    # A session row forged for the same credential cannot consume it a second time.
    credential = Credential.objects.get(box=box, is_used=True)
    BallotSession.objects.filter(credential=credential).delete()
    forged = services.session_hash("forged")
    BallotSession.objects.create(
        credential=credential,
        token_hash=forged,
        receipt_hash=receipt_digest("ZZZZZZZZ"),
        receipt_sealed=seal_receipt("ZZZZZZZZ", forged),
    )
    with pytest.raises(services.CredentialError) as refused:
        services.submit_ballot(token="forged", ratings=ratings)
    assert refused.value.code == "used"
    assert Ballot.objects.filter(box=box).count() == 1


@pytest.mark.req("BAL-3")
def test_an_unknown_code_is_refused_with_a_clear_message(world):
    make_box(world)
    with pytest.raises(services.CredentialError) as refused:
        services.start_session(code="ZZZZZ-ZZZZZ")
    assert refused.value.code == "unknown" and "无效" in refused.value.message
    with pytest.raises(services.CredentialError):
        services.start_session(code="123")


@pytest.mark.req("BAL-5")
def test_closed_box_rejects_a_ballot_even_from_a_session_opened_before(world):
    box, slips = make_box(world)
    session = services.start_session(code=slips[0].code)
    services.close_box(actor=world.organizer_staff, box=box)
    with pytest.raises(services.CredentialError) as refused:
        services.submit_ballot(token=session.token, ratings={"1": "good"})
    assert refused.value.code in {"closed", "session"}
    with pytest.raises(services.CredentialError) as refused:
        services.start_session(code=slips[1].code)
    assert refused.value.code == "closed" and "封箱" in refused.value.message
    assert Ballot.objects.filter(box=box).count() == 0
    assert Credential.objects.filter(box=box, is_used=True).count() == 0


@pytest.mark.req("BAL-5")
def test_a_draft_box_accepts_nothing(world):
    _box, slips = make_box(world, open_box=False)
    with pytest.raises(services.CredentialError) as refused:
        services.start_session(code=slips[0].code)
    assert refused.value.code == "not_open"


@pytest.mark.req("BAL-3")
def test_every_subject_must_be_rated_when_the_box_requires_it(world):
    box, slips = make_box(world)
    session = services.start_session(code=slips[0].code)
    first = box.subjects.first()
    with pytest.raises(DomainError) as refused:
        services.submit_ballot(token=session.token, ratings={str(first.pk): "good"})
    assert "尚未评价" in refused.value.message
    assert not Credential.objects.filter(box=box, is_used=True).exists()  # nothing half-written


@pytest.mark.req("BAL-3")
def test_subjects_may_be_skipped_when_the_box_allows_it(world):
    box, slips = make_box(world, requires_every_subject=False)
    session = services.start_session(code=slips[0].code)
    first = box.subjects.first()
    services.submit_ballot(token=session.token, ratings={str(first.pk): "average"})
    services.close_box(actor=world.organizer_staff, box=box)
    result = selectors.box_tally(box)
    assert result.result(str(first.pk)).grade_counts["average"] == 1
    assert result.result(str(box.subjects.last().pk)).abstentions == 1


@pytest.mark.req("BAL-3")
def test_a_malformed_ballot_is_refused_and_changes_nothing(world):
    box, slips = make_box(world)
    session = services.start_session(code=slips[0].code)
    for bad in ({"999999": "good"}, ["good"], {str(box.subjects.first().pk): "excellent"}):
        with pytest.raises(DomainError):
            services.submit_ballot(token=session.token, ratings=bad)
    assert not Ballot.objects.exists()


@pytest.mark.req("BAL-1", "BAL-5")
def test_rehearsal_ballots_are_wiped_and_never_counted(world):
    box, real = make_box(world, open_box=False)
    actor = world.organizer_staff
    box = services.start_rehearsal(actor=actor, box=box)
    with pytest.raises(services.CredentialError):
        services.start_session(code=real[0].code)  # real slips wait for the real vote
    rehearsal = services.generate_credentials(
        actor=actor, box=box, counts={box.categories.first().pk: 3}, is_rehearsal=True
    )
    for slip in rehearsal:
        vote(box, slip, grade="poor")
    assert Ballot.objects.filter(box=box, is_rehearsal=True).count() == 3
    assert selectors.turnout(box)["used"] == 3
    services.end_rehearsal(actor=actor, box=box)
    assert not Ballot.objects.filter(box=box).exists()
    assert not Credential.objects.filter(box=box, is_rehearsal=True).exists()
    services.open_box(actor=actor, box=box)
    with pytest.raises(services.CredentialError):
        services.start_session(code=rehearsal[0].code)  # rehearsal slips are gone
    vote(box, real[0], grade="good")
    services.close_box(actor=actor, box=box)
    result = selectors.box_tally(box)
    assert result.valid_ballots == 1
    assert all(r.grade_counts["poor"] == 0 for r in result.results())


@pytest.mark.req("BAL-1")
def test_status_changes_only_along_the_allowed_transitions(world):
    box, _ = make_box(world)
    with pytest.raises(ConflictError):
        services.start_rehearsal(actor=world.organizer_staff, box=box)
    services.close_box(actor=world.organizer_staff, box=box)
    with pytest.raises(ConflictError):
        services.open_box(actor=world.organizer_staff, box=box)
    with pytest.raises(ConflictError):
        services.generate_credentials(
            actor=world.organizer_staff, box=box, counts={box.categories.first().pk: 1}
        )


@pytest.mark.req("BAL-1")
def test_a_department_leader_cannot_open_or_close(world):
    box, _ = make_box(world, open_box=False)
    with pytest.raises(DomainError):
        services.open_box(actor=world.department_leader, box=box)


@pytest.mark.req("BAL-5", "BAL-8")
def test_turnout_counts_credentials_and_the_tally_counts_every_accepted_ballot(world):
    box, slips = make_box(world, categories={"市级领导": 6, "部门负责人": 6})
    grades = ["good", "good", "fairly_good", "average", "poor", "good", "good", "fairly_good"]
    for slip, grade in zip(slips, grades, strict=False):
        vote(box, slip, grade=grade)
    t = selectors.turnout(box)
    assert (t["issued"], t["used"]) == (12, 8)
    services.close_box(actor=world.organizer_staff, box=box)
    result = selectors.box_tally(box)
    first = result.results()[0]
    assert first.grade_counts == {"good": 4, "fairly_good": 2, "average": 1, "poor": 1}
    assert float(first.top_rate) == 0.5 and float(first.top_two_rate) == 0.75


@pytest.mark.req("BAL-5")
def test_a_warm_vote_is_one_statement_on_postgresql_and_still_refused_once_phone_voting_stops(
    world, django_assert_max_num_queries
):
    """PERF-1: with the box's settings cached, a vote is one statement; closing still stops it (BAL-5)."""
    box, slips = make_box(world, categories={"市级领导": 4})
    vote(box, slips[0])  # reads and caches the box's settings
    session = services.start_session(code=slips[1].code)
    ratings = {str(pk): "average" for pk in box.subjects.values_list("id", flat=True)}
    expected = 1 if connection.vendor == "postgresql" else 6
    with django_assert_max_num_queries(expected):
        receipt = services.submit_ballot(token=session.token, ratings=ratings)
    assert Ballot.objects.get(box=box, receipt_hash=receipt_digest(receipt)).ratings == ratings
    assert services.submit_ballot(token=session.token, ratings=ratings) == receipt  # a retry: same receipt
    late = services.start_session(code=slips[2].code)
    services.start_counting(actor=world.organizer_staff, box=box)  # phone voting stops (计票中)
    with pytest.raises(services.CredentialError) as refused:
        services.submit_ballot(token=late.token, ratings=ratings)
    assert refused.value.code == "closed"
    assert Ballot.objects.filter(box=box).count() == 2
    assert Credential.objects.filter(box=box, is_used=True).count() == 2


@pytest.mark.req("BAL-1", "BAL-5")
def test_a_box_set_up_again_after_a_rehearsal_checks_ballots_against_its_new_subjects(world):
    """The settings version (PERF-1's per-process cache) changes with the set-up, so no stale copy is used."""
    actor = world.organizer_staff
    box = services.create_box(actor=actor, organization=world.province, title="演练后重设")

    def set_up(names: list[str]) -> list[services.Slip]:
        services.set_up_box(
            actor=actor,
            box=box,
            subjects=[services.SubjectInput(name=n) for n in names],
            categories=[services.CategoryInput("市级领导")],
        )
        category = box.categories.get()
        return services.generate_credentials(actor=actor, box=box, counts={category.pk: 2}, is_rehearsal=True)

    slips = set_up(["甲", "乙"])
    services.start_rehearsal(actor=actor, box=box)
    vote(box, slips[0])
    vote(box, slips[1])  # the second one through the cached settings
    services.end_rehearsal(actor=actor, box=box)
    slips = set_up(["丙", "丁", "戊"])
    services.start_rehearsal(actor=actor, box=box)
    receipt = vote(box, slips[0])
    ballot = Ballot.objects.get(box=box, receipt_hash=receipt_digest(receipt))
    assert set(ballot.ratings) == {str(pk) for pk in box.subjects.values_list("id", flat=True)}
    assert len(ballot.ratings) == 3
