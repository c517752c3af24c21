"""MTG-3: commenters are recorded by name and post (姓名（职务）), never by a bare title such as “组织部长”."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuping.meetings import pack
from shuping.meetings.choices import CommenterRole
from shuping.meetings.models import Commenter
from shuping.orgs.models import Person


@pytest.mark.req("MTG-3")
def test_the_form_requires_a_post_and_the_pack_names_commenters_by_name_and_post(scene, world, login):
    client = login(world.organizer_staff)
    url = reverse("meetings:detail", args=[scene.meeting.pk])
    refused = client.post(
        url + "commenters/", {"role": CommenterRole.MEMBER, "name": "陈国平", "portfolio": "组织工作"}
    )
    assert refused.status_code == 400 and "请填写点评人的姓名、职务和身份。" in refused.content.decode()
    assert not Commenter.objects.filter(meeting=scene.meeting, name="陈国平").exists()
    client.post(
        url + "commenters/",
        {
            "role": CommenterRole.MEMBER,
            "name": "陈国平",
            "post": "甲市委常委、组织部部长",
            "portfolio": "组织工作",
        },
    )
    commenter = Commenter.objects.get(meeting=scene.meeting, name="陈国平")
    assert commenter.post == "甲市委常委、组织部部长"
    assert commenter.name_and_post == "陈国平（甲市委常委、组织部部长）"
    text = "".join(getattr(b, "text", "") for b in pack.meeting_plan(scene.meeting).body)
    assert "陈国平同志（甲市委常委、组织部部长，组织工作）" in text
    page = client.get(url).content.decode()
    assert "陈国平（甲市委常委、组织部部长" in page


@pytest.mark.req("MTG-3")
def test_the_presiding_secretary_is_recorded_with_the_post_held(scene):
    Person.objects.filter(pk=scene.presiding.pk).update(position="中共甲市委书记")
    from shuping.meetings import services

    meeting = services.create_meeting(
        actor=None, campaign=scene.campaign, held_on=scene.campaign.meetings_start_on, venue="第二会议室"
    )
    presiding = meeting.commenters.get(role=CommenterRole.PRESIDING)
    assert presiding.name == "马建国" and presiding.post == "中共甲市委书记"
