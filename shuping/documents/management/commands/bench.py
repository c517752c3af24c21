"""`shuping bench NAME` (SPEC §11, §12): run one measured benchmark and print its JSON result line.

Benches are registered by apps, not listed here: any installed app may provide a module
`<app>/bench.py` with a dict `BENCHES = {"name": callable}`. The callable is called as
`callable(log=…, size=None, rounds=None)`, writes progress only through `log` (to stderr) and returns a
dict with at least `bench`, `ratio`, `target` and `met`. This command prints that dict as the **last
line** on stdout, after every worker process the bench started has ended, so nothing follows it on
stdout or stderr. `--size` and `--rounds` shrink a bench for smoke tests; `shuping bench NAME` needs no
arguments. See bench/README.md.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shuping.core.errors import DomainError

REQUIRED_KEYS = ("bench", "ratio", "target", "met")


def discover_benches() -> dict[str, Callable[..., dict[str, Any]]]:
    """Every bench the installed apps register in their `bench.py` (`BENCHES`)."""
    benches: dict[str, Callable[..., dict[str, Any]]] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.bench"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        for name, function in getattr(module, "BENCHES", {}).items():
            if name in benches:
                raise CommandError(f"基准测试名称重复：{name}（{module_name}）")
            benches[name] = function
    return benches


class Command(BaseCommand):
    help = "运行性能基准测试（SPEC §12），最后一行输出一个 JSON 结果对象。"
    # A bench measures one workload; URL and model checks belong to `check`, not to its start-up time.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="基准测试名称，例如 documents")
        parser.add_argument("--size", type=int, default=None, help="工作量（仅用于冒烟测试，缺省为正式规模）")
        parser.add_argument("--rounds", type=int, default=None, help="计时轮数（缺省为正式轮数）")

    def handle(self, *args: Any, name: str, size: int | None, rounds: int | None, **options: Any) -> None:
        benches = discover_benches()
        if name not in benches:
            known = "、".join(sorted(benches)) or "（无）"
            raise CommandError(f"未知的基准测试：{name}。可用的有：{known}")

        def log(message: str) -> None:
            self.stderr.write(message)
            self.stderr.flush()

        try:
            result = benches[name](log=log, size=size, rounds=rounds)
        except DomainError as error:
            raise CommandError(error.message) from error
        missing = [key for key in REQUIRED_KEYS if key not in result]
        if missing:
            raise CommandError(f"基准测试 {name} 的结果缺少字段：{', '.join(missing)}")
        sys.stderr.flush()
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        self.stdout.flush()
