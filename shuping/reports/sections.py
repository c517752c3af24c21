"""Recognising a report's sections (REP-1) — from a signed .docx or from pasted text. No Django import.

Reports follow the shape Art. 5 gives them: 一、工作成效 (总结工作成效) / 二、存在的突出问题 (查摆突出问题) /
三、原因分析 (分析产生根源) / 四、下一步措施 (提出破解工作瓶颈的措施). Headings vary between provinces and
drafters, so each section is recognised by keywords, with or without the Chinese numbering. Text before the
first recognised heading (title, 称呼, opening paragraph) goes to 工作成效; text under an unrecognised
heading stays with the section before it, so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ACHIEVEMENTS, PROBLEMS, CAUSES, MEASURES, CARRY_OVER = (
    "achievements",
    "problems",
    "causes",
    "measures",
    "carry_over",
)

#: Keywords of each section heading, most specific first.
HEADING_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (CARRY_OVER, ("整改情况", "整改落实", "反馈问题", "巡视巡察", "上年度", "去年")),
    (CAUSES, ("原因分析", "原因剖析", "根源", "产生原因", "问题原因", "原因")),
    (MEASURES, ("下一步", "破解", "措施", "工作打算", "努力方向", "改进", "思路")),
    (PROBLEMS, ("突出问题", "存在问题", "问题和不足", "问题与不足", "不足", "差距", "短板", "问题")),
    (ACHIEVEMENTS, ("工作成效", "主要成效", "履职情况", "工作开展", "主要做法", "成效", "成绩", "做法")),
)

#: First-level headings only (公文: 一、 …); （一） marks items inside a section, not sections.
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、．.]|第[一二三四五六七八九十]+部分)")
_PROBLEMS_AND_CAUSES = re.compile(r"问题.{0,6}[及和与].{0,4}原因")
MAX_HEADING_LENGTH = 30


@dataclass
class Sections:
    """A report's text by section; `problems` is a list of items."""

    achievements: str = ""
    problems: list[str] = field(default_factory=list)
    causes: str = ""
    measures: str = ""
    carry_over: str = ""
    recognised: list[str] = field(default_factory=list)

    @property
    def found_problems(self) -> bool:
        return PROBLEMS in self.recognised


def heading_section(line: str, *, is_heading_style: bool = False) -> str | None:
    """Which section a line heads, or None when it is body text."""
    text = line.strip()
    if not text or len(text) > MAX_HEADING_LENGTH:
        return None
    if not (is_heading_style or _NUMBERED.match(text)):
        return None
    # “一、” numbering is how 公文 mark a first-level heading; a sentence ending in 。 is body text.
    if text.endswith("。") and not is_heading_style:
        return None
    if _PROBLEMS_AND_CAUSES.search(text):
        return PROBLEMS
    for section, words in HEADING_KEYWORDS:
        if any(w in text for w in words):
            return section
    return None


def split_items(paragraphs: list[str]) -> list[str]:
    """Problem items: one per numbered paragraph (一是 / （一） / 1.), else one per paragraph."""
    items: list[str] = []
    for p in paragraphs:
        p = p.strip()
        if not p:
            continue
        # “一是……。二是……。” written in one paragraph: split before each marker.
        pieces = [x for x in re.split(r"(?=[二三四五六七八九十]是)", p) if x.strip()]
        items.extend(x.strip() for x in pieces)
    return items


def from_lines(lines: list[tuple[str, bool]]) -> Sections:
    """Sections from (text, is_heading_style) lines in document order."""
    buckets: dict[str, list[str]] = {ACHIEVEMENTS: [], PROBLEMS: [], CAUSES: [], MEASURES: [], CARRY_OVER: []}
    recognised: list[str] = []
    current = ACHIEVEMENTS
    for text, is_heading in lines:
        section = heading_section(text, is_heading_style=is_heading)
        if section is not None and (section not in recognised or section == current):
            if section not in recognised:
                recognised.append(section)
            current = section
            continue
        if text.strip():
            buckets[current].append(text.strip())
    return Sections(
        achievements="\n".join(buckets[ACHIEVEMENTS]),
        problems=split_items(buckets[PROBLEMS]),
        causes="\n".join(buckets[CAUSES]),
        measures="\n".join(buckets[MEASURES]),
        carry_over="\n".join(buckets[CARRY_OVER]),
        recognised=recognised,
    )


def from_text(text: str) -> Sections:
    """Sections from pasted text (paragraphs kept: one line, one paragraph)."""
    return from_lines([(line, False) for line in (text or "").splitlines()])


class UnreadableDocx(ValueError):
    """The file is not a .docx we can read."""


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: What a run's children stand for in its text (as python-docx reads them).
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
#: A .docx's text may be at most this long — every section obeys the typed limit, so a file with more
#: text than all sections together could hold is refused as soon as the count is passed, mid-read.
MAX_DOCX_CHARS = 5 * 50_000


