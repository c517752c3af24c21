"""Placeholders for the 民主测评 (ballots) rows of docs/permissions.md."""

from __future__ import annotations

from shuping.ballots import services, services_counting
from shuping.ballots.tests.factories import make_box


def _box_in_scope(world):
    """A draft box of 示范省委 (organizer staff and department leader of 示范省委 cover it)."""
    box, _ = make_box(world, open_box=False, categories={"市级领导": 2})
    return box.pk


def _box_closed_in_scope(world):
    """A closed, sealed box of 示范省委 with no ballots (its tally exists and is confidential)."""
    box, _ = make_box(world, categories={"市级领导": 2})
    services.close_box(actor=world.organizer_staff, box=box)
    return box.pk


def _box_out_of_scope(world):
    """A box of 邻省委, set up by 邻省's organizer staff (the outsider persona)."""
    box, _ = make_box(world, organization=world.other_province, actor=world.outsider, open_box=False)
    return box.pk


def _box_certified_in_scope(world):
    """A sealed box of 示范省委 whose 计票结果报告单 was certified (2 slips, 2 signed in, nobody voted)."""
    box, _ = make_box(world, categories={"市级领导": 2})
    services.close_box(actor=world.organizer_staff, box=box)
    services_counting.record_attendance(actor=world.organizer_staff, box=box, attendees=2)
    services_counting.certify_box(actor=world.organizer_staff, box=box)
    return box.pk


def _box_public_id_sealed(world):
    """The public id of a sealed box (its receipt list is published, BAL-7)."""
    box, _ = make_box(world, categories={"市级领导": 2})
    box = services.close_box(actor=world.organizer_staff, box=box)
    return box.public_id


TARGETS = {
    "box_in_scope": _box_in_scope,
    "box_closed_in_scope": _box_closed_in_scope,
    "box_out_of_scope": _box_out_of_scope,
    "box_certified_in_scope": _box_certified_in_scope,
    "box_public_id_sealed": _box_public_id_sealed,
}
