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
    content, secret = offline.export_venue_pack(actor=world.organizer_staff, meeting_box=sub)
    return meeting, sub, json.loads(content), secret


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
