"""Counting pages: slip PDF (BAL-2), paper entry endpoint and certificate files (BAL-4), published
receipts (BAL-7), the meeting screen (MTG-4), custom scales (BAL-1), per-dimension tally page (BAL-8)."""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shuping.audit.models import AuditEvent
from shuping.ballots import services, services_counting
from shuping.ballots.models import BallotBox, Credential
from shuping.ballots.tests.factories import make_box, vote
from shuping.core.errors import ConflictError


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.req("BAL-2", "BAL-7")
def test_the_slip_sheet_is_a_pdf_with_every_code_its_receipt_and_cut_lines(world, login):
    client = login(world.organizer_staff)
    box, _ = make_box(world, open_box=False, categories={"市级领导": 1})
    ids = dict(box.categories.values_list("name", "id"))
    response = client.post(f"/ballots/{box.pk}/slips/", {f"count_{ids['市级领导']}": 14})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    pdf = response.content
    text = _pdf_text(pdf)
    codes = re.findall(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", text)
    assert len(codes) == 14
    stored = set(Credential.objects.filter(box=box, is_rehearsal=False).values_list("code_hash", flat=True))
    assert {services.code_hash(c) for c in codes} <= stored and len(stored) == 15
    for code in codes:  # the receipt stub of each slip
        assert services.receipt_for_code(code) in text
    assert f"/v/{box.public_id}/receipts" in text.replace("\n", "")
    pages = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"Pages:\s+2", pages)  # 12 a page
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "CJK" in fonts or "Noto" in fonts or "WenQuanYi" in fonts


