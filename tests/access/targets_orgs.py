"""Placeholders for the orgs rows of docs/permissions.md: people in and out of the personas' scope."""

from __future__ import annotations

from datetime import date

from shuping.orgs import services


def _secretary_of(org, name: str) -> int:
    person = services.create_person(actor=None, name=name, phone="13800001234", source="system")
    services.create_secretaryship(
        actor=None, person=person, organization=org, started_on=date(2021, 3, 1), source="system"
    )
    return person.pk


TARGETS = {
    # secretary of 乙县委: inside the province organizer's and the guidance staff's subtree, not the liaison's
    "person_in_scope": lambda world: _secretary_of(world.county, "县委书记 钱"),
    # secretary of 邻市委: only the outsider's
    "person_out_of_scope": lambda world: _secretary_of(world.other_prefecture, "邻市委书记 吴"),
}
