"""DOC-1 / DOC-3: the meeting 通知 takes its 文号 from the organizer's 发文 register — one number per
meeting, the year of issue, kept when the pack is generated again — and is addressed to the reporting
organizations, never to the issuer."""

from __future__ import annotations

import pytest

from shuping.core.dates import today
from shuping.meetings import pack, services
from shuping.meetings.models import Meeting

from .test_meeting import prepare


@pytest.mark.req("DOC-1", "MTG-5")
def test_each_meeting_notice_has_its_own_number_kept_on_regeneration(scene, world):
    staff = world.organizer_staff
    prepare(scene, world)
    first = Meeting.objects.select_related("campaign__organizer").get(pk=scene.meeting.pk)
    second = services.create_meeting(
        actor=staff, campaign=first.campaign, held_on=first.campaign.meetings_end_on, venue="市委第二会议室"
    )
    assert pack.notice(first).document_number == ""  # not issued yet
    a = pack.register_notice(first, actor=staff)
    b = pack.register_notice(second, actor=staff)
    year = today().year  # the year of issue, not the campaign year + 1
    assert a.number == f"甲市委组〔{year}〕1号" and b.number == f"甲市委组〔{year}〕2号"
    assert pack.register_notice(first, actor=staff).number == a.number
    document = pack.notice(first)
    assert document.document_number == a.number and document.issued_on == a.issued_on
    assert document.layout == "official"


@pytest.mark.req("DOC-3", "MTG-5")
def test_the_notice_is_addressed_to_every_reporting_organization_and_not_the_issuer(scene, world):
    prepare(scene, world)
    meeting = Meeting.objects.select_related("campaign__organizer").get(pk=scene.meeting.pk)
    addressee = pack.notice(meeting).addressee
    assert addressee == "乙县委、丁县委、甲市直机关工委："
    assert meeting.campaign.organizer.short_name not in addressee.split("、")


@pytest.mark.req("DOC-3", "MTG-5")
def test_the_paper_ballot_has_an_opinion_area_and_the_sign_in_sheet_names_the_attendees(scene, world):
    from shuping.documents.services import render_document_pdf
    from shuping.documents.tests import measure

    prepare(scene, world)
    meeting = Meeting.objects.select_related("campaign__organizer").get(pk=scene.meeting.pk)
    ballot = render_document_pdf(pack.paper_ballot(meeting))
    text = "".join(line.text for line in measure.lines(ballot))
    assert "意见建议" in text and "（可不填）" in text
    sheet = render_document_pdf(pack.sign_in_sheet(meeting))
    names = [line.text for line in measure.lines(sheet)]
    assert any("马建国" in line and "市委书记" in line for line in names)
    assert any("王伟" in line for line in names)
