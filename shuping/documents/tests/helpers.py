"""Sample documents and PDF inspection helpers for the documents tests."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shuping.documents.content import EvaluationForm, Heading, OfficialDocument, Paragraph, Table

# Text that would break the layout if it were ever spliced into Typst markup (or HTML, or XML).
HOSTILE = (
    '#set page(width: 1cm) $x^2$ *粗* _斜_ [括号] \\反斜杠 "引号" <标签> @引用 // 注释 /* 块 */ 😀 & </w:t>'
)


def sample_document(**changes: object) -> OfficialDocument:
    """A realistic two-page circular (通报)."""
    values: dict[str, object] = {
        "title": "关于2025年度党委（党组）书记抓基层党建工作述职评议考核结果的通报",
        "document_number": "某组通〔2026〕3号",
        "addressee": "各乡镇党委，县委各部委办局党组（党委）",
        "body": (
            Paragraph(
                "根据《党委（党组）书记抓基层党建工作述职评议考核办法（试行）》，现将考核结果通报如下。"
            ),
            Heading("一、总体情况", 1),
            Paragraph("本次述职评议考核共有23名党委（党组）书记参加。" * 8),
            Heading("（一）等次分布", 2),
            Table(header=("等次", "人数"), rows=(("好", "8"), ("较好", "12"), ("一般", "3"))),
            Heading("二、工作要求", 1),
            Paragraph("各级党组织要对照反馈问题，认真制定整改清单，确保整改到位。" * 10),
        ),
        "issuer": "中共某某县委组织部",
        "issued_on": datetime.date(2026, 2, 5),
        "classification": "秘密★1年",
        "copy_number": 12,
        "has_seal": True,
        "copy_to": "市委组织部",
        "printed_by": "中共某某县委组织部办公室",
        "printed_on": datetime.date(2026, 2, 6),
    }
    values.update(changes)
    return OfficialDocument(**values)  # type: ignore[arg-type]


def sample_form(**changes: object) -> EvaluationForm:
    """A 综合评价意见表 for one township secretary."""
    values: dict[str, object] = {
        "name": "王建国",
        "organization": "中共某某县青山镇委员会",
        "position": "镇党委书记",
        "year": 2025,
        "grade": "较好",
        "opinion": "该同志认真履行抓基层党建第一责任人职责。\n存在问题：党员教育管理方式方法创新不足。",
        "signer": "中共某某县委组织部",
    }
    values.update(changes)
    return EvaluationForm(**values)  # type: ignore[arg-type]


def _tool(name: str) -> str:
    """The path of a poppler tool. A test that needs it FAILS without it (INT-4): a check that silently
    does nothing where the tool is missing would pass without proving anything."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} (poppler-utils) is needed by this test: apt-get install poppler-utils")
    return found


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text by `pdftotext` (the test fails where poppler-utils is not installed)."""
    tool = _tool("pdftotext")
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font `pdffonts` lists (the test fails where it is not installed)."""
    tool = _tool("pdffonts")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    output = subprocess.run([tool, str(path)], capture_output=True, check=True, text=True).stdout
    fonts = []
    for line in output.splitlines()[2:]:
        columns = line.split()
        # name … emb sub uni object-number generation: read "emb" from the right.
        fonts.append((columns[0], columns[-5] == "yes"))
    return fonts


def page_count(pdf: bytes) -> int:
    """Number of pages, counted from the page objects (no tool needed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def flat(text: str) -> str:
    """Text without the line breaks and spaces layout adds."""
    return re.sub(r"\s+", "", text)
