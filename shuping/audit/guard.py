"""Database triggers that refuse UPDATE and DELETE on audit rows (INT-2), and the one way past them.

The model already refuses `save()` on an existing row, `update()` and `delete()`; the triggers make the
database itself refuse the same through raw SQL, another client or a second application — on PostgreSQL
(a PL/pgSQL function on `audit_auditevent` and `audit_checkpoint`, row triggers for UPDATE/DELETE and a
statement trigger for TRUNCATE) and on SQLite (BEFORE UPDATE / BEFORE DELETE triggers). Migration
`audit.0002_append_only_triggers` installs them.

`maintenance()` is the documented way past them, used by exactly three callers: `prune_audit()` (which
then signs a checkpoint), `shuping restore --force` (which replaces the whole database) and `flush` (test
databases). On PostgreSQL it sets the session setting `shuping.audit_maintenance`; on SQLite the triggers
call the SQL function `shuping_audit_maintenance()`, which exists only on connections opened by Shuping —
from the sqlite3 shell or any other client the trigger fails and the statement is refused.

What this does not stop: a database superuser (or the table owner) can drop the triggers, or set the
session flag. That is why checkpoints also go to the sink outside the database (shuping/audit/sink.py) —
docs/security.md, "What a database superuser can still do".
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

FUNCTION = "shuping_audit_maintenance"
SETTING = "shuping.audit_maintenance"
TABLES = ("audit_auditevent", "audit_checkpoint")

_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("shuping_audit_maintenance", default=False)


def _sqlite_allowed() -> int:
    return 1 if _allowed.get() else 0


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give every Shuping SQLite connection the triggers' function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 0, _sqlite_allowed)


@contextmanager
def maintenance(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let this thread's statements on `using` update or delete audit rows, for the duration only."""
    connection = connections[using]
    token = _allowed.set(True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', false)", [SETTING])
        yield
    finally:
        _allowed.reset(token)
        if connection.vendor == "postgresql":
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'off', false)", [SETTING])
            except DatabaseError:
                pass  # an aborted transaction rolls the setting back with it


POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION shuping_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('{SETTING}', true), '') = 'on' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'audit rows are append-only: % on % refused (INT-2; see shuping/audit/guard.py)',
            TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    *(
        statement
        for table in TABLES
        for statement in (
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION shuping_audit_refuse_change()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION shuping_audit_refuse_change()",
        )
    ),
]
POSTGRESQL_REMOVE = [
    *(
        statement
        for table in TABLES
        for statement in (
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        )
    ),
    "DROP FUNCTION IF EXISTS shuping_audit_refuse_change()",
]
SQLITE_INSTALL = [
    f"CREATE TRIGGER {table}_refuse_{verb.lower()} BEFORE {verb} ON {table} WHEN NOT {FUNCTION}() "
    f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only: {verb} on {table} refused (INT-2)'); END"
    for table in TABLES
    for verb in ("UPDATE", "DELETE")
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {table}_refuse_{verb.lower()}"
    for table in TABLES
    for verb in ("UPDATE", "DELETE")
]


def install(connection: Any) -> None:
    statements = {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove(connection: Any) -> None:
    statements = {"postgresql": POSTGRESQL_REMOVE, "sqlite": SQLITE_REMOVE}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
