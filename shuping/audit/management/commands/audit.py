"""`shuping audit verify | checkpoint | prune` (SEC-4, INT-2, SPEC §11).

verify      checks the whole chain against the stored checkpoints and those of the external sink
            (SHUPING_AUDIT_SINK, or --sink FILE); exit 0 and "审计日志完整：N 条记录", else exit 1 naming the
            first bad row — a truncated tail, a rewritten and recomputed chain, reordered rows.
checkpoint  verifies the rows since the last checkpoint, signs the last one and appends it to the sink
            (`shuping tick` does it hourly, and every committee decision does it on commit).
prune       deletes rows past retention up to the latest checkpoint older than the cut-off — the only
            deletion the database triggers let through — and signs a checkpoint after its own row.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from shuping.core.errors import DomainError
from shuping.core.management.audited import AuditedCommand

from ... import sink
from ...choices import Source
from ...services import create_checkpoint, prune_audit
from ...verify import verify_chain


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(text)s") % {"text": text}) from exc


class Command(AuditedCommand):
    help = "审计日志：verify 校验哈希链；checkpoint 签名检查点；prune 清理超过保留期的记录。"

    def add_arguments(self, parser: Any) -> None:
        commands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{verify,checkpoint,prune}"
        )
        verify = commands.add_parser(
            "verify", help="校验整条审计哈希链（含外部存储中的签名检查点），发现问题时以非零状态退出"
        )
        verify.add_argument(
            "--sink",
            default=None,
            help="外部检查点文件或目录（默认为 SHUPING_AUDIT_SINK；syslog 时传入日志主机上收集的文件）",
        )
        commands.add_parser("checkpoint", help="校验自上一个检查点以来的记录并签名最后一条")
        prune = commands.add_parser("prune", help="清理超过保留期、且已被签名检查点覆盖的记录")
        prune.add_argument(
            "--before",
            type=_day,
            default=None,
            help="只清理该日期（当地时间 0 时）之前的记录，默认为保留期限",
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self._verify(options.get("sink"))
        elif subcommand == "checkpoint":
            self._checkpoint()
        elif subcommand == "prune":
            self._prune(options.get("before"))

    def _verify(self, sink_target: str | None) -> None:
        result = verify_chain(sink_target=sink_target)
        if result.ok:
            self.stdout.write(str(result))
            self.stdout.write(
                _("外部检查点：%(count)d 个（%(sink)s）")
                % {
                    "count": result.external_checkpoints,
                    "sink": sink_target or sink.configured() or _("未配置"),
                }
            )
            return
        self.stderr.write(str(result))
        # A plain exit status, not a CommandError traceback line: scripts and cron read `$?`.
        raise SystemExit(1)

    def _checkpoint(self) -> None:
        try:
            checkpoint = create_checkpoint()
        except DomainError as error:
            raise CommandError(error.message, returncode=1) from error
        self.stdout.write(
            _("已签名检查点：第 %(sequence)d 条记录（哈希 %(hash)s…）")
            % {"sequence": checkpoint.sequence, "hash": checkpoint.row_hash[:16]}
        )

    def _prune(self, before: date | None) -> None:
        moment = timezone.make_aware(datetime.combine(before, time.min)) if before else None
        try:
            result = prune_audit(before=moment, source=Source.CLI)
        except DomainError as error:
            raise CommandError(error.message, returncode=1) from error
        if result.through_sequence is None:
            self.stdout.write(_("没有可清理的记录：保留期之前没有被签名检查点覆盖的记录。"))
        else:
            self.stdout.write(
                _("已清理 %(count)d 条审计记录（截至第 %(sequence)d 条，由签名检查点担保）。")
                % {"count": result.deleted, "sequence": result.through_sequence}
            )
