"""The PDF engine: Typst, chosen by measurement (PERF-4, see docs/performance.md).

Typst embeds Debian's Noto CJK fonts (OpenType/CFF, which ReportLab cannot embed) as subsets and lays
out a one-page form in a few milliseconds, far ahead of WeasyPrint. One `typst.Compiler` per template
and font set is kept for the life of the process, so fonts are scanned once and Typst's incremental
caches are reused from one document to the next.

User text never becomes Typst markup: each document's data travels as one JSON string in
`sys.inputs.data`, which the template reads with `json(bytes(...))` and shows as plain text.

This module imports no Django, so batch worker processes start quickly (`render_chunk`).
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .content import EvaluationForm, OfficialDocument, document_data, form_data
from .fonts import FontSet

if TYPE_CHECKING:
    import typst

TEMPLATE_DIR = Path(__file__).resolve().parent / "typst"
DOCUMENT_TEMPLATE = "official_document.typ"
# One template per `OfficialDocument.layout`.
DOCUMENT_TEMPLATES = {"official": DOCUMENT_TEMPLATE, "plain": "plain_document.typ"}
FORM_TEMPLATE = "evaluation_form.typ"

# A compiler holds mutable state; documents rendered from several threads take turns.
_compile_lock = threading.Lock()


class DocumentRenderError(RuntimeError):
    """Typst refused a template: a defect in Shuping, never in the user's text."""


@functools.lru_cache(maxsize=4)
def _typst_fonts(dirs: tuple[str, ...]) -> typst.Fonts:
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=list(dirs))


@functools.lru_cache(maxsize=16)
def _compiler(template: str, fonts: FontSet) -> typst.Compiler:
    """The cached compiler for one template with one font set (fonts scanned once per process)."""
    import typst

    return typst.Compiler(
        str(TEMPLATE_DIR / template),
        root=str(TEMPLATE_DIR),
        font_paths=_typst_fonts(fonts.dirs),
        ignore_system_fonts=True,
    )


def render_typst(template: str, data: dict[str, Any], fonts: FontSet) -> bytes:
    """Compile `template` with `data` (plain JSON values) and the fonts of `fonts` to PDF bytes."""
    import typst

    payload = json.dumps({**data, "fonts": fonts.template_data()}, ensure_ascii=False)
    compiler = _compiler(template, fonts)
    try:
        with _compile_lock:
            pdf = compiler.compile(sys_inputs={"data": payload}, format="pdf")
    except typst.TypstError as error:
        raise DocumentRenderError(f"{template}: {error.message} {error.hints}") from error
    if not isinstance(pdf, bytes):
        raise DocumentRenderError(f"{template}: Typst returned no PDF")
    return pdf


def document_pdf(document: OfficialDocument, fonts: FontSet) -> bytes:
    """An official document (公文) or, with `layout="plain"`, a working paper as PDF."""
    return render_typst(DOCUMENT_TEMPLATES[document.layout], document_data(document), fonts)


def form_pdf(form: EvaluationForm, fonts: FontSet) -> bytes:
    """The one-page 综合评价意见表 as PDF."""
    return render_typst(FORM_TEMPLATE, form_data(form), fonts)


def item_pdf(item: OfficialDocument | EvaluationForm, fonts: FontSet) -> bytes:
    """Either kind of document as PDF."""
    if isinstance(item, OfficialDocument):
        return document_pdf(item, fonts)
    return form_pdf(item, fonts)


# Batch workers: the font set is handed over once, when the process starts.
_worker_fonts: FontSet | None = None


def init_worker(fonts: FontSet) -> None:
    """Process-pool initializer: remember the font set and warm the compilers."""
    global _worker_fonts
    _worker_fonts = fonts


def render_chunk(items: list[OfficialDocument | EvaluationForm]) -> list[bytes]:
    """Render a slice of a batch in a worker process started with `init_worker`."""
    if _worker_fonts is None:
        raise DocumentRenderError("render_chunk called outside a worker started with init_worker")
    return [item_pdf(item, _worker_fonts) for item in items]
