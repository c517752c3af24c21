"""Guards no other test protected (INT-4): each test here turns red when its rule is deleted."""

from __future__ import annotations

import pytest

from shuping.ballots import services, services_counting
from shuping.ballots.models import Ballot, Credential
from shuping.ballots.tests.factories import make_box


@pytest.mark.req("BAL-5", "BAL-2", "INT-4")
def test_a_slip_voided_after_its_phone_session_began_cannot_be_consumed(world):
    box, slips = make_box(world)
    # The voter scanned the slip; then the 监票人 registered it as voided (handed back, damaged).
    session = services.start_session(code=slips[0].code)
    services_counting.void_slip(actor=world.organizer_staff, box=box, code=slips[0].code)
    ratings = {str(pk): "good" for pk in box.subjects.values_list("id", flat=True)}
    with pytest.raises(services.CredentialError):
        services.submit_ballot(token=session.token, ratings=ratings)
    assert not Ballot.objects.filter(box=box).exists()
    credential = Credential.objects.get(box=box, is_voided=True)
    assert not credential.is_used
    # The other slips still vote.
    other = services.start_session(code=slips[1].code)
    assert services.submit_ballot(token=other.token, ratings=ratings)
    assert Ballot.objects.filter(box=box).count() == 1
