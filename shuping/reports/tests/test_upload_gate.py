"""INT-1: a signed report (.docx) enters through the upload gate — a zip bomb is refused from the zip's
directory in under a second without the process growing, text obeys the typed limit, XML entities are
refused, and a real-size honest report is still accepted."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from shuping.core.tests import bombs
from shuping.reports import services
from shuping.reports.models import Report

from .conftest import Setup

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def bomb_path(tmp_path_factory) -> Path:
    return bombs.docx_bomb(tmp_path_factory.mktemp("bombs") / "述职报告.docx", expanded_mb=200)


MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from shuping.core import uploads
    from shuping.reports import sections

    data = open(sys.argv[1], "rb").read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        uploads.check_bytes(data, uploads.REPORT_DOCX, name="述职报告.docx")
        sections.from_docx(data)
        outcome, message = "accepted", ""
    except uploads.UploadRefused as refused:
        outcome, message = refused.code, refused.message
    elapsed = time.perf_counter() - started
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"outcome": outcome, "message": message, "seconds": elapsed, "grown_kb": grown_kb}))
    """
)


@pytest.mark.req("INT-1")
def test_a_200_kb_docx_that_inflates_to_200_mb_is_refused_in_under_a_second_without_growing(bomb_path):
    assert bomb_path.stat().st_size < 400 * 1024
    # A fresh process, so its peak resident size (ru_maxrss) measures this parse alone.
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(bomb_path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["outcome"] != "accepted", result
    assert "40 MB" in result["message"] and "上限" in result["message"]
    assert result["seconds"] < 1.0, result
    assert result["grown_kb"] < 50 * 1024, result


@pytest.mark.req("INT-1", "REP-1")
def test_the_bomb_uploaded_on_the_report_page_is_refused_with_the_limit_and_nothing_is_saved(
    setup: Setup, world, login, bomb_path
):
    client = login(world.assessee)
    with bomb_path.open("rb") as handle:
        response = client.post(
            reverse("reports:upload", args=[setup.assessment.pk]), {"file": handle}, follow=True
        )
    page = response.content.decode()
    assert "超过 40 MB 的上限" in page
    report = Report.objects.filter(assessment=setup.assessment).first()
    assert report is None or (
        report.source != "docx" and not report.original_file and not report.achievements
    )


@pytest.mark.req("INT-1", "REP-1")
def test_a_real_size_signed_report_with_a_scanned_page_is_still_accepted(setup: Setup, world, login):
    data = bombs.legitimate_report_docx(scan_mb=3)
    assert 3 * 1024 * 1024 < len(data) < 10 * 1024 * 1024
    client = login(world.assessee)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("述职报告（签字版）.docx", data)
    response = client.post(
        reverse("reports:upload", args=[setup.assessment.pk]), {"file": upload}, follow=True
    )
    assert "已读取上传的报告" in response.content.decode()
    report = Report.objects.get(assessment=setup.assessment)
    assert report.source == "docx" and report.original_file
    assert "选派第一书记驻村帮扶" in report.achievements
    assert len(report.problems) == 15 and "软弱涣散党组织整顿跟踪问效不够" in report.problems[0]["text"]
    assert "压力传导逐级递减" in report.causes and "每季度到村一次" in report.measures


@pytest.mark.req("INT-1", "REP-1")
def test_text_taken_from_a_docx_obeys_the_50000_character_limit_of_typed_text(setup: Setup, world):
    paragraph = "全年主持召开党建专题会议，推动软弱涣散村党组织整顿。" * 40  # 1,000 characters
    body = "".join(f"<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>" for _ in range(51))
    data = bombs.docx_with_document_xml(
        f'<w:document xmlns:w="{bombs.W_NS}"><w:body>{body}</w:body></w:document>'.encode()
    )
    with pytest.raises(services.ReportError, match="50,000 字的上限"):
        services.upload_report_docx(
            actor=world.assessee, assessment=setup.assessment, data=data, filename="a.docx"
        )
    # Far more text than all sections could hold is refused while reading, before the whole part is parsed.
    body = "".join(f"<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>" for _ in range(300))
    data = bombs.docx_with_document_xml(
        f'<w:document xmlns:w="{bombs.W_NS}"><w:body>{body}</w:body></w:document>'.encode()
    )
    with pytest.raises(services.ReportError, match="250,000 字的上限") as refused:
        services.upload_report_docx(
            actor=world.assessee, assessment=setup.assessment, data=data, filename="a.docx"
        )
    assert refused.value.code == "too_much_text"
    assert not Report.objects.filter(assessment=setup.assessment, source="docx").exists()


@pytest.mark.req("INT-1")
def test_a_billion_laughs_docx_is_refused_for_its_entities(setup: Setup, world):
    with pytest.raises(services.ReportError, match="XML 实体") as refused:
        services.upload_report_docx(
            actor=world.assessee,
            assessment=setup.assessment,
            data=bombs.billion_laughs_docx(),
            filename="a.docx",
        )
    assert refused.value.code == "xml_entities"
    assert not Report.objects.filter(assessment=setup.assessment, source="docx").exists()
