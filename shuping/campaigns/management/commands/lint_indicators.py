"""`shuping lint-indicators FILE.tsv` (CMP-6): the formalism lint over a table of indicator texts.

Input: a header line, then `expect<TAB>indicator` rows (expect is flag or ok). Output: one line per
indicator — `flag` or `ok`, a tab, the indicator text verbatim — then a summary line with the agreement
against `expect`. Needs no database: no system checks, and the lint is a pure module.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from shuping.campaigns import lint


class Command(BaseCommand):
    help = "对考核指标做形式主义检查（《办法》第六条），逐行输出 flag/ok 与指标原文，并统计与期望的一致率。"
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="TSV 文件：首行为表头，其后每行“expect<TAB>indicator”")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8-sig") as handle:
                rows = lint.parse_table(handle.read().splitlines())
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        agreeing = 0
        for expect, text in rows:
            verdict = lint.lint_indicator(text).verdict
            agreeing += verdict == expect
            self.stdout.write(f"{verdict}\t{text}")
        total = len(rows)
        percent = 100.0 * agreeing / total if total else 100.0
        self.stdout.write(f"agreement: {agreeing}/{total} ({percent:.1f}%)")
