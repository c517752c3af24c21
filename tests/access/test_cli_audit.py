"""INT-3 at the terminal: every management command that writes leaves audit rows naming who and what.

The command list is discovered from shuping/*/management/commands, so a new command fails
`test_every_command_is_classified` until it is put in exactly one of WRITES (run here: every domain table it
writes must come with audit rows by the command's operator, each naming its object), READ_ONLY (run here
too: it must write nothing) or EXCLUDED (with the reason it cannot run in a test). docs/permissions.md and
docs/security.md describe the same lists.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from shuping.audit.models import AuditEvent
from tests.access.harness import _WRITE_SQL, NOT_DOMAIN_WRITES, ROOT

pytestmark = [pytest.mark.django_db, pytest.mark.req("INT-3")]


@dataclass(frozen=True)
class Run:
    """One invocation: `prepare(world, tmp_path)` returns the command's arguments (and may set data up)."""

    case: str
    prepare: Callable[[Any, Path], list[str]]
    #: False only where the command writes nothing but the audit machinery's own tables.
    must_audit: bool = True


def _grant(world, tmp_path) -> list[str]:
    return ["grant", world.users["outsider"].username, "liaison", world.county.code]


def _revoke(world, tmp_path) -> list[str]:
    call_command(
        "grant", world.users["outsider"].username, "liaison", world.county.code, stdout=io.StringIO()
    )
    return ["grant", world.users["outsider"].username, "liaison", world.county.code, "--revoke"]


def _import_orgs(world, tmp_path) -> list[str]:
    from shuping.orgs.tests.test_imports import as_csv, row

    path = tmp_path / "orgs.csv"
    path.write_bytes(as_csv([row("CLI-1", "中共命令行镇委员会", "乡镇（街道）党（工）委", "T-CNTY")]))
    return ["import_orgs", str(path)]


def _tick(world, tmp_path) -> list[str]:
    from datetime import timedelta

    from django.utils import timezone

    from shuping.accounts.models import User

    # A dormant account for the daily job to disable; the hourly job signs a checkpoint.
    User.objects.filter(pk=world.users["outsider"].pk).update(
        last_login=timezone.now() - timedelta(days=4000), is_active=True
    )
    return ["tick"]


def _audit_checkpoint(world, tmp_path) -> list[str]:
    return ["audit", "checkpoint"]


def _restore(world, tmp_path) -> list[str]:
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    return ["restore", str(archive), "--force"]


def _offline_load(world, tmp_path) -> list[str]:
    from shuping.meetings import offline
    from shuping.meetings.tests.conftest import build_scene
    from shuping.meetings.tests.test_meeting import prepare

    meeting, _plan, _boxes, _slips = prepare(build_scene(world), world)
    pack = offline.export_venue_pack(
        actor=world.organizer_staff, meeting_box=meeting.boxes.get(venue__is_main=False)
    )
    path = tmp_path / "pack.json"
    path.write_bytes(pack.content)
    return ["offline", "load", str(path), "--secret", pack.secret]


#: Commands that write, and how each is run here.
WRITES: dict[str, tuple[Run, ...]] = {
    "grant": (Run("grant", _grant), Run("grant --revoke", _revoke)),
    "import_orgs": (Run("import_orgs", _import_orgs),),
    "tick": (Run("tick", _tick),),
    # A checkpoint writes only the checkpoint table — the chain's signed anchor, also shipped to the sink.
    "audit": (Run("audit checkpoint", _audit_checkpoint, must_audit=False),),
    "restore": (Run("restore --force", _restore),),
    "offline": (Run("offline load", _offline_load),),
}

#: Commands that only read the database (they may write a file or print); run here to prove it.
READ_ONLY: dict[str, Run] = {
    "check": Run("check", lambda world, tmp_path: ["check"]),
    "backup": Run("backup", lambda world, tmp_path: ["backup", str(tmp_path / "b.tar.gz")]),
    "export_orgs": Run(
        "export_orgs", lambda world, tmp_path: ["export_orgs", world.province.code, str(tmp_path / "o.csv")]
    ),
    "lint_indicators": Run("lint_indicators", lambda world, tmp_path: ["lint_indicators", "--help"]),
}

