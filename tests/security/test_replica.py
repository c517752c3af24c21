"""The read-replica router (docs/deployment.md): dashboard reads go to the replica, nothing else does."""

from __future__ import annotations

import pytest
from django.db import connections, router, transaction

from shuping.core.replica import REPLICA, ReplicaRouter, replica_alias, replica_reads
from shuping.orgs.models import Organization


@pytest.fixture
def with_replica():
    """A "replica" alias (DATABASE_REPLICA_URL) — only routing is asserted, so no server is needed."""
    connections.settings[REPLICA] = dict(connections.settings["default"])
    yield
    del connections.settings[REPLICA]


@pytest.mark.req("SEC-5")
@pytest.mark.django_db(transaction=True)
def test_dashboard_reads_go_to_the_replica_and_everything_else_to_the_primary(with_replica):
    assert Organization.objects.all().db == "default"
    with replica_reads() as alias:
        assert alias == REPLICA
        assert Organization.objects.all().db == REPLICA
        assert router.db_for_write(Organization) == "default"
        with transaction.atomic():  # a transaction reads its own writes: primary
            assert Organization.objects.all().db == "default"
    assert Organization.objects.all().db == "default"
    assert ReplicaRouter().allow_migrate(REPLICA, "orgs") is False
    assert ReplicaRouter().allow_migrate("default", "orgs") is True


@pytest.mark.django_db(transaction=True)
def test_without_a_replica_the_same_code_reads_the_primary():
    assert replica_alias() == "default"
    with replica_reads() as alias:
        assert alias == "default"
        assert Organization.objects.all().db == "default"
        assert list(Organization.objects.all()) == []
