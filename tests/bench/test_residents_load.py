"""The residents load (issue 23, acceptance line 3): the indexes whose keys arrive in
order stay during the COPY and the others are rebuilt, with the same rows either way; and
the benchmark's checksum — why a first load and a replace differ, and the figure that
compares them (the 異動番号 never goes back, by design)."""

from __future__ import annotations

from datetime import date

import pytest

from bench.residents import checksum
from juminkiroku.models import Atena, AtenaRireki, Setai
from juminkiroku.synth.load import IN_ORDER, residents_load
from tenants.db import connection

pytestmark = pytest.mark.django_db

ON = date(2025, 10, 1)


def _secondary_indexes() -> dict[str, str]:
    """Name → leading column of the three loaded tables' plain (non-unique) indexes."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ic.relname, a.attname FROM pg_index i "
            "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = tc.relnamespace "
            "LEFT JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = i.indkey[0] "
            "WHERE n.nspname = current_schema() AND tc.relname = ANY(%s) "
            "AND NOT i.indisunique",
            [[m._meta.db_table for m in (Atena, AtenaRireki, Setai)]],
        )
        return dict(cur.fetchall())


def test_the_in_order_indexes_stay_and_the_others_are_rebuilt_same_rows(in_alpha):
    # given: the three tables' plain indexes, split by their leading column
    indexes = _secondary_indexes()
    in_order = {n for n, c in indexes.items() if any(c in cols for cols in IN_ORDER.values())}
    assert {"rireki_atena_idx", "rireki_closed_by_idx", "rireki_setai_idx"} <= in_order
    assert {"atena_kana_key_idx", "atena_kojin_bango_idx", "rireki_asof_idx"} <= (
        set(indexes) - in_order
    )
    # when: loaded keeping the in-order indexes (the default), then every index rebuilt
    kept = residents_load(population=400, seed=3, on=ON, replace=True)
    kept_sum = checksum(in_alpha.schema)
    rebuilt = residents_load(population=400, seed=3, on=ON, replace=True, keep_in_order=False)
    rebuilt_sum = checksum(in_alpha.schema)
    # then: only the random-key indexes were built after the COPY in the first load,
    # every one in the second, and the rows are the same
    built = {k.removeprefix("index ") for k in kept.timings if k.startswith("index ")}
    assert built == set(indexes) - in_order
    assert {k.removeprefix("index ") for k in rebuilt.timings if k.startswith("index ")} == set(
        indexes
    )
    assert kept_sum["md5_same_load"] == rebuilt_sum["md5_same_load"]
    assert kept_sum["tables"]["juminkiroku_atena"] == rebuilt_sum["tables"]["juminkiroku_atena"]
    # and: the kept indexes hold every row (an index-only count through each equals the
    # table's), so nothing was missed while they were maintained during the COPY
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SELECT count(*) FROM juminkiroku_atenarireki WHERE atena_id > 0")
        assert cur.fetchone()[0] == AtenaRireki.objects.count()
        cur.execute("SELECT count(*) FROM juminkiroku_atena WHERE setai_id > 0")
        assert cur.fetchone()[0] == Atena.objects.exclude(setai=None).count()
