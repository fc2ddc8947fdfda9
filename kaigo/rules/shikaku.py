"""The dates of 介護保険 資格 and the months its 第1号保険料 is owed, by the law (pure
functions; the numbers come from ``kaigo/params/kaigo_shikaku.yaml`` through
:class:`ShikakuParameters`).

- 第1号 (介護保険法第9条第1号): from the day one reaches 65 (第10条第4号), which under
  年齢計算ニ関スル法律 and 民法第143条 is the day *before* the 65th birthday (born
  29 February: 28 February); or from the 転入日 for a person already 65 (第10条第2号).
- 喪失 (第11条第1項): the day after one stops living in the town or dies.
- 保険料 (第130条: 賦課期日 is the first day of the 年度): for a 資格 gained or lost in the
  year, 月割 from the month of the 取得日 to the month before the month of the 喪失日
  (the towns' 条例, after the 厚生労働省's 条例参考例). So 取得 and 喪失 in the same month
  owe nothing here (the town the person moved to charges that month).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kaigo.models.shikaku import SoshitsuJiyu
from tenants.params.services import param_value, param_values
from tenants.wareki import fiscal_year_of


@dataclass(frozen=True)
class ShikakuParameters:
    dai1_nenrei: int
    dai2_nenrei: int
    soshitsu_nissu: dict[str, int]
    fuka_kijitsu_tsuki: int
    tsukiwari_shutoku: int
    tsukiwari_soshitsu: int

    @classmethod
    def for_nendo(cls, nendo: int) -> ShikakuParameters:
        # the 年度's values in two queries (param_values); a key they do not hold is asked
        # of param_value, which refuses a missing one
        values = param_values("kaigo.shikaku.", nendo)

        def n(key: str) -> int:
            full = f"kaigo.shikaku.{key}"
            return int(values[full] if full in values else param_value(full, nendo))

        return cls(
            dai1_nenrei=n("dai1_nenrei"),
            dai2_nenrei=n("dai2_nenrei"),
            soshitsu_nissu={
                SoshitsuJiyu.TENSHUTSU: n("soshitsu_nissu.jusho"),
                SoshitsuJiyu.SHOKKEN: n("soshitsu_nissu.jusho"),
                SoshitsuJiyu.SHIBO: n("soshitsu_nissu.shibo"),
                SoshitsuJiyu.TEKIYO_JOGAI: n("soshitsu_nissu.tekiyo_jogai"),
                SoshitsuJiyu.JUTOKU_TAISHO: n("soshitsu_nissu.jutoku_taisho"),
                SoshitsuJiyu.DAI1_IKO: 0,  # the 区分 changes on the day 第1号 begins
            },
            fuka_kijitsu_tsuki=n("fuka_kijitsu_tsuki"),
            tsukiwari_shutoku=n("tsukiwari.shutoku"),
            tsukiwari_soshitsu=n("tsukiwari.soshitsu"),
        )

    @classmethod
    def for_date(cls, day: date) -> ShikakuParameters:
        return cls.for_nendo(fiscal_year_of(day))


def nenrei_totatsu_date(birth: date, age: int) -> date:
    """The day one *reaches* ``age``: the day before the birthday (年齢計算ニ関スル法律).
    Born 29 February: 28 February in every year (民法第143条第2項ただし書)."""
    try:
        birthday = birth.replace(year=birth.year + age)
    except ValueError:
        birthday = date(birth.year + age, 3, 1)
    return birthday - timedelta(days=1)


def dai1_date(birth: date, params: ShikakuParameters) -> date:
    """The first day of 第1号 for someone living in the town (第10条第4号)."""
    return nenrei_totatsu_date(birth, params.dai1_nenrei)


def is_dai1_on(birth: date, day: date, params: ShikakuParameters) -> bool:
    return day >= dai1_date(birth, params)


def is_dai2_age_on(birth: date, day: date, params: ShikakuParameters) -> bool:
    return nenrei_totatsu_date(birth, params.dai2_nenrei) <= day < dai1_date(birth, params)


def soshitsu_date(jiyu: str, jiyu_date: date, params: ShikakuParameters) -> date:
    """喪失日 for a cause that arose on ``jiyu_date``."""
    return jiyu_date + timedelta(days=params.soshitsu_nissu[jiyu])


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def nendo_months(nendo: int, params: ShikakuParameters) -> list[tuple[int, int]]:
    """The twelve (year, month) of a 年度, from the month of its 賦課期日 (April)."""
    first = nendo * 12 + params.fuka_kijitsu_tsuki - 1
    return [divmod(i, 12) for i in range(first, first + 12)]


def hokenryo_months(
    periods: Iterable[tuple[date, date | None]], nendo: int, params: ShikakuParameters
) -> tuple[int, ...]:
    """The months of ``nendo`` (calendar month numbers, in the year's order: 4 … 3) for
    which a 第1号保険料 is owed, given the person's 第1号 periods [取得日, 喪失日)."""
    spans = [
        (
            _month_index(s) + params.tsukiwari_shutoku,
            (_month_index(e) - params.tsukiwari_soshitsu) if e is not None else None,
        )
        for s, e in periods
    ]
    owed: list[int] = []
    for year, m0 in nendo_months(nendo, params):
        i = year * 12 + m0
        if any(lo <= i and (hi is None or i <= hi) for lo, hi in spans):
            owed.append(m0 + 1)
    return tuple(owed)
