"""Offline venue pack (MTG-6): a sealed results file joins the count; a tampered or replayed one is refused."""

from __future__ import annotations

import json

import pytest

from shuping.meetings import offline, voting
from shuping.meetings.offline import ReplayedFile, TamperedFile

from .test_meeting import prepare


def _exported(scene, world):
    meeting, _plan, _boxes, _slips = prepare(scene, world)
    sub = meeting.boxes.get(venue__is_main=False)
    pack = offline.export_venue_pack(actor=world.organizer_staff, meeting_box=sub)
    return meeting, sub, json.loads(pack.content), pack.secret


def _results(pack, secret, grade="good"):
    subjects = [str(s["id"]) for s in pack["payload"]["box"]["subjects"]]
    ballots = [("党代表", {s: grade for s in subjects}), ("党代表", {s: "fairly_good" for s in subjects})]
    return offline.seal_results(pack=pack, pairing_secret=secret, ballots=ballots)


@pytest.mark.req("MTG-6")
def test_the_pack_carries_hashes_only_and_the_results_join_the_count(scene, world):
    meeting, _sub, pack, secret = _exported(scene, world)
    text = json.dumps(pack)
    assert len(pack["payload"]["credentials"]) == 2
    assert all(len(c["hash"]) == 64 for c in pack["payload"]["credentials"])
    assert secret not in text
    export = offline.import_results(actor=world.organizer_staff, meeting=meeting, data=_results(pack, secret))
    assert export.ballots_imported == 2
    result = voting.consolidated_tally(meeting)
    assert result.result(str(scene.county.pk)).valid == 2


@pytest.mark.req("MTG-6")
def test_a_tampered_results_file_is_refused(scene, world):
    meeting, _sub, pack, secret = _exported(scene, world)
    document = json.loads(_results(pack, secret))
    first = document["payload"]["tally_inputs"][0][1]
    for key in first:
        first[key] = "poor"
    with pytest.raises(TamperedFile):
        offline.import_results(actor=world.organizer_staff, meeting=meeting, data=offline.canonical(document))
    # Re-hashing the manifest does not help without the pairing secret.
    payload = document["payload"]
    document["manifest"] = {
        "box": offline.crypto.sm3_hex(offline.canonical(payload["box"])),
        "tally_inputs": offline.crypto.sm3_hex(offline.canonical(payload["tally_inputs"])),
        "payload": offline.crypto.sm3_hex(offline.canonical(payload)),
    }
    with pytest.raises(TamperedFile):
        offline.import_results(actor=world.organizer_staff, meeting=meeting, data=offline.canonical(document))
    forged = _results(pack, "WRONG-SECRET-0000")
    with pytest.raises(TamperedFile):
        offline.import_results(actor=world.organizer_staff, meeting=meeting, data=forged)
    assert not meeting.offline_exports.filter(imported_at__isnull=False).exists()


@pytest.mark.req("MTG-6")
def test_a_replayed_results_file_is_refused(scene, world):
    meeting, _sub, pack, secret = _exported(scene, world)
    data = _results(pack, secret)
    offline.import_results(actor=world.organizer_staff, meeting=meeting, data=data)
    with pytest.raises(ReplayedFile):
        offline.import_results(actor=world.organizer_staff, meeting=meeting, data=data)
    with pytest.raises(ReplayedFile):  # a second, freshly sealed file for the same export
        offline.import_results(
            actor=world.organizer_staff, meeting=meeting, data=_results(pack, secret, "average")
        )
    assert voting.consolidated_tally(meeting).result(str(scene.county.pk)).valid == 2


@pytest.mark.req("MTG-6")
def test_exporting_voids_the_online_slips_and_a_re_export_replaces_the_lost_pack(scene, world):
    meeting, sub, first_pack, first_secret = _exported(scene, world)
    assert not sub.box.credentials.filter(is_voided=False).exists()  # online slips can no longer vote
    assert offline.online_boxes(meeting).filter(pk=sub.pk).count() == 0
    second = offline.export_venue_pack(actor=world.organizer_staff, meeting_box=sub)
    assert len(second.slips) == 2  # as many as the pack it replaces
    hashes = {c["hash"] for c in json.loads(second.content)["payload"]["credentials"]}
    assert hashes.isdisjoint(c["hash"] for c in first_pack["payload"]["credentials"])  # new slips
    with pytest.raises(ReplayedFile):  # the lost pack's results are refused from now on
        offline.import_results(
            actor=world.organizer_staff, meeting=meeting, data=_results(first_pack, first_secret)
        )
    export = offline.import_results(
        actor=world.organizer_staff,
        meeting=meeting,
        data=_results(json.loads(second.content), second.secret),
    )
    assert export.serial == second.export.serial
    with pytest.raises(offline.MeetingConflict):  # imported: no third pack for this venue
        offline.export_venue_pack(actor=world.organizer_staff, meeting_box=sub)


