"""The offline venue round trip (MTG-6): the server exports a venue pack, a laptop — a second Shuping
instance with its own SQLite database and its own data key, driven through `manage.py` in a subprocess —
loads it, votes on the engine's phone and paper paths, seals, and writes the results file; the server
imports it and the meeting's count includes those ballots exactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shuping.ballots import services as ballot_services
from shuping.ballots.services import CredentialError
from shuping.meetings import offline, voting
from shuping.meetings.offline import ReplayedFile

from .test_meeting import prepare

ROOT = Path(__file__).resolve().parents[3]

#: Runs inside the laptop instance: open the loaded box with its clerk, refuse a server (online) slip,
#: vote one offline slip by phone and one on paper (after phone voting stops), close and seal.
LAPTOP_VOTING = r"""
import json, os
from shuping.ballots import services, services_counting
from shuping.ballots.services import CredentialError
from shuping.meetings.models import OfflineVenue

args = json.loads(os.environ["LAPTOP_ARGS"])
venue = OfflineVenue.objects.get()
box, clerk = venue.box, venue.clerk
out = {}
try:
    services.start_session(code=args["online_code"])
except CredentialError as exc:
    out["online_refused"] = exc.message
services.open_box(actor=clerk, box=box)
subjects = [str(pk) for pk in box.subjects.values_list("pk", flat=True)]
session = services.start_session(code=args["phone_code"].lower())
out["phone_receipt"] = services.submit_ballot(token=session.token, ratings={s: "good" for s in subjects})
box = services.start_counting(actor=clerk, box=box)
out["paper_receipt"] = services_counting.enter_paper_ballot(
    actor=clerk, box=box, code=args["paper_code"], ratings={s: "fairly_good" for s in subjects},
    declared_count=len(subjects),
)
services_counting.record_attendance(actor=clerk, box=box, attendees=len(args["all_codes"]))
services.close_box(actor=clerk, box=box)
out["certified"] = services_counting.certify_box(actor=clerk, box=box).figures
print("LAPTOP-RESULT " + json.dumps(out, ensure_ascii=False))
"""


def _laptop(tmp_path: Path, *args: str, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "SHUPING_DATA_KEY",
            "SHUPING_AUDIT_KEY",
            "SHUPING_AUDIT_SINK",
            "SHUPING_SECRET_KEY",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'laptop.sqlite3'}",
        **(extra_env or {}),
    )
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.req("MTG-6")
def test_a_venue_votes_offline_on_a_laptop_and_its_sealed_results_join_the_meeting_count(
    scene, world, tmp_path
):
    staff = world.organizer_staff
    meeting, _plan, _boxes, slips = prepare(scene, world)
    sub = meeting.boxes.get(venue__is_main=False)
    online_codes = [s.code for s in slips[sub.pk]]
    pack = offline.export_venue_pack(actor=staff, meeting_box=sub, vote_url="http://192.168.1.100:8000/v/")
    offline_codes = [s.code for s in pack.slips]
    assert len(offline_codes) == len(online_codes) == 2
    text = pack.content.decode()
    assert pack.secret not in text and not any(c in text for c in offline_codes + online_codes)

    # On the server: the venue's online slips are void, the offline slips unknown; its box never opens.
    voting.open_voting(actor=staff, meeting=meeting)
    sub.box.refresh_from_db()
    assert sub.box.status == "draft"
    with pytest.raises(CredentialError) as voided:
        ballot_services.start_session(code=online_codes[0])
    assert "作废" in voided.value.message
    with pytest.raises(CredentialError) as unknown:
        ballot_services.start_session(code=offline_codes[0])
    assert unknown.value.code == "unknown"

    # The laptop: its own database and data key.
    (tmp_path / "pack.json").write_bytes(pack.content)
    edited = bytearray(pack.content)
    at = pack.content.index(b'"hash":"') + len(b'"hash":"')  # one slip hash, one hex digit changed
    edited[at] = ord("0") if edited[at] != ord("0") else ord("1")
    (tmp_path / "edited.json").write_bytes(bytes(edited))
    migrate = _laptop(tmp_path, "migrate", "-v0")
    assert migrate.returncode == 0, migrate.stderr
    wrong = _laptop(tmp_path, "offline", "load", "pack.json", "--secret", "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert wrong.returncode != 0 and "配对密钥不正确" in wrong.stderr
    tampered = _laptop(tmp_path, "offline", "load", "edited.json", "--secret", pack.secret)
    assert tampered.returncode != 0 and "已拒绝载入" in tampered.stderr
    typed = pack.secret.lower().replace("-", " ")  # typed in lower case with spaces: still the secret
    loaded = _laptop(tmp_path, "offline", "load", "pack.json", "--secret", typed)
    assert loaded.returncode == 0, loaded.stderr
    assert "会场包校验通过" in loaded.stdout and "工作人员账号：clerk-" in loaded.stdout
    assert "/v/" in loaded.stdout and "/paper/" in loaded.stdout

    voted = _laptop(
        tmp_path,
        "shell",
        "-c",
        LAPTOP_VOTING,
        extra_env={
            "LAPTOP_ARGS": json.dumps(
                {
                    "online_code": online_codes[1],
                    "phone_code": offline_codes[0],
                    "paper_code": offline_codes[1],
                    "all_codes": offline_codes,
                }
            )
        },
    )
    assert voted.returncode == 0, voted.stderr
    result = json.loads(voted.stdout.split("LAPTOP-RESULT ", 1)[1])
    assert result["online_refused"] == "凭证码无效，请核对凭条后重新输入。"
    # The receipts the laptop gives are the ones printed at headquarters on the slips (BAL-7).
    assert [result["phone_receipt"], result["paper_receipt"]] == [s.receipt for s in pack.slips]
    assert result["certified"]["phone"] == 1 and result["certified"]["paper"] == 1

    sealed = _laptop(tmp_path, "offline", "results", "--out", "results.json")
    assert sealed.returncode == 0, sealed.stderr
    data = (tmp_path / "results.json").read_bytes()
    document = json.loads(data)
    assert len(document["payload"]["tally_inputs"]) == 2
    for secret_bit in [*offline_codes, result["phone_receipt"], result["paper_receipt"]]:
        assert secret_bit not in data.decode()

    # Back on the server: imported once, counted exactly, refused when replayed.
    before = voting.consolidated_tally(meeting)
    export = offline.import_results(actor=staff, meeting=meeting, data=data)
    assert export.ballots_imported == 2 and export.figures["cast"] == 2
    after = voting.consolidated_tally(meeting)
    for assessment in sub.subject_assessments.values():
        b, a = before.result(str(assessment)), after.result(str(assessment))
        assert a.grade_counts["good"] - b.grade_counts["good"] == 1
        assert a.grade_counts["fairly_good"] - b.grade_counts["fairly_good"] == 1
        assert a.valid - b.valid == 2
    with pytest.raises(ReplayedFile):
        offline.import_results(actor=staff, meeting=meeting, data=data)
    # The refused replay changed nothing.
    assert (
        voting.consolidated_tally(meeting).result(str(scene.county.pk)).valid
        == after.result(str(scene.county.pk)).valid
    )
