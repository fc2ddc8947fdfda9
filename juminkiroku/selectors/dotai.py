"""人口動態: how many persons were recorded (転入, 国外転入, 出生, 職権記載) and removed (転出,
国外転出, 死亡, 職権消除) in a period, by 住民種別 and sex.

標準仕様書 6.1 (統計) asks for the 転入・転出 counts of the 住民基本台帳関係年報 beside the
population and households (juminkiroku.selectors.tokei). The source is the linkage feed
(``RenkeiChange``: one row per person per 本登録 異動), counted by the 異動日; a 異動 that was
later cancelled (status 取消済) does not count, nor does a 転出 whose 転出予定日 is after the
period (4.1.3: a 転出 is recorded on its 予定日). Sex and 住民種別 are those of the version the
異動 wrote, so a later correction of the sex does not move an old count.

One aggregate query, whatever the size of the town.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import Coalesce

from juminkiroku.codes import IdoJiyu, IdoStatus, JuminShubetsu, Sex
from juminkiroku.models import RenkeiChange
from juminkiroku.selectors.tokei import SexRow

# The 異動事由 counted, in the order of the 年報 (増加 then 減少).
ZOKA: tuple[IdoJiyu, ...] = (
    IdoJiyu.TENNYU,
    IdoJiyu.KOKUGAI_TENNYU,
    IdoJiyu.SHUSSEI,
    IdoJiyu.SHOKKEN_KISAI,
    IdoJiyu.JUSHO_SETTEI,
    IdoJiyu.MITODOKE_TENNYU,
    IdoJiyu.HO30_46_TENNYU,
    IdoJiyu.HO30_47_TODOKE,
)
GENSHO: tuple[IdoJiyu, ...] = (
    IdoJiyu.TENSHUTSU,
    IdoJiyu.KOKUGAI_TENSHUTSU,
    IdoJiyu.SHIBO,
    IdoJiyu.SHOKKEN_SHOJO,
    IdoJiyu.SHISSO,
)


@dataclass
class DotaiTable:
    """One 住民種別: a row per 異動事由, then the 増加計 and 減少計."""

    shubetsu: str
    label: str
    zoka: list[SexRow] = field(default_factory=list)
    gensho: list[SexRow] = field(default_factory=list)

    @property
    def zoka_total(self) -> SexRow:
        return _total("増加計", self.zoka)

    @property
    def gensho_total(self) -> SexRow:
        return _total("減少計", self.gensho)

    @property
    def rows(self) -> list[SexRow]:
        return [*self.zoka, self.zoka_total, *self.gensho, self.gensho_total]


def _total(label: str, rows: list[SexRow]) -> SexRow:
    return SexRow(
        key="",
        label=label,
        male=sum(r.male for r in rows),
        female=sum(r.female for r in rows),
    )


def dotai_between(start: date, end: date) -> list[DotaiTable]:
    """The counts of 異動 dated ``start``..``end`` (both included), one table per 住民種別
    (日本人住民, 外国人住民)."""
    if end < start:
        raise ValueError("end before start")
    counted = [j.value for j in (*ZOKA, *GENSHO)]
    rows = (
        RenkeiChange.objects.filter(
            ido__status=IdoStatus.HON,
            jiyu__in=counted,
            ido_date__gte=start,
            ido_date__lte=end,
        )
        .annotate(
            p_sex=Coalesce("rireki__sex", "atena__sex"),
            p_shubetsu=Coalesce("rireki__shubetsu", "atena__shubetsu"),
        )
        .values_list("p_shubetsu", "jiyu", "p_sex")
        .annotate(n=Count("seq"))
        .order_by()
    )
    counts: dict[tuple[str, str, str], int] = {(s, j, x): n for s, j, x, n in rows}
    tables = []
    for shubetsu in JuminShubetsu:

        def row(jiyu: IdoJiyu, shubetsu: str = shubetsu.value) -> SexRow:
            return SexRow(
                key=jiyu.value,
                label=jiyu.label,
                male=counts.get((shubetsu, jiyu.value, Sex.MALE.value), 0),
                female=counts.get((shubetsu, jiyu.value, Sex.FEMALE.value), 0),
            )

        tables.append(
            DotaiTable(
                shubetsu=shubetsu.value,
                label=shubetsu.label,
                zoka=[row(j) for j in ZOKA],
                gensho=[row(j) for j in GENSHO],
            )
        )
    return tables
