"""INT-4: `make mutation` covers every trust-critical module, and the list cannot silently shrink.

The mutation run itself is slow and is neither part of `make test` nor of .ci/run; this fast test pins its
configuration (tools/mutation.py) to SPEC §14.3's list of trust-critical code.
"""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest

from tests.access.harness import ROOT

pytestmark = pytest.mark.req("INT-4")

#: SPEC §14.3 INT-4: ballot voting, sealing and tally; disclosure control; quota and decision chain;
#: rectification permissions; Art. 3 scope rules; lockout; audit chain — name → the files mutated.
REQUIRED = {
    "ballots-voting": {"shuping/ballots/services_voting.py"},
    "sealing": {"shuping/core/crypto.py", "shuping/ballots/receipts.py"},
    "tally": {"shuping/ballots/tally.py"},
    "disclosure": {"shuping/ballots/disclosure.py"},
    "quota": {"shuping/evaluations/quota.py"},
    "decision-rules": {"shuping/evaluations/scoring.py"},
    "rectification-permissions": {"shuping/rectification/permissions.py"},
    "scope-rules": {"shuping/campaigns/rules.py"},
    "lockout": {"shuping/accounts/policy.py", "shuping/accounts/models.py", "shuping/accounts/services.py"},
    "audit-chain": {"shuping/audit/chain.py"},
}


def _config():
    spec = importlib.util.spec_from_file_location("shuping_mutation_config", ROOT / "tools" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_every_trust_critical_module_is_in_the_mutation_run():
    config = _config()
    configured = {m.name: set(m.files) for m in config.MODULES}
    missing = {name: sorted(files - configured.get(name, set())) for name, files in REQUIRED.items()}
    missing = {name: files for name, files in missing.items() if files}
    assert not missing, f"tools/mutation.py no longer mutates: {missing}"
    assert len({m.name for m in config.MODULES}) == len(config.MODULES)
    assert config.TARGET >= 0.90


def test_each_module_names_existing_files_and_focused_tests():
    config = _config()
    for module in config.MODULES:
        assert module.tests, f"{module.name} runs no tests"
        for path in (*module.files, *module.tests):
            assert (ROOT / path).is_file(), f"{module.name}: {path} does not exist"
        settings = config.mutmut_config(module)
        assert settings["only_mutate"] == list(module.files)
        assert settings["pytest_add_cli_args_test_selection"] == list(module.tests)


def test_make_mutation_runs_the_script_one_child_at_a_time_and_is_not_part_of_test_or_ci():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^mutation:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target and "tools/mutation.py" in target.group(1)
    for name in ("test", "test-all", "ci"):
        recipe = re.search(rf"^{re.escape(name)}:.*\n((?:\t.*\n)*)", makefile, re.MULTILINE)
        assert recipe and "mutation" not in recipe.group(1)
    assert "mutation" not in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    source = (ROOT / "tools" / "mutation.py").read_text(encoding="utf-8")
    assert '"--max-children", "1"' in source
