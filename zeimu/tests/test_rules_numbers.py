"""The integer fast paths of zeimu.rules.numbers and jsonable give exactly what the
``Fraction`` arithmetic gives (the engine's results must not move by one yen).

The whole engine is checked against its previous version with
``python -m bench.engine --dump`` (60,000 results compared byte for byte).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, fields
from fractions import Fraction

import pytest

from zeimu.rules.inputs import Haigusha, JuminzeiInput, Shinzoku, Shogai
from zeimu.rules.numbers import (
    Bracket,
    ceil_yen,
    floor_to,
    fmt_yen,
    fraction_or_int,
    mul_trunc,
    parse_brackets,
)
from zeimu.services.common import jsonable

RATES = [Fraction(0), Fraction(3, 100), Fraction(6, 100), Fraction(1, 10), Fraction(615, 10000)]
RATES += [Fraction(1, 3), Fraction(2, 7), Fraction(5, 4)]


def _amounts(seed: int) -> list[int]:
    rng = random.Random(seed)
    return [0, 1, -1, 999, 1000, -1000] + [rng.randrange(-(10**8), 10**8) for _ in range(300)]


def test_floor_to_and_ceil_yen_match_fraction_arithmetic() -> None:
    # given amounts (ints and fractions, negative too) and units
    for a in _amounts(1):
        for unit in (1, 100, 1000, 4000):
            for value in (a, Fraction(a, 7), Fraction(a, 100)):
                # then the results are the former Fraction formulas'
                assert floor_to(value, unit) == int((Fraction(value) // unit) * unit)
                assert ceil_yen(value) == -int((-Fraction(value)) // 1)


def test_floor_to_refuses_a_unit_below_one() -> None:
    with pytest.raises(ValueError):
        floor_to(1000, 0)
    with pytest.raises(ValueError):
        floor_to(Fraction(1, 2), -1)


def test_mul_trunc_is_int_of_the_exact_product() -> None:
    for a in _amounts(2):
        for rate in [*RATES, -Fraction(3, 100)]:
            assert mul_trunc(a, rate) == int(a * rate)


def test_fraction_or_int() -> None:
    assert fraction_or_int(300, 3) == 100 and type(fraction_or_int(300, 3)) is int
    assert fraction_or_int(-7, 2) == Fraction(-7, 2)
    assert fmt_yen(fraction_or_int(7, 2)) == "7/2円" and fmt_yen(fraction_or_int(8, 2)) == "4円"


def test_bracket_integer_forms_match_apply() -> None:
    # given rows with decimal rates as the parameter files write them
    rows = [
        {"up_to": 1_000_000, "rate": "0", "add": 550_000},
        {"up_to": 2_000_000, "rate": "0.4", "add": -100_000},
        {"up_to": 3_000_000, "rate": "0.333", "add": 7},
        {"up_to": None, "rate": "0.05", "add": 1_100_000},
    ]
    for b in parse_brackets(rows, "テスト"):
        for a in _amounts(3):
            exact = b.apply(a)
            assert b.apply_numerator(a) == exact * b.rate_den
            got = b.apply_exact(a)
            assert got == exact and (type(got) is int) == (exact.denominator == 1)
    assert parse_brackets(rows, "テスト")[1].rate_text == "40%"
    assert Bracket(None, Fraction(1, 2), 0) == Bracket(None, Fraction(1, 2), 0)


@dataclass(frozen=True)
class _Inner:
    rate: Fraction
    lines: tuple[str, ...]


@dataclass
class _Outer:
    amount: int
    flag: bool
    none: None
    inner: _Inner
    mapping: dict[int, object]
    kubun: Shogai


def test_jsonable_shape() -> None:
    # given a nested dataclass with every kind of value
    value = _Outer(
        amount=1,
        flag=True,
        none=None,
        inner=_Inner(Fraction(3, 50), ("a", "b")),
        mapping={1: [Fraction(2), (3,)]},
        kubun=Shogai.FUTSU,
    )
    # when / then: dataclasses → dicts in field order, tuples → lists, Fractions → strings
    out = jsonable(value)
    assert out == {
        "amount": 1,
        "flag": True,
        "none": None,
        "inner": {"rate": "3/50", "lines": ["a", "b"]},
        "mapping": {"1": ["2", [3]]},
        "kubun": "障害者",
    }
    assert list(out) == [f.name for f in fields(_Outer)]
    assert json.dumps(out, ensure_ascii=False).count("障害者") == 1


def test_jsonable_of_an_input() -> None:
    x = JuminzeiInput(
        age=40,
        kyuyo_shunyu=3_000_000,
        haigusha=Haigusha(gokei_shotoku=0, age=38),
        shinzoku=(Shinzoku(age=10), Shinzoku(age=17, shogai=Shogai.TOKUBETSU)),
    )
    out = jsonable(x)
    assert list(out) == [f.name for f in fields(JuminzeiInput)]
    assert out["haigusha"] == {"gokei_shotoku": 0, "age": 38, "shogai": "なし"}
    assert out["shinzoku"][1] == {
        "age": 17,
        "gokei_shotoku": 0,
        "dokyo_roshin": False,
        "shogai": "特別障害者",
    }
    assert out["seimei_hokenryo"] is None and out["shitei_toshi"] is False
