"""Writes have public seams (issue #25; docs/architecture.md, Layers inside an app): no module imports
another module's private (`_name`) helper and no one reaches into a services module's private names — what
siblings share lives under a public name (an app's `services/base.py`, `imports/base.py`). View modules are
left to the view pattern's own checks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import shuping

ROOT = Path(shuping.__file__).parent


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name.startswith("views"):
            continue
        yield path


def test_no_module_imports_a_private_name_of_another():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
                continue
            if node.level == 0 and not (node.module or "").startswith("shuping"):
                continue  # a library's private name is the library's business
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno} {a.name}"
                for a in node.names
                if a.name.startswith("_") and a.name != "_"
            ]
    assert found == []


def test_no_module_reaches_into_a_services_module_private_names():
    pattern = re.compile(r"\b\w*services\w*\._[a-z]\w*")
    found = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in _modules()
        for match in pattern.findall(path.read_text(encoding="utf-8"))
    ]
    assert found == []
