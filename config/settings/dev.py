"""Development and demo settings: the embedded SQLite default, keys generated beside the database."""

from .base import *  # noqa: F403
from pathlib import Path

from .base import DATABASES, WORK_DIR
from .keys import generated_keys

DEBUG = True

# Keys live beside the SQLite database file (SPEC §11), or in the working directory otherwise.
_default = DATABASES["default"]
_beside = Path(_default["NAME"]).parent if _default["ENGINE"].endswith("sqlite3") else WORK_DIR
_keys = generated_keys(_beside)
SECRET_KEY = _keys["SHUPING_SECRET_KEY"]
SHUPING_DATA_KEY = _keys["SHUPING_DATA_KEY"]
