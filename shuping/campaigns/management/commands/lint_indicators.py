"""`shuping lint-indicators FILE.tsv` (CMP-6): the formalism lint over a table of indicator texts.

Input: a header line, then `expect<TAB>indicator` rows (expect is flag or ok). Output: one line per
indicator — `flag` or `ok`, a tab, the indicator text verbatim — then a summary line with the agreement
against `expect`. `--evaluate FILE.tsv` instead reports precision and recall of the `flag` verdicts (with
the texts missed and the false alarms). Needs no database: no system checks, and the lint is a pure module.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from shuping.campaigns import lint


class Command(BaseCommand):
    help = "对考核指标做形式主义检查（《办法》第六条），逐行输出 flag/ok 与指标原文，并统计与期望的一致率。"
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="TSV 文件：首行为表头，其后每行“expect<TAB>indicator”")
        parser.add_argument(
            "--evaluate",
            metavar="FILE.tsv",
            help="评估模式：对带标注的 TSV 文件报告查准率（precision）和查全率（recall）",
        )

    def handle(self, *args, **options):
        if options["evaluate"]:
            self._evaluate(self._read(options["evaluate"]))
            return
        if not options["file"]:
            raise CommandError("请指定 TSV 文件，或使用 --evaluate FILE.tsv。")
        rows = self._read(options["file"])
        agreeing = 0
        for expect, text in rows:
            verdict = lint.lint_indicator(text).verdict
            agreeing += verdict == expect
            self.stdout.write(f"{verdict}\t{text}")
        total = len(rows)
        percent = 100.0 * agreeing / total if total else 100.0
        self.stdout.write(f"agreement: {agreeing}/{total} ({percent:.1f}%)")

    def _evaluate(self, rows) -> None:
        result = lint.evaluate(rows)
        for text in result.missed:
            self.stdout.write(f"missed\t{text}")
        for text in result.false_alarms:
            self.stdout.write(f"false-alarm\t{text}")
        self.stdout.write(
            f"indicators: {result.total} (flag expected {result.true_positive + result.false_negative})"
        )
        self.stdout.write(
            f"precision: {result.precision:.3f} ({result.true_positive}/{result.true_positive + result.false_positive})"
        )
        self.stdout.write(
            f"recall: {result.recall:.3f} ({result.true_positive}/{result.true_positive + result.false_negative})"
        )

    def _read(self, path: str):
        try:
            with open(path, encoding="utf-8-sig") as handle:
                return lint.parse_table(handle.read().splitlines())
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
