"""`shuping audit verify | checkpoint | prune` (SEC-4, SPEC §11)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from shuping.audit.models import AuditEvent, Checkpoint
from shuping.audit.services import create_checkpoint, record

from .conftest import frozen_at, sql


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.req("SEC-4")
def test_verify_reports_an_intact_log_and_exits_zero(chain):
    out, err = run("verify")
    assert out.strip().splitlines()[0] == "审计日志完整：5 条记录"
    assert "外部检查点：0 个（未配置）" in out
    assert err == ""


@pytest.mark.req("SEC-4", "REL-5")
def test_verify_exits_non_zero_naming_the_first_bad_row(chain):
    sql("UPDATE audit_auditevent SET outcome = %s WHERE sequence = %s", ["success", 5])
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "审计日志校验失败" in err.getvalue()
    assert "第 5 条" in err.getvalue()
    assert "row_hash_mismatch" in err.getvalue()


@pytest.mark.req("SEC-4", "REL-5")
def test_verify_names_a_deleted_row(chain):
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", [2])
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert "第 2 条记录缺失" in err.getvalue()


@pytest.mark.req("SEC-4")
def test_checkpoint_signs_the_last_row(chain):
    out, _err = run("checkpoint")
    assert "已签名检查点：第 5 条记录" in out
    assert Checkpoint.objects.get().sequence == 5


def test_checkpoint_on_an_empty_log_fails_with_a_chinese_message(db):
    with pytest.raises(CommandError, match="审计日志为空"):
        run("checkpoint")


@pytest.mark.req("SEC-4")
def test_prune_deletes_rows_past_retention_up_to_a_checkpoint(people):
    with frozen_at(timezone.now() - timedelta(days=190)):
        for _ in range(3):
            record(actor=people["wang"], action="orgs.create")
        create_checkpoint()
    record(actor=people["li"], action="campaigns.open")
    out, _err = run("prune")
    assert "已清理 3 条审计记录（截至第 3 条" in out
    prune_event = AuditEvent.objects.get(action="audit.prune")
    assert prune_event.source == "cli"
    out, _err = run("verify")
    assert out.strip().splitlines()[0] == "审计日志完整：2 条记录"


def test_prune_with_nothing_old_enough_says_so(chain):
    out, _err = run("prune")
    assert "没有可清理的记录" in out
    assert AuditEvent.objects.count() == 5


def test_prune_refuses_a_date_within_retention(chain):
    with pytest.raises(CommandError, match="至少保留 180 天"):
        run("prune", "--before", timezone.localdate().isoformat())


def test_prune_refuses_a_malformed_date(chain):
    with pytest.raises(CommandError):
        run("prune", "--before", "2025-13-45")


def test_a_subcommand_is_required(db):
    with pytest.raises(CommandError):
        call_command("audit")


@pytest.mark.slow
def test_the_shuping_console_script_runs_audit_verify(tmp_path: Path):
    # End to end through the installed `shuping` script, on a fresh embedded database of its own.
    shuping = Path(sys.executable).with_name("shuping")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shuping.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([shuping, "migrate", "--no-input"], env=env, cwd=tmp_path, check=True, capture_output=True)
    intact = subprocess.run(
        [shuping, "audit", "verify"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.strip().splitlines()[0] == "审计日志完整：0 条记录"
