"""Starting `shuping worker` processes from other commands (`shuping demo` runs one beside the server)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from django.conf import settings


def worker_command(extra_args: Sequence[str] = ()) -> list[str]:
    """The argv that runs `shuping worker` with this interpreter (works without the console script)."""
    return [sys.executable, "-m", "shuping.cli", "worker", *extra_args]


def spawn_worker_process(
    *,
    extra_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    **popen_kwargs: Any,
) -> subprocess.Popen:
    """Start `shuping worker` as a child process and return it (the caller stops it with terminate()).

    The child gets this process's settings module and environment (DATABASE_URL, keys), so it works on
    the same database; on SIGTERM it finishes the job at hand and exits 0. Extra Popen arguments
    (stdout=…, stderr=…) pass through.
    """
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE or "config.settings.dev")
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    return subprocess.Popen(worker_command(extra_args), env=child_env, cwd=cwd, **popen_kwargs)  # noqa: S603
