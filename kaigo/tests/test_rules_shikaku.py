"""The dates of 介護保険 資格 and the months of the 第1号保険料 (pure rules, the law's
numbers from kaigo/params/kaigo_shikaku.yaml)."""

from __future__ import annotations

from datetime import date

import pytest

from kaigo.models import SoshitsuJiyu
from kaigo.rules.shikaku import (
    ShikakuParameters,
    dai1_date,
    hokenryo_months,
    is_dai2_age_on,
    nenrei_totatsu_date,
    soshitsu_date,
)

pytestmark = pytest.mark.django_db  # the parameters are read from the law table

FULL = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


@pytest.fixture
def params() -> ShikakuParameters:
    return ShikakuParameters.for_nendo(2025)


@pytest.mark.parametrize(
    ("birth", "reached"),
    [
        # 年齢計算ニ関スル法律: 65 is reached the day before the 65th birthday
        (date(1960, 10, 1), date(2025, 9, 30)),
        (date(1960, 10, 2), date(2025, 10, 1)),
        (date(1960, 4, 1), date(2025, 3, 31)),  # a 4月1日 birthday: the previous 年度
        (date(1960, 4, 2), date(2025, 4, 1)),
        (date(1960, 1, 1), date(2024, 12, 31)),
        # 29 February: 28 February, in a common and in a leap year
        (date(1960, 2, 29), date(2025, 2, 28)),
        (date(1964, 2, 29), date(2029, 2, 28)),
    ],
)
def test_65_is_reached_the_day_before_the_birthday(birth, reached, params):
    assert dai1_date(birth, params) == reached
    assert nenrei_totatsu_date(birth, 65) == reached


def test_dai2_ages_are_40_to_64(params):
    birth = date(1985, 7, 1)
    assert not is_dai2_age_on(birth, date(2025, 6, 29), params)
    assert is_dai2_age_on(birth, date(2025, 6, 30), params)  # reached 40
    assert is_dai2_age_on(birth, date(2050, 6, 29), params)
    assert not is_dai2_age_on(birth, date(2050, 6, 30), params)  # reached 65: 第1号


def test_soshitsu_is_the_day_after_leaving_or_death(params):
    assert soshitsu_date(SoshitsuJiyu.TENSHUTSU, date(2025, 5, 10), params) == date(2025, 5, 11)
    assert soshitsu_date(SoshitsuJiyu.SHIBO, date(2025, 8, 31), params) == date(2025, 9, 1)
    # leaving a 住所地特例 facility to live in its town: that town insures from that day
    assert soshitsu_date(SoshitsuJiyu.JUTOKU_TAISHO, date(2025, 5, 10), params) == date(2025, 5, 10)


@pytest.mark.parametrize(
    ("periods", "months"),
    [
        ([(date(2020, 4, 1), None)], FULL),
        # turning 65 on 9月30日 (born 10月1日): from September
        ([(date(2025, 9, 30), None)], (9, 10, 11, 12, 1, 2, 3)),
        # born 10月2日: reached on 10月1日, from October
        ([(date(2025, 10, 1), None)], (10, 11, 12, 1, 2, 3)),
        # died 8月31日 → 喪失 9月1日: April to August
        ([(date(2020, 4, 1), date(2025, 9, 1))], (4, 5, 6, 7, 8)),
        # died 8月30日 → 喪失 8月31日: April to July
        ([(date(2020, 4, 1), date(2025, 8, 31))], (4, 5, 6, 7)),
        # 取得 and 喪失 in the same month: nothing here
        ([(date(2025, 6, 3), date(2025, 6, 20))], ()),
        # moved out in May and back in November
        ([(date(2020, 4, 1), date(2025, 5, 11)), (date(2025, 11, 2), None)],
         (4, 11, 12, 1, 2, 3)),
        # a period that ended in an earlier year
        ([(date(2020, 4, 1), date(2024, 3, 1))], ()),
    ],
)  # fmt: skip
def test_premium_months_of_a_nendo(periods, months, params):
    assert hokenryo_months(periods, 2025, params) == months
