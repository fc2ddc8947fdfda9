"""Two changes of issue 23 to the residents load's serial tail, and what they must not
change.

- 住民票コード and 個人番号 are indexed with byte comparisons (``varchar_pattern_ops``,
  juminkiroku 0021) instead of the database collation's: every lookup of the code is an
  exact one (``=``, ``IN``), which such an index serves; the plans are taken with
  sequential scans off (the point is that the index is usable, not what the planner
  prefers on a small table).
- Before the loader adds 住民票の履歴's foreign keys back it samples the three link
  columns (``bulk.recreate(analyze=…)``): each key is still validated by PostgreSQL over
  every row — a dangling link is refused, and every key ends valid.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from juminkiroku.models import Atena, AtenaRireki, Setai
from juminkiroku.synth.bulk import Clock, Dropped, drop_secondary, recreate
from juminkiroku.synth.load import LINK_COLUMNS, residents_load
from tenants.db import connection

pytestmark = pytest.mark.django_db

ON = date(2025, 10, 1)
TABLES = [m._meta.db_table for m in (Atena, AtenaRireki, Setai)]


def _explain(queryset: QuerySet[Atena]) -> str:
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_bitmapscan = on")
    return queryset.explain()


def test_the_code_indexes_compare_bytes_in_both_towns_and_serve_exact_lookups(in_alpha, beta):
    # given: both towns loaded with the same seed (the same codes in each)
    residents_load(population=200, seed=4, on=ON, replace=True)
    mine = Atena.objects.exclude(kojin_bango="").exclude(juminhyo_code="").order_by("id")[0]
    connection.set_tenant(beta.municipality)
    residents_load(population=200, seed=4, on=ON, replace=True)
    theirs = Atena.objects.get(kojin_bango=mine.kojin_bango)
    for town in (beta, in_alpha):
        connection.set_tenant(town.municipality)
        with connection.cursor() as cur:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
                "AND indexname IN ('atena_jcode_idx', 'atena_kojin_bango_idx')",
                [town.schema],
            )
            defs = dict(cur.fetchall())
        # then: each town's schema has its own two indexes, comparing bytes
        assert defs["atena_jcode_idx"].endswith("(juminhyo_code varchar_pattern_ops)")
        assert defs["atena_kojin_bango_idx"].endswith("(kojin_bango varchar_pattern_ops)")
    # and: the lookups as the code writes them (cs.jushin, cs.bango, fuhyo.totsugo: = ;
    # IN) read the index, and find only this town's person
    one = Atena.objects.filter(juminhyo_code=mine.juminhyo_code)
    assert "atena_jcode_idx" in _explain(one)
    assert list(one.values_list("pk", flat=True)) == [mine.pk]
    some = Atena.objects.filter(kojin_bango__in=[mine.kojin_bango, "000000000000"])
    assert "atena_kojin_bango_idx" in _explain(some)
    assert list(some.values_list("pk", flat=True)) == [mine.pk]
    assert theirs.pk == mine.pk  # same ids in the other schema: the rows are not shared
    connection.set_tenant(beta.municipality)
    assert Atena.objects.filter(kojin_bango=mine.kojin_bango).count() == 1
    connection.set_tenant(in_alpha.municipality)


def _reload_without_keys() -> tuple[Dropped, Clock]:
    residents_load(population=200, seed=4, on=ON, replace=True)
    clock = Clock()
    dropped = drop_secondary(connection.schema_name, TABLES, indexes=True, foreign_keys=True)
    return dropped, clock


def test_the_keys_added_back_after_the_link_columns_are_sampled_are_valid(in_alpha):
    # given: a loaded town whose three tables lost their keys and random-key indexes
    dropped, clock = _reload_without_keys()
    # when: put back as the loader does
    recreate(dropped, clock, schema=in_alpha.schema, analyze=LINK_COLUMNS)
    # then: the columns were sampled, every key is back and valid, and checked again
    assert "analyze links" in clock.spent
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid::regclass::text = ANY(%s)",
            [TABLES],
        )
        keys = dict(cur.fetchall())
        cur.execute(
            "SELECT attname FROM pg_stats WHERE schemaname = %s AND tablename = %s",
            [in_alpha.schema, AtenaRireki._meta.db_table],
        )
        sampled = {r[0] for r in cur.fetchall()}
    assert len(keys) == 7 and all(keys.values())
    assert set(LINK_COLUMNS[AtenaRireki._meta.db_table]) <= sampled


@pytest.mark.parametrize("column", ["closed_by_id", "superseded_by_id", "reopens_id"])
def test_a_dangling_link_is_still_refused_when_the_keys_are_added_back(in_alpha, column):
    # given: a loaded town without its keys, one version pointing at nothing
    dropped, clock = _reload_without_keys()
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE juminkiroku_atenarireki SET {column} = 987654321 "
            "WHERE id = (SELECT min(id) FROM juminkiroku_atenarireki)"
        )
    # when / then: the key's validation over every row refuses it, as without sampling
    with pytest.raises(IntegrityError), transaction.atomic():
        recreate(dropped, clock, schema=in_alpha.schema, analyze=LINK_COLUMNS)
