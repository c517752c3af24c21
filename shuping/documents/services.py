"""Rendering documents (EVA-8): the one entry point for views, the API, CLI commands and jobs.

- `render_document_pdf` / `render_document_docx`: an official document (公文) after GB/T 9704.
- `render_form_pdf` / `render_form_docx`: the one-page 综合评价意见表.
- `render_batch`: many PDFs at once over a process pool, reporting progress — what a campaign batch
  job calls (the job itself lives with the jobs app).

Rendering writes nothing (no database, no audit event): callers that store or send a file record that
themselves. Fonts come from `fonts.configured_fonts()` (SHUPING_FONT_DIR first, then free fonts); a
machine without any Chinese font gets `FontsMissingError` with a Chinese message.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from . import render, word
from .content import EvaluationForm, OfficialDocument
from .fonts import FontSet, configured_fonts

Renderable = OfficialDocument | EvaluationForm
Progress = Callable[[int, int], None]

# Below this many documents a batch is rendered in the calling process: starting workers costs more.
POOL_THRESHOLD = 24
# Documents handed to a worker at a time: large enough to keep IPC cheap, small enough for progress.
MAX_CHUNK = 16


def render_document_pdf(document: OfficialDocument, *, fonts: FontSet | None = None) -> bytes:
    """An official document as PDF (A4, GB/T 9704 layout, CJK fonts embedded as subsets)."""
    return render.document_pdf(document, fonts or configured_fonts())


def render_document_docx(document: OfficialDocument) -> bytes:
    """An official document as an editable .docx naming 仿宋_GB2312 / 方正小标宋简体."""
    return word.document_docx(document)


def render_form_pdf(form: EvaluationForm, *, fonts: FontSet | None = None) -> bytes:
    """The 综合评价意见表 as a one-page PDF."""
    return render.form_pdf(form, fonts or configured_fonts())


def render_form_docx(form: EvaluationForm) -> bytes:
    """The 综合评价意见表 as an editable .docx."""
    return word.form_docx(form)


def default_workers() -> int:
    """One worker per CPU the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _chunks(count: int, workers: int) -> list[range]:
    size = max(1, min(MAX_CHUNK, math.ceil(count / (workers * 4))))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def render_batch(
    items: Sequence[Renderable],
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    fonts: FontSet | None = None,
) -> list[bytes]:
    """Render many documents to PDF, in order; `progress(done, total)` after each finished slice.

    Large batches are spread over `workers` processes (default: one per CPU) that each scan the fonts
    once and keep their Typst compilers warm; small ones, or `workers=1`, run in this process.
    Workers are started with "spawn", so a batch is safe to run from a threaded server or job worker;
    as with any spawned pool, the program's main module must guard its entry point with
    `if __name__ == "__main__":` (manage.py, the `shuping` script and pytest do).
    """
    fonts = fonts or configured_fonts()
    total = len(items)
    workers = workers or default_workers()
    results: list[bytes | None] = [None] * total
    if progress:
        progress(0, total)
    if workers == 1 or total < POOL_THRESHOLD:
        for index, item in enumerate(items):
            results[index] = render.item_pdf(item, fonts)
            if progress and (index + 1 == total or (index + 1) % MAX_CHUNK == 0):
                progress(index + 1, total)
        return [pdf for pdf in results if pdf is not None]

    done = 0
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=render.init_worker, initargs=(fonts,)
    ) as pool:
        pending: dict[Future[list[bytes]], range] = {
            pool.submit(render.render_chunk, [items[index] for index in chunk]): chunk
            for chunk in _chunks(total, workers)
        }
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = pending.pop(future)
                for index, pdf in zip(chunk, future.result(), strict=True):
                    results[index] = pdf
                done += len(chunk)
                if progress:
                    progress(done, total)
    return [pdf for pdf in results if pdf is not None]
