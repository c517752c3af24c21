"""The ballot component (EVA-1) reads results by the ballot subject's assessment link, BallotLink second."""

from __future__ import annotations

import pytest

from shuping.ballots import services as ballot_services
from shuping.ballots.models import BoxSubject
from shuping.ballots.tests.factories import vote
from shuping.evaluations import components
from shuping.evaluations.models import BallotLink

from .builders import campaign_at_evaluation


def _box_for(world, assessments, *, names):
    """A sealed box whose subjects are the given assessments (None = a typed name only); all vote 好."""
    actor = world.organizer_staff
    box = ballot_services.create_box(actor=actor, organization=world.province, title="述职评议测评")
    ballot_services.set_up_box(
        actor=actor,
        box=box,
        subjects=[
            ballot_services.SubjectInput(name=name, assessment=a)
            for name, a in zip(names, assessments, strict=True)
        ],
        categories=[ballot_services.CategoryInput("市级领导")],
    )
    slips = ballot_services.generate_credentials(actor=actor, box=box, counts={box.categories.get().pk: 6})
    box = ballot_services.open_box(actor=actor, box=box)
    for slip in slips:
        vote(box, slip, grade="good")
    ballot_services.close_box(actor=actor, box=box)
    return box


@pytest.mark.req("EVA-1", "BAL-8")
def test_the_ballot_component_prefers_the_subjects_assessment_link_over_a_ballot_link(world):
    campaign = campaign_at_evaluation(world, extra=1)
    first, second = list(campaign.assessments.filter(is_excluded=False).order_by("pk"))[:2]
    linked = _box_for(world, [first, second], names=["甲", "乙"])
    # A stale BallotLink for `first` to a subject of another box (voted 好 too, by a different count).
    other = _box_for(world, [None], names=["同名者"])
    BallotLink.objects.create(assessment=first, subject=BoxSubject.objects.get(box=other))

    values = components.ballot_component([first, second])

    for assessment in (first, second):
        value = values[assessment.pk]
        assert value.score is not None and float(value.score) == 100
        assert any(linked.title in line for line in value.lines)
    assert all("同名者" not in line for line in values[first.pk].lines)
    assert BoxSubject.objects.filter(box=linked, assessment=first).exists()


@pytest.mark.req("EVA-1")
def test_a_ballot_link_still_counts_for_an_assessment_no_subject_is_linked_to(world):
    campaign = campaign_at_evaluation(world, extra=1)
    first = campaign.assessments.filter(is_excluded=False).order_by("pk").first()
    box = _box_for(world, [None], names=["陈书记"])
    BallotLink.objects.create(assessment=first, subject=BoxSubject.objects.get(box=box))
    value = components.ballot_component([first])[first.pk]
    assert value.score is not None and float(value.score) == 100


@pytest.mark.req("EVA-1", "BAL-1")
def test_a_subject_cannot_be_linked_to_another_organizers_assessment(world):
    campaign = campaign_at_evaluation(world, extra=1)
    first = campaign.assessments.filter(is_excluded=False).first()
    actor = world.organizer_staff
    box = ballot_services.create_box(actor=actor, organization=world.prefecture, title="市委测评")
    with pytest.raises(ballot_services.DomainError):
        ballot_services.set_up_box(
            actor=actor,
            box=box,
            subjects=[ballot_services.SubjectInput(name="甲", assessment=first)],
            categories=[ballot_services.CategoryInput("市级领导")],
        )
