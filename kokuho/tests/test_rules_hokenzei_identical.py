"""The faster 国民健康保険税 rules give exactly what they gave before (issue 23: "results
byte-identical"). The rules as they were before the per-person work (month runs found by
bisection, the 区分-independent figures once per member, the months cut where who owes
them changes) are kept as ``kokuho/tests/hokenzei_reference.py``; both are run over
households drawn at random to cover the dates the rules turn on (取得・喪失 in the year,
40/65/75th birthdays inside it, 未就学児, 18歳未満, 産前産後 and 多胎, 特定世帯, 非自発的
失業, 資産割, 擬制世帯主, 未申告) under several towns' options, and the results must be equal
field by field (``==`` on the frozen results, Fractions exact) and as the stored JSON.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from kokuho.rules.hokenzei import hokenzei_calculate
from kokuho.rules.hokenzei_inputs import HokenzeiInput, Member, Shotoku
from kokuho.rules.hokenzei_params import P
from kokuho.services.fuka import _ENCODER, jsonable
from kokuho.tests import hokenzei_reference as reference
from kokuho.tests.test_rules_hokenzei import params, rates

TOWNS: dict[str, dict[str, Any]] = {
    "per_member": rates("iryo", 7000, 30_000, 20_000)
    | rates("shien", 2500, 10_000, 7_000)
    | rates("kaigo", 2200, 12_000, 6_000),
    "gassan_shisan": rates("iryo", 6810, 22_100, 19_100)
    | rates("shien", 2130, 8_700, None)
    | rates("kaigo", 1900, 11_000, 5_000)
    | {P + "shotokuwari.keisan": 2, P + "rounding.kubun": 100, P + "iryo.shisanwari": 20_000},
    "low_gendo": rates("iryo", 9000, 40_000, 30_000)
    | rates("shien", 3000, 15_000, 9_000)
    | rates("kaigo", 2500, 14_000, 7_000)
    | {P + "iryo.gendo_jorei": 500_000, P + "rounding.kubun": 1000},
}
KODOMO = rates("kodomo", 300, 1_000, 500) | {P + "kodomo.kintowari_18ijo": 200}


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _member(rng: random.Random, key: str, fy: int) -> Member:
    kind = rng.random()
    start, end = date(fy, 4, 1), date(fy + 1, 3, 31)
    if kind < 0.15:  # the 40th, 65th or 75th birthday inside the year (or on its edges)
        age = rng.choice((40, 65, 75))
        day = _day(rng, start - timedelta(days=2), end + timedelta(days=2))
        birth = date(day.year - age, day.month, min(day.day, 28))
    elif kind < 0.25:  # a small child (未就学児, born in the year sometimes)
        birth = _day(rng, date(fy - 7, 1, 1), end)
    elif kind < 0.3:  # born on 2月29日 (the anniversary in a common year is 3月1日)
        birth = date(rng.choice((1948, 1960, 1984, 1988)), 2, 29)
    else:
        birth = _day(rng, date(fy - 80, 1, 1), date(fy - 18, 12, 31))
    shutoku = _day(rng, start, end) if rng.random() < 0.15 else None
    soshitsu = _day(rng, start, end + timedelta(days=30)) if rng.random() < 0.15 else None
    if shutoku and soshitsu and soshitsu <= shutoku:
        soshitsu = None
    kyuyo = rng.choice((0, 0, 500_000, 1_320_000, 2_800_000, 9_000_000))
    nenkin = rng.choice((0, 0, 100_000, 1_500_000))
    shotoku = Shotoku(
        kyuyo=kyuyo,
        nenkin=nenkin,
        sonota=rng.choice((0, 0, 0, 300_000, 25_000_000)),
        kyuyo_shunyu=kyuyo * 3 // 2,
        nenkin_shunyu=nenkin * 2,
        gokei_shotoku=rng.choice((None, kyuyo + nenkin, 30_000_000)),
        shinkoku=rng.random() > 0.05,
    )
    return Member(
        key=key,
        birth_date=birth,
        shotoku=shotoku,
        insured=rng.random() > 0.1,
        shutoku_date=shutoku,
        soshitsu_date=soshitsu,
        tokutei_doitsu=rng.random() < 0.05,
        hijihatsu_shitsugyo=rng.random() < 0.05,
        shussan_date=_day(rng, start - timedelta(days=120), end + timedelta(days=120))
        if rng.random() < 0.08
        else None,
        tatai=rng.random() < 0.3,
        koteishisanzei=rng.choice((0, 0, 45_000)),
        kyuyo_shotokusha=rng.choice((None, None, True, False)),
    )


def _household(rng: random.Random, fy: int) -> HokenzeiInput:
    members = tuple(_member(rng, f"m{i}", fy) for i in range(rng.randint(1, 6)))
    return HokenzeiInput(
        fiscal_year=fy,
        members=members,
        setainushi=rng.choice(members).key,
        tokutei_setai=rng.choice(("", "", "", "tokutei", "tokutei_keizoku")),
    )


@pytest.mark.parametrize("fy", [2025, 2026])
@pytest.mark.parametrize("town", sorted(TOWNS))
def test_rules_equal_the_reference_on_random_households(fy: int, town: str) -> None:
    # given one town's options (with the 子ども分 from 令和8年度) and 400 random households
    p = params(fy, TOWNS[town] | (KODOMO if fy >= 2026 else {}))
    rng = random.Random(f"{town}:{fy}")
    for _ in range(400):
        inp = _household(rng, fy)
        # when both rules compute it
        new, old = hokenzei_calculate(inp, p), reference.hokenzei_calculate(inp, p)
        # then every figure is equal, and so is the stored text
        assert new == old
        assert _ENCODER.encode(new) == _ENCODER.encode(old)
        assert jsonable(new) == jsonable(old)
