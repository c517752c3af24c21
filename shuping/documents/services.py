"""Rendering documents (EVA-8): the one entry point for views, the API, CLI commands and jobs.

- `render_document_pdf` / `render_document_docx`: an official document (公文) after GB/T 9704.
- `render_form_pdf` / `render_form_docx`: the one-page 综合评价意见表.
- `render_batch`: many PDFs at once over a process pool, reporting progress — what a campaign batch
  job calls (the job itself lives with the jobs app).

Rendering writes nothing (no database, no audit event): callers that store or send a file record that
themselves. The 发文 register (DOC-1) is the one write here: `register_document` gives a numbered document
its 文号 (`set_organ_code` configures an organ's 机关代字). Fonts come from `fonts.configured_fonts()` (SHUPING_FONT_DIR first, then free fonts); a
machine without any Chinese font gets `FontsMissingError` with a Chinese message.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TYPE_CHECKING

from django.db import transaction

from shuping.core.errors import DomainError

from . import render, rules, word
from .content import EvaluationForm, OfficialDocument
from .fonts import FontSet, configured_fonts

if TYPE_CHECKING:
    from shuping.accounts.models import User
    from shuping.orgs.models import Organization

    from .models import RegisteredDocument

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


# --- the 发文 register (DOC-1) ------------------------------------------------------------------------


class RegisterError(DomainError):
    """A 发文 register input the user must correct."""


def organ_code(organization: Organization) -> str:
    """The 机关代字 `organization` issues under: configured, else derived from its short name or name."""
    from .models import IssuingOrgan

    configured = IssuingOrgan.objects.filter(organization=organization).values_list("code", flat=True).first()
    return configured or rules.default_organ_code(organization.name, organization.short_name)


@transaction.atomic
def set_organ_code(*, actor: User | None, organization: Organization, code: str, source: str = "web") -> str:
    """Configure the 机关代字 of `organization`; numbers already taken keep the code they were issued under."""
    from shuping.audit.services import record

    from .models import IssuingOrgan

    value = rules.clean_code(code)
    if not value:
        raise RegisterError(
            "机关代字应为不超过32个字的汉字或字母，不含括号、数字和“号”，如“示范省委组”。", field="code"
        )
    IssuingOrgan.objects.update_or_create(organization=organization, defaults={"code": value})
    record(
        actor=actor, action="documents.organ_code", target=organization, source=source, detail={"code": value}
    )
    return value


@transaction.atomic
def register_document(
    *,
    actor: User | None,
    organization: Organization,
    subject: str,
    kind: str,
    title: str,
    classification: str = "",
    copies: int = 1,
    url: str = "",
    source: str = "web",
) -> RegisteredDocument:
    """The register entry of `subject` (e.g. "meetings.notice:12"), numbered on first registration.

    The number is 机关代字〔year of issue〕sequence号, the sequence taken from the organ's counter row for
    the year, locked with select_for_update, so concurrent registrations get consecutive numbers with no
    gap and no duplicate (a failed transaction gives its number back). Registering the same subject again
    (a regenerated document) keeps its number and date and refreshes title, 密级, 份数 and link.
    """
    from shuping.audit.services import record
    from shuping.core.dates import today

    from .models import NumberCounter, RegisteredDocument

    issued_on = today()
    NumberCounter.objects.get_or_create(organization=organization, year=issued_on.year)
    # The lock serialises every registration of this organ and year, including a second one of `subject`.
    counter = NumberCounter.objects.select_for_update().get(organization=organization, year=issued_on.year)
    entry = RegisteredDocument.objects.filter(subject=subject).first()
    if entry is not None:
        changed = {"title": title[:300], "classification": classification, "copies": max(1, copies)}
        if url:
            changed["url"] = url
        if any(getattr(entry, name) != value for name, value in changed.items()):
            for name, value in changed.items():
                setattr(entry, name, value)
            entry.save(update_fields=list(changed))
        return entry
    counter.last += 1
    counter.save(update_fields=["last"])
    entry = RegisteredDocument.objects.create(
        organization=organization,
        year=issued_on.year,
        sequence=counter.last,
        number=rules.document_number(organ_code(organization), issued_on.year, counter.last),
        subject=subject,
        kind=kind,
        title=title[:300],
        issued_on=issued_on,
        classification=classification,
        copies=max(1, copies),
        url=url,
        registered_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor=actor,
        action="documents.register",
        target=entry,
        source=source,
        detail={"number": entry.number, "subject": subject, "kind": kind},
    )
    return entry
