"""`shuping bench documents` — PERF-4: batches of one-page 综合评价意见表 PDFs.

Target (SPEC §12): at least 20 forms a second on 2 cores, and at least 5 × WeasyPrint rendering the same
form. One run measures both engines on this machine:

- **Typst** (the production engine) through `services.render_batch` exactly as a campaign batch job
  calls it: a fresh pool of spawned workers per round, so worker start-up and font scanning are paid
  every round.
- **WeasyPrint** rendering an HTML + CSS version of the same form with the same fonts, over the same
  number of worker processes — a warm pool whose start-up (and WeasyPrint's import) is *not* timed,
  which favours WeasyPrint.

Each figure is the median of several rounds over the same synthetic forms. WeasyPrint is a development
dependency: it is imported only here.

This module imports no Django at import time, so spawned workers start quickly.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from . import render
from .content import EvaluationForm, form_data
from .fonts import FontSet

Log = Callable[[str], None]

FORMS_PER_ROUND = 400
WEASYPRINT_FORMS_PER_ROUND = 24
ROUNDS = 5
TARGET_FORMS_PER_S = 20.0
TARGET_RATIO = 5.0

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
_GIVEN = "建国华明军平志强伟芳秀英海燕立新永红春玲德胜文斌晓东丽娟宏涛思远"
_PLACES = ("青山", "河西", "城关", "柳林", "石桥", "新华", "白沙", "龙泉", "东坝", "南湖", "北塘", "高坪")
_UNITS = ("镇党委", "乡党委", "街道党工委", "县委办公室机关党委", "县教育局党组", "县卫健局党组")
_STRENGTHS = (
    "认真履行抓基层党建第一责任人职责，年内主持召开党建专题会议{n}次，",
    "带头领办“红色物业”项目，推动{n}个村级党组织标准化规范化建设全面达标，",
    "注重发挥基层党组织战斗堡垒作用，整顿软弱涣散村党组织{n}个，",
    "坚持书记带头讲党课，全年讲党课{n}次，党员教育管理进一步规范，",
    "抓实村级后备力量培养，储备村级后备干部{n}名，",
)
_PROBLEMS = (
    "对软弱涣散村党组织整顿跟踪问效不够；",
    "党员教育管理方式方法创新不足；",
    "基层党建与中心工作结合不够紧密；",
    "发展党员工作程序执行不够严格；",
)
_GRADES = ("好", "好", "较好", "较好", "较好", "一般")


def sample_forms(count: int, *, seed: int = 2025) -> list[EvaluationForm]:
    """`count` realistic, distinct 综合评价意见表 (same seed, same forms)."""
    chooser = random.Random(seed)  # sample data, not security
    forms = []
    for number in range(count):
        place = chooser.choice(_PLACES)
        strengths = "".join(
            strength.format(n=chooser.randint(2, 12))
            for strength in chooser.sample(_STRENGTHS, chooser.randint(3, len(_STRENGTHS)))
        )
        problems = "".join(chooser.sample(_PROBLEMS, 2))
        forms.append(
            EvaluationForm(
                name=chooser.choice(_SURNAMES) + "".join(chooser.sample(_GIVEN, chooser.randint(1, 2))),
                organization=f"中共某某县{place}{chooser.choice(_UNITS)}",
                position="党委书记" if number % 3 else "党组书记",
                year=2025,
                grade=chooser.choice(_GRADES),
                opinion=f"该同志{strengths}工作成效明显。\n存在问题：{problems}下一步要加强跟踪问效。",
                signer="中共某某县委组织部",
            )
        )
    return forms


# --- WeasyPrint: the same form as HTML + CSS --------------------------------------------------------

_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: %(body)s; font-size: 14pt; margin: 0; }
h1 { font-family: %(title)s; font-weight: bold; font-size: 22pt; text-align: center; margin: 0; }
.subtitle { text-align: center; margin: 1mm 0 3mm; }
table { width: 100%%; border-collapse: collapse; table-layout: fixed; }
td { border: 0.6pt solid black; text-align: center; vertical-align: middle; height: 14mm; padding: 0 2mm; }
td.label { font-family: %(heading)s; width: 27mm; }
td.opinion { height: 146mm; text-align: justify; vertical-align: top; padding: 2mm 1.5mm; position: relative; }
td.opinion p { text-indent: 2em; margin: 0 0 0.75em; line-height: 1.75; }
.signature { position: absolute; bottom: 3mm; left: 1.5mm; right: 1.5mm; }
.signer { float: right; text-align: center; }
"""


