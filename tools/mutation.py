"""Mutation testing of the trust-critical modules (INT-4), one module at a time: `make mutation`.

Usage:
    .venv/bin/python tools/mutation.py                 # every module below, one after the other
    .venv/bin/python tools/mutation.py quota tally     # only these
    .venv/bin/python tools/mutation.py --list          # the modules, their files and their tests
    .venv/bin/python tools/mutation.py --survivors quota   # re-test only the last run's survivors

Each module is mutated with mutmut (3.x) against a focused subset of the tests — the ones that exercise it
— with one test process at a time (`--max-children 1`), so it fits a small shared machine. Every module runs
in its own scratch directory, `.mutation/<name>/` (git-ignored), so results are cached per module and a
re-run only re-tests what changed. At the end one line per module gives killed / total and the score;
every surviving mutant is listed by name (`cd .mutation/<name> && ../../.venv/bin/mutmut show NAME` shows
its diff). The exit status is non-zero when a module scores below the target.

docs/testing.md records the figures, the date, and why each survivor is equivalent or accepted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"
TARGET = 0.90
#: What the scratch directory links to, so mutmut can copy it beside the mutated `shuping/`.
ALSO_COPY = ["config", "tests", "conftest.py", "manage.py", "pyproject.toml"]


@dataclass(frozen=True)
class Module:
    """One trust-critical module: the files mutated, the tests run against them, optionally which functions."""

    name: str
    what: str
    files: tuple[str, ...]
    tests: tuple[str, ...]
    #: mutmut mutant-name globs; empty means every function of `files`.
    functions: tuple[str, ...] = field(default=())
    #: tests of `tests` left out of the mutation run (too slow to repeat per mutant), each with its reason.
    deselect: tuple[str, ...] = field(default=())


MODULES: tuple[Module, ...] = (
    Module(
        "ballots-voting",
        "投票：投票码的规范化、哈希、回执与选票清洗（BAL）",
        ("shuping/ballots/services_voting.py",),
        ("shuping/ballots/tests/test_voting_rules.py",),
        (
            "shuping.ballots.services_voting.xǁCredentialErrorǁ__init____mutmut_*",
            "shuping.ballots.services_voting.x_session_hash__mutmut_*",
            "shuping.ballots.services_voting.x_normalize_code__mutmut_*",
            "shuping.ballots.services_voting.x_code_hash__mutmut_*",
            "shuping.ballots.services_voting.x_format_code__mutmut_*",
            "shuping.ballots.services_voting.x_receipt_for_code__mutmut_*",
            "shuping.ballots.services_voting.x_slip_key_from_secret__mutmut_*",
            "shuping.ballots.services_voting.x__slip_mac__mutmut_*",
            "shuping.ballots.services_voting.x__refuse__mutmut_*",
            "shuping.ballots.services_voting.x_clean_ballot__mutmut_*",
        ),
    ),
    Module(
        "sealing",
        "封存：SM4 加密、HMAC-SM3、回执封存（SEC-5, BAL）",
        ("shuping/core/crypto.py", "shuping/ballots/receipts.py"),
        (
            "shuping/core/tests/test_crypto.py",
            "shuping/core/tests/test_crypto_rules.py",
            "shuping/ballots/tests/test_voting_rules.py",
        ),
    ),
    Module(
        "tally",
        "计票（BAL）",
        ("shuping/ballots/tally.py",),
        ("shuping/ballots/tests/test_tally.py", "shuping/ballots/tests/test_tally_rules.py"),
    ),
    Module(
        "disclosure",
        "结果公开控制：小样本不公开、按类别合并（BAL）",
        ("shuping/ballots/disclosure.py",),
        ("shuping/ballots/tests/test_disclosure_rules.py",),
    ),
    Module(
        "quota",
        "等次比例（EVA）",
        ("shuping/evaluations/quota.py",),
        ("shuping/evaluations/tests/test_quota.py", "shuping/evaluations/tests/test_quota_rules.py"),
    ),
    Module(
        "decision-rules",
        "综合评价的合成与否决规则（EVA，决定链所依据的等次计算）",
        ("shuping/evaluations/scoring.py",),
        ("shuping/evaluations/tests/test_scoring.py", "shuping/evaluations/tests/test_scoring_rules.py"),
    ),
    Module(
        "rectification-permissions",
        "整改权限：不得关闭本人的整改事项等（RECT）",
        ("shuping/rectification/permissions.py",),
        ("shuping/rectification/tests/test_permissions_rules.py",),
    ),
    Module(
        "scope-rules",
        "《办法》第三条的考核范围规则（CAM）",
        ("shuping/campaigns/rules.py",),
        ("shuping/campaigns/tests/test_rules.py", "shuping/campaigns/tests/test_scope_rules.py"),
    ),
    Module(
        "lockout",
        "登录锁定、按地址限流与账号策略（SEC-3）",
        ("shuping/accounts/policy.py", "shuping/accounts/models.py", "shuping/accounts/services.py"),
        ("shuping/accounts/tests/test_lockout_rules.py",),
        (
            "shuping.accounts.policy.*",
            "shuping.accounts.models.xǁUserǁis_locked__mutmut_*",
            "shuping.accounts.services.x_address_throttled__mutmut_*",
            "shuping.accounts.services.x__count_address_failure__mutmut_*",
            "shuping.accounts.services.x__ip_key__mutmut_*",
            "shuping.accounts.services.x__source_detail__mutmut_*",
        ),
    ),
    Module(
        "audit-chain",
        "审计哈希链与检查点签名（SEC-4, INT-2）",
        ("shuping/audit/chain.py",),
        ("shuping/audit/tests/test_chain.py", "shuping/audit/tests/test_chain_rules.py"),
        # A million rows per mutant would take hours; the other chain tests verify the same code paths.
        deselect=(
            "shuping/audit/tests/test_chain.py::test_a_million_rows_are_verified_without_growing_the_process",
        ),
    ),
)


def module_named(name: str) -> Module:
    for module in MODULES:
        if module.name == name:
            return module
    raise SystemExit(f"unknown module {name!r}; known: {', '.join(m.name for m in MODULES)}")


def mutmut_config(module: Module) -> dict[str, object]:
    """The [tool.mutmut] settings for one module (handed to mutmut directly, not through pyproject)."""
    return {
        "source_paths": ["shuping"],
        "only_mutate": list(module.files),
        "also_copy": ALSO_COPY,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "no:xdist", "-m", "not journey"]
        + [arg for test in module.deselect for arg in ("--deselect", test)],
        "pytest_add_cli_args_test_selection": list(module.tests),
        "use_git_change_detection": False,
        "debug": False,
    }


def _prepare(module: Module) -> Path:
    workdir = WORK / module.name
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ["shuping", *ALSO_COPY]:
        link = workdir / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    return workdir


def _selected(key: str, module: Module) -> bool:
    return not module.functions or any(fnmatch(key, pattern) for pattern in module.functions)


def results(module: Module, workdir: Path) -> tuple[int, int, list[tuple[str, str]]]:
    """(killed, total, [(survivor, status)]) from mutmut's per-file result files."""
    killed_codes = {1, 3, 36, 37, -24, 24, 152, 255}  # failing tests, a timeout or the type checker
    killed = total = 0
    survivors: list[tuple[str, str]] = []
    for path in module.files:
        meta = workdir / "mutants" / f"{path}.meta"
        if not meta.exists():
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for key, code in sorted(codes.items()):
            if not _selected(key, module):
                continue
            total += 1
            if code in killed_codes:
                killed += 1
            else:
                status = {0: "survived", 33: "no tests", 5: "no tests", None: "not checked"}.get(
                    code, str(code)
                )
                survivors.append((key, status))
    return killed, total, survivors