#: Commands not run here, with the reason; each is covered elsewhere as stated.
EXCLUDED: dict[str, str] = {
    "demo": "生成演示数据（仅演示环境）；其写入记为 demo.generate，见 shuping/demo/tests",
    "flush": "Django 清库命令（测试之间、重建演示库）：清空包括审计日志在内的全部数据，"
    "外部检查点存储（SHUPING_AUDIT_SINK）使 audit verify 报告截断（INT-2）",
    "bench": "性能基准，只写自建的临时数据库",
    "oversight_bench_worker": "性能基准的内部计时进程",
    "worker": "常驻进程；它执行的后台任务与 import_orgs 前台执行的是同一任务代码，任务的审计由各任务测试检查",
}


def discovered_commands() -> set[str]:
    """Every management command of the project's apps, by module name."""
    return {
        path.stem
        for path in (ROOT / "shuping").glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }


def _run_and_capture(args: list[str]) -> tuple[list[str], list[AuditEvent]]:
    """Run the command; return (domain tables written, audit rows appended)."""
    before = AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0
    with CaptureQueriesContext(connection) as captured:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    written = sorted(
        {
            match.group(1)
            for query in captured.captured_queries
            if (match := _WRITE_SQL.match(query["sql"])) and match.group(1) not in NOT_DOMAIN_WRITES
        }
    )
    return written, list(AuditEvent.objects.filter(sequence__gt=before).order_by("sequence"))


OPERATOR = re.compile(r"^命令行 (\w+)：.+")


def unaudited_problems(command: str, written: list[str], events: list[AuditEvent]) -> list[str]:
    """What is wrong with a writing command's audit trail: nothing written, no row, a row without actor
    or object. The actor is the operator ("命令行 COMMAND：OS user") or a named user."""
    problems = []
    if written and not events:
        problems.append(f"wrote {', '.join(written)} without an audit row")
    for event in events:
        if event.actor_id is None:
            match = OPERATOR.match(event.actor_name)
            if not match or match.group(1) != command:
                problems.append(
                    f"#{event.sequence} {event.action}: actor {event.actor_name!r} names no operator"
                )
        if not event.target_type:
            problems.append(f"#{event.sequence} {event.action}: no object")
    return problems


def test_every_command_is_classified():
    """A new command fails here until it is listed as writing (and audited), read-only, or excluded."""
    listed = [*WRITES, *READ_ONLY, *EXCLUDED]
    assert len(listed) == len(set(listed)), "a command is in more than one list"
    assert discovered_commands() == set(listed), (
        f"unclassified: {sorted(discovered_commands() - set(listed))}; "
        f"gone: {sorted(set(listed) - discovered_commands())}"
    )


RUNS = [(command, run) for command, runs in WRITES.items() for run in runs]


@pytest.mark.parametrize(("command", "run"), RUNS, ids=[run.case for _c, run in RUNS])
def test_a_writing_command_leaves_audit_rows_with_operator_and_object(
    command, run, world, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SHUPING_AUDIT_SINK = str(tmp_path / "sink")
    args = run.prepare(world, tmp_path)
    written, events = _run_and_capture(args)
    if run.must_audit:
        assert events, f"{run.case} left no audit row"
    else:
        assert written == [], f"{run.case} wrote {written}"
    assert not unaudited_problems(command, written, events), unaudited_problems(command, written, events)


@pytest.mark.parametrize("command", sorted(READ_ONLY))
def test_a_read_only_command_writes_nothing(command, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    args = READ_ONLY[command].prepare(world, tmp_path)
    try:
        written, _events = _run_and_capture(args)
    except SystemExit:  # --help exits after printing
        return
    assert written == [], f"{command} is listed as read-only but wrote {written}"


def test_the_check_names_a_write_without_a_row_and_a_row_without_operator_or_object(world):
    """The checks above are not vacuous: each kind of fault is reported."""
    from shuping.audit.services import AuditTarget, command_operator, record

    assert unaudited_problems("grant", ["accounts_rolegrant"], []) == [
        "wrote accounts_rolegrant without an audit row"
    ]
    bare = record(actor=None, action="probe.write", source="cli")
    with command_operator("tick"):
        other_command = record(actor=None, action="probe.write", target=AuditTarget("probe"), source="cli")
    problems = unaudited_problems("grant", ["x"], [bare, other_command])
    assert any("names no operator" in p and f"#{bare.sequence}" in p for p in problems)
    assert any("no object" in p for p in problems)
    assert any(f"#{other_command.sequence}" in p for p in problems)
    with command_operator("grant"):
        good = record(actor=None, action="probe.write", target=AuditTarget("probe"), source="cli")
    assert good.actor_name.startswith("命令行 grant：")
    assert unaudited_problems("grant", ["x"], [good]) == []
