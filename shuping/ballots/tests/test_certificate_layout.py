"""DOC-3: the 计票结果报告单 in the same family as the other documents — the GB/T 9704 page and type area,
16 pt body and 22 pt title, "— N —" page numbers — measured in the PDF; which figures it carries is the
ballots app's (certificate_data), not the layout's."""

from __future__ import annotations

import pytest
from django.test import Client

from shuping.ballots import services, services_counting
from shuping.ballots.tests.factories import make_box, vote
from shuping.documents.tests import measure


@pytest.mark.req("DOC-3", "BAL-4")
def test_the_certificate_is_laid_out_like_every_other_document(world):
    box, slips = make_box(world, subjects=3, categories={"市级领导": 6})
    for slip in slips[:5]:
        vote(box, slip)
    services.close_box(actor=world.organizer_staff, box=box)
    services_counting.record_attendance(actor=world.organizer_staff, box=box, attendees=6)
    services_counting.certify_box(
        actor=world.organizer_staff, box=box, scrutineers="王监票", counters="李计票"
    )
    client = Client()
    client.force_login(world.department_leader)
    pdf = client.get(f"/ballots/{box.pk}/certificate.pdf").content
    lines = measure.lines(pdf)
    text = "".join(line.text for line in lines)
    assert measure.title_lines(pdf) == ["计票结果报告单"]
    assert measure.metadata(pdf)["Title"] == "计票结果报告单"
    assert "王监票" in text and "李计票" in text and "第1页" not in text.replace(" ", "")
    numbers = [line for line in lines if line.top > measure.BOTTOM]
    assert numbers and all(line.text.startswith("—") and line.text.endswith("—") for line in numbers)
    # Everything inside the GB/T 9704 type area (the old layout had 20 mm margins).
    body = measure.body_lines(pdf)
    assert all(line.x0 >= measure.LEFT - 1 and line.x1 <= measure.RIGHT + measure.CHAR / 2 for line in body)
    assert any(abs(line.size - 16) < 0.2 for line in body) and any(abs(line.size - 22) < 0.2 for line in body)
