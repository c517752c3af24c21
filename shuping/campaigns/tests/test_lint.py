"""CMP-6: the formalism lint, table-tested, with a held-out file written before the lint and never tuned on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shuping.campaigns import lint

DATA = Path(__file__).parent / "data"


def _rows(name):
    return lint.parse_table((DATA / name).read_text(encoding="utf-8").splitlines())


TABLE = _rows("indicators.tsv")


@pytest.mark.req("CMP-6")
def test_the_table_is_realistic_in_size_and_balance():
    assert len(TABLE) >= 40
    assert sum(1 for e, _ in TABLE if e == "ok") >= len(TABLE) / 2
    holdout = _rows("indicators_holdout.tsv")
    assert len(holdout) >= 30 and not {t for _, t in holdout} & {t for _, t in TABLE}


@pytest.mark.req("CMP-6")
@pytest.mark.parametrize(("expect", "text"), TABLE, ids=[t[:16] for _, t in TABLE])
def test_table(expect, text):
    assert lint.lint_indicator(text).verdict == expect


@pytest.mark.req("CMP-6")
def test_holdout_agreement_is_at_least_ninety_percent():
    agreeing, total = lint.agreement(_rows("indicators_holdout.tsv"))
    assert agreeing / total >= 0.9, f"{agreeing}/{total}"


@pytest.mark.req("CMP-6")
def test_every_warning_says_why_and_cites_article_six():
    result = lint.lint_indicator("查阅会议记录，统计召开党委会次数")
    assert {w.code for w in result.warnings} == {lint.COUNT, lint.PAPER}
    for w in result.warnings:
        assert w.citation == "《办法》第六条" and "第六条" in w.reason and w.evidence


@pytest.mark.req("CMP-6")
def test_a_count_of_outcomes_or_a_site_visit_is_fine():
    assert not lint.lint_indicator("召开会议研究解决群众反映问题，问题解决率达到90%").is_flagged
    assert not lint.lint_indicator("查阅台账后到村实地查看，核实党员作用发挥").is_flagged


@pytest.mark.req("CMP-6")
def test_bad_table_lines_are_refused_in_chinese():
    with pytest.raises(ValueError, match="期望列只能是"):
        lint.parse_table(["expect\tindicator", "maybe\t某指标"])


@pytest.mark.req("CMP-6")
def test_lint_module_imports_no_django():
    source = (Path(lint.__file__)).read_text(encoding="utf-8") + Path(lint.__file__).with_name(
        "rules.py"
    ).read_text(encoding="utf-8")
    assert "django" not in source.lower().replace("no django import", "")


@pytest.mark.req("CMP-6")
def test_cli_prints_verdicts_and_agreement_without_a_database(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text(
        "expect\tindicator\nflag\t宣传报道篇数\nok\t党员群众满意度\nflag\t党员群众满意度\n", encoding="utf-8"
    )
    env = {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "SHUPING_DATA_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from shuping.cli import main; main(['shuping', 'lint-indicators', {str(table)!r}])",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:3] == ["flag\t宣传报道篇数", "ok\t党员群众满意度", "ok\t党员群众满意度"]
    assert lines[3] == "agreement: 2/3 (66.7%)"
