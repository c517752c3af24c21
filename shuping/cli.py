"""The `shuping` command (SPEC §11): a thin wrapper over manage.py.

`shuping demo`, `shuping audit verify`, `shuping worker`, `shuping bench NAME` … are Django management
commands of the apps; any other Django command (`shuping migrate`) passes through unchanged.
Development settings are the default; set DJANGO_SETTINGS_MODULE=config.settings.prod in production.
"""

from __future__ import annotations

import os
import sys

#: Command names of SPEC §11 that are not valid module names, mapped to their management command.
ALIASES = {"import-orgs": "import_orgs", "lint-indicators": "lint_indicators"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "shuping"
    # SPEC §11 spells the command `import-orgs`; Django command modules are Python identifiers.
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
