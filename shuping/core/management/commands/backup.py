"""`shuping backup FILE` (REL-6, SEC-8): every table and every stored file in one signed tar.gz.

Keys are not included: back up SHUPING_SECRET_KEY and SHUPING_DATA_KEY separately (docs/deployment.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ..archive import BackupError, create_backup


class Command(BaseCommand):
    help = "备份：把全部数据表和全部文件写入一个带清单与签名的 tar.gz 文件（不含密钥）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="备份文件路径，例如 shuping-2025-01-01.tar.gz")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, file: str, database: str, **options: Any) -> None:
        try:
            manifest = create_backup(file, using=database)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(entry["rows"] for entry in manifest["tables"])
        self.stdout.write(
            _(
                "备份完成：%(file)s（%(tables)d 张表，%(rows)d 行，%(files)d 个文件；密钥不在其中，请另行保管）"
            )
            % {"file": file, "tables": len(manifest["tables"]), "rows": rows, "files": len(manifest["media"])}
        )
