"""What a document says, as small typed values (EVA-8) — no Django, no layout.

Two kinds of document are rendered:

- `OfficialDocument`: an official document (公文) laid out after GB/T 9704-2012 — 份号, 密级, 版头
  (发文机关标志), 文号, title, 主送机关, body, 落款 (issuer and 成文日期), optional seal placeholder and 版记.
- `EvaluationForm`: the one-page 综合评价意见表 (SPEC EVA-3; PERF-4 measures batches of it).

Every text field is plain text: renderers pass it to Typst as data (JSON), never as markup, so
characters such as ``#``, ``$``, ``*``, ``[`` or ``\\`` appear exactly as typed.

`document_data()` / `form_data()` turn a value into the JSON-ready dict the templates read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

# GB/T 9704-2012 §7.2.3: the first three heading levels are 黑体, 楷体, 仿宋 (bold is allowed for the
# third); the caller writes the number (一、 （一） 1. （1）) as part of the text.
HEADING_LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: first line indented two characters."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A body heading, `level` 1 (一、 黑体) to 4 (（1） 仿宋); the number is part of `text`."""

    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if self.level not in HEADING_LEVELS:
            raise ValueError(f"heading level must be one of {HEADING_LEVELS}, not {self.level}")


@dataclass(frozen=True)
class Table:
    """A body table: an optional header row, then rows of plain-text cells."""

    rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        widths = {len(row) for row in self.rows} | ({len(self.header)} if self.header else set())
        if len(widths) > 1:
            raise ValueError("every table row must have the same number of cells as the header")
        if not self.rows and not self.header:
            raise ValueError("a table needs at least one row")


Block = Paragraph | Heading | Table


@dataclass(frozen=True)
class OfficialDocument:
    """An official document (公文) after GB/T 9704-2012.

    `masthead` is the 发文机关标志 in red at the top ("中共某某县委组织部文件"); left empty, it is the
    issuer followed by 文件. `classification` is the 密级 with its period ("秘密★1年"); `copy_number`
    the 份号 (printed as six digits). `has_seal` reserves the seal (印章) position over the 落款.
    `copy_to` (抄送) and `printed_by` / `printed_on` (印发机关, 印发日期) make up the 版记.
    A line feed in `title` breaks the title where the drafter wants (GB/T 9704 §7.3.1 asks for lines
    arranged as a trapezoid or diamond, without splitting a word); otherwise it wraps by itself.
    """

    title: str
    document_number: str
    addressee: str
    body: tuple[Block, ...]
    issuer: str
    issued_on: datetime.date
    masthead: str = ""
    classification: str = ""
    copy_number: int | None = None
    has_seal: bool = False
    copy_to: str = ""
    printed_by: str = ""
    printed_on: datetime.date | None = None


@dataclass(frozen=True)
class EvaluationForm:
    """The one-page 综合评价意见表 for one assessee in one campaign.

    `signer` is the body that signs the opinion (the organizer's 组织部门 or Party committee);
    `signed_on` left empty prints a blank "年 月 日" line to be filled in by hand.
    """

    name: str
    organization: str
    position: str
    year: int
    grade: str
    opinion: str
    signer: str = ""
    signed_on: datetime.date | None = None
    title: str = "综合评价意见表"
    subtitle: str = ""
    extra_rows: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def chinese_date(value: datetime.date) -> str:
    """A date as GB/T 9704 writes 成文日期: Arabic numerals, no leading zeros (2025年1月5日)."""
    return f"{value.year}年{value.month}月{value.day}日"


def _block_data(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text}
    if isinstance(block, Heading):
        return {"kind": "heading", "text": block.text, "level": block.level}
    return {"kind": "table", "header": list(block.header), "rows": [list(row) for row in block.rows]}


def document_data(document: OfficialDocument) -> dict[str, Any]:
    """The JSON-ready dict `official_document.typ` reads (plain strings only, no markup)."""
    return {
        "title": document.title,
        "document_number": document.document_number,
        "addressee": document.addressee,
        "body": [_block_data(block) for block in document.body],
        "issuer": document.issuer,
        "issued_on": chinese_date(document.issued_on),
        "masthead": document.masthead or f"{document.issuer}文件",
        "classification": document.classification,
        "copy_number": f"{document.copy_number:06d}" if document.copy_number is not None else "",
        "has_seal": document.has_seal,
        "copy_to": document.copy_to,
        "printed_by": document.printed_by,
        "printed_on": f"{chinese_date(document.printed_on)}印发" if document.printed_on else "",
    }


def form_data(form: EvaluationForm) -> dict[str, Any]:
    """The JSON-ready dict `evaluation_form.typ` (and the WeasyPrint comparison) reads."""
    return {
        "title": form.title,
        "subtitle": form.subtitle or f"（{form.year}年度党委（党组）书记抓基层党建工作述职评议考核）",
        "name": form.name,
        "organization": form.organization,
        "position": form.position,
        "year": f"{form.year}年度",
        "grade": form.grade,
        "opinion": form.opinion,
        "signer": form.signer,
        "signed_on": chinese_date(form.signed_on) if form.signed_on else "",
        "extra_rows": [[label, value] for label, value in form.extra_rows],
    }
