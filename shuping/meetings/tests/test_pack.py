"""The document pack (MTG-5, EVA-8): one job, every document as .docx and PDF, filled from the campaign."""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from shuping.jobs.choices import JobStatus
from shuping.jobs.runtime import run_job_in_foreground
from shuping.meetings import commentary, pack, voting

from .test_meeting import grade_all, phone_vote, prepare

EXPECTED = ("01-工作通知", "02-会议方案", "03-议程及主持词", "04-签到表", "05-测评表", "06-材料汇编")


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.req("MTG-5", "EVA-8", "MTG-2")
def test_one_click_builds_the_pack_as_a_job_with_every_document_filled(scene, world, tmp_path):
    staff = world.organizer_staff
    meeting, _plan, _boxes, slips = prepare(scene, world)
    commentary.draft_commentaries(actor=staff, meeting=meeting)
    voting.open_voting(actor=staff, meeting=meeting)
    for mb in meeting.boxes.all():
        for slip in slips[mb.pk]:
            phone_vote(slip.code, grade_all(mb, "good"))
    voting.close_voting(actor=staff, meeting=meeting)
    if voting._counting() is not None:
        voting.certify(actor=staff, meeting=meeting, scrutineers="张三", counters="李四")

    job = run_job_in_foreground(
        kind="meetings.pack",
        title="会议材料",
        task=pack.generate_pack,
        args=[meeting.pk],
        requested_by=staff,
        out=io.StringIO(),
    )
    assert job.status == JobStatus.SUCCEEDED, job.message
    with job.result_file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = archive.namelist()
    for stem in EXPECTED:
        assert f"{stem}.docx" in names and f"{stem}.pdf" in names
        assert archive.read(f"{stem}.pdf").startswith(b"%PDF-")
    assert any(n.startswith("07-计票结果报告单") for n in names)
    script = _docx_text(archive.read("03-议程及主持词.docx"))
    # The chair's script names each on-site reporter in order, then the written ones.
    assert script.index("请中共乙县委员会陈志远同志述职") < script.index("请中共丁县委员会林海同志述职")
    assert "周文" in script and "马建国" in script
    # 回避 (MTG-2): 林海 attends the main room, so its 测评表 does not list him; his 单列测评表 does, and
    # says he does not take it. The 分会场, where nobody recuses, rates all three on its own 测评表.
    ballot = _docx_text(archive.read("05-测评表.docx"))
    assert "书面述职人员" in ballot and "□" in ballot and "陈志远" in ballot and "周文" in ballot
    assert "丁县委 林海" not in ballot and "林海同志参加本会场测评，本表不列" in ballot
    single = _docx_text(archive.read("05-测评表-单列-林海.docx"))
    assert "丁县委 林海" in single and "林海同志本人回避，不领取、不填写本表" in single
    assert "陈志远" not in single and "周文" not in single
    sub = _docx_text(archive.read("05-测评表-丁县分会场.docx"))
    assert all(name in sub for name in ("陈志远", "丁县委 林海", "周文"))
    assert sorted(n for n in names if n.startswith("05-")) == sorted(
        f"05-测评表{s}.{ext}" for s in ("", "-单列-林海", "-丁县分会场") for ext in ("docx", "pdf")
    )
    sign_in = _docx_text(archive.read("04-签到表.docx"))
    assert "王伟" in sign_in and "丁县分会场" in sign_in
    compilation = _docx_text(archive.read("06-材料汇编.docx"))
    assert "尚未报送述职报告" in compilation and "周文" in compilation
    # Only the 通知 is a 文件 with the red masthead; the working papers have none.
    masthead = f"{meeting.campaign.organizer.name}组织部文件"
    assert masthead in _docx_text(archive.read("01-工作通知.docx"))
    for paper in (script, ballot, sign_in, compilation):
        assert masthead not in paper
    out = os.environ.get("SHUPING_PACK_PNG_DIR")
    if out:  # for looking at every page: SHUPING_PACK_PNG_DIR=/tmp/pack pytest …
        for name in names:
            if name.endswith(".pdf"):
                target = Path(out) / name
                target.write_bytes(archive.read(name))
                subprocess.run(
                    ["pdftoppm", "-png", "-r", "60", str(target), str(target.with_suffix(""))], check=False
                )
