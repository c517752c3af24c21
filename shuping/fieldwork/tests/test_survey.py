"""Mass satisfaction surveys reuse the ballot engine (FLD-3): a box through the ballots services, slips,
anonymous ballots, sealing — and the sealed tally feeds the field score with the organizer's share."""

from __future__ import annotations

import uuid

import pytest

from shuping.ballots import services as ballot_services
from shuping.ballots.tests.factories import vote
from shuping.core.errors import DomainError
from shuping.fieldwork import selectors, services


@pytest.mark.req("FLD-3", "FLD-5")
def test_a_sealed_survey_tally_enters_the_field_score_with_its_share(field, world):
    staff = world.organizer_staff
    indicator = selectors.form_indicators(field.fa)[1]
    services.submit_record(
        actor=field.member,
        field_assessment=field.fa,
        client_uuid=uuid.uuid4(),
        visit=services.VisitInput(place="一区", facts="阵地开放"),
        scores=[services.ScoreInput(indicator_id=indicator.pk, percent=80, with_new_visit=True)],
    )
    with pytest.raises(DomainError):
        services.create_survey(actor=world.department_leader, field_assessment=field.fa, weight_percent=20)
    with pytest.raises(DomainError):
        services.create_survey(actor=staff, field_assessment=field.fa, weight_percent=0)
    fa = services.create_survey(actor=staff, field_assessment=field.fa, weight_percent=25)
    box = fa.survey_box
    assert box.organization == world.province and box.subjects.get().name == "中共甲市委员会"
    assert list(box.categories.values_list("name", flat=True)) == ["党员", "群众"]
    with pytest.raises(DomainError):
        services.create_survey(actor=staff, field_assessment=fa, weight_percent=25)
    members, masses = box.categories.order_by("position")
    slips = ballot_services.generate_credentials(actor=staff, box=box, counts={members.pk: 3, masses.pk: 2})
    ballot_services.open_box(actor=staff, box=box)
    assert selectors.field_score_for(fa).survey_score is None  # open box: nothing counts yet
    for slip, grade in zip(slips, ["good", "good", "fairly_good", "average", "good"], strict=True):
        vote(box, slip, grade)
    ballot_services.close_box(actor=staff, box=box)
    fa.survey_box.refresh_from_db()
    result = selectors.field_score_for(fa)
    # Five ballots (k = 5, DSC-1: fewer would give no survey score at all); 党员 3 and 群众 2 merge, so
    # the score is the plain mean (100 + 100 + 80 + 60 + 100) / 5.
    assert result.survey_score == 88
    assert result.score == 80 * 0.75 + 88 * 0.25
