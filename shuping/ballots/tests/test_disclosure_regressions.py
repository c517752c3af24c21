"""DSC-1, DSC-2: the two leaks issue 20 found by trying the product as an organizer would, as regression
cases through the real services, pages and API: two worlds that differ only in a small group's votes must
look the same on every tally page and API answer an organizer or a leader can read. (This file imports
nothing new, so it runs unchanged against the code before the disclosure door — where both fail.)"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shuping.ballots import services
from shuping.ballots.tests.factories import make_box

G, FG, AV, P = "good", "fairly_good", "average", "poor"


def _vote(box, slip, grade: str) -> None:
    session = services.start_session(code=slip.code)
    ratings = {str(pk): grade for pk in box.subjects.values_list("id", flat=True)}
    services.submit_ballot(token=session.token, ratings=ratings)


def _visible(box, users) -> list:
    """Every figure of the box these users can read: the tally API and the tally page's tables, with the
    box's own ids and title taken out so that two boxes can be compared."""
    seen = []
    for user in users:
        client = Client()
        client.force_login(user)
        api = client.get(f"/api/v1/ballot-boxes/{box.pk}/tally")
        body = api.json()
        body.pop("box_id", None)
        for s in body.get("subjects", []):
            s.pop("subject_id", None)
        page = client.get(f"/ballots/{box.pk}/tally/").content.decode()
        tables = re.findall(r"<table.*?</table>", page, re.S)
        text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>|/ballots/\d+/|/meetings/\d+/", " ", t)) for t in tables]
        seen.append((api.status_code, body, text))
    return seen


@pytest.mark.req("DSC-1", "DSC-2", "BAL-6", "BAL-8")
def test_a_weighted_score_over_merged_categories_does_not_say_which_category_voted_poor(world):
    """Issue 20, example 1: 「领导」 3 and 「代表」 2, weights 50 each, 4 好 and 1 差. The categories are
    merged, and the old 得分 (83.33 if the 差 came from 领导, 75.00 if from 代表) named the category."""
    views = []
    for poor_from in ("领导", "代表"):
        box, slips = make_box(
            world, subjects=1, categories={"领导": 3, "代表": 2}, weights={"领导": 50, "代表": 50}
        )
        poor = next(s for s in slips if s.category == poor_from)
        for slip in slips:
            _vote(box, slip, P if slip is poor else G)
        services.close_box(actor=world.organizer_staff, box=box)
        views.append(_visible(box, [world.organizer_staff, world.department_leader]))
    assert views[0] == views[1]
    api = views[0][0][1]["subjects"][0]
    assert api["grade_counts"] == {G: 4, FG: 0, AV: 0, P: 1} and api["score"] == pytest.approx(80.0)
    assert api["is_weighted"] is False


@pytest.mark.req("DSC-1", "DSC-2", "BAL-6")
def test_a_stand_alone_box_with_one_slip_shows_no_overall_line(world):
    """Issue 20, example 2: one slip handed out, one ballot — the overall line was that ballot."""
    views = []
    for grade in (G, P):
        box, slips = make_box(world, subjects=2, categories={"领导": 1})
        _vote(box, slips[0], grade)
        services.close_box(actor=world.organizer_staff, box=box)
        views.append(_visible(box, [world.organizer_staff, world.department_leader]))
    assert views[0] == views[1]
    status, body, tables = views[0][0]
    assert status == 200 and all(s["grade_counts"] is None for s in body["subjects"])
    assert "不足5票，不单独显示" in tables[0]
