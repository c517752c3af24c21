"""Read replica for dashboards (docs/deployment.md): DATABASE_REPLICA_URL adds the "replica" alias.

Only reads that can tolerate replication lag go to the replica: dashboard and rollup selectors, inside
`replica_reads()` (or with `.using(replica_alias())`). Everything else — every write, every read inside a
transaction, every read of a page that just wrote — stays on the primary. Without DATABASE_REPLICA_URL,
both helpers fall back to "default", so code written for the replica runs unchanged on one database.

    from shuping.core.replica import replica_reads

    def dashboard_for(user, year):
        with replica_reads():
            return list(Assessment.objects.filter(...).values(...).annotate(...))
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections, transaction

REPLICA = "replica"
_use_replica: ContextVar[bool] = ContextVar("shuping_use_replica", default=False)


def has_replica() -> bool:
    """Whether a replica is configured (DATABASE_REPLICA_URL)."""
    return REPLICA in connections.settings


def replica_alias() -> str:
    """ "replica" when configured, else "default" — for explicit `.using(...)`."""
    return REPLICA if has_replica() else "default"


@contextmanager
def replica_reads() -> Iterator[str]:
    """Route this block's reads to the replica (when there is one and no transaction is open)."""
    token = _use_replica.set(True)
    try:
        yield replica_alias()
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Sends reads inside `replica_reads()` to the replica; never migrates or writes there."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _use_replica.get() or not has_replica():
            return None
        # Inside a transaction on the primary the caller may read its own uncommitted writes: stay there.
        if transaction.get_connection("default").in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return db != REPLICA
