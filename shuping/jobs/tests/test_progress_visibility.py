"""Progress stays visible to pollers while the job's all-or-nothing write is still uncommitted.

Pollers (the progress partial, the API, a waiting CLI) read the Job row on their own connections. Here a
second connection plays the poller while the sample import validates, then writes in one transaction.
"""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from shuping.jobs.choices import JobStatus
from shuping.jobs.models import Job
from shuping.jobs.services import start_job
from shuping.jobs.tests import sample_tasks
from shuping.orgs.models import Organization


class Poller:
    """A separate database connection, like a web request in another process."""

    def __init__(self) -> None:
        default = connections[DEFAULT_DB_ALIAS]
        self.connection = default.__class__({**default.settings_dict}, alias="test_poller")

    def progress(self, job_id: int) -> tuple[int, int, str]:
        meta = Job._meta
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT progress_done, progress_total, message FROM {meta.db_table} WHERE id = %s",
                [job_id],
            )
            return tuple(cursor.fetchone())

    def branches(self, parent: Organization) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {Organization._meta.db_table} WHERE parent_id = %s",
                [parent.pk],
            )
            return cursor.fetchone()[0]

    def close(self) -> None:
        self.connection.close()


@pytest.mark.django_db(transaction=True)
def test_pollers_see_progress_while_the_import_is_still_uncommitted(world, observe):
    poller = Poller()
    seen: list[tuple[str, int, tuple[int, int, str]]] = []
    branch_counts: list[tuple[str, int]] = []
    postgres = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"

    def look(phase: str, job_id: int, number: int) -> None:
        seen.append((phase, number, poller.progress(job_id)))
        if postgres or phase != "write":
            # (SQLite's in-memory test database shares one cache: its table locks forbid reading a
            # table another connection is writing, so only PostgreSQL checks isolation mid-write.)
            branch_counts.append((phase, poller.branches(world.county)))

    existing = Organization.objects.filter(parent=world.county).count()  # the township
    observe(look)
    try:
        job = start_job(
            kind="test.import",
            title="导入测试支部",
            requested_by=world.organizer_staff,
            organization=world.county,
            task=sample_tasks.import_branches,
            args=[world.county.pk, 3],
        )
    finally:
        poller.close()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    validate = [progress for phase, _, progress in seen if phase == "validate"]
    write = [progress for phase, _, progress in seen if phase == "write"]
    committed = [progress for phase, _, progress in seen if phase == "committed"]
    # Validation (the slow part: reading and checking every row) is visible step by step everywhere.
    assert validate == [(1, 3, "校验中"), (2, 3, "校验中"), (3, 3, "校验中")]
    if postgres:
        # PostgreSQL: a second connection carries progress out of the open write transaction...
        assert write == [(1, 3, "写入中"), (2, 3, "写入中"), (3, 3, "写入中")]
        # ...while the imported rows themselves stay invisible until the commit.
        assert [count for phase, count in branch_counts if phase == "write"] == [existing] * 3
    else:
        # SQLite has one writer: pollers keep seeing "写入中" with the validated count (shown before the
        # transaction opened) — never blocked, never a half-written state.
        assert write == [(3, 3, "写入中")] * 3
    # Right after the commit the final progress is there, before the task has even returned.
    assert committed == [(3, 3, "写入中")]
    assert [count for phase, count in branch_counts if phase == "committed"] == [existing + 3]
