"""FLOW-4: every reporter's final 点评 of a meeting on one page — drafts prefilled, each row entered on its
commenter's behalf (代录) and audited as such, one submit for the lot, all or nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuping.audit.models import AuditEvent
from shuping.meetings import commentary, services
from shuping.meetings.choices import CommentaryStatus

from .test_meeting import prepare


def _drafted(scene, world):
    meeting, *_ = prepare(scene, world)
    commentary.draft_commentaries(actor=world.organizer_staff, meeting=meeting)
    return meeting


def _filled(meeting, page_rows=None):
    data = {}
    for c in meeting.commentaries.select_related("commenter", "assessment"):
        key = f"c{c.pk}"
        data.setdefault("finalise", []).append(key)
        data[f"{key}-remarks"] = f"{c.commenter.name}：{c.assessment.person_name}同志抓基层党建思路清晰。"
        data[f"{key}-direction"] = "持续用力，抓好整改。"
        data[f"{key}-problems"] = "组织建设｜软弱涣散党组织整顿不彻底"
    return data


@pytest.mark.req("FLOW-4", "MTG-3")
def test_all_final_commentaries_are_entered_on_one_page_with_one_submit(scene, world, client):
    meeting = _drafted(scene, world)
    rows = list(meeting.commentaries.select_related("commenter"))
    assert len(rows) >= 3  # three reporters at least, one row each per commenter
    client.force_login(world.organizer_staff)
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    url = reverse("meetings:commentaries", args=[meeting.pk])
    assert f'href="{url}"' in detail  # reached by clicking from the meeting page
    page = client.get(url).content.decode()
    for c in rows:  # every row, its draft prefilled, attributed to its commenter
        assert f'name="c{c.pk}-remarks"' in page
        assert f"代{c.commenter.name}录入" in page
    assert rows[0].draft_text.splitlines()[0] in page
    services.start_meeting(actor=world.organizer_staff, meeting=meeting)
    posts = 0
    response = client.post(url, _filled(meeting))
    posts += 1
    assert response.status_code == 302
    assert posts == 1 and meeting.commentaries.filter(status=CommentaryStatus.FINAL).count() == len(rows)
    for c in meeting.commentaries.all():
        assert c.entered_by == world.organizer_staff and c.problems.count() == 1
    events = AuditEvent.objects.filter(action="meetings.commentary_final")
    assert sorted(e.on_behalf_of for e in events) == sorted(c.commenter.name_and_post for c in rows)
    after = client.get(url).content.decode()
    assert after.count("已定稿") >= len(rows) and f"{world.organizer_staff.display_name} 代" in after


@pytest.mark.req("FLOW-4", "MTG-3")
def test_one_incomplete_row_saves_nothing_and_keeps_what_was_typed(scene, world, client):
    meeting = _drafted(scene, world)
    services.start_meeting(actor=world.organizer_staff, meeting=meeting)
    data = _filled(meeting)
    last = data["finalise"][-1]
    data[f"{last}-direction"] = ""
    data[f"{data['finalise'][0]}-remarks"] = "已改写的点评意见"
    client.force_login(world.organizer_staff)
    response = client.post(reverse("meetings:commentaries", args=[meeting.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "本次均未保存" in page and "已改写的点评意见" in page
    assert not meeting.commentaries.filter(status=CommentaryStatus.FINAL).exists()
    # Unticking the incomplete row saves the others.
    data["finalise"] = data["finalise"][:-1]
    assert client.post(reverse("meetings:commentaries", args=[meeting.pk]), data).status_code == 302
    assert meeting.commentaries.filter(status=CommentaryStatus.FINAL).count() == len(data["finalise"])


@pytest.mark.req("FLOW-4", "MTG-3", "EVA-9")
def test_before_the_meeting_nothing_is_finalised_and_only_staff_enter(scene, world, client):
    meeting = _drafted(scene, world)
    url = reverse("meetings:commentaries", args=[meeting.pk])
    client.force_login(world.organizer_staff)
    page = client.post(url, _filled(meeting)).content.decode()
    assert "会议尚未召开" in page and not meeting.commentaries.filter(status=CommentaryStatus.FINAL).exists()
    client.force_login(world.department_leader)
    assert client.get(url).status_code == 200
    assert client.post(url, _filled(meeting)).status_code == 403
    for persona in ("assessee", "liaison"):
        client.force_login(world.users[persona])
        assert client.get(url).status_code == 403