@pytest.mark.req("BAL-4")
def test_the_paper_entry_screen_keys_a_slip_and_refuses_a_duplicate_with_a_chinese_message(world, login):
    client = login(world.organizer_staff)
    box, slips = make_box(world, subjects=2, categories={"市级领导": 3})
    page = client.get(f"/ballots/{box.pk}/paper/")
    assert page.status_code == 200 and "paper-config" in page.content.decode()
    # After the last reporter the "当前" line says what comes next rather than going blank.
    assert "本张已录完，填写核对数后按 Enter 保存" in page.content.decode()
    s = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    body = {
        "mode": "enter",
        "code": slips[0].display_code,
        "ratings": {s[0]: "good", s[1]: "poor"},
        "declared_count": "2",
    }
    url = f"/ballots/{box.pk}/paper/submit"
    ok = client.post(url, json.dumps(body), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["counts"]["paper"] == 1
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 409 and "重复凭条" in again.json()["detail"]
    wrong = client.post(
        url,
        json.dumps({**body, "code": slips[1].code, "declared_count": "1"}),
        content_type="application/json",
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "declared_count"
    void = client.post(
        url, json.dumps({"mode": "void", "code": slips[2].code}), content_type="application/json"
    )
    assert void.status_code == 200 and void.json()["counts"]["voided"] == 1


@pytest.mark.req("BAL-4")
def test_the_certificate_renders_as_pdf_and_docx_with_places_for_scrutineers_and_counters(world, login):
    box, slips = make_box(world, subjects=3, categories={"市级领导": 4})
    for slip in slips[:3]:
        vote(box, slip)
    services.close_box(actor=world.organizer_staff, box=box)
    services_counting.record_attendance(actor=world.organizer_staff, box=box, attendees=4)
    services_counting.certify_box(
        actor=world.organizer_staff, box=box, scrutineers="王监票", counters="李计票"
    )
    client = login(world.department_leader)
    pdf = client.get(f"/ballots/{box.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = re.sub(r"\s+", "", _pdf_text(pdf.content))
    for words in (
        "计票结果报告单",
        "监票人（签字）",
        "计票人（签字）",
        "签到人数",
        "王监票",
        "对象1",
        "对象3",
    ):
        assert words in text
    docx = client.get(f"/ballots/{box.pk}/certificate.docx")
    assert docx.status_code == 200
    from docx import Document

    document = Document(io.BytesIO(docx.content))
    full = "\n".join(p.text for p in document.paragraphs) + "".join(
        c.text for t in document.tables for row in t.rows for c in row.cells
    )
    assert "监票人（签字）" in full and "计票人（签字）" in full and "对象1" in full


@pytest.mark.req("BAL-4")
def test_the_reconcile_page_explains_an_imbalance_and_certifies_when_it_balances(world, login):
    client = login(world.organizer_staff)
    box, slips = make_box(world, categories={"市级领导": 3})
    vote(box, slips[0])
    services.close_box(actor=world.organizer_staff, box=box)
    typo = client.post(f"/ballots/{box.pk}/reconcile/", {"action": "attendance", "attendees": "两"})
    assert typo.status_code == 400 and "签到人数应为数字" in typo.content.decode()  # SEC-6: drawn again
    unknown = client.post(f"/ballots/{box.pk}/reconcile/", {"action": "erase"})
    assert unknown.status_code == 400 and "未知操作" in unknown.content.decode()
    client.post(f"/ballots/{box.pk}/reconcile/", {"action": "attendance", "attendees": "2"})
    page = client.get(f"/ballots/{box.pk}/reconcile/").content.decode()
    assert "与签到人数 2 人不符" in page
    refused = client.post(f"/ballots/{box.pk}/reconcile/", {"action": "certify"})
    assert refused.status_code == 400 and "清点核对不平衡，不能确认" in refused.content.decode()
    client.post(f"/ballots/{box.pk}/reconcile/", {"action": "attendance", "attendees": "3"})
    done = client.post(f"/ballots/{box.pk}/reconcile/", {"action": "certify"}, follow=True).content.decode()
    assert "计票结果报告单已确认" in done and f"/ballots/{box.pk}/certificate.pdf" in done


@pytest.mark.req("BAL-7", "DSC-3")
def test_a_voter_verifies_their_receipt_after_sealing(world):
    box, slips = make_box(world, subjects=2, categories={"市级领导": 6})
    voter = Client()
    started = voter.post("/v/session", json.dumps({"code": slips[0].code}), content_type="application/json")
    receipts_url = started.json()["box"]["receipts_url"]
    assert receipts_url == f"/v/{box.public_id}/receipts"
    ratings = {str(s["id"]): "good" for s in started.json()["box"]["subjects"]}
    receipt = voter.post(
        "/v/submit",
        json.dumps({"token": started.json()["token"], "ratings": ratings}),
        content_type="application/json",
    ).json()["receipt"]
    s = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    paper_receipt = services_counting.enter_paper_ballot(
        actor=world.organizer_staff,
        box=box,
        code=slips[1].code,
        ratings=dict.fromkeys(s, "poor"),
        declared_count=2,
    )
    before = voter.get(receipts_url)
    assert before.status_code == 200 and receipt not in before.content.decode()
    assert "尚未封箱" in before.content.decode()
    services.close_box(actor=world.organizer_staff, box=box)
    page = voter.get(receipts_url)
    text = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    # DSC-3: the list shows fingerprints of the stored digests, never a receipt.
    assert receipt not in text and paper_receipt == slips[1].receipt and paper_receipt not in text
    listed = re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", text)
    assert listed == sorted(listed) and len(listed) == 2
    # The voter types the receipt (in a POST body, never a URL): counted, with its fingerprint on the list.
    for typed in (receipt, paper_receipt.lower()):
        checked = voter.post(receipts_url, {"receipt": typed}).content.decode()
        found = re.search(r"回执核对码为 <strong>([0-9a-f-]{14})</strong>", checked)
        assert "已计入" in checked and found and found.group(1) in listed
    unknown = voter.post(receipts_url, {"receipt": slips[2].receipt}).content.decode()
    assert "没有找到该回执码" in unknown and "已计入：" not in unknown
    for secret in ("对象1", "对象2", "好", "差", "市级领导"):  # no tallies, no subjects, no categories
        assert secret not in text.split("<main>")[1].split("</main>")[0].replace(box.title, "")


@pytest.mark.req("MTG-4", "EVA-9")
def test_the_meeting_screen_polls_turnout_and_hides_the_tally_unless_opted_in(world, login):
    client = login(world.organizer_staff)
    box, slips = make_box(world, subjects=2, categories={"市级领导": 6})
    for slip in slips[:5]:
        vote(box, slip, "good")
    page = client.get(f"/ballots/{box.pk}/screen/").content.decode()
    assert f'hx-get="/ballots/{box.pk}/screen/live"' in page and 'hx-trigger="every 3s"' in page
    live = client.get(f"/ballots/{box.pk}/screen/live").content.decode()
    assert re.search(r'id="turnout-count">5<small> / 6', live)
    with pytest.raises(ConflictError, match="投票开始前"):  # the choice is made before voting
        services_counting.set_announcement(actor=world.organizer_staff, box=box, announces_on_spot=True)
    services.close_box(actor=world.organizer_staff, box=box)
    closed = client.get(f"/ballots/{box.pk}/screen/").content.decode()
    assert "screen-result" not in closed and "hx-get" not in closed and "研究审定后另行通报" in closed

    opted, opted_slips = make_box(world, subjects=2, categories={"市级领导": 6}, open_box=False)
    services_counting.set_announcement(actor=world.organizer_staff, box=opted, announces_on_spot=True)
    assert AuditEvent.objects.filter(action="ballots.announcement_set").exists()
    services.open_box(actor=world.organizer_staff, box=opted)
    for slip in opted_slips[:5]:
        vote(opted, slip, "good")
    assert (
        "screen-result" not in client.get(f"/ballots/{opted.pk}/screen/live").content.decode()
    )  # not before sealing
    services.close_box(actor=world.organizer_staff, box=opted)
    shown = client.get(f"/ballots/{opted.pk}/screen/").content.decode()
    assert 'id="screen-result"' in shown and "100.0%" in shown


@pytest.mark.req("MTG-4", "PERF-5")
def test_the_live_screen_query_count_does_not_grow_with_voters_and_is_cached(world, login):
    client = login(world.organizer_staff)
    box, slips = make_box(world, categories={"市级领导": 3, "部门负责人": 3})
    url = f"/ballots/{box.pk}/screen/live"
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    for slip in slips[:4]:
        vote(box, slip)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as fresh:
        assert ">4<small> / 6" in client.get(url).content.decode()
    assert len(cached) < len(fresh)  # the count came from the cache
    assert not [q for q in cached.captured_queries if "ballots_credential" in q["sql"]]


@pytest.mark.req("BAL-1")
def test_a_custom_scale_is_set_when_creating_a_box_and_drives_the_entry_keys(world, login):
    client = login(world.organizer_staff)
    response = client.post(
        "/ballots/new/",
        {"organization": world.province.pk, "title": "满意度测评", "scale_kind": "custom",
         "custom_scale": "满意｜100\n基本满意｜70\n不满意｜0"},
    )  # fmt: skip
    assert response.status_code == 302
    box = BallotBox.objects.get(title="满意度测评")
    assert box.scale == [["g1", "满意", 100], ["g2", "基本满意", 70], ["g3", "不满意", 0]]
    bad = client.post(
        "/ballots/new/",
        {
            "organization": world.province.pk,
            "title": "坏等次",
            "scale_kind": "custom",
            "custom_scale": "好｜60\n差｜80",
        },
    )
    assert bad.status_code == 200 and "从好到差" in bad.content.decode()
    assert not BallotBox.objects.filter(title="坏等次").exists()
    services.set_up_box(
        actor=world.organizer_staff,
        box=box,
        subjects=[services.SubjectInput("张三")],
        categories=[services.CategoryInput("群众")],
    )
    page = client.get(f"/ballots/{box.pk}/paper/").content.decode()
    assert '"hotkey": "3"' in page and "不满意" in page


@pytest.mark.req("BAL-8")
def test_the_tally_page_shows_per_dimension_results(world, login, settings):
    settings.SHUPING_BALLOT_MIN_CATEGORY = 3  # four voters: under the default k the box shows nothing
    box = services.create_box(actor=world.organizer_staff, organization=world.province, title="分项测评")
    services.set_up_box(
        actor=world.organizer_staff,
        box=box,
        subjects=[services.SubjectInput("张三"), services.SubjectInput("李四")],
        categories=[services.CategoryInput("领导")],
        dimensions=["抓党建责任落实", "基层基础"],
    )
    ids = dict(box.categories.values_list("name", "id"))
    slips = services.generate_credentials(actor=world.organizer_staff, box=box, counts={ids["领导"]: 4})
    services.open_box(actor=world.organizer_staff, box=box)
    subjects = list(box.subjects.values_list("id", flat=True))
    dims = list(box.dimensions.values_list("id", flat=True))
    for number, slip in enumerate(slips):
        session = services.start_session(code=slip.code)
        services.submit_ballot(
            token=session.token,
            ratings={str(s): "good" for s in subjects},
            dimension_ratings={
                str(subjects[0]): {str(dims[0]): "good" if number < 3 else "poor", str(dims[1]): "average"}
            },
        )
    services.close_box(actor=world.organizer_staff, box=box)
    page = login(world.organizer_staff).get(f"/ballots/{box.pk}/tally/").content.decode()
    assert "分项评价：抓党建责任落实" in page and "分项评价：基层基础" in page
    section = page.split("分项评价：抓党建责任落实")[1].split("分项评价：基层基础")[0]
    row = re.search(r'data-subject="张三">(.*?)</tr>', section, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[1:] == ["3", "0", "0", "1", "0", "75.0%", "75.0%", "75.00"]
