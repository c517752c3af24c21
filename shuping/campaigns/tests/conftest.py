from __future__ import annotations

from datetime import date

import pytest

from shuping.campaigns import services
from shuping.orgs.services import create_person, create_secretaryship
from tests.conftest import login, world  # noqa: F401  (the persona world lives in tests/conftest.py)


@pytest.fixture
def secretaries(world):  # noqa: F811
    """甲市委's secretary (linked to the assessee persona) and 邻市委's."""
    person = create_person(actor=None, name="陈书记", user=world.assessee)
    create_secretaryship(
        actor=None, person=person, organization=world.prefecture, started_on=date(2019, 3, 1)
    )
    return {"prefecture": person}


@pytest.fixture
def province_campaign(world, secretaries):  # noqa: F811
    """示范省委's 2024 campaign with its scope applied (not confirmed)."""
    campaign = services.create_campaign(actor=world.organizer_staff, organizer=world.province, year=2024)
    services.apply_scope_proposal(actor=world.organizer_staff, campaign=campaign)
    return campaign
