"""Development and demo settings: the embedded SQLite default, keys generated beside the database."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, WORK_DIR
from .keys import generated_keys

DEBUG = True

# Keys live beside the SQLite database file (SPEC §11), or in the working directory otherwise.
_default = DATABASES["default"]
_beside = Path(_default["NAME"]).parent if _default["ENGINE"].endswith("sqlite3") else WORK_DIR
_keys = generated_keys(_beside)
SECRET_KEY = _keys["SHUPING_SECRET_KEY"]
SHUPING_DATA_KEY = _keys["SHUPING_DATA_KEY"]
SHUPING_AUDIT_KEY = _keys["SHUPING_AUDIT_KEY"]
# Signed audit checkpoints are also appended outside the database (INT-2): beside the database file here,
# on another host in production (docs/deployment.md).
SHUPING_AUDIT_SINK = os.environ.get("SHUPING_AUDIT_SINK") or str(_beside / "shuping-audit-checkpoints.jsonl")

# The demo and local development sign in with a password only, so the printed demo accounts work at once;
# production (config.settings.prod, from base) requires the second factor for administrators and
# organizer staff (SEC-3). Set SHUPING_REQUIRE_SECOND_FACTOR=1 to try the TOTP flow locally.
SHUPING_REQUIRE_SECOND_FACTOR = os.environ.get("SHUPING_REQUIRE_SECOND_FACTOR", "") in {"1", "true", "yes"}
