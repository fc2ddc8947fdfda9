"""特別障害者手当・障害児福祉手当・特別児童扶養手当 for one month: 支給, 支給停止 (所得制限) or
対象外, with the reason and every figure compared (特別児童扶養手当等の支給に関する法律; values
in ``fukushi/params/shogai_teate.yaml``). Pure: the caller gathers the 認定 facts (the
障害の程度 itself is the 認定's, not tested here), the 所得 as 施行令 defines it (after its
控除) and the 扶養親族等の数 of each person tested.

- 障害児福祉手当 (第17条): 20歳未満; not when 施設に入所, or when a 年金 by reason of the 障害
  is payable (対象外).
- 特別障害者手当 (第26条の2): 20歳以上; not when 施設に入所 or 継続して3月を超えて入院 (対象外).
- 所得制限 (第20条・第21条, 第26条の5で準用; 施行令第7条・第8条): the 手当 is not paid (支給停止)
  when the 前年の所得 of the 受給資格者 is above (超える) the 本人 limit for the number of
  扶養親族等, or that of the 配偶者 or of a 扶養義務者 living with them is at or above (以上) the
  higher limit. 堺市's table (https://www.city.sakai.lg.jp/kenko/fukushikaigo/shogaifukushi/shiori/shiori/syotokugendo.html)
  gives the 本人 limit of these two 手当 as 「3,604,000円以下」 (paid at the limit) and every
  other column — 特別児童扶養手当's 本人, all 配偶者・扶養義務者 — as 「未満」 (stopped at it);
  the law's text itself was not read.
  The limits rise with 老人 and 特定 扶養親族 (``shotoku_seigen_kasan``).

- 特別児童扶養手当 (第3条〜第9条): to the 父母 or 養育者 of a child under 20 with a 1級・2級
  障害, per child by 等級; not when the child is in a 施設 or a 年金 by reason of the 障害 is
  payable for the child; its own 本人 limits (施行令第2条〜第4条), the same 扶養義務者 limits.

The 所得制限 year runs 8月 to 7月 (a month of January–July uses the year that started the
previous August); the monthly amount changes in April (物価スライド).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tenants.age import age_on

__all__ = [
    "KEKKA_LABELS",
    "KYU_LABELS",
    "TEATE_LABELS",
    "Shotokusha",
    "TeateHantei",
    "TeateInput",
    "TeateParameters",
    "nenrei_totatsu_bi",
    "shotoku_nendo",
    "teate_hantei",
    "teate_parameters_from_lookup",
]

P = "fukushi.teate."
Lookup = Callable[[str, int], Any]

TEATE_LABELS = {
    "tokubetsu_shogaisha": "特別障害者手当",
    "shogaiji_fukushi": "障害児福祉手当",
    "tokubetsu_jido_fuyo": "特別児童扶養手当",
}
#: 特別児童扶養手当: the 障害の等級 of the child
KYU_LABELS = {"1": "1級", "2": "2級"}
KEKKA_LABELS = {"shikyu": "支給", "teishi": "支給停止", "taishogai": "対象外"}
#: 障害児福祉手当 is for those under, 特別障害者手当 for those at or over, this age
SEIJIN_NENREI = 20
#: first month of the 所得制限 year (施行令: 前年の所得 from August)
SHOTOKU_KIRIKAE_TSUKI = 8


@dataclass(frozen=True)
class Shotokusha:
    """A person whose 所得 is tested."""

    #: 所得制限の判定に用いる所得額 (施行令の控除後)
    shotoku: int
    #: 扶養親族等の数
    fuyo_su: int
    #: 本人: 老人控除対象配偶者・老人扶養親族の数; 扶養義務者: 老人扶養親族の数
    rojin_su: int = 0
    #: 本人: 特定扶養親族等の数
    tokutei_su: int = 0


@dataclass(frozen=True)
class TeateInput:
    teate: str
    #: any day of the month paid for
    tsuki: date
    seinengappi: date
    honnin: Shotokusha
    haigusha: Shotokusha | None = None
    fuyo_gimusha: tuple[Shotokusha, ...] = ()
    shisetsu_nyusho: bool = False
    #: 特別障害者手当: 継続して3月を超えて入院
    nyuin_3kagetsu_cho: bool = False
    #: 障害児福祉手当 / 特別児童扶養手当 (the child's): a 年金 by reason of the 障害 is payable
    shogai_nenkin: bool = False
    #: 特別児童扶養手当: the child's 障害の等級 ("1" / "2")
    kyu: str | None = None


@dataclass(frozen=True)
class Gendo:
    """One comparison: whose 所得, the amount, the limit."""

    dare: str
    shotoku: int
    gendogaku: int
    #: stopped only above the limit (特別障害者手当・障害児福祉手当の本人), else at or above it
    cho: bool = False

    @property
    def koeru(self) -> bool:
        return self.shotoku > self.gendogaku if self.cho else self.shotoku >= self.gendogaku


@dataclass(frozen=True)
class TeateHantei:
    teate: str
    kekka: str
    getsugaku: int
    riyu: tuple[str, ...]
    hikaku: tuple[Gendo, ...]
    unconfirmed: tuple[str, ...]

    @property
    def shikyu(self) -> bool:
        return self.kekka == KEKKA_LABELS["shikyu"]


@dataclass(frozen=True)
class TeateParameters:
    #: the monthly amount; for 特別児童扶養手当 by 等級 (``getsugaku_by_kyu``) and 0 here
    getsugaku: int
    getsugaku_by_kyu: dict[str, int]
    honnin_gaku: tuple[int, ...]
    honnin_kasan: int
    fuyo_gimusha_gaku: tuple[int, ...]
    fuyo_gimusha_kasan: int
    rojin: int
    tokutei: int
    fuyo_gimusha_rojin: int
    unconfirmed: tuple[str, ...]


def nenrei_totatsu_bi(seinengappi: date) -> date:
    """The day the person reaches 20 (``SEIJIN_NENREI``): the day before the 20th birthday
    (年齢計算ニ関スル法律・民法第143条, as ``tenants.age``; 29 February → 28 February).

    障害児福祉手当 (20歳未満, 法第2条第2項) and 特別児童扶養手当 (障害児 = 20歳未満, 法第2条第1項)
    end with the month of this day: 支給は「支給すべき事由が消滅した日の属する月で終わる」
    (法第5条の2第1項, 第26条の5で準用; 児童扶養手当法第7条第1項 is worded alike). Derived
    from those provisions, no ministry page stating the month was found: 未確認."""
    y = seinengappi.year + SEIJIN_NENREI
    try:
        anniversary = seinengappi.replace(year=y)
    except ValueError:  # born 29 February, a common year: the period ends on 28 February
        anniversary = date(y, 3, 1)
    return anniversary - timedelta(days=1)


def shotoku_nendo(tsuki: date) -> int:
    """The 所得制限 year of the month: the year of the August it falls after."""
    return tsuki.year if tsuki.month >= SHOTOKU_KIRIKAE_TSUKI else tsuki.year - 1


def _amount_nendo(tsuki: date) -> int:
    return tsuki.year if tsuki.month >= 4 else tsuki.year - 1


def teate_parameters_from_lookup(lookup: Lookup, teate: str, tsuki: date) -> TeateParameters:
    if teate not in TEATE_LABELS:
        raise ValueError(f"手当の種類が不明です: {teate!r}")
    amount = lookup(P + teate + ".getsugaku", _amount_nendo(tsuki))
    y = shotoku_nendo(tsuki)
    if teate == "tokubetsu_jido_fuyo":
        seigen = lookup(P + teate + ".shotoku_seigen", y)
        kasan = seigen
    else:
        seigen = lookup(P + "shotoku_seigen", y)
        kasan = lookup(P + "shotoku_seigen_kasan", y)
    notes = tuple(
        dict.fromkeys(
            str(v.get("note", ""))
            for v in (seigen, kasan)
            if isinstance(v, dict) and v.get("unconfirmed")
        )
    )
    by_kyu = {str(k): int(v) for k, v in amount.items()} if isinstance(amount, dict) else {}
    return TeateParameters(
        getsugaku=0 if by_kyu else int(amount),
        getsugaku_by_kyu=by_kyu,
        honnin_gaku=tuple(int(x) for x in seigen["honnin"]["gaku"]),
        honnin_kasan=int(seigen["honnin"]["kasan"]),
        fuyo_gimusha_gaku=tuple(int(x) for x in seigen["fuyo_gimusha"]["gaku"]),
        fuyo_gimusha_kasan=int(seigen["fuyo_gimusha"]["kasan"]),
        rojin=int(kasan["rojin"]),
        tokutei=int(kasan["tokutei"]),
        fuyo_gimusha_rojin=int(kasan["fuyo_gimusha_rojin"]),
        unconfirmed=notes,
    )


def _by_count(table: tuple[int, ...], per: int, count: int) -> int:
    if count < 0:
        raise ValueError("扶養親族等の数が負です")
    last = len(table) - 1
    return table[min(count, last)] + max(0, count - last) * per


def _check(s: Shotokusha) -> None:
    if min(s.shotoku, s.fuyo_su, s.rojin_su, s.tokutei_su) < 0:
        raise ValueError("所得・人数は0以上で指定してください")
    if s.rojin_su + s.tokutei_su > s.fuyo_su:
        raise ValueError("老人・特定扶養親族等の数が扶養親族等の数を超えています")


def honnin_gendogaku(s: Shotokusha, p: TeateParameters) -> int:
    _check(s)
    return (
        _by_count(p.honnin_gaku, p.honnin_kasan, s.fuyo_su)
        + s.rojin_su * p.rojin
        + s.tokutei_su * p.tokutei
    )


def fuyo_gimusha_gendogaku(s: Shotokusha, p: TeateParameters) -> int:
    _check(s)
    rojin = s.rojin_su - 1 if s.fuyo_su and s.rojin_su == s.fuyo_su else s.rojin_su
    return _by_count(p.fuyo_gimusha_gaku, p.fuyo_gimusha_kasan, s.fuyo_su) + rojin * (
        p.fuyo_gimusha_rojin
    )


def teate_hantei(inp: TeateInput, p: TeateParameters) -> TeateHantei:
    """支給 / 支給停止 / 対象外 for the month, with the reasons in words."""
    name = TEATE_LABELS[inp.teate]
    first = inp.tsuki.replace(day=1)
    age = age_on(inp.seinengappi, first)
    # 障害児福祉手当・特別児童扶養手当: paid up to the month the child reaches 20
    # (``nenrei_totatsu_bi``), so a month is 対象外 only when 20 was reached before it began
    totatsu_mae = nenrei_totatsu_bi(inp.seinengappi) < first
    riyu: list[str] = []
    getsugaku = p.getsugaku
    if inp.teate == "shogaiji_fukushi":
        if totatsu_mae:
            riyu.append(f"{SEIJIN_NENREI}歳以上のため障害児福祉手当の対象ではありません")
        if inp.shogai_nenkin:
            riyu.append("障害を支給事由とする年金を受けられるため")
    elif inp.teate == "tokubetsu_jido_fuyo":
        if inp.kyu not in KYU_LABELS:
            raise ValueError(
                f"特別児童扶養手当の障害の等級は 1 または 2 で指定してください: {inp.kyu!r}"
            )
        getsugaku = p.getsugaku_by_kyu[inp.kyu]
        if totatsu_mae:
            riyu.append(f"児童が{SEIJIN_NENREI}歳以上のため特別児童扶養手当の対象ではありません")
        if inp.shogai_nenkin:
            riyu.append("児童が障害を支給事由とする年金を受けられるため")
    else:
        if age < SEIJIN_NENREI:
            riyu.append(f"{SEIJIN_NENREI}歳未満のため特別障害者手当の対象ではありません")
        if inp.nyuin_3kagetsu_cho:
            riyu.append("継続して3月を超えて入院しているため")
    if inp.shisetsu_nyusho:
        riyu.append(
            "児童が施設に入所しているため"
            if inp.teate == "tokubetsu_jido_fuyo"
            else "施設に入所しているため"
        )
    if riyu:
        return TeateHantei(name, KEKKA_LABELS["taishogai"], 0, tuple(riyu), (), p.unconfirmed)

    hikaku = [
        Gendo(
            "本人",
            inp.honnin.shotoku,
            honnin_gendogaku(inp.honnin, p),
            cho=inp.teate != "tokubetsu_jido_fuyo",
        )
    ]
    if inp.haigusha is not None:
        hikaku.append(
            Gendo("配偶者", inp.haigusha.shotoku, fuyo_gimusha_gendogaku(inp.haigusha, p))
        )
    for i, s in enumerate(inp.fuyo_gimusha, start=1):
        hikaku.append(Gendo(f"扶養義務者{i}", s.shotoku, fuyo_gimusha_gendogaku(s, p)))
    over = [g for g in hikaku if g.koeru]
    if over:
        riyu = [
            f"{g.dare}の所得{g.shotoku:,}円が所得制限限度額{g.gendogaku:,}円"
            + ("を超えるため" if g.cho else "以上のため")
            for g in over
        ]
        return TeateHantei(
            name, KEKKA_LABELS["teishi"], 0, tuple(riyu), tuple(hikaku), p.unconfirmed
        )
    return TeateHantei(
        name,
        KEKKA_LABELS["shikyu"],
        getsugaku,
        ("所得が所得制限限度額未満のため",),
        tuple(hikaku),
        p.unconfirmed,
    )
