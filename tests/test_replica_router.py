"""Reads on a read replica (config/routers.py; issue 22, item 5): a second alias,
``readonly``, pointing at the same test database over loopback stands in for the hot
standby. Reads inside ``replica_reads()`` go there, in the town the request is in, and
see only that town; writes and migrations never go there; without a replica nothing
changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connections, router

from config.routers import READONLY_ALIAS, replica_reads
from tenants.db import connection
from tenants.grants.models import Grant
from tenants.models import StaffUser


@pytest.fixture
def replica(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The alias ``readonly``: the test database again, on a connection of its own, every
    session read-only (the OPTIONS config/settings/base.py gives a replica). The
    connection is made here rather than declared in settings.DATABASES, which the test
    runner reads once, before this fixture."""
    primary = connections["default"]
    entry = {
        **primary.settings_dict,
        "OPTIONS": {"options": "-c default_transaction_read_only=on"},
    }
    connections[READONLY_ALIAS] = type(primary)(entry, READONLY_ALIAS)
    monkeypatch.setattr("config.routers.replica_configured", lambda: True)
    try:
        yield READONLY_ALIAS
    finally:
        connections[READONLY_ALIAS].close()
        del connections[READONLY_ALIAS]


def _user_ids(prefix: str) -> set[int]:
    return set(StaffUser.objects.filter(username__startswith=prefix).values_list("pk", flat=True))


def _replica_session() -> tuple[str, str]:
    with connections[READONLY_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('search_path'), current_setting('transaction_read_only')"
        )
        return cursor.fetchone()


def test_replica_reads_see_the_town_the_request_is_in_and_no_other(
    replica: str, world: Any
) -> None:
    # given: both towns' grants (committed when the test world was built)
    hayama, samukawa = _user_ids("hayama-"), _user_ids("samukawa-")
    assert hayama and samukawa and not hayama & samukawa
    seen = {}
    for town, schema in (
        (world.alpha.municipality, "m143014"),
        (world.beta.municipality, "m143219"),
        (world.alpha.municipality, "m143014"),  # and back: the replica follows each time
    ):
        connection.set_tenant(town)
        # when: a read inside replica_reads()
        with replica_reads() as alias:
            queryset = Grant.objects.all()
            db = queryset.db
            users = set(queryset.values_list("user_id", flat=True))
            path, read_only = _replica_session()
        # then: it ran on the replica, in that town's schema, read-only
        assert alias == replica and db == replica
        assert path.startswith(schema) and read_only == "on"
        seen[schema] = users
    assert seen["m143014"] and seen["m143014"] <= hayama
    assert seen["m143219"] and seen["m143219"] <= samukawa


def test_the_replica_is_another_connection_and_writes_stay_on_the_primary(
    replica: str, alpha: Any
) -> None:
    # given: in 葉山町, a grant written in this test's transaction (not committed)
    connection.set_tenant(alpha.municipality)
    user = StaffUser.objects.get(username="hayama-viewer")
    before = Grant.objects.filter(user_id=user.pk).count()
    with replica_reads():
        # when: a write inside replica_reads()
        assert router.db_for_write(Grant) == "default"
        Grant.objects.create(user_id=user.pk, code="test.replica_probe", granted_by="test")
        on_replica = Grant.objects.filter(user_id=user.pk).count()
    # then: the primary has it; the replica, another session, does not see it yet
    assert Grant.objects.filter(user_id=user.pk).count() == before + 1
    assert on_replica == before
    # and reads outside replica_reads() stay on the primary
    assert Grant.objects.all().db == "default"


def test_euc_extraction_reads_run_on_the_replica_in_its_town(replica: str, beta: Any) -> None:
    from migration_io.euc.readonly import readonly_reads

    # given: a request in 寒川町
    connection.set_tenant(beta.municipality)
    # when: an EUC extraction's reads
    with readonly_reads() as alias:
        path, read_only = _replica_session()
        users = set(Grant.objects.values_list("user_id", flat=True))
    # then: on the replica, in 寒川町, read-only; only 寒川町's rows
    assert alias == replica
    assert path.startswith("m143219") and read_only == "on"
    assert users and users <= _user_ids("samukawa-")


def test_nothing_is_migrated_on_the_replica(replica: str) -> None:
    assert router.allow_migrate(READONLY_ALIAS, "juminkiroku") is False
    assert router.allow_migrate_model(READONLY_ALIAS, Grant) is False


def test_without_a_replica_reads_stay_on_the_primary(alpha: Any) -> None:
    assert READONLY_ALIAS not in settings.DATABASES  # as under the test settings
    connection.set_tenant(alpha.municipality)
    with replica_reads() as alias:
        assert alias == "default"
        assert Grant.objects.all().db == "default"
        assert Grant.objects.exists()
