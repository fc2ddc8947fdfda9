"""The dates of 要介護認定, by the law (pure functions; numbers from
``kaigo/params/nintei.yaml`` through :class:`NinteiParameters`).

- 認定日 (the day the 認定 takes effect): 新規 and 区分変更 go back to the 申請日 (介護保険法
  第27条第8項, 第29条第2項); an 更新 starts the day after the previous 有効期間 ends
  (第28条第10項).
- 有効期間 (第28条第1項, 施行規則第38条・第41条): a number of months counted from the first
  of a month; when the 認定 takes effect on another day, the rest of that month is added
  (so a 新規 of 6 months applied for on 15 April runs to 31 October). The 審査会 may set
  another number inside the limits; an 更新 whose 区分 is the same as before may go to the
  higher limit (48 months from 令和3年度).
- 処理期間 (第27条第11項): the decision within 30 days of the 申請; the 申請日 is not
  counted (民法第140条), so the last day is 申請日 + 30.
- 更新申請 may be made from 60 days before the 有効期間 ends (施行規則第39条).

What the law says and what is not confirmed is in the YAML's sources.

The 74 items of the 認定調査's 基本調査 and the 一次判定 (要介護認定等基準時間の推計) are
entered as results here, not computed: the 樹形モデル of the 一次判定 software is published
only as the 厚生労働省's software, not as logic we could cite.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from kaigo.models.nintei import ShinseiKubun, TokuteiShippei, YokaigoKubun
from tenants.params.services import param_value
from tenants.wareki import fiscal_year_of


class NinteiRuleError(ValueError):
    """A date or period the law does not allow; the message is Japanese."""


@dataclass(frozen=True)
class NinteiParameters:
    shinki_gensoku: int
    shinki_min: int
    shinki_max: int
    koshin_gensoku: int
    koshin_min: int
    koshin_max: int
    koshin_max_doitsu: int
    shori_kikan_nissu: int
    koshin_shinsei_kaishi_nissu: int
    koshin_kansho_nissu: int

    @classmethod
    def for_nendo(cls, nendo: int) -> NinteiParameters:
        def n(key: str) -> int:
            return int(param_value(f"kaigo.nintei.{key}", nendo))

        return cls(
            shinki_gensoku=n("yuko.shinki.gensoku"),
            shinki_min=n("yuko.shinki.min"),
            shinki_max=n("yuko.shinki.max"),
            koshin_gensoku=n("yuko.koshin.gensoku"),
            koshin_min=n("yuko.koshin.min"),
            koshin_max=n("yuko.koshin.max"),
            koshin_max_doitsu=n("yuko.koshin.max_doitsu"),
            shori_kikan_nissu=n("shori_kikan_nissu"),
            koshin_shinsei_kaishi_nissu=n("koshin_shinsei_kaishi_nissu"),
            koshin_kansho_nissu=n("koshin_kansho_nissu"),
        )

    @classmethod
    def for_date(cls, day: date) -> NinteiParameters:
        return cls.for_nendo(fiscal_year_of(day))


class ParamsByNendo:
    """The parameters of each 年度 read once (a list of 申請 spans few 年度): a list's
    query count does not grow with its rows."""

    def __init__(self) -> None:
        self._seen: dict[int, NinteiParameters] = {}

    def __call__(self, day: date) -> NinteiParameters:
        nendo = fiscal_year_of(day)
        if nendo not in self._seen:
            self._seen[nendo] = NinteiParameters.for_nendo(nendo)
        return self._seen[nendo]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months_end(start: date, months: int) -> date:
    """The last day of the ``months``-th month counted from ``start``'s month when
    ``start`` is the 1st, else from the month after (施行規則第38条第1項 括弧書)."""
    first_full = 0 if start.day == 1 else 1
    m = start.month - 1 + first_full + months - 1
    return month_end(start.year + m // 12, m % 12 + 1)


def nintei_start(kubun: str, *, shinsei_date: date, mae_yuko_end: date | None) -> date:
    """認定日: 新規・区分変更 → 申請日; 更新 → the day after the previous period ends."""
    if kubun == ShinseiKubun.KOSHIN:
        if mae_yuko_end is None:
            raise NinteiRuleError("更新申請の前回の有効期間がありません。")
        return mae_yuko_end + timedelta(days=1)
    return shinsei_date


def yuko_limits(
    kubun: str, params: NinteiParameters, *, same_as_before: bool
) -> tuple[int, int, int]:
    """(原則, 下限, 上限) months for the kind of 申請."""
    if kubun == ShinseiKubun.KOSHIN:
        top = params.koshin_max_doitsu if same_as_before else params.koshin_max
        return params.koshin_gensoku, params.koshin_min, top
    return params.shinki_gensoku, params.shinki_min, params.shinki_max


def yuko_end(
    kubun: str,
    start: date,
    months: int | None,
    params: NinteiParameters,
    *,
    same_as_before: bool = False,
) -> tuple[int, date]:
    """The months used (原則 when ``months`` is None) and the last day of the 有効期間."""
    gensoku, low, high = yuko_limits(kubun, params, same_as_before=same_as_before)
    used = gensoku if months is None else months
    if not low <= used <= high:
        label = ShinseiKubun(kubun).label
        doitsu = same_as_before and kubun == ShinseiKubun.KOSHIN
        extra = "（前回と同じ区分の更新）" if doitsu else ""
        raise NinteiRuleError(
            f"{label}{extra}の有効期間は{low}か月から{high}か月までです（{used}か月は設定できません）。"
        )
    return used, add_months_end(start, used)


def kettei_kigen(shinsei_date: date, params: NinteiParameters) -> date:
    """The last day the decision is due (法第27条第11項; 申請日 not counted)."""
    return shinsei_date + timedelta(days=params.shori_kikan_nissu)


@dataclass(frozen=True)
class ShoriKikan:
    """Where a 申請 stands against the 30 days of 法第27条第11項."""

    kigen: date
    over: bool  # decided after the last day, or still open after it
    enki: bool  # the 延期通知 was sent
    flagged: bool  # over the limit with no 延期通知: the law was not followed

    @property
    def label(self) -> str:
        if not self.over:
            return "期限内"
        return "期限超過（延期通知済み）" if self.enki else "期限超過（延期通知なし）"


def shori_kikan(
    shinsei_date: date,
    *,
    kettei_date: date | None,
    enki_tsuchi_date: date | None,
    today: date,
    params: NinteiParameters,
) -> ShoriKikan:
    """The 30-day rule for one 申請: decided (or, while open, today) after the last day?"""
    kigen = kettei_kigen(shinsei_date, params)
    over = (kettei_date or today) > kigen
    enki = enki_tsuchi_date is not None
    return ShoriKikan(kigen=kigen, over=over, enki=enki, flagged=over and not enki)


def koshin_shinsei_kaishi(mae_yuko_end: date, params: NinteiParameters) -> date:
    """The first day an 更新申請 may be made (施行規則第39条)."""
    return mae_yuko_end - timedelta(days=params.koshin_shinsei_kaishi_nissu)


# --- code lists (for migration_io: kaigo.public.nintei_code_lists) ------------------------

#: Where the code values come from. Not the 中間標準レイアウト's own document: its 介護
#: code tables were not found in what we could read. The values are those vendors' 介護
#: systems use (and the 国保連 interface: 要介護状態区分コード 01/12/13/21–25), as found in
#: a vendor's public enumerations (huangyl2053/jekyll-, 日本電子計算 ReaMs 介護:
#: ``YokaigoJotaiKubun06``, ``NinteiShinseiShinseijiKubunCode``). Cited, not copied.
CODE_SOURCE = (
    "ベンダーの介護システムの列挙（GitHub huangyl2053/jekyll- の YokaigoJotaiKubun06・"
    "NinteiShinseiShinseijiKubunCode）と国保連インタフェースの要介護状態区分コード。"
    "中間標準レイアウト仕様書そのものの介護のコード表は未確認"
)

#: 認定の異動事由 as the vendor's 申請区分（申請時） lists them; the ones this module
#: records today are 1–3 (申請) and 6 (資格喪失（死亡）, from the registry's event).
#: 4 職権, 5 転入申請 (認定 carried over from another town, 法第36条) and A/B (事前申請)
#: are listed for the migration and not produced by any screen yet.
IDO_JIYU: tuple[tuple[str, str], ...] = (
    ("1", "新規申請"),
    ("2", "更新申請"),
    ("3", "区分変更申請"),
    ("4", "職権"),
    ("5", "転入申請"),
    ("6", "資格喪失（死亡）"),
    ("A", "新規申請（事前）"),
    ("B", "更新申請（事前）"),
)

#: The vendor's 要介護状態区分 list also has 11 経過的要介護 (平成18年度の経過措置) and
#: 再調査 31 / 取消 88 / なし 99 for the 審査会's work list: kept for reading old data.
YOKAIGO_EXTRA: tuple[tuple[str, str], ...] = (
    ("11", "経過的要介護"),
    ("31", "再調査"),
    ("88", "取消"),
    ("99", "なし"),
)


def yokaigo_codes() -> tuple[tuple[str, str], ...]:
    return tuple((str(c.value), str(c.label)) for c in YokaigoKubun) + YOKAIGO_EXTRA


def tokutei_shippei_codes() -> tuple[tuple[str, str], ...]:
    return tuple((str(c.value), str(c.label)) for c in TokuteiShippei)
