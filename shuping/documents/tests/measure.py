"""Measuring rendered PDFs against GB/T 9704-2012 with pdfplumber (DOC-3).

pdfplumber is a dev dependency; importing this module without it fails the test run (never a skip).
Positions are in PDF points from the top-left corner of the page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pdfplumber

MM = 72 / 25.4
# The type area: left margin 28 mm, right margin 26 mm on A4 (210 mm): 156 mm wide (GB/T 9704 §5.2.2).
LEFT = 28 * MM
RIGHT = (210 - 26) * MM
TOP = 37 * MM
BOTTOM = (297 - 35) * MM
CHAR = 156 * MM / 28  # one character of the 28-character line
TOLERANCE = 0.6  # points


@dataclass(frozen=True)
class Line:
    page: int
    top: float
    size: float
    text: str
    x0: float
    x1: float


def lines(pdf: bytes) -> list[Line]:
    """Every line of text, in reading order, with its extent (characters grouped by baseline and size)."""
    out: list[Line] = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            groups: dict[tuple[int, int], list[dict]] = {}
            for char in page.chars:
                if not char["text"].strip():
                    continue
                key = (round(char["bottom"]), round(char["size"]))
                groups.setdefault(key, []).append(char)
            for (_bottom, _size), chars in sorted(groups.items()):
                chars.sort(key=lambda c: c["x0"])
                out.append(
                    Line(
                        page=number,
                        top=min(c["top"] for c in chars),
                        size=chars[0]["size"],
                        text="".join(c["text"] for c in chars),
                        x0=chars[0]["x0"],
                        x1=chars[-1]["x1"],
                    )
                )
    return out


def body_lines(pdf: bytes) -> list[Line]:
    """Lines inside the type area's height (page numbers below it are left out)."""
    return [line for line in lines(pdf) if line.top < BOTTOM]


def metadata(pdf: bytes) -> dict:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return dict(document.metadata)


def chars_outside(pdf: bytes) -> list[str]:
    """Characters of the type area's lines that stick out left or right of it."""
    return [
        f"p{line.page} “{line.text}” {line.x0 / MM:.1f}–{line.x1 / MM:.1f} mm"
        for line in body_lines(pdf)
        if line.x0 < LEFT - TOLERANCE or line.x1 > RIGHT + TOLERANCE
    ]


def title_lines(pdf: bytes, size: float = 22.0) -> list[str]:
    """The title's lines (2号, 22 pt) on the first page."""
    return [line.text for line in lines(pdf) if line.page == 1 and abs(line.size - size) < 0.5]


def find_line(pdf: bytes, text: str) -> Line:
    """The last line reading exactly `text` (else the last containing it)."""
    every = lines(pdf)
    matches = [line for line in every if line.text == text] or [line for line in every if text in line.text]
    assert matches, f"no line with {text!r}"
    return matches[-1]


def drawn_red_shapes(pdf: bytes) -> int:
    """Curves (circles) stroked anywhere: the old dashed 印章位置 ring was one."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return sum(len(page.curves) for page in document.pages)


def ink_outside(pdf: bytes, tmp_path, *, dpi: int = 150, margin_mm: float = 0.3) -> list[str]:
    """Dark pixels left or right of the type area, between its top and bottom, page by page.

    The ink, not the glyph boxes: at a line end Typst sets a CJK comma or full stop in half its box (the
    GB style glyph's ink fills the left half), so the box reaches half a character past the edge while the
    printed mark does not. Rasterised by poppler's `pdftoppm`, which the test needs (no skip without it).
    """
    import subprocess

    from PIL import Image

    path = tmp_path / "ink.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(path), str(tmp_path / "ink")], check=True)
    per_mm = dpi / 25.4
    found = []
    for image_path in sorted(tmp_path.glob("ink-*.pgm")):
        with Image.open(image_path) as image:
            pixels = image.load()
            assert pixels is not None
            width, _height = image.size
            rows = range(int(37 * per_mm), int((297 - 35) * per_mm))
            columns = [
                *range(0, int((28 - margin_mm) * per_mm)),
                *range(int((184 + margin_mm) * per_mm), width),
            ]
            dark = [(x, y) for x in columns for y in rows if pixels[x, y] < 128]  # type: ignore[operator]  # -gray: one int per pixel
            if dark:
                x, y = dark[0]
                found.append(
                    f"{image_path.stem}: {len(dark)} px, first at {x / per_mm:.1f} mm, {y / per_mm:.1f} mm"
                )
    return found
