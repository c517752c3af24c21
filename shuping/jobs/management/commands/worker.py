"""`shuping worker`: run background jobs from the database queue (django-tasks-db's worker).

Every option of django-tasks-db's `db_worker` passes through (`--batch`, `--max-tasks`, `--queue-name`,
`--interval`, `--worker-id`, `--backend` …). Defaults differ in two ways that suit Shuping:
all queues (`*`) rather than only "default", and no auto-reload unless `--reload` is given (the demo
runs a worker beside the dev server; reloading there would kill running imports).
SIGTERM / Ctrl+C: the job at hand finishes, then the worker exits 0; a second signal stops it at once
(the job is then marked failed as interrupted).
"""

from __future__ import annotations

import signal
from argparse import ArgumentParser

from django_tasks_db.management.commands import db_worker

_SIGNALS = [signal.SIGINT, signal.SIGTERM, *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])]


class Command(db_worker.Command):
    help = "运行后台任务处理进程（导入、批量生成文书、提醒等），处理数据库队列中的任务。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)

    def handle(self, **options):  # type: ignore[override]
        verbose = options["verbosity"] > 0
        queues = "全部队列" if options["queue_name"] == "*" else options["queue_name"]
        mode = (
            "处理完当前队列后退出"
            if options["batch"]
            else "按 Ctrl+C 或发送 SIGTERM 停止，当前任务完成后退出"
        )
        started = f"后台任务处理进程已启动（{queues}，编号 {options['worker_id'][:8]}；{mode}）。"
        command = self

        class AnnouncingWorker(db_worker.Worker):
            """Says it has started only once its graceful-shutdown handlers are in place."""

            def configure_signals(self) -> None:
                super().configure_signals()
                if verbose:
                    command.stdout.write(started)
                    command.stdout.flush()

        saved = {number: signal.getsignal(number) for number in _SIGNALS}
        # db_worker's handle() builds its Worker from the module; swap ours in for this call only.
        original, db_worker.Worker = db_worker.Worker, AnnouncingWorker  # type: ignore[misc]
        try:
            super().handle(**options)
        except SystemExit as exit_:
            if verbose and exit_.code in (0, None):
                self.stdout.write("后台任务处理进程已停止。")
            raise
        finally:
            db_worker.Worker = original  # type: ignore[misc]
            # The worker installs its own handlers; put back the caller's (call_command in tests, demo).
            for number, handler in saved.items():
                if handler is not None:
                    signal.signal(number, handler)
        if verbose:
            self.stdout.write("后台任务处理进程已停止。")
