"""INT-1: the upload gate — spreadsheet bombs and billion laughs refused, one door for every uploaded file."""

from __future__ import annotations

import ast
import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuping.core import uploads
from shuping.jobs.models import Job
from shuping.orgs.tabular import UnreadableFile, read_table

from . import bombs

SHUPING = Path(uploads.__file__).resolve().parents[1]


@pytest.mark.req("INT-1")
def test_an_xlsx_bomb_is_refused_from_the_zip_directory_before_openpyxl_reads_it():
    data = bombs.xlsx_bomb(expanded_mb=200)
    assert len(data) < 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as refused:
        read_table(data)
    assert time.perf_counter() - started < 1.0
    assert "压缩比超过 100:1 的上限" in refused.value.refusal


@pytest.mark.req("INT-1")
def test_a_billion_laughs_xlsx_is_refused():
    started = time.perf_counter()
    with pytest.raises(UnreadableFile):
        read_table(bombs.billion_laughs_xlsx())
    assert time.perf_counter() - started < 5.0


@pytest.mark.req("INT-1")
def test_xml_entities_are_refused_by_the_gate_parser_with_a_chinese_message():
    xml = ('<?xml version="1.0"?>' + bombs.BILLION_LAUGHS_ENTITIES + "<a>&lol9;</a>").encode()
    with pytest.raises(uploads.UploadRefused, match="XML 实体") as refused:
        list(uploads.iterparse_xml(io.BytesIO(xml), limit=1024 * 1024, label="测试文件"))
    assert refused.value.code == "xml_entities"


@pytest.mark.req("INT-1")
def test_entry_count_and_oversized_xml_parts_are_refused_from_the_directory():
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(uploads.REPORT_DOCX.max_entries + 1):
            archive.writestr(f"word/media/{n}.bin", b"x")
    with pytest.raises(uploads.UploadRefused, match="超过 500 个的上限"):
        uploads.check_zip(many.getvalue(), uploads.REPORT_DOCX)
    big_xml = io.BytesIO()
    with zipfile.ZipFile(big_xml, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", b"<a/>" + b" " * (9 * 1024 * 1024))
    with pytest.raises(uploads.UploadRefused, match="超过 8 MB 的上限") as refused:
        uploads.check_zip(big_xml.getvalue(), uploads.REPORT_DOCX)
    assert refused.value.code == "xml_part_too_large"


@pytest.mark.req("INT-1")
def test_the_size_is_measured_not_taken_from_the_client():
    class Lying(io.BytesIO):
        size = 10  # the announced size

    with pytest.raises(uploads.UploadRefused, match="5 MB 的上限"):
        uploads._check_upload(Lying(b"{}" * (3 * 1024 * 1024)), uploads.OFFLINE_RESULTS)


@pytest.mark.req("INT-1", "ORG-4")
@pytest.mark.django_db
def test_the_import_page_refuses_an_xlsx_bomb_naming_the_limit_and_stores_nothing(
    world, login, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    upload = SimpleUploadedFile("组织.xlsx", bombs.xlsx_bomb(expanded_mb=200))
    response = login(world.organizer_staff).post("/orgs/import/", {"what": "orgs", "file": upload})
    assert response.status_code == 200
    assert "压缩比超过 100:1 的上限" in response.content.decode()
    assert not Job.objects.exists()
    assert not any(tmp_path.rglob("*.xlsx"))


def _source_files():
    for path in sorted(SHUPING.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path


@pytest.mark.req("INT-1")
def test_no_code_outside_the_gate_reads_request_files():
    """A new `request.FILES` (or any `.FILES`) outside shuping/core/uploads.py bypasses the gate: red."""
    offenders = []
    for path in _source_files():
        if path.name == "uploads.py" and path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "FILES":
                offenders.append(f"{path.relative_to(SHUPING.parent)}:{node.lineno}")
    assert offenders == [], "request.FILES read outside the upload gate: " + ", ".join(offenders)


#: Modules that open uploaded containers, each after the gate's check (open_zip / check_bytes).
PARSERS = {
    "shuping/core/uploads.py",  # the gate itself
    "shuping/reports/sections.py",  # docx_lines: uploads.open_zip
    "shuping/orgs/tabular.py",  # read_table: uploads.check_bytes(ORG_IMPORT)
    "shuping/campaigns/findings.py",  # import_findings: uploads.check_bytes(FINDINGS_XLSX)
}


@pytest.mark.req("INT-1")
def test_uploaded_containers_are_opened_only_by_modules_that_pass_the_gate_first():
    """Reading a zip, a workbook or a Word file anywhere else is a second door: list it here only after
    it calls the gate."""
    offenders = []
    for path in _source_files():
        relative = str(path.relative_to(SHUPING.parent))
        if relative in PARSERS:
            continue
        text = path.read_text(encoding="utf-8")
        # defusedxml's ElementTree is the safe parser; the standard library's and lxml's are not.
        unsafe_xml = "xml.etree" in text or "import lxml" in text or "from lxml" in text
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = (
                func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            )
            writing = any(
                isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and arg.value.startswith(("w", "a"))
                for arg in node.args[1:2]
            )
            if name == "load_workbook" or (name == "ZipFile" and not writing):
                offenders.append(f"{relative}:{node.lineno} {name}")
            elif name == "Document" and owner == "docx" and node.args:
                offenders.append(f"{relative}:{node.lineno} docx.Document")
            elif (
                name in {"iterparse", "fromstring", "parse"}
                and owner in {"ElementTree", "etree", "ET"}
                and unsafe_xml
            ):
                offenders.append(f"{relative}:{node.lineno} {owner}.{name}")
    assert offenders == [], "parsing outside the upload gate: " + ", ".join(offenders)
