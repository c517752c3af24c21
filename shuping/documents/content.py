"""What a document says, as small typed values (EVA-8) — no Django, no layout.

Two kinds of document are rendered:

- `OfficialDocument`: an official document (公文) laid out after GB/T 9704-2012 — 份号, 密级, 版头
  (发文机关标志), 文号, title, 主送机关, body, 落款 (issuer and 成文日期), optional seal placeholder and 版记
  (`layout="official"`, the default); or a working paper on the same page without the 版头
  (`layout="plain"`: 议程及主持词, 签到表, 测评表, 材料汇编, 考核组报告 …).
- `EvaluationForm`: the one-page 综合评价意见表 (SPEC EVA-3; PERF-4 measures batches of it).

Every text field is plain text: renderers pass it to Typst as data (JSON), never as markup, so
characters such as ``#``, ``$``, ``*``, ``[`` or ``\\`` appear exactly as typed.

`document_data()` / `form_data()` turn a value into the JSON-ready dict the templates read.
"""

from __future__ import annotations

import datetime
import itertools
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# GB/T 9704-2012 §7.2.3: the first three heading levels are 黑体, 楷体, 仿宋 (bold is allowed for the
# third); the caller writes the number (一、 （一） 1. （1）) as part of the text.
HEADING_LEVELS = (1, 2, 3, 4)

Layout = Literal["official", "plain"]
LAYOUTS: tuple[str, ...] = get_args(Layout)

# Auto column widths are measured in half-width characters (a Chinese character counts two) at the
# table's 4号 size: the type area (156 mm) holds about 63 of them, and each cell's padding (2 mm a
# side) takes about two more.
TABLE_CAPACITY = 63.0
CELL_PADDING = 2.0
MIN_COLUMN = 4.0  # two Chinese characters: no column is squeezed to one character a line


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
    """A body table: an optional header row, then rows of plain-text cells.

    `widths` gives each column's relative width (`(3, 1, 1)`: the first column three times as wide as
    each of the others); left empty, columns are sized by their longest cell (`column_weights`).
    """

    rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        counts = {len(row) for row in self.rows} | ({len(self.header)} if self.header else set())
        if len(counts) > 1:
            raise ValueError("every table row must have the same number of cells as the header")
        if not self.rows and not self.header:
            raise ValueError("a table needs at least one row")
        if self.widths:
            if len(self.widths) != self.column_count:
                raise ValueError(f"a table of {self.column_count} columns needs {self.column_count} widths")
            if any(not width > 0 for width in self.widths):
                raise ValueError("column widths must be positive")

    @property
    def column_count(self) -> int:
        """Number of columns (the header's, else the first row's)."""
        return len(self.header) if self.header else len(self.rows[0])


Block = Paragraph | Heading | Table


@dataclass(frozen=True)
class Attachment:
    """An attachment (附件) printed after the 落款, each on a new page: "附件N" in 黑体 at the top left,
    its title in 小标宋 centred, then its body (GB/T 9704 §7.3.4, §8.1); the body of the document names it
    in its 附件说明."""

    title: str
    body: tuple[Block, ...]


