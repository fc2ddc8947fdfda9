"""The dates of 国保 資格, by the law (pure functions; the numbers come from
``kokuho/params/kokuho_shikaku.yaml`` through :class:`ShikakuParameters`).

- 取得 is on the day the cause arises (国民健康保険法第7条): 転入日, 出生日, the day
  社会保険 or 生活保護 ended.
- 喪失 (第8条): the day after one stops living in the town or dies, the day after joining
  社会保険 (第6条第1–7号); the day 生活保護 starts (第8条第2項); the 75th birthday, when
  the person becomes insured by 後期高齢者医療 (高齢者の医療の確保に関する法律第52条).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kokuho.models.shikaku import SoshitsuJiyu
from tenants.params.services import param_value
from tenants.wareki import fiscal_year_of

JOGAI = "kokuho.shikaku.gaikokujin_jogai"


@dataclass(frozen=True)
class ShikakuParameters:
    koki_nenrei: int
    soshitsu_nissu: dict[str, int]
    todoke_kigen_nissu: int
    jogai_hi_jumin: frozenset[str] = frozenset()
    jogai_tokutei_katsudo: frozenset[str] = frozenset()

    @classmethod
    def for_date(cls, day: date) -> ShikakuParameters:
        fy = fiscal_year_of(day)

        def n(key: str) -> int:
            return int(param_value(f"kokuho.shikaku.{key}", fy))

        return cls(
            koki_nenrei=n("koki_nenrei"),
            soshitsu_nissu={
                SoshitsuJiyu.TENSHUTSU: n("soshitsu_nissu.jusho"),
                SoshitsuJiyu.SHOKKEN: n("soshitsu_nissu.jusho"),
                SoshitsuJiyu.SHIBO: n("soshitsu_nissu.shibo"),
                SoshitsuJiyu.SHAHO_KANYU: n("soshitsu_nissu.shaho"),
                SoshitsuJiyu.SEIHO_KAISHI: n("soshitsu_nissu.seiho"),
                SoshitsuJiyu.KOKI: n("soshitsu_nissu.koki"),
                SoshitsuJiyu.TEKIYO_JOGAI: n("soshitsu_nissu.tekiyo_jogai"),
            },
            todoke_kigen_nissu=n("todoke_kigen_nissu"),
            jogai_hi_jumin=_words(param_value(f"{JOGAI}.hi_jumin_zairyu_shikaku", fy)),
            jogai_tokutei_katsudo=_words(param_value(f"{JOGAI}.tokutei_katsudo", fy)),
        )


def _words(values: Any) -> frozenset[str]:
    return frozenset(zairyu_shikaku_key(str(v)) for v in values or ())


def zairyu_shikaku_key(value: str) -> str:
    """The 在留資格 as compared: spaces dropped, ASCII parentheses made full-width (the
    registry keeps what the clerk or the 長官通知 wrote)."""
    return "".join(value.split()).replace("(", "（").replace(")", "）")


def gaikokujin_jogai_reason(
    *, gaikokujin: bool, zairyu_shikaku: str, params: ShikakuParameters
) -> str:
    """Why a resident of the registry is excluded from 国保 by 国民健康保険法第6条第11号 and
    施行規則第1条 ("" when not):

    - 第1号: a foreigner who is not a 外国人住民 (住民基本台帳法第30条の45). Everyone the
      registry holds as a 外国人住民 is one by definition, so this fires only for a 在留資格
      that cannot make a 中長期在留者 (短期滞在・外交・公用, 入管法第19条の3) recorded anyway.
      The 在留期間 "3月以下" of 第1号 is not judged: the registry keeps the 満了日, not the
      period granted, and a 中長期在留者 has more than 3 months by definition; those with 3
      months or less (and the 大臣告示's exceptions: 興行・技能実習・家族滞在・特定活動 staying
      longer by documents) are not in the registry and reach 国保 only by a clerk's 届出.
    - 第2号・第3号: the 特定活動 of 医療滞在 and its 同行者, and of 観光・保養 (long stay), as
      the registry's 在留資格 names them (``params.jogai_tokutei_katsudo``). A plain
      「特定活動」 says nothing of the designated activity: it is insured.
    """
    if not gaikokujin:
        return ""
    key = zairyu_shikaku_key(zairyu_shikaku)
    if key in params.jogai_hi_jumin:
        return f"外国人住民でない在留資格（{key}）：国民健康保険法施行規則第1条第1号"
    if key in params.jogai_tokutei_katsudo:
        return f"適用除外の在留資格（{key}）：国民健康保険法施行規則第1条"
    return ""


def soshitsu_date(jiyu: str, jiyu_date: date, params: ShikakuParameters) -> date:
    """喪失日 for a cause that arose on ``jiyu_date`` (the day of death, of leaving, of
    joining 社会保険, of 生活保護 starting, the 75th birthday)."""
    return jiyu_date + timedelta(days=params.soshitsu_nissu[jiyu])


def birthday_at(birth: date, age: int) -> date:
    """The ``age``-th birthday. Born on 29 February: 1 March in a common year (the day
    after 28 February, when 民法第143条 ends the period; the 後期高齢者医療 資格 starts
    then)."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return date(birth.year + age, 3, 1)


def koki_date(birth: date, params: ShikakuParameters) -> date:
    """The day the person leaves 国保 for 後期高齢者医療 (their 75th birthday)."""
    return soshitsu_date(SoshitsuJiyu.KOKI, birthday_at(birth, params.koki_nenrei), params)


def is_koki_on(birth: date, day: date, params: ShikakuParameters) -> bool:
    """Insured by 後期高齢者医療 (so not 国保) on ``day``."""
    return day >= koki_date(birth, params)


def sokyu_days(jiyu_date: date, todoke_date: date) -> int:
    """How many days the 届出 came after the cause (0 when on the day or before)."""
    return max(0, (todoke_date - jiyu_date).days)


def todoke_late(jiyu_date: date, todoke_date: date, params: ShikakuParameters) -> bool:
    """A 届出 past its 14-day limit (国民健康保険法施行規則第2条・第3条): still effective
    from the cause's day (遡及), shown to the clerk."""
    return sokyu_days(jiyu_date, todoke_date) > params.todoke_kigen_nissu
