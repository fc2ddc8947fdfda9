"""zeimu.public: 所得・合計所得金額・課税状況 per person, household and fiscal year, for the
modules that come after 税務 (国保, 介護, 福祉); one town never answers for another."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu, person_fields
from tenants.db import connection
from tenants.testing.queries import SqlCount
from zeimu import public
from zeimu.models import Fuka, FukaKind, FukaStatus
from zeimu.tests.test_fuka_results import hayama  # noqa: F401  (fixture: 葉山町, assessed)

pytestmark = pytest.mark.django_db

FY = 2025


def _fuka(atena: Any, status: str, *, shotokuwari: int = 0, kintowari: int = 0, **kw: Any) -> Fuka:
    gokei = kw.pop("gokei", 0)
    kyuyo, nenkin, sonota = kw.pop("kyuyo", 0), kw.pop("nenkin", 0), kw.pop("sonota", 0)
    return Fuka.objects.create(
        fiscal_year=kw.pop("fiscal_year", FY),
        atena_id=atena.pk,
        kind=FukaKind.TOSHO,
        status=status,
        is_current=kw.pop("is_current", True),
        gokei_shotoku=gokei,
        shotokuwari_shichoson=shotokuwari * 6 // 10,
        shotokuwari_dofuken=shotokuwari - shotokuwari * 6 // 10,
        kintowari_shichoson=kintowari * 3 // 4,
        kintowari_dofuken=kintowari - kintowari * 3 // 4,
        kyuyo_shotoku=kyuyo,
        nenkin_shotoku=nenkin,
        sonota_shotoku=sonota,
        detail={
            "result": {
                "kyuyo_shotoku_after_chosei": kyuyo,
                "nenkin": {"shotoku": nenkin},
                "sonota_shotoku": sonota,
            }
        },
    )


def test_the_batch_assessment_reads_back_as_income_and_status(hayama):  # noqa: F811
    # given: 葉山町 assessed for 令和7年度 by the 当初賦課 job (test_fuka_results.hayama):
    # 5,500,000 of salary for the head, 3,000,000 of pension for a 70-year-old, a child
    # without any 課税資料
    head, child, grandpa = hayama["head"], hayama["child"], hayama["grandpa"]
    # when
    out = public.person_kazei_many([head.pk, child.pk, grandpa.pk], FY)
    # then: 給与所得 5,500,000 − (20% + 440,000) = 3,960,000 (所得税法第28条第3項);
    # 公的年金等 3,000,000 − 1,100,000 (65歳以上, 第35条第4項) = 1,900,000
    assert out[head.pk].jokyo is public.KazeiJokyo.KAZEI
    # 課税総所得金額 is the assessment's own figure (after its 所得控除), for 国保's
    # 70歳以上 現役並み判定; 公的年金等の収入 for the 低所得 判定
    assert out[head.pk].shotoku == public.Shotoku(
        kyuyo_shotoku=3_960_000,
        nenkin_shotoku=0,
        sonota_shotoku=0,
        gokei_shotoku=3_960_000,
        kazei_shotoku=2_705_000,
        nenkin_shunyu=0,
    )
    assert out[grandpa.pk].shotoku.nenkin_shotoku == 1_900_000
    assert out[grandpa.pk].shotoku.nenkin_shunyu == 3_000_000
    assert out[grandpa.pk].gokei_shotoku == 1_900_000
    assert out[child.pk].jokyo is public.KazeiJokyo.MISHINKOKU
    assert out[child.pk].jokyo.label == "未申告" and out[child.pk].gokei_shotoku == 0
    # the household of 1 January: head, wife, child; the head's taxes make it 課税
    household = public.household_kazei(child.pk, FY, on=date(FY, 1, 1))
    assert household is not None
    assert [m.atena_id for m in household.members] == [head.pk, hayama["wife"].pk, child.pk]
    assert household.jokyo is public.KazeiJokyo.KAZEI and not household.zenin_hikazei
    assert household.gokei_shotoku == sum(
        Fuka.objects.filter(
            fiscal_year=FY, is_current=True, atena_id__in=[m.atena_id for m in household.members]
        ).values_list("gokei_shotoku", flat=True)
    )


def test_status_per_person_and_household_with_history_and_other_years(in_alpha):
    # given: a family where only the wife has an assessment of 令和7年度 that is current
    # (均等割のみ), the head has one for 令和6年度 only, a single 非課税 person, and a
    # household whose members are all 非課税
    _, (head, wife, child) = household_tennyu("hayama", members=family())
    _, (single,) = household_tennyu("hayama", members=[person_fields(shimei="独身　一")])
    _, (p1, p2) = household_tennyu(
        "hayama",
        members=[
            person_fields(shimei="非課税　一"),
            person_fields(shimei="非課税　二", zokugara="02", setai_order=2),
        ],
    )
    _fuka(wife, FukaStatus.KAZEI, shotokuwari=30_000, gokei=900_000, is_current=False)
    _fuka(wife, FukaStatus.KAZEI, kintowari=5_000, gokei=950_000, kyuyo=950_000)
    _fuka(head, FukaStatus.KAZEI, shotokuwari=200_000, gokei=4_000_000, fiscal_year=FY - 1)
    _fuka(child, FukaStatus.HIKAZEI)
    _fuka(single, FukaStatus.HIKAZEI, gokei=400_000, sonota=400_000)
    _fuka(p1, FukaStatus.HIKAZEI, gokei=100_000)
    _fuka(p2, FukaStatus.HIKAZEI)
    everyone = [head.pk, wife.pk, child.pk, single.pk, p1.pk, p2.pk]
    # when
    with SqlCount() as q_people:
        people = public.person_kazei_many(everyone, FY)
    with SqlCount() as q_households:
        households = public.household_kazei_many(everyone, FY, on=date(FY, 1, 1))
    # then
    assert q_people.count == 1 and q_households.count == 2
    assert head.pk not in people  # no assessment of this year
    assert people[wife.pk] == public.PersonKazei(
        atena_id=wife.pk,
        fiscal_year=FY,
        jokyo=public.KazeiJokyo.KINTOWARI_NOMI,
        shotoku=public.Shotoku(950_000, 0, 0, 950_000),
        shotokuwari=0,
        kintowari=5_000,
    )
    assert people[single.pk].jokyo is public.KazeiJokyo.HIKAZEI
    assert people[single.pk].shotoku.sonota_shotoku == 400_000
    family_of = households[child.pk]
    assert family_of == households[head.pk] and family_of.unassessed == (head.pk,)
    assert family_of.jokyo is public.KazeiJokyo.KINTOWARI_NOMI
    assert family_of.gokei_shotoku == 950_000 and not family_of.zenin_hikazei
    assert households[p1.pk].jokyo is public.KazeiJokyo.HIKAZEI
    assert households[p1.pk].zenin_hikazei and households[p1.pk].gokei_shotoku == 100_000
    assert public.person_kazei(head.pk, FY - 1) is not None
    assert public.household_kazei(head.pk, FY, on=date(2019, 1, 1)) is None  # not yet here


def test_a_household_with_only_an_unassessed_member_is_mishinkoku(in_alpha):
    _, (alone,) = household_tennyu("hayama")
    household = public.household_kazei(alone.pk, FY, on=date(FY, 1, 1))
    assert household is not None and household.members == ()
    assert household.jokyo is public.KazeiJokyo.MISHINKOKU and not household.zenin_hikazei


def test_each_town_answers_only_for_its_own_assessments(alpha, beta):
    # given: an assessment in 葉山町
    connection.set_tenant(alpha.municipality)
    _, (taro,) = household_tennyu("hayama")
    _fuka(taro, FukaStatus.KAZEI, shotokuwari=10_000, kintowari=5_000, gokei=2_000_000)
    assert public.person_kazei(taro.pk, FY) is not None
    # when: 寒川町 asks about the same 宛名 id
    connection.set_tenant(beta.municipality)
    # then
    assert public.person_kazei_many([taro.pk], FY) == {}
    assert public.household_kazei(taro.pk, FY, on=date(FY, 1, 1)) is None