@dataclass(frozen=True)
class OfficialDocument:
    """An official document (公文) after GB/T 9704-2012.

    `masthead` is the 发文机关标志 in red at the top ("中共某某县委组织部文件"); left empty, it is the
    issuer followed by 文件. `classification` is the 密级 with its period ("秘密★1年"); `copy_number`
    the 份号 (printed as six digits). `has_seal` reserves the seal (印章) position over the 落款.
    `copy_to` (抄送) and `printed_by` / `printed_on` (印发机关, 印发日期) make up the 版记.
    A line feed in `title` breaks the title where the drafter wants (GB/T 9704 §7.3.1 asks for lines
    arranged as a trapezoid or diamond, without splitting a word); otherwise it wraps by itself.

    `layout` chooses the page:

    - ``"official"`` (default): the 公文 above — 版头 with the red 发文机关标志 and red rule, 文号, title …
      版记. For 通知, 通报, 反馈意见, 报告 sent upward.
    - ``"plain"``: a working paper (议程及主持词, 签到表, 测评表, 材料汇编, 考核组报告 …) — the same A4 page,
      fonts, headings, tables and page numbers, but no masthead, no red rule and no 版记: 份号/密级 if
      given, the title at the top, `subtitle`, the `document_number` (if any) as a plain line, 主送机关,
      body and the 落款.

    `subtitle` is a line under the title in 楷体 (either layout). `has_signature` prints the 落款
    (issuer and date); working papers such as a 签到表 leave it out.
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
    layout: Layout = "official"
    subtitle: str = ""
    has_signature: bool = True
    attachments: tuple[Attachment, ...] = ()

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, not {self.layout!r}")


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


# A title line (2号, 22 pt, no tracking) in the 156 mm type area holds 20 Chinese characters; lines are
# kept to 19 so that a proportional digit or bracket never pushes the last character onto a line of its own.
TITLE_CAPACITY = 38.0  # half-width units
MIN_TITLE_LINE = 6.0  # three Chinese characters: no line of one or two (GB/T 9704 §7.3.1)
# Words of these titles that a line break must not split (“工作” left as “工” and “作”).
TITLE_WORDS = (
    "关于",
    "年度",
    "党委",
    "党组",
    "书记",
    "基层",
    "党建",
    "工作",
    "述职",
    "评议",
    "考核",
    "结果",
    "情况",
    "整改",
    "落实",
    "通报",
    "通知",
    "意见",
    "反馈",
    "报告",
    "会议",
    "召开",
    "评价",
    "综合",
    "实地",
    "组织",
    "材料",
    "汇编",
    "清单",
    "移交",
    "议程",
    "主持词",
    "签到表",
    "测评表",
    "民主",
    "计票",
    "报告单",
    "提纲",
    "统计表",
    "摘录",
    "研究",
    "审定",
    "开展",
    "委员会",
)
_NO_LINE_START = set("，。、：；！？）》」』”’…—")
_NO_LINE_END = set("（《「『“‘")


def _breakable(line: str, at: int) -> bool:
    before, after = line[at - 1], line[at]
    if after in _NO_LINE_START or before in _NO_LINE_END:
        return False
    return not (before.isascii() and after.isascii() and before.isalnum() and after.isalnum())


def _splits_word(line: str, at: int) -> bool:
    return any(
        line[start : start + len(word)] == word
        for word in TITLE_WORDS
        for start in range(max(0, at - len(word) + 1), at)
    )


def balance_title_line(line: str, capacity: float = TITLE_CAPACITY) -> list[str]:
    """Break one title line that is too long into the fewest lines of as equal a width as possible.

    GB/T 9704 §7.3.1: a title runs over one or more lines, arranged as a trapezoid or diamond, with words
    kept whole. Lines are chosen by dynamic programming over the allowed break points (never inside a run
    of Latin letters or digits, before closing or after opening punctuation, or inside a word of
    `TITLE_WORDS`), minimising the squared distance of each line's width from the mean; no line is
    narrower than three characters.
    """
    total = text_width(line)
    if total <= capacity:
        return [line]
    widths = [text_width(char) for char in line]
    prefix = [0.0]
    for width in widths:
        prefix.append(prefix[-1] + width)
    points = [0] + [i for i in range(1, len(line)) if _breakable(line, i)] + [len(line)]
    lines_needed = math.ceil(total / capacity)
    best: list[str] = [line]
    for count in (lines_needed, lines_needed + 1):
        target = total / count
        cost: dict[tuple[int, int], tuple[float, list[int]]] = {(0, 0): (0.0, [0])}
        for used in range(1, count + 1):
            for end in points[1:]:
                options = []
                for (k, start), (so_far, path) in cost.items():
                    if k != used - 1 or start >= end:
                        continue
                    width = prefix[end] - prefix[start]
                    if width > capacity or width < MIN_TITLE_LINE:
                        continue
                    penalty = (width - target) ** 2 + (
                        400.0 if end < len(line) and _splits_word(line, end) else 0.0
                    )
                    options.append((so_far + penalty, [*path, end]))
                if options:
                    cost[(used, end)] = min(options)
        if (count, len(line)) in cost:
            path = cost[(count, len(line))][1]
            best = [line[a:b] for a, b in itertools.pairwise(path)]
            break
    return best


def balance_title(title: str, capacity: float = TITLE_CAPACITY) -> str:
    """The title with balanced line breaks (drafters' own line feeds are kept)."""
    return "\n".join(
        part for line in title.split("\n") for part in balance_title_line(line.strip(), capacity)
    )


def text_width(text: str) -> float:
    """Width of the longest line of `text` in half-width characters (a Chinese character counts two)."""
    return max(
        sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in line)
        for line in text.split("\n")
    )


def fair_widths(natural: list[float], capacity: float) -> list[float]:
    """Share `capacity` between columns that would like `natural` widths (max-min fair share).

    If everything fits, every column gets its natural width. Otherwise columns narrower than an equal
    share of what is left keep their natural width, and the wide ones split the rest equally, so a
    column of long names wraps while short columns (序号, 人数, 完成率) never do.
    """
    if sum(natural) <= capacity:
        return list(natural)
    assigned: dict[int, float] = {}
    while True:
        open_columns = [index for index in range(len(natural)) if index not in assigned]
        share = (capacity - sum(assigned.values())) / len(open_columns)
        fitting = [index for index in open_columns if natural[index] <= share]
        if not fitting or len(fitting) == len(open_columns):
            break
        assigned.update({index: natural[index] for index in fitting})
    return [assigned.get(index, max(share, MIN_COLUMN + CELL_PADDING)) for index in range(len(natural))]


def column_weights(table: Table, capacity: float = TABLE_CAPACITY) -> list[float]:
    """Relative column widths: the table's own `widths`, else sized by each column's longest cell.

    A column's natural width is its longest cell (header included, Chinese characters counting
    double, at least two characters) plus padding; `fair_widths` fits them to the type area. A
    column left blank under its header (签名 on a 签到表) is filled in by hand: it asks for at least
    an equal share of the page.
    """
    if table.widths:
        return [float(width) for width in table.widths]
    rows = ([table.header] if table.header else []) + list(table.rows)
    natural = [
        max(MIN_COLUMN, *(text_width(row[column]) for row in rows)) + CELL_PADDING
        for column in range(table.column_count)
    ]
    if table.header:
        for column in range(table.column_count):
            if all(not row[column].strip() for row in table.rows):
                natural[column] = max(natural[column], capacity / table.column_count)
    return [round(width, 2) for width in fair_widths(natural, capacity)]


def _block_data(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text}
    if isinstance(block, Heading):
        return {"kind": "heading", "text": block.text, "level": block.level}
    return {
        "kind": "table",
        "header": list(block.header),
        "rows": [list(row) for row in block.rows],
        "widths": column_weights(block),
    }


def document_data(document: OfficialDocument) -> dict[str, Any]:
    """The JSON-ready dict `official_document.typ` reads (plain strings only, no markup)."""
    return {
        "title": balance_title(document.title),
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
        "layout": document.layout,
        "subtitle": document.subtitle,
        "has_signature": document.has_signature,
        "attachments": [
            {
                "label": f"附件{number}" if len(document.attachments) > 1 else "附件",
                "title": balance_title(attachment.title),
                "body": [_block_data(block) for block in attachment.body],
            }
            for number, attachment in enumerate(document.attachments, start=1)
        ],
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
