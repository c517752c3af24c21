"""Reading and writing the .xlsx / .csv tables of ORG-4 imports and exports.

Shared by `imports.py` (reading uploaded files) and `exports.py` (templates and subtree exports), so
both sides agree on cell conventions: 是/否 booleans, YYYY-MM-DD dates, Chinese labels for choices, and
the formula-injection escape.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from shuping.core import uploads

#: A leading character that makes Excel / LibreOffice evaluate a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", ""})


def neutralise(value: Any) -> Any:
    """Escape a text cell that a spreadsheet would run as a formula: prefix an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Undo `neutralise` so an export re-imports unchanged; any other text is kept verbatim."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def format_bool(value: bool) -> str:
    return "是" if value else "否"


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


@dataclass(frozen=True)
class Table:
    """A file's header row and its data rows; row numbers are as the spreadsheet shows them (header = 1)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()  # naive: a spreadsheet cell carries no time zone
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves "CSV" in GB18030/GBK; our templates are UTF-8 with a BOM.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _rows_from_csv(data: bytes) -> Iterator[list[str]]:
    yield from csv.reader(io.StringIO(_decode(data), newline=""))


def _rows_from_xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        workbook.close()


class UnreadableFile(ValueError):
    """The file is neither a readable .xlsx nor a .csv, or the upload gate refused it (`refusal` says why)."""

    def __init__(self, text: str, *, refusal: str = "") -> None:
        super().__init__(text)
        self.refusal = refusal


def read_table(source: str | Path | bytes | IO[bytes], *, filename: str = "") -> Table:
    """Read the first sheet of an .xlsx or a .csv into a `Table`, skipping wholly blank rows.

    `source` is a path, the bytes of the file, or a binary file object (an upload). The format is
    taken from the file's content (an .xlsx is a zip), so a misnamed file still reads.
    """
    if isinstance(source, str | Path):
        filename = filename or str(source)
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    try:
        # The upload gate (INT-1): size and the zip directory before openpyxl inflates anything.
        uploads.check_bytes(data, uploads.ORG_IMPORT)
    except uploads.UploadRefused as refused:
        # A damaged file keeps the import's own wording; a refused one says which limit it passed.
        refusal = "" if refused.code == "unreadable" else refused.message
        raise UnreadableFile(refused.message, refusal=refusal) from refused
    try:
        if data[:2] == b"PK":
            raw = _rows_from_xlsx(data)
        else:
            raw = _rows_from_csv(data)
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for number, cells in enumerate(raw, start=1):
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            rows.append((number, cells))
    except (OSError, ValueError, KeyError, csv.Error, UnicodeDecodeError) as exc:
        raise UnreadableFile(str(exc)) from exc
    except Exception as exc:  # openpyxl raises many kinds on a damaged zip
        raise UnreadableFile(str(exc)) from exc
    return Table(header=header or [], rows=rows)


def parse_date(text: str) -> dt.date | None:
    """YYYY-MM-DD (also / . 年月日 separators, and YYYYMMDD); None for blank; ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    cleaned = text.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    if cleaned.isdigit() and len(cleaned) == 8:
        cleaned = f"{cleaned[:4]}-{cleaned[4:6]}-{cleaned[6:]}"
    parts = cleaned.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(text)
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse_month(text: str) -> dt.date | None:
    """出生年月: YYYY-MM (or YYYY.MM, YYYY年MM月, or a full date) → the first of that month."""
    text = text.strip()
    if not text:
        return None
    cleaned = text.replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
    parts = cleaned.split("-")
    if len(parts) == 3:
        return parse_date(text)
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(text)
    return dt.date(int(parts[0]), int(parts[1]), 1)


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(text)


#: The .xlsx body font (DOC-4): a Chinese face every Office and WPS install has, instead of Calibri.
XLSX_FONT = "宋体"
#: Rows read ahead to size the columns; the rest of a large export streams in bounded memory.
XLSX_WIDTH_SAMPLE = 500
XLSX_MIN_WIDTH, XLSX_MAX_WIDTH = 6.0, 60.0


def xlsx_width(value: Any) -> float:
    """Excel column width for a cell: a Chinese character counts two, plus a little padding."""
    text = "" if value is None else str(value)
    longest = max(
        (sum(2 if ord(char) > 0x2E7F else 1 for char in line) for line in text.split("\n")), default=0
    )
    return min(XLSX_MAX_WIDTH, max(XLSX_MIN_WIDTH, longest + 2.0))


def write_xlsx(sheets: Sequence[tuple[str, list[str], Iterable[list[Any]]]]) -> bytes:
    """The one .xlsx writer of every export (DOC-4): one header row per sheet, in a Chinese font (宋体),
    the header frozen, printed on A4 with the header repeated on every page and fitted to the page width,
    columns as wide as their content (read from the first rows). Write-only, so a large export stays in
    bounded memory; every text cell neutralised (formula injection)."""
    import itertools

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.indexed_list import IndexedList
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook(write_only=True)
    # The workbook's default font (index 0) is what every unstyled cell shows: 宋体 instead of Calibri.
    workbook._fonts = IndexedList([Font(name=XLSX_FONT, sz=11, family=3)])
    bold = Font(name=XLSX_FONT, sz=11, family=3, bold=True)
    fill = PatternFill("solid", fgColor="FDECEA")
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        iterator = iter(rows)
        ahead = [[neutralise(v) for v in row] for row in itertools.islice(iterator, XLSX_WIDTH_SAMPLE)]
        for index, name in enumerate(header):
            width = max([xlsx_width(name)] + [xlsx_width(row[index]) for row in ahead if index < len(row)])
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.orientation = "landscape" if len(header) > 6 else "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_options.horizontalCentered = True
        header_cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cell.fill = fill
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in ahead:
            sheet.append(row)
        for row in iterator:
            sheet.append([neutralise(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv(header: list[str], rows: Iterator[list[Any]] | list[list[Any]]) -> bytes:
    """UTF-8 with a BOM so Excel opens the Chinese headers correctly; every text cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
