"""``kazei_totals`` reads the reports of a chunk in one server-bound query (issue 23). Its
answers must be those of the ORM queries it replaced — kept below as the reference —
for every case the 名寄せ distinguishes, and one town's reports never count in another."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum

from juminkiroku.tests.factories import family, household_tennyu
from tenants.db import connection
from zeimu.models import KyuyoHokoku, NenkinHokoku
from zeimu.services.kazei_inputs import SEIMEI_FIELDS, KazeiTotals, _seimei, kazei_totals

pytestmark = pytest.mark.django_db
YEAR = 2024


def _reference(ids: list[int], income_year: int) -> dict[int, KazeiTotals]:
    """The ORM implementation before issue 23 (three queries and an ordered fourth)."""
    kyuyo = {
        r["atena_id"]: r
        for r in KyuyoHokoku.objects.filter(shotoku_year=income_year, atena_id__in=ids)
        .values("atena_id")
        .annotate(
            shunyu=Sum("shiharai_kingaku"), hoken=Sum("shakai_hoken"),
            jishin=Sum("jishin_hoken_kojo"), **{f: Sum(f) for f in SEIMEI_FIELDS},
        )
    }  # fmt: skip
    nenkin = {
        r["atena_id"]: r
        for r in NenkinHokoku.objects.filter(shotoku_year=income_year, atena_id__in=ids)
        .values("atena_id")
        .annotate(shunyu=Sum("shiharai_kingaku"), hoken=Sum("shakai_hoken"))
    }
    nenkin_toku = set(
        NenkinHokoku.objects.filter(
            shotoku_year=income_year, atena_id__in=ids, tokubetsu_choshu=True
        ).values_list("atena_id", flat=True)
    )
    employer: dict[int, tuple[str, str]] = {}
    for atena_id, no, name in (
        KyuyoHokoku.objects.filter(
            shotoku_year=income_year, atena_id__in=ids, tokubetsu_choshu=True
        )
        .order_by("atena_id", "-shiharai_kingaku", "employer_no")
        .values_list("atena_id", "employer_no", "employer_name")
    ):
        employer.setdefault(atena_id, (no, name))
    out = {}
    for atena_id in set(kyuyo) | set(nenkin):
        k, n = kyuyo.get(atena_id), nenkin.get(atena_id)
        no, name = employer.get(atena_id, ("", ""))
        out[atena_id] = KazeiTotals(
            kyuyo_shunyu=int(k["shunyu"]) if k else 0, kyuyo_hoken=int(k["hoken"]) if k else 0,
            nenkin_shunyu=int(n["shunyu"]) if n else 0, nenkin_hoken=int(n["hoken"]) if n else 0,
            has_kyuyo=k is not None, has_nenkin=n is not None, tokucho_shitei_no=no,
            tokucho_employer_name=name, nenkin_tokucho=atena_id in nenkin_toku,
            seimei=_seimei(k), jishin=int(k["jishin"]) if k else 0,
        )  # fmt: skip
    return out


def _k(atena: Any, no: str, amount: int, *, toku: bool = True, year: int = YEAR, **kw: Any) -> None:
    KyuyoHokoku.objects.create(
        atena=atena, shotoku_year=year, employer_no=no, employer_name=f"事業所{no}",
        shiharai_kingaku=amount, shakai_hoken=amount // 7, tokubetsu_choshu=toku, **kw,
    )  # fmt: skip


def _n(atena: Any, no: str, amount: int, *, toku: bool = False) -> None:
    NenkinHokoku.objects.create(
        atena=atena, shotoku_year=YEAR, payer_no=no, payer_name=f"支払者{no}",
        shiharai_kingaku=amount, shakai_hoken=amount // 10, tokubetsu_choshu=toku,
    )  # fmt: skip


def test_one_query_gives_what_the_orm_queries_gave(alpha, beta) -> None:
    connection.set_tenant(alpha.municipality)
    people = [
        p
        for surname, kana in (("山田", "ヤマダ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"))
        for p in household_tennyu("hayama", members=family(surname, kana))[1]
    ]
    a, b, c, d, e, f, *_nothing = people  # (the last three have no report)
    _k(a, "200", 3_000_000)  # one employer
    _k(b, "300", 2_000_000)  # two employers with 特別徴収, the same salary: the smaller no
    _k(b, "100", 2_000_000, seimei_ippan_shin=80_000, jishin_hoken_kojo=30_000)
    _k(b, "900", 5_000_000, toku=False)  # the largest salary, but 普通徴収
    _k(c, "400", 1_000_000, toku=False)  # salary only with 普通徴収: no 特別徴収義務者
    _n(d, "P1", 1_500_000)  # pension only
    _n(e, "P1", 900_000, toku=True)  # pension with 特別徴収, and a salary
    _n(e, "P2", 300_000)
    _k(e, "500", 800_000, seimei_kaigo_iryo=40_000, seimei_nenkin_kyu=10_000)
    _k(f, "600", 4_000_000, year=YEAR - 1)  # another year only
    ids = [p.pk for p in people]
    got = kazei_totals(ids, YEAR)
    assert got == _reference(ids, YEAR)
    assert set(got) == {a.pk, b.pk, c.pk, d.pk, e.pk}
    assert got[b.pk].tokucho_shitei_no == "100" and got[b.pk].kyuyo_shunyu == 9_000_000
    assert got[c.pk].tokucho_shitei_no == "" and got[e.pk].nenkin_tokucho
    assert got[e.pk].seimei is not None and got[a.pk].seimei is None
    assert kazei_totals(ids[:1], YEAR) == {a.pk: got[a.pk]}
    assert kazei_totals([], YEAR) == {}
    # another town: none of these reports
    connection.set_tenant(beta.municipality)
    assert kazei_totals(ids, YEAR) == {}
