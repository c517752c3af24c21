"""The venue laptop's 离线会场结果文件 button (MTG-6): the clerk exports the sealed results file from the box
page instead of running `shuping offline results` in a terminal.

The laptop state is built in this test's own database: the server exports a venue pack and `load_pack`
loads it here, as the laptop would (the laptop normally has its own database and data key — the round trip
through a second instance is `test_offline_roundtrip.py`; here both sides share one, which `load_pack`
allows: it creates its own organization, clerk and box). Voting and closing go through the engine.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from shuping.ballots import services as ballot_services
from shuping.ballots import services_counting
from shuping.core import crypto
from shuping.meetings import offline

from .test_meeting import prepare

pytestmark = pytest.mark.django_db


def _laptop(scene, world):
    """Server side: export the 分会场's pack; laptop side: load it. Returns (meeting, loaded, slips)."""
    meeting, _plan, _boxes, _slips = prepare(scene, world)
    sub = meeting.boxes.get(venue__is_main=False)
    pack = offline.export_venue_pack(actor=world.organizer_staff, meeting_box=sub)
    loaded = offline.load_pack(data=pack.content, secret=pack.secret, source="cli")
    clerk = loaded.venue.clerk  # signed in once and changed the printed initial password
    clerk.must_change_password = False
    clerk.save(update_fields=["must_change_password"])
    return meeting, loaded, pack.slips


def _vote_and_close(loaded, slips) -> None:
    box, clerk = loaded.venue.box, loaded.venue.clerk
    subjects = [str(pk) for pk in box.subjects.values_list("pk", flat=True)]
    ballot_services.open_box(actor=clerk, box=box)
    session = ballot_services.start_session(code=slips[0].code)
    ballot_services.submit_ballot(token=session.token, ratings={s: "good" for s in subjects})
    box.refresh_from_db()
    box = ballot_services.start_counting(actor=clerk, box=box)
    services_counting.enter_paper_ballot(
        actor=clerk,
        box=box,
        code=slips[1].code,
        ratings={s: "fairly_good" for s in subjects},
        declared_count=len(subjects),
    )
    ballot_services.close_box(actor=clerk, box=box)


@pytest.mark.req("MTG-6")
def test_the_laptop_box_page_exports_the_sealed_results_file_the_server_imports(scene, world, client):
    meeting, loaded, slips = _laptop(scene, world)
    box, clerk = loaded.venue.box, loaded.venue.clerk
    client.force_login(clerk)
    page = reverse("ballots:detail", args=[box.pk])
    export_url = reverse("meetings:offline_results", args=[box.pk])

    before = client.get(page).content.decode()
    assert "离线会场结果文件" in before and "封箱后可导出" in before
    assert export_url not in before and "导出结果文件</button>" not in before
    # Asked too early (a stale page), nothing is sealed and the clerk is told what to do first.
    early = client.post(export_url, follow=True)
    assert "请先在票箱页面结束投票（封箱）" in early.content.decode()
    loaded.venue.refresh_from_db()
    assert loaded.venue.results_sm3 == ""

    _vote_and_close(loaded, slips)
    after = client.get(page).content.decode()
    assert "封箱后可导出" not in after and export_url in after and "导出结果文件" in after

    response = client.post(export_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "no-store"
    disposition = response["Content-Disposition"]
    serial8 = str(loaded.venue.serial).replace("-", "")[:8]
    assert disposition.startswith("attachment;") and serial8 in disposition
    assert "%E7%A6%BB%E7%BA%BF" in disposition  # 离线… (RFC 5987, UTF-8)
    data = response.content
    document = json.loads(data)
    assert len(document["payload"]["tally_inputs"]) == 2
    assert all(s.code not in data.decode() and s.receipt not in data.decode() for s in slips)

    # The page now shows this file's SM3 for the 计票结果报告单; the export was audited with the clerk.
    digest = crypto.sm3_hex(data)
    loaded.venue.refresh_from_db()
    assert loaded.venue.results_sm3 == digest == response["X-Shuping-SM3"]
    assert digest in client.get(page).content.decode()
    from shuping.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="ballots.offline_results_sealed").latest("pk")
    assert event.actor_id == clerk.pk and event.detail["source"] == "web" and event.detail["sm3"] == digest

    # The server accepts the downloaded bytes.
    export = offline.import_results(actor=world.organizer_staff, meeting=meeting, data=data)
    assert export.ballots_imported == 2 and export.results_sm3 == digest


@pytest.mark.req("MTG-6")
def test_only_the_laptop_box_s_organizer_staff_may_export_its_results(scene, world, client):
    _meeting, loaded, slips = _laptop(scene, world)
    _vote_and_close(loaded, slips)
    box = loaded.venue.box
    export_url = reverse("meetings:offline_results", args=[box.pk])
    # The server's staff do not cover the laptop's organization (404); neither does anyone else.
    for user in (world.organizer_staff, world.department_leader, world.liaison, world.outsider):
        client.force_login(user)
        assert client.post(export_url).status_code in (403, 404)
    loaded.venue.refresh_from_db()
    assert loaded.venue.results_sm3 == ""
    # A department leader covering the laptop's organization sees the box but may not export (403).
    from shuping.accounts.choices import Role
    from shuping.accounts.models import RoleGrant

    RoleGrant.objects.create(
        user=world.department_leader, role=Role.DEPARTMENT_LEADER, organization=box.organization
    )
    client.force_login(world.department_leader)
    page = client.get(reverse("ballots:detail", args=[box.pk])).content.decode()
    assert "离线会场结果文件" in page and "导出结果文件</button>" not in page
    assert client.post(export_url).status_code == 403
    # GET is not an export.
    client.force_login(loaded.venue.clerk)
    assert client.get(export_url).status_code == 405


@pytest.mark.req("MTG-6")
def test_a_box_that_is_not_a_loaded_venue_has_no_results_panel(scene, world, client):
    meeting, _plan, _boxes, _slips = prepare(scene, world)
    main = meeting.boxes.filter(venue__is_main=True).first().box
    client.force_login(world.organizer_staff)
    assert "离线会场结果文件" not in client.get(reverse("ballots:detail", args=[main.pk])).content.decode()
    assert client.post(reverse("meetings:offline_results", args=[main.pk])).status_code == 404
