"""住民票の履歴's links to a later 異動 / version (closed_by, superseded_by, reopens) are
indexed only where they are set (juminkiroku 0020, issue 23): every query that used the
full indexes can use the partial ones — the lookups of the code, and the foreign keys'
own checks (PostgreSQL's generic plan with a parameter, as its RI triggers run them).

Each plan is taken with sequential scans disabled: the point is not what the planner
prefers on a tiny table, but that the partial index is *usable* for the predicate (the
planner proves ``col = x`` implies ``col IS NOT NULL``); where it cannot, PostgreSQL
falls back to a sequential scan and the index's name is missing from the plan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from juminkiroku.models import AtenaRireki, Ido
from juminkiroku.synth.load import residents_load
from tenants.db import connection

pytestmark = pytest.mark.django_db

ON = date(2025, 10, 1)
PARTIAL = {
    "closed_by_id": "rireki_closed_by_idx",
    "superseded_by_id": "rireki_superseded_by_idx",
    "reopens_id": "rireki_reopens_idx",
}


@pytest.fixture
def no_seqscan(in_alpha) -> Iterator[None]:
    residents_load(population=300, seed=1, on=ON)
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
    yield
    with connection.cursor() as cur:
        cur.execute("RESET enable_seqscan")
        cur.execute("RESET plan_cache_mode")


def _plan(sql: str, params: list[object] | None = None) -> str:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params or [])
        return "\n".join(r[0] for r in cur.fetchall())


def test_the_three_indexes_hold_only_the_rows_that_have_a_link(in_alpha, beta):
    # given / when: both towns migrated (each schema its own indexes)
    for town in (in_alpha, beta):
        connection.set_tenant(town.municipality)
        with connection.cursor() as cur:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
                "AND tablename = 'juminkiroku_atenarireki' ORDER BY 1",
                [town.schema],
            )
            defs = dict(cur.fetchall())
        # then: the partial index on each column, and no full index of it any more
        for column, name in PARTIAL.items():
            assert defs[name].endswith(f"({column}) WHERE ({column} IS NOT NULL)"), defs[name]
            assert f"{town.schema}.juminkiroku_atenarireki USING btree ({column})" not in (
                "\n".join(d for n, d in defs.items() if n != name)
            )


def test_the_code_s_lookups_use_the_partial_indexes(no_seqscan):
    # given: a loaded town (its 除票 persons' first versions are closed by the load's 異動)
    ido = Ido.objects.get()
    closed = AtenaRireki.objects.exclude(closed_by=None).first()
    assert closed is not None and closed.closed_by_id == ido.pk
    # when / then: the lookups of juminkiroku (services.tsuchi, cs.soshin, fuhyo.tsuchi,
    # services.tenshutsu, selectors.rireki) as the ORM writes them
    assert "rireki_closed_by_idx" in AtenaRireki.objects.filter(closed_by=ido).explain()
    assert "rireki_superseded_by_idx" in (
        AtenaRireki.objects.filter(superseded_by_id=ido.pk).order_by("-valid_from").explain()
    )
    assert "rireki_reopens_idx" in (
        AtenaRireki.objects.filter(reopens__in=[closed.pk, closed.pk + 1]).explain()
    )
    # a NULL test cannot use them (and never could use a btree of NULLs cheaply)
    assert "rireki_closed_by_idx" not in AtenaRireki.objects.filter(closed_by=None).explain()


def test_the_foreign_keys_own_checks_use_the_partial_indexes(no_seqscan):
    # given: the query PostgreSQL's RI trigger runs when an 異動 (or a version) is deleted
    # or its key updated, with a parameter and the generic plan it caches
    with connection.cursor() as cur:
        cur.execute("SET plan_cache_mode = force_generic_plan")
        for column, name in PARTIAL.items():
            statement = f"ri_{column}"
            cur.execute(
                f"PREPARE {statement} (bigint) AS SELECT 1 FROM ONLY juminkiroku_atenarireki x "
                f"WHERE $1 OPERATOR(pg_catalog.=) {column} FOR KEY SHARE OF x"
            )
            # when
            cur.execute(f"EXPLAIN EXECUTE {statement}(1)")
            plan = "\n".join(r[0] for r in cur.fetchall())
            cur.execute(f"DEALLOCATE {statement}")
            # then
            assert name in plan, plan


def test_the_keys_still_refuse_deleting_a_linked_ido(in_alpha):
    # given: a loaded town, and a second 異動 that one version names as superseding it
    residents_load(population=300, seed=1, on=ON)
    first = Ido.objects.get()
    second = Ido.objects.create(
        ido_no="9999999999",
        jiyu=first.jiyu,
        ido_date=first.ido_date,
        status=first.status,
        payload={},
        entered_by="tester",
    )
    version = AtenaRireki.objects.order_by("id").first()
    assert version is not None
    AtenaRireki.objects.filter(pk=version.pk).update(superseded_by=second)
    # when / then: that 異動 cannot go (superseded_by's key bites), and nothing changed
    with (
        pytest.raises(IntegrityError, match="superseded_by"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("DELETE FROM juminkiroku_ido WHERE id = %s", [second.pk])
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    assert Ido.objects.filter(pk=second.pk).exists()
