"""`shuping import-orgs FILE`: import organizations (or people, secretaryships) from .xlsx / .csv (ORG-4).

Runs the same job task as the upload page, in the foreground, printing progress lines in Chinese; a file
with any bad row imports nothing, every fault is printed as "第 N 行，「列名」：原因", and the exit code
is 1. `--enqueue` hands the job to `shuping worker` instead and waits for it.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from shuping.core.management.audited import AuditedCommand
from shuping.jobs.choices import JobStatus
from shuping.jobs.runtime import run_job_in_foreground
from shuping.orgs import tasks

WHAT_LABELS = {"orgs": "党组织", "people": "干部", "secretaryships": "书记任职"}
JOB_KINDS = {
    "orgs": "orgs.import",
    "people": "orgs.import_people",
    "secretaryships": "orgs.import_secretaryships",
}
#: The runner prints the first 20 faults itself; the rest follow so the terminal shows every one.
RUNNER_SHOWS = 20


class Command(AuditedCommand):
    help = "从 .xlsx 或 .csv 模板导入党组织（或干部、书记任职）；有任何错误行则不导入任何数据"

    def add_arguments(self, parser):
        parser.add_argument("file", help="导入文件（.xlsx 或 .csv，列与模板一致）")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--people", action="store_const", dest="what", const="people", help="导入干部")
        group.add_argument(
            "--secretaryships", action="store_const", dest="what", const="secretaryships", help="导入书记任职"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务处理进程（shuping worker）执行并等待"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        what = options["what"] or "orgs"
        title = _("导入%(what)s：%(file)s") % {"what": WHAT_LABELS[what], "file": path.name}
        job = run_job_in_foreground(
            kind=JOB_KINDS[what],
            title=title,
            task=tasks.import_file,
            args=[what, str(path.resolve()), None, path.name, False],
            out=self.stdout,
            enqueue=options["enqueue"],
        )
        if job.status == JobStatus.SUCCEEDED:
            return
        errors = job.errors
        if len(errors) > RUNNER_SHOWS:
            self.stdout.write(_("全部错误："))
            for error in errors:
                self.stdout.write(
                    _("第 %(row)s 行，「%(column)s」：%(reason)s")
                    % {"row": error.get("row"), "column": error.get("column"), "reason": error.get("reason")}
                )
        if job.status == JobStatus.FAILED:
            raise CommandError(_("导入失败，未导入任何数据。"), returncode=1)
        raise CommandError(_("导入尚未完成（任务 #%(id)s）。") % {"id": job.pk}, returncode=2)
