"""The batch kit of issue 23: JSON kept as text (tenants.fields), what a job's chunks
share per process (tenants.jobs.memo), COPY through staging and server-bound reads
(tenants.jobs.bulk) — each inside the current town only."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime

import psycopg
import pytest
from django.db import connection as dj

from juminkiroku.tests.factories import family, household_tennyu
from tenants.db import connection
from tenants.fields import json_text
from tenants.jobs import memo
from tenants.jobs.bulk import copy_insert, raw_cursor
from zeimu.models import Fuka, FukaKind, FukaStatus

pytestmark = pytest.mark.django_db


def test_json_text_is_compact_and_keeps_japanese_and_key_order() -> None:
    assert json_text({"b": 1, "a": ["給与", None, True]}) == '{"b":1,"a":["給与",null,true]}'


def _fuka(atena_id: int, **kw: object) -> Fuka:
    return Fuka.objects.create(
        fiscal_year=2025, atena_id=atena_id, kind=FukaKind.TOSHO, status=FukaStatus.KAZEI, **kw
    )


def test_a_json_text_field_stores_text_and_reads_back_the_value(in_alpha) -> None:
    _, (person, *_) = household_tennyu("hayama", members=family())
    value = {"result": {"gokei_zeigaku": 62500, "lines": ["基礎控除 430,000円"]}, "input": {}}
    f = _fuka(person.pk, detail=value)
    f.refresh_from_db()
    assert f.detail == value
    assert list(f.detail) == ["result", "input"]  # the order written (jsonb would sort)
    with dj.cursor() as cur:
        cur.execute("SELECT pg_typeof(detail)::text, detail FROM zeimu_fuka WHERE id = %s", [f.pk])
        kind, text = cur.fetchone()
    assert kind == "text" and text == json_text(value)


def test_job_memo_builds_once_per_job_and_town(alpha, beta) -> None:
    memo.job_memo_clear()
    calls: list[str] = []

    def build(tag: str) -> str:
        calls.append(tag)
        return tag

    connection.set_tenant(alpha.municipality)
    assert memo.job_memo(1, "year", lambda: build("a1")) == "a1"
    assert memo.job_memo(1, "year", lambda: build("again")) == "a1"  # the same job: kept
    assert memo.job_memo(2, "year", lambda: build("a2")) == "a2"  # another job: read again
    connection.set_tenant(beta.municipality)
    # the same job id in another town is another job: never the first town's value
    assert memo.job_memo(1, "year", lambda: build("b1")) == "b1"
    assert calls == ["a1", "a2", "b1"]
    memo.job_memo_clear()


def test_job_memo_forgets_the_oldest_jobs_beyond_its_limit(alpha) -> None:
    memo.job_memo_clear()
    connection.set_tenant(alpha.municipality)
    for job_id in range(memo.KEEP + 3):
        memo.job_memo(job_id, "year", functools.partial(int, job_id))
    assert len({k[:2] for k in memo._memo}) == memo.KEEP
    assert memo.job_memo(0, "year", lambda: "read again") == "read again"
    memo.job_memo_clear()


COLUMNS = ("fiscal_year", "atena_id", "kind", "status", "is_current", "kibetsu", "detail",
           "reason", "created_by", "computed_at", "gokei_shotoku", "kazei_shotoku",
           "kyuyo_shotoku", "nenkin_shotoku", "sonota_shotoku", "nenkin_shunyu",
           "shotokuwari_shichoson", "shotokuwari_dofuken", "kintowari_shichoson",
           "kintowari_dofuken", "shinrin_kankyozei", "gokei_zeigaku", "futsu_choshu_gaku",
           "kyuyo_tokucho_gaku", "nenkin_tokucho_gaku", "tokucho_shitei_no",
           "tokucho_employer_name", "joto_shotoku", "joto_tokubetsu_kojo")  # fmt: skip
NOW = date(2025, 6, 1)


def _row(atena_id: int, zeigaku: int = 0) -> tuple[object, ...]:
    return (2025, atena_id, "tosho", "kazei", True, "{}", json_text({"n": zeigaku}), "",
            "t", NOW, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, zeigaku, 0, 0, 0, "", "", 0, 0)  # fmt: skip


def test_copy_insert_skips_what_the_unique_index_holds_and_stays_in_its_town(alpha, beta) -> None:
    connection.set_tenant(alpha.municipality)
    _, people = household_tennyu("hayama", members=family())
    a, b = people[0].pk, people[1].pk
    _fuka(a, gokei_zeigaku=100)
    written = copy_insert(
        "zeimu_fuka", COLUMNS, [_row(a, 999), _row(b, 200)],
        on_conflict="(fiscal_year, atena_id) WHERE is_current DO NOTHING",
    )  # fmt: skip
    assert written == 1  # a had a current assessment: skipped, not overwritten
    assert dict(Fuka.objects.values_list("atena_id", "gokei_zeigaku")) == {a: 100, b: 200}
    assert Fuka.objects.get(atena_id=b).detail == {"n": 200}
    connection.set_tenant(beta.municipality)
    assert not Fuka.objects.exists()  # nothing went into the other town's schema
    with raw_cursor() as cur:  # the raw cursor reads the current town's schema
        cur.execute("SELECT count(*) FROM zeimu_fuka WHERE atena_id = ANY(%b)", [[a, b]])
        assert cur.fetchone() == (0,)
    connection.set_tenant(alpha.municipality)
    with raw_cursor() as cur:
        cur.execute("SELECT count(*) FROM zeimu_fuka WHERE atena_id = ANY(%b)", [[a, b]])
        assert cur.fetchone() == (2,)


def test_the_explanations_are_compressed_with_lz4_in_every_town(alpha, beta) -> None:
    # (zeimu 0020; a town provisioned from the template keeps it: pg_dump carries it)
    for town in (alpha, beta):
        with dj.cursor() as cur:
            cur.execute(
                "SELECT a.attname, a.attcompression FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = 'zeimu_fuka' "
                "AND a.attname IN ('detail', 'kibetsu') ORDER BY 1",
                [town.schema],
            )
            assert cur.fetchall() == [("detail", "l"), ("kibetsu", "l")]


def test_copy_insert_writes_straight_in_when_nothing_conflicts_and_refuses_without_a_clause(
    in_alpha,
) -> None:
    _, people = household_tennyu("hayama", members=family())
    on_conflict = "(fiscal_year, atena_id) WHERE is_current DO NOTHING"
    assert (
        copy_insert("zeimu_fuka", COLUMNS, [_row(p.pk) for p in people], on_conflict=on_conflict)
        == 3
    )
    assert (
        copy_insert("zeimu_fuka", COLUMNS, [_row(p.pk) for p in people], on_conflict=on_conflict)
        == 0
    )
    assert Fuka.objects.count() == 3  # the second run (a chunk again) wrote nothing
    with pytest.raises(psycopg.errors.UniqueViolation):
        copy_insert("zeimu_fuka", COLUMNS, (_row(p.pk) for p in people[:1]))
    assert Fuka.objects.count() == 3  # and the refused write left nothing behind


def _tricky_row(atena_id: int, n: int) -> tuple[object, ...]:
    # text COPY escapes these; binary sends them as they are: the stored values must agree
    employer = ["株式会社\t葉山", "改行\nあり", "円記号\\と\r", "", "髙橋𠮷商店"][n % 5]
    at = datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=UTC)
    return (2025, atena_id, "tosho", "kazei", True, json_text({"futsu": [n, "第1期"]}),
            json_text({"lines": [f"給与所得\\{n}\t", None]}), "", "t", at, -n, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 10**12 + n, 0, 0, 0, f"{n:012d}", employer, 0, 0)  # fmt: skip


_STORED = (
    "SELECT atena_id, kind, status, is_current, kibetsu, detail, reason, created_by, "
    "computed_at, gokei_shotoku, gokei_zeigaku, tokucho_shitei_no, tokucho_employer_name, "
    "superseded_by_id, job_id FROM zeimu_fuka ORDER BY atena_id"
)


def test_binary_copy_stores_exactly_what_text_copy_stores_in_its_own_town(alpha, beta) -> None:
    connection.set_tenant(alpha.municipality)
    _, people = household_tennyu("hayama", members=family())
    _, more = household_tennyu("hayama", members=family())
    ids = [p.pk for p in people + more]
    rows = [_tricky_row(a, n) for n, a in enumerate(ids)]
    on_conflict = "(fiscal_year, atena_id) WHERE is_current DO NOTHING"
    assert copy_insert("zeimu_fuka", COLUMNS, rows, on_conflict=on_conflict) == len(ids)
    with dj.cursor() as cur:
        cur.execute(_STORED)
        as_text = cur.fetchall()
        cur.execute("DELETE FROM zeimu_fuka")
    assert copy_insert("zeimu_fuka", COLUMNS, rows, on_conflict=on_conflict, binary=True) == len(
        ids
    )
    with dj.cursor() as cur:
        cur.execute(_STORED)
        assert cur.fetchall() == as_text
    assert as_text[1][12] == "改行\nあり" and as_text[2][12] == "円記号\\と\r"
    # a chunk again, binary: the staging way skips every row already there
    assert copy_insert("zeimu_fuka", COLUMNS, rows, on_conflict=on_conflict, binary=True) == 0
    part = [_tricky_row(a, 7) for a in ids[:2]] + [(2025, ids[0], *rows[0][2:])]
    with pytest.raises(psycopg.errors.UniqueViolation):
        copy_insert("zeimu_fuka", COLUMNS, part, binary=True)
    with dj.cursor() as cur:
        cur.execute(_STORED)
        assert cur.fetchall() == as_text  # nothing changed, nothing half-written
    connection.set_tenant(beta.municipality)
    assert not Fuka.objects.exists()  # the other town's schema got nothing


def test_binary_copy_refuses_a_value_of_another_type_and_writes_nothing(in_alpha) -> None:
    _, people = household_tennyu("hayama", members=family())
    good = [_tricky_row(p.pk, 0) for p in people[:2]]
    # (text COPY would let the server read a date as a timestamp; binary sends the type)
    bad = (*good[1][:9], date(2025, 6, 1), *good[1][10:])
    with pytest.raises((psycopg.DataError, TypeError, AttributeError)):
        copy_insert("zeimu_fuka", COLUMNS, [good[0], bad], binary=True)
    too_long = (*good[1][:25], "x" * 21, *good[1][26:])  # 特別徴収義務者指定番号 is 20 at most
    with pytest.raises(psycopg.errors.StringDataRightTruncation):
        copy_insert("zeimu_fuka", COLUMNS, [good[0], too_long], binary=True)
    with pytest.raises(ValueError, match="no column"):
        copy_insert("zeimu_fuka", ("fiscal_year", "nonexistent"), [(2025, 1)], binary=True)
    assert not Fuka.objects.exists()