def _family(name: str) -> str:
    return '"' + name.replace('"', "") + '"'


def form_html(form: EvaluationForm, fonts: FontSet) -> str:
    """The 综合评价意见表 as an HTML page for WeasyPrint (every value escaped)."""
    data = {key: html.escape(str(value)) for key, value in form_data(form).items() if key != "extra_rows"}
    css = _CSS % {
        "body": _family(fonts.body.family),
        "title": _family(fonts.title.family),
        "heading": _family(fonts.heading.family),
    }
    paragraphs = "".join(f"<p>{line}</p>" for line in data["opinion"].split("\n") if line.strip())
    date = data["signed_on"] or "　　　年　　月　　日"
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><style>{css}</style></head><body>"
        f"<h1>{data['title']}</h1><div class='subtitle'>{data['subtitle']}</div><table>"
        f"<tr><td class='label'>姓　　名</td><td>{data['name']}</td>"
        f"<td class='label'>职　　务</td><td>{data['position']}</td></tr>"
        f"<tr><td class='label'>单　　位</td><td colspan='3'>{data['organization']}</td></tr>"
        f"<tr><td class='label'>考核年度</td><td>{data['year']}</td>"
        f"<td class='label'>考核等次</td><td>{data['grade']}</td></tr>"
        f"<tr><td class='label'>综<br>合<br>评<br>价<br>意<br>见</td><td colspan='3' class='opinion'>{paragraphs}"
        f"<div class='signature'>负责人（签字）：<span class='signer'>{data['signer']}（盖章）<br>{date}</span>"
        f"</div></td></tr></table></body></html>"
    )


_engine = "typst"
_fonts: FontSet | None = None


def _init_bench_worker(engine: str, fonts: FontSet) -> None:
    """Pool initializer: import the engine and render one form, so the timed rounds start warm."""
    global _engine, _fonts
    _engine, _fonts = engine, fonts
    render.init_worker(fonts)
    _render_forms(sample_forms(1, seed=0))


def _render_forms(forms: list[EvaluationForm]) -> list[bytes]:
    """Render forms with this worker's engine."""
    if _fonts is None:
        raise RuntimeError("bench worker not initialised")
    if _engine == "typst":
        return render.render_chunk(list(forms))
    import weasyprint

    return [weasyprint.HTML(string=form_html(form, _fonts)).write_pdf() for form in forms]


