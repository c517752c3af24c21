"""`shuping restore FILE` (REL-6, SEC-8): restore a `shuping backup` archive into an empty, migrated
database and an empty file storage; `--force` wipes them first. Refuses a tampered archive."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from shuping.core.management.audited import AuditedCommand

from ..archive import BackupError, restore_backup


class Command(AuditedCommand):
    help = (
        "恢复：把 shuping backup 生成的备份恢复到空数据库（须已 migrate）和空文件存储；校验每张表和每个文件。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="备份文件路径")
        parser.add_argument(
            "--force", action="store_true", help="目标已有数据时先清空全部数据表和文件（不可撤销）"
        )
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, file: str, force: bool, database: str, **options: Any) -> None:
        try:
            manifest = restore_backup(file, using=database, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(entry["rows"] for entry in manifest["tables"])
        self.stdout.write(
            _("恢复完成：%(tables)d 张表，%(rows)d 行，%(files)d 个文件，校验和全部一致（备份时间 %(at)s）。")
            % {
                "tables": len(manifest["tables"]),
                "rows": rows,
                "files": len(manifest["media"]),
                "at": manifest["created_at"],
            }
        )
