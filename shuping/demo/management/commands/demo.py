"""`shuping demo`: migrate, build the demo province (示范省), print the accounts, serve with a worker.

`--no-serve` stops after printing; `--reset` removes a previous demo first; `--scale small` builds a
small province (tests). Serving runs Django's development server (static files served, DEBUG settings)
on 127.0.0.1:8000 and a `shuping worker` child process for background jobs, stopped on exit — Ctrl+C or
SIGTERM alike.

The accounts' passwords are generated on every build and printed once; they are in no file. The command
refuses production settings: the demo flushes its database on --reset and creates well-known accounts.
"""

from __future__ import annotations

import signal
import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from shuping.demo.services import build_demo, demo_exists, reset_demo

ADDRESS = "127.0.0.1:8000"
PRODUCTION_SETTINGS = "config.settings.prod"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "生成演示省份（示范省）的党组织、书记和演示账号，并启动服务（--no-serve 只生成数据）"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只生成数据，不启动服务")
        parser.add_argument(
            "--reset", action="store_true", help="清空演示数据库（仅当其中是示范省演示数据时）后重新生成"
        )
        parser.add_argument(
            "--scale", choices=["full", "small"], default="full", help="演示规模（small 供测试使用）"
        )
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="考核年度（默认：下半年为当年，上半年为上一年，《办法》第五条）",
        )
        parser.add_argument("--addrport", default=ADDRESS, help="服务地址（默认 127.0.0.1:8000）")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE == PRODUCTION_SETTINGS:
            raise CommandError(
                "演示数据不能在生产环境中生成：当前使用生产配置（config.settings.prod）。"
                "演示会清空数据库并创建公开的演示账号，请在开发环境（config.settings.dev）或单独的演示库中运行。"
            )
        self.stdout.write("正在准备数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"] and demo_exists():
            self.stdout.write("删除已有的演示数据……")
            reset_demo()
        result = build_demo(scale=options["scale"], year=options["year"], progress=self.stdout.write)
        if result.created:
            c = result.counts
            self.stdout.write(
                f"已生成示范省：党组织 {c['organizations']} 个（市 {c['prefectures']}、县区 {c['counties']}、"
                f"乡镇街道 {c['townships']}、村社区 {c['villages']}），干部 {c['people']} 名，书记任职 "
                f"{c['posts']} 条（{result.demo.year} 年度），用时 {result.seconds:.1f} 秒。"
            )
        else:
            self.stdout.write("演示数据已存在，未重复生成（如需重新生成，请加 --reset）。")
        self._print_accounts(result.demo)
        if options["no_serve"]:
            return
        self._serve(options["addrport"])

    def _print_accounts(self, demo) -> None:
        if not all(p.password for p in demo.personas):
            self.stdout.write("")
            self.stdout.write(
                "演示账号：" + "、".join(p.username for p in demo.personas) + "。"
                "密码只在生成时显示一次；忘记密码请加 --reset 重新生成。"
            )
            return
        rows = [("用户名", "密码", "角色")] + [(p.username, p.password, p.role_label) for p in demo.personas]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write("演示账号：")
        for n, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)))
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))

    def _serve(self, addrport: str) -> None:
        from shuping.jobs.worker import spawn_worker_process

        worker = spawn_worker_process()
        # SIGTERM (a service manager, `kill`) ends the server like Ctrl+C, so the worker is stopped too.
        previous = signal.signal(signal.SIGTERM, _terminate)
        self.stdout.write("")
        self.stdout.write(f"演示环境已就绪：http://{addrport}（后台任务进程 {worker.pid}）")
        self.stdout.write("按 Ctrl+C 停止。")
        self.stdout.flush()
        try:
            call_command("runserver", addrport, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except Exception:
                worker.kill()


def _terminate(signum, frame):
    raise KeyboardInterrupt
