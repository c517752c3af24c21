"""A post that changed hands mid-year: the predecessor is offered as a second reporter in the scope review,
report-only suggested (ORG-3, CMP-2)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from shuping.audit.models import AuditEvent
from shuping.campaigns import selectors, services
from shuping.campaigns.choices import ReportingMode
from shuping.campaigns.services import CampaignConflict
from shuping.orgs.services import create_person, create_secretaryship


@pytest.fixture
def handover(world):
    """甲市委: 孙 until 31 May 2024, then 陈 (the assessee persona) from 1 June."""
    old = create_person(actor=None, name="孙书记")
    before = create_secretaryship(
        actor=None,
        person=old,
        organization=world.prefecture,
        started_on=date(2019, 3, 1),
        ended_on=date(2024, 5, 31),
    )
    new = create_person(actor=None, name="陈书记", user=world.assessee)
    create_secretaryship(actor=None, person=new, organization=world.prefecture, started_on=date(2024, 6, 1))
    campaign = services.create_campaign(actor=world.organizer_staff, organizer=world.province, year=2024)
    services.apply_scope_proposal(actor=world.organizer_staff, campaign=campaign)
    return campaign, before


@pytest.mark.req("CMP-2", "ORG-3")
def test_the_predecessor_is_offered_and_added_as_a_report_only_second_reporter(world, handover):
    campaign, before = handover
    successor = campaign.assessments.get()
    assert successor.person_name == "陈书记" and "mid_year_change" in successor.tenure_flags
    offers = selectors.predecessor_offers(campaign, list(campaign.assessments.all()))
    assert offers == {successor.pk: [before]}
    predecessor = services.add_predecessor(
        actor=world.organizer_staff, assessment=successor, secretaryship=before, reason="就 1—5 月工作述职"
    )
    assert predecessor.is_predecessor and not predecessor.is_graded
    assert (
        predecessor.reporting_mode == ReportingMode.WRITTEN
        and predecessor.organization_id == world.prefecture.pk
    )
    assert AuditEvent.objects.filter(action="campaigns.assessment.add_predecessor").count() == 1
    assert selectors.predecessor_offers(campaign, list(campaign.assessments.all())) == {successor.pk: []}
    with pytest.raises(CampaignConflict, match="已在考核名单"):
        services.add_predecessor(actor=world.organizer_staff, assessment=successor, secretaryship=before)
    # The successor's own decision is still needed; then the scope confirms with two reporters.
    services.set_grading(
        actor=world.organizer_staff, assessment=successor, is_graded=True, reason="任职超过半年"
    )
    services.confirm_scope(actor=world.organizer_staff, campaign=campaign)
    assert campaign.assessments.filter(is_excluded=False).count() == 2


@pytest.mark.req("CMP-2", "ORG-3")
def test_scope_page_offers_the_predecessor_and_adds_them(world, handover, login):
    campaign, before = handover
    successor = campaign.assessments.get()
    client = login(world.organizer_staff)
    url = reverse("campaigns:wizard_scope", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "前任 孙书记（2019-03-01 至 2024-05-31）可同时述职" in page
    r = client.post(
        url + "predecessor/",
        {"assessment": successor.pk, "secretaryship": before.pk},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    body = r.content.decode()
    assert "已增列前任书记孙书记为述职人" in body and "前任书记" in body and "可同时述职" not in body
    assert campaign.assessments.filter(is_predecessor=True, person_name="孙书记").exists()


@pytest.mark.req("CMP-2", "ORG-3")
@pytest.mark.parametrize(
    ("successor_from", "is_graded"),
    [(date(2024, 7, 1), True), (date(2024, 9, 15), False)],
)
def test_a_mid_year_change_is_graded_with_six_months_and_report_only_under(world, successor_from, is_graded):
    """A change on 1 July (six full months by 31 December) is graded, the predecessor offered; one in
    mid-September (under six months) is suggested report-only and put to the organizer."""
    from datetime import timedelta

    old = create_person(actor=None, name="孙书记")
    before = create_secretaryship(
        actor=None,
        person=old,
        organization=world.prefecture,
        started_on=date(2019, 3, 1),
        ended_on=successor_from - timedelta(days=1),
    )
    new = create_person(actor=None, name="陈书记")
    create_secretaryship(actor=None, person=new, organization=world.prefecture, started_on=successor_from)
    campaign = services.create_campaign(actor=world.organizer_staff, organizer=world.province, year=2024)
    services.apply_scope_proposal(actor=world.organizer_staff, campaign=campaign)
    successor = campaign.assessments.get()
    assert "mid_year_change" in successor.tenure_flags
    assert successor.is_graded is is_graded and successor.is_tenure_decided is is_graded
    assert selectors.predecessor_offers(campaign, [successor]) == {successor.pk: [before]}