@pytest.mark.req("MTG-6")
def test_a_results_file_with_more_ballots_than_slips_of_a_category_is_refused(scene, world):
    meeting, _sub, pack, secret = _exported(scene, world)
    subjects = [str(s["id"]) for s in pack["payload"]["box"]["subjects"]]
    three = [("党代表", {s: "good" for s in subjects})] * 3
    with pytest.raises(TamperedFile):
        offline.import_results(
            actor=world.organizer_staff,
            meeting=meeting,
            data=offline.seal_results(pack=pack, pairing_secret=secret, ballots=three),
        )
    two = three[:2]
    bad_figures = offline.seal_results(
        pack=pack, pairing_secret=secret, ballots=two, figures={"issued": 2, "cast": 3}
    )
    with pytest.raises(TamperedFile):
        offline.import_results(actor=world.organizer_staff, meeting=meeting, data=bad_figures)


@pytest.mark.req("MTG-6")
def test_the_imported_venue_has_its_certificate_in_the_meeting_pack(scene, world):
    from shuping.meetings import pack as meeting_pack

    meeting, _sub, pack, secret = _exported(scene, world)
    figures = {"issued": 2, "voided": 0, "handed_out": 2, "phone": 1, "paper": 1, "spoiled": 0, "cast": 2}
    subjects = [str(s["id"]) for s in pack["payload"]["box"]["subjects"]]
    data = offline.seal_results(
        pack=pack,
        pairing_secret=secret,
        ballots=[("党代表", {s: "good" for s in subjects})] * 2,
        figures=figures,
    )
    offline.import_results(actor=world.organizer_staff, meeting=meeting, data=data)
    names = [f.name for f in meeting_pack.certificate_files(meeting)]
    assert any("离线会场" in n and n.endswith(".pdf") for n in names)
    assert any("离线会场" in n and n.endswith(".docx") for n in names)


@pytest.mark.req("MTG-6")
def test_the_box_table_says_where_an_exported_box_votes(scene, world, client):
    """The exported box stays 草拟 on the server (ADR 0005); the meeting page's box table says it votes at
    the offline venue, then that its results came back, instead of 草拟."""
    from django.urls import reverse

    meeting, _sub, pack, secret = _exported(scene, world)
    client.force_login(world.organizer_staff)
    url = reverse("meetings:detail", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "离线会场投票中" in page and "离线结果已导入" not in page
    offline.import_results(actor=world.organizer_staff, meeting=meeting, data=_results(pack, secret))
    page = client.get(url).content.decode()
    assert "离线结果已导入" in page and "离线会场投票中" not in page


@pytest.mark.req("MTG-6", "SEC-6")
def test_a_refused_export_draws_the_meeting_page_again_with_the_reason_and_the_typed_address(
    scene, world, client
):
    from django.urls import reverse

    meeting, _plan, _boxes, _slips = prepare(scene, world)
    sub = meeting.boxes.get(venue__is_main=False)
    client.force_login(world.organizer_staff)
    url = reverse("meetings:offline_export", args=[meeting.pk, sub.pk])
    refused = client.post(url, {"vote_url": "192.168.1.7/v/"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "笔记本投票地址应以 http:// 开头" in page
    assert 'value="192.168.1.7/v/"' in page
    assert not meeting.offline_exports.exists()
    done = client.post(url, {"vote_url": "http://192.168.1.7:8000/v/"})
    assert done.status_code == 200 and "http://192.168.1.7:8000/v/" in done.content.decode()
    assert meeting.offline_exports.count() == 1


@pytest.mark.req("MTG-6")
def test_a_held_meeting_without_offline_venues_shows_no_empty_offline_panel(scene, world, client):
    from django.urls import reverse

    meeting, _plan, _boxes, _slips = prepare(scene, world)
    client.force_login(world.organizer_staff)
    url = reverse("meetings:detail", args=[meeting.pk])
    assert "导出离线会场包" in client.get(url).content.decode()  # boxes in 草拟: export offered
    voting.open_voting(actor=world.organizer_staff, meeting=meeting)
    voting.close_voting(actor=world.organizer_staff, meeting=meeting)
    assert "离线会场（涉密会场" not in client.get(url).content.decode()  # nothing to export, none exported
