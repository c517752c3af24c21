"""Hostile files for the upload gate's tests (INT-1): zip bombs, billion laughs, and an honest report."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx_bomb(path: Path, *, expanded_mb: int = 200) -> Path:
    """A ~200 KB .docx whose word/document.xml inflates to `expanded_mb` MB of one paragraph's text."""
    chunk = b"\xe5\x85\x9a" * (1024 * 1024 // 3)  # “党”, repeated: deflates about 1000:1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode())
            for _ in range(expanded_mb):
                part.write(chunk)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def docx_with_document_xml(document_xml: bytes) -> bytes:
    """A minimal .docx whose main part is `document_xml` as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


BILLION_LAUGHS_ENTITIES = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10)
    )
    + "]>"
)


def billion_laughs_docx() -> bytes:
    """A .docx whose document.xml declares the classic nine levels of entities (10⁹ × "lol")."""
    xml = (
        '<?xml version="1.0"?>'
        + BILLION_LAUGHS_ENTITIES
        + f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    )
    return docx_with_document_xml(xml.encode())


def xlsx_with_sheet(sheet_xml_writer) -> bytes:
    """A real .xlsx (openpyxl) whose first sheet's XML is replaced by what `sheet_xml_writer(part)` writes."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["组织编码", "名称"])
    source = io.BytesIO()
    workbook.save(source)
    source.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with archive.open(info.filename, "w", force_zip64=True) as part:
                    sheet_xml_writer(part)
            else:
                archive.writestr(info, original.read(info.filename))
    return out.getvalue()


def xlsx_bomb(expanded_mb: int = 200) -> bytes:
    """An .xlsx whose sheet XML inflates to `expanded_mb` MB (one huge inline string)."""
    chunk = b" " * (1024 * 1024)

    def write(part):
        part.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        )
        for _ in range(expanded_mb):
            part.write(chunk)
        part.write(b"</t></is></c></row></sheetData></worksheet>")

    return xlsx_with_sheet(write)


def billion_laughs_xlsx() -> bytes:
    def write(part):
        part.write(
            (
                '<?xml version="1.0"?>'
                + BILLION_LAUGHS_ENTITIES.replace("lolz", "worksheet")
                + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
            ).encode()
        )

    return xlsx_with_sheet(write)


def legitimate_report_docx(*, scan_mb: int = 3, paragraphs: int = 60) -> bytes:
    """A real-size signed report: headings, ~9,000 characters of text, and a scanned signature page
    (`scan_mb` MB of incompressible image data), as secretaries send them."""
    document = docx.Document()
    document.add_paragraph("中共甲市委书记抓基层党建工作述职报告")
    sentence = "全年主持召开党建专题会议，推动软弱涣散村党组织整顿，新建党群服务中心，选派第一书记驻村帮扶。"
    for heading, text in (
        ("一、工作成效", sentence),
        ("二、存在的突出问题", "一是对软弱涣散党组织整顿跟踪问效不够，个别村整顿后反弹。"),
        ("三、原因分析", "督导以听汇报为主，到村现场看得少，压力传导逐级递减。"),
        ("四、下一步措施", "建立县级领导包村联系制度，每季度到村一次，开展全面复查。"),
    ):
        document.add_heading(heading, level=1)
        for n in range(paragraphs // 4):
            document.add_paragraph(f"{n + 1}. {text}")
    document.add_paragraph("签名：陈某某    2025年1月5日")
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            archive.writestr(info, original.read(info.filename))
        archive.writestr("word/media/signature-page.png", os.urandom(scan_mb * 1024 * 1024))
    return out.getvalue()