def _split(forms: Sequence[EvaluationForm], parts: int) -> list[list[EvaluationForm]]:
    size = max(1, -(-len(forms) // parts))
    return [list(forms[start : start + size]) for start in range(0, len(forms), size)]


def _timed_render(forms: list[EvaluationForm]) -> tuple[list[bytes], float]:
    """Render forms in a worker and report the CPU seconds that took (immune to other machine load)."""
    started = time.process_time()
    pdfs = _render_forms(forms)
    return pdfs, time.process_time() - started


def _open_warm_pool(engine: str, forms: list[EvaluationForm], *, fonts: FontSet, workers: int) -> Any:
    """A pool of `workers` spawned processes for `engine`, warmed by one untimed round."""
    pool = multiprocessing.get_context("spawn").Pool(
        workers, initializer=_init_bench_worker, initargs=(engine, fonts)
    )
    pool.map(_render_forms, _split(forms, workers), chunksize=1)
    return pool


def _warm_round(
    pool: Any, engine: str, forms: list[EvaluationForm], *, workers: int
) -> tuple[float, float, float]:
    """One timed round on a warm pool: (seconds, forms per second, CPU milliseconds per form)."""
    started = time.perf_counter()
    parts = pool.map(_timed_render, _split(forms, workers), chunksize=1)
    elapsed = time.perf_counter() - started
    _check([pdf for part, _ in parts for pdf in part], len(forms), engine)
    return elapsed, len(forms) / elapsed, 1000 * sum(cpu for _, cpu in parts) / len(forms)


def _check(pdfs: Sequence[bytes], expected: int, engine: str) -> None:
    if len(pdfs) != expected or not all(pdf.startswith(b"%PDF") for pdf in pdfs):
        raise RuntimeError(f"{engine} produced {len(pdfs)} documents, not {expected} PDFs")


def run_documents_bench(*, log: Log, size: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    """PERF-4: Typst batch throughput against WeasyPrint on the same one-page form, in one run.

    `size` scales both workloads (forms per Typst round; WeasyPrint renders about 1/16 of it, at least
    2); `rounds` is the number of timed rounds per engine. Defaults finish in about a minute on 2 cores.
    """
    from .fonts import configured_fonts
    from .services import default_workers, render_batch

    started = time.perf_counter()
    rounds = max(1, rounds or ROUNDS)
    typst_count = max(2, size or FORMS_PER_ROUND)
    weasy_count = max(2, typst_count * WEASYPRINT_FORMS_PER_ROUND // FORMS_PER_ROUND)
    workers = default_workers()
    fonts = configured_fonts()
    forms = sample_forms(typst_count)
    log(
        f"PERF-4 综合评价意见表批量生成：{workers} 个进程，字体 {fonts.body.family} / {fonts.title.family}，"
        f"每轮 Typst {typst_count} 份、WeasyPrint {weasy_count} 份，各 {rounds} 轮"
    )

    typst_pool = _open_warm_pool("typst", forms, fonts=fonts, workers=workers)
    weasy_pool = _open_warm_pool("weasyprint", forms[:weasy_count], fonts=fonts, workers=workers)
    batch_rates: list[float] = []
    typst_warm: list[float] = []
    typst_cpu_ms: list[float] = []
    weasy: list[float] = []
    weasy_cpu_ms: list[float] = []
    try:
        # Rounds alternate between the engines so that other load on the machine, which comes and
        # goes, weighs on both alike.
        for round_ in range(1, rounds + 1):
            # Typst as production runs it: render_batch, a fresh pool every round (below
            # POOL_THRESHOLD forms render_batch stays in-process, as it would for such a small batch).
            round_started = time.perf_counter()
            pdfs = render_batch(forms, fonts=fonts, workers=workers)
            elapsed = time.perf_counter() - round_started
            _check(pdfs, len(forms), "typst")
            batch_rates.append(len(forms) / elapsed)
            log(
                f"  第 {round_}/{rounds} 轮 typst render_batch（含进程启动）：{len(forms)} 份，{elapsed:.2f} 秒，{batch_rates[-1]:.1f} 份/秒"
            )
            for engine, pool, count, rates, cpu in (
                ("typst", typst_pool, typst_count, typst_warm, typst_cpu_ms),
                ("weasyprint", weasy_pool, weasy_count, weasy, weasy_cpu_ms),
            ):
                elapsed, rate, cpu_ms = _warm_round(pool, engine, forms[:count], workers=workers)
                rates.append(rate)
                cpu.append(cpu_ms)
                log(
                    f"  第 {round_}/{rounds} 轮 {engine}（预热进程池）：{count} 份，{elapsed:.2f} 秒，{rate:.1f} 份/秒，每份 CPU {cpu_ms:.1f} 毫秒"
                )
    finally:
        for pool in (typst_pool, weasy_pool):
            pool.close()
            pool.join()

    forms_per_s = statistics.median(batch_rates)
    weasy_per_s = statistics.median(weasy)
    ratio = forms_per_s / weasy_per_s
    return {
        "bench": "documents",
        "forms_per_s": round(forms_per_s, 1),
        "weasyprint_forms_per_s": round(weasy_per_s, 2),
        "ratio": round(ratio, 1),
        "target": f"forms_per_s >= {TARGET_FORMS_PER_S:g} and ratio >= {TARGET_RATIO:g}",
        "met": forms_per_s >= TARGET_FORMS_PER_S and ratio >= TARGET_RATIO,
        "engine": "typst",
        "typst_warm_pool_forms_per_s": round(statistics.median(typst_warm), 1),
        # CPU time per form inside the workers: what other load on the machine cannot distort.
        "typst_cpu_ms_per_form": round(statistics.median(typst_cpu_ms), 1),
        "weasyprint_cpu_ms_per_form": round(statistics.median(weasy_cpu_ms), 1),
        "workers": workers,
        "cpus": os.cpu_count(),
        "rounds": rounds,
        "forms_per_round": typst_count,
        "weasyprint_forms_per_round": weasy_count,
        "font": fonts.body.family,
        "seconds": round(time.perf_counter() - started, 1),
    }


# Benches this app provides to `shuping bench NAME` (see bench/README.md).
BENCHES: dict[str, Callable[..., dict[str, Any]]] = {"documents": run_documents_bench}