def _main_part(archive, names: set[str]) -> str:
    from shuping.core import uploads

    if "_rels/.rels" in names:
        with archive.open("_rels/.rels") as stream:
            for event, elem in uploads.iterparse_xml(stream, limit=1024 * 1024, label="述职报告"):
                if event == "end" and elem.tag == f"{_REL}Relationship":
                    if (elem.get("Type") or "").endswith("/officeDocument"):
                        return (elem.get("Target") or "").lstrip("/")
    return "word/document.xml"


def _heading_style_ids(archive, names: set[str]) -> set[str]:
    """Ids of the paragraph styles whose name reads as a heading (Heading 1 …, 标题 1 …)."""
    from shuping.core import uploads

    headings: set[str] = set()
    if "word/styles.xml" not in names:
        return headings
    with archive.open("word/styles.xml") as stream:
        for event, elem in uploads.iterparse_xml(
            stream, limit=uploads.REPORT_DOCX.max_xml_part, label="述职报告"
        ):
            if event == "end" and elem.tag == f"{_W}style":
                name_elem = elem.find(f"{_W}name")
                name = (name_elem.get(f"{_W}val") or "") if name_elem is not None else ""
                if name.lower().startswith(("heading", "标题")):
                    headings.add(elem.get(f"{_W}styleId") or "")
                elem.clear()
    return headings


def docx_lines(data: bytes, *, max_chars: int = MAX_DOCX_CHARS) -> list[tuple[str, bool]]:
    """Paragraphs of a .docx body, then those of its tables' cells, with whether each uses a heading style.

    Read through the upload gate (INT-1): the zip's directory is checked before anything is inflated, the
    XML is streamed through defusedxml with every finished element dropped (memory stays at one
    paragraph), and more than `max_chars` characters of text is refused (UploadRefused) mid-read.
    """
    import zipfile

    from shuping.core import uploads

    archive = uploads.open_zip(data, uploads.REPORT_DOCX)
    with archive:
        names = set(archive.namelist())
        try:
            part = _main_part(archive, names)
            if part not in names:
                raise UnreadableDocx("no main document part")
            headings = _heading_style_ids(archive, names)
            with archive.open(part) as stream:
                return _paragraphs(stream, headings, max_chars)
        except (KeyError, zipfile.BadZipFile, EOFError, OSError) as error:
            raise UnreadableDocx(str(error)) from error


def _paragraphs(stream, headings: set[str], max_chars: int) -> list[tuple[str, bool]]:
    from shuping.core import uploads

    body: list[tuple[str, bool]] = []
    cells: list[tuple[str, bool]] = []
    stack: list = []
    paragraphs: list[tuple[list[str], list[str]]] = []  # (text pieces, style id) of the open paragraphs
    tables = 0
    total = 0
    for event, elem in uploads.iterparse_xml(
        stream, limit=uploads.REPORT_DOCX.max_xml_part, label="述职报告"
    ):
        tag = elem.tag
        if event == "start":
            stack.append(elem)
            if tag == f"{_W}p":
                paragraphs.append(([], []))
            elif tag == f"{_W}tbl":
                tables += 1
            continue
        stack.pop()
        parent = stack[-1] if stack else None
        piece = ""
        if tag == f"{_W}t":
            piece = elem.text or ""
        elif tag in _RUN_TEXT:
            piece = _RUN_TEXT[tag]
        elif tag == f"{_W}br" and elem.get(f"{_W}type") in (None, "textWrapping"):
            piece = "\n"
        elif tag == f"{_W}pStyle" and paragraphs:
            paragraphs[-1][1].append(elem.get(f"{_W}val") or "")
        elif tag == f"{_W}tbl":
            tables -= 1
        elif tag == f"{_W}p" and paragraphs:
            pieces, style = paragraphs.pop()
            line = ("".join(pieces), bool(style) and style[0] in headings)
            if parent is not None and parent.tag == f"{_W}body":
                body.append(line)
            elif parent is not None and parent.tag == f"{_W}tc" and tables == 1:
                cells.append(line)
        if piece and paragraphs:
            total += len(piece)
            if total > max_chars:
                raise uploads.UploadRefused(
                    f"上传的述职报告文字超过 {max_chars:,} 字的上限（每一部分不超过 50,000 字），"
                    "已拒绝，未保存任何内容。",
                    code="too_much_text",
                )
            paragraphs[-1][0].append(piece)
        # Drop what has been read: memory stays at the open elements, never the whole document.
        elem.clear()
        if parent is not None:
            parent.remove(elem)
    return body + cells


def from_docx(data: bytes) -> Sections:
    return from_lines(docx_lines(data))
