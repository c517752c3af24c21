"""Bulk import of organizations from .xlsx / .csv templates (ORG-4).

One pass over the file validates every row in memory and collects *every* fault as (row, column,
reason in Chinese); a file with any fault writes nothing. A clean file is written in one transaction
in bulk: ids are reserved in one statement, materialized paths are computed in memory in topological
order (so a child may come before its parent in the file), and rows go in with COPY on PostgreSQL or
`executemany` on SQLite. Web uploads, `shuping import-orgs` and the demo generator all call
`import_organizations` (CONVENTIONS: an operation is implemented once).

A package (the file outgrew 600 lines): `base` holds what it shares with `imports_people` under public
names; every public name is re-exported here, so `from shuping.orgs.imports import import_organizations`
keeps working.
"""

from __future__ import annotations

from .base import (
    CHUNK,
    LOOKUP_CHUNK,
    MAX_DEPTH,
    ORG_COLUMNS,
    ORG_REQUIRED,
    ImportRejected,
    ImportResult,
    Progress,
    RowError,
    can_import_organizations,
    scope_prefixes,
)
from .organizations import import_organizations, validate_organizations

__all__ = [
    "CHUNK",
    "LOOKUP_CHUNK",
    "MAX_DEPTH",
    "ORG_COLUMNS",
    "ORG_REQUIRED",
    "ImportRejected",
    "ImportResult",
    "Progress",
    "RowError",
    "can_import_organizations",
    "import_organizations",
    "scope_prefixes",
    "validate_organizations",
]
