"""Recognising a report's sections (REP-1) — from a signed .docx or from pasted text. No Django import.

Reports follow the shape Art. 5 gives them: 一、工作成效 (总结工作成效) / 二、存在的突出问题 (查摆突出问题) /
三、原因分析 (分析产生根源) / 四、下一步措施 (提出破解工作瓶颈的措施). Headings vary between provinces and
drafters, so each section is recognised by keywords, with or without the Chinese numbering. Text before the
first recognised heading (title, 称呼, opening paragraph) goes to 工作成效; text under an unrecognised
heading stays with the section before it, so nothing is lost.
"""

from __future__ import annotations

import io
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
    """The file is not a .docx python-docx can open."""


def docx_lines(data: bytes) -> list[tuple[str, bool]]:
    """Paragraphs (and table cells) of a .docx, with whether each uses a heading style."""
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise UnreadableDocx(str(error)) from error
    except Exception as error:  # zipfile.BadZipFile, lxml errors: a damaged upload, never a 500
        raise UnreadableDocx(str(error)) from error
    lines: list[tuple[str, bool]] = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
        lines.append((paragraph.text, style.startswith("heading") or style.startswith("标题")))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend((p.text, False) for p in cell.paragraphs)
    return lines


def from_docx(data: bytes) -> Sections:
    return from_lines(docx_lines(data))