def _child(name: str, survivors_only: bool = False) -> int:
    """Run mutmut for one module inside its scratch directory (this process's cwd).

    With `survivors_only`, only the mutants that survived the previous run are tested again (after tests
    were added); everything else keeps its cached result.
    """
    module = module_named(name)
    settings = mutmut_config(module)
    names = list(module.functions)
    if survivors_only:
        names = [key for key, _status in results(module, Path.cwd())[2]]
        if not names:
            return 0
        # The tests changed since: copy them in again and let mutmut map tests to functions afresh.
        for test in module.tests:
            shutil.copy2(ROOT / test, Path.cwd() / "mutants" / test)
        (Path.cwd() / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)

    import mutmut.configuration as configuration

    configuration._config_reader = lambda: lambda key, default: settings.get(key, default)
    configuration.reset_config()
    from mutmut.__main__ import cli

    try:
        cli(["run", "--max-children", "1", *names], standalone_mode=False)
    except SystemExit as exc:  # mutmut exits on a failing clean run
        return int(exc.code or 0)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return _child(argv[1], survivors_only=argv[2:] == ["--survivors"])
    survivors_only = "--survivors" in argv
    argv = [a for a in argv if a != "--survivors"]
    if argv[:1] == ["--list"]:
        for module in MODULES:
            print(f"{module.name}: {', '.join(module.files)}  ←  {', '.join(module.tests)}")
        return 0
    chosen = [module_named(n) for n in argv] if argv else list(MODULES)
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "DATABASE_URL", "REDIS_URL"}}
    summary: list[tuple[Module, int, int, list[tuple[str, str]]]] = []
    for module in chosen:
        workdir = _prepare(module)
        print(f"== {module.name}: {module.what}", flush=True)
        code = subprocess.call(  # noqa: S603 - this very script, fixed arguments
            [sys.executable, str(Path(__file__).resolve()), "--child", module.name]
            + (["--survivors"] if survivors_only else []),
            cwd=workdir,
            env=env,
        )
        if code != 0:
            print(f"!! {module.name}: mutmut stopped with status {code}", flush=True)
        killed, total, survivors = results(module, workdir)
        summary.append((module, killed, total, survivors))
    print()
    print("Mutation score per module (killed / total):")
    failing = False
    for module, killed, total, survivors in summary:
        score = killed / total if total else 0.0
        failing |= score < TARGET
        print(
            f"  {module.name:28} {killed:4d} / {total:4d}  {score:6.1%}  {'ok' if score >= TARGET else 'BELOW 90 %'}"
        )
        for key, status in survivors:
            print(f"      {status}: {key}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
