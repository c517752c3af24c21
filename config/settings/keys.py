"""Key resolution (SPEC §11): environment first; development may generate keys, production never."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path


class MissingKeyError(RuntimeError):
    """Raised by production settings when a required key is absent."""


def require(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise MissingKeyError(f"{name} is not set; production settings refuse to start without it.")
    return value


def generated_keys(beside: Path) -> dict[str, str]:
    """Keys from the environment, else from `shuping.keys` beside the database, created on first use.

    The data key encrypts personal fields and keys the credential hashes: losing the file loses those,
    so it is written once (mode 0600) and never regenerated while it exists.
    """
    path = beside / "shuping.keys"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    changed = False
    for name, make in (
        ("SHUPING_SECRET_KEY", lambda: secrets.token_urlsafe(50)),
        ("SHUPING_DATA_KEY", lambda: base64.b64encode(secrets.token_bytes(32)).decode()),
        # Signs the audit checkpoints (INT-2); separate from the data key so one leak is not both.
        ("SHUPING_AUDIT_KEY", lambda: base64.b64encode(secrets.token_bytes(32)).decode()),
    ):
        if not stored.get(name):
            stored[name] = make()
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(stored, handle)
    return {name: os.environ.get(name) or stored[name] for name in stored}
