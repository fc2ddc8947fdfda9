"""第1号保険料 (介護保険の65歳以上の被保険者の保険料): 所得段階, 年額, 月割.

Pure functions over plain values: the caller gathers 本人・世帯の住民税の課税状況 and the
所得 of the 前年 (zeimu's public face) and the 資格 dates; nothing here reads the database.
Every intermediate figure is returned, so a screen or a notice can show how the 段階 and
the amount came about.

The law (介護保険法第129条, 介護保険法施行令第38条・第39条):

- 第1〜第3段階: 世帯全員が住民税非課税. 第1段階 also 生活保護の被保護者 (whatever the
  世帯) and 老齢福祉年金の受給者 in a 非課税世帯. Otherwise 課税年金収入額＋その他の合計所得金額
  ≤ 80万円 (令和6年度), 80.9万円 (令和7年度), 82.65万円 (令和8年度) → 第1段階, ≤ 120万円 → 第2段階,
  more → 第3段階.
- 第4・第5段階: 本人非課税 and someone in the 世帯 課税: the same sum ≤ the first
  threshold → 第4段階, else 第5段階.
- 第6段階以上: 本人課税, by 合計所得金額 against the 基準所得金額 (the town's own from 第39条).

"その他の合計所得金額" is the 合計所得金額 less the 長期・短期譲渡所得の特別控除 less the
公的年金等に係る雑所得 (所得税法第35条第2項第1号); "課税年金収入額" counts only pensions
paid for 老齢 (障害・遺族年金 are 非課税: 国民年金法第25条). In 令和3〜5年度 a further
10万円 came off 給与所得 (and, for 第6段階以上, off 給与所得＋年金所得): the
``tokurei_kojo`` parameter, 0 from 令和6年度.

The 公費軽減 (介護保険法第124条の2) lowers the rate of 第1〜第3段階; the 年額 is 基準額 ×
軽減後の割合 rounded once by the town's rule (甲佐町 and 中種子町 round 76,800 × 0.285 to
21,880, not 34,940 − 13,050), and 軽減額 is shown as the difference from the unreduced 年額.

月割 (the town's 介護保険条例): a person whose 資格 starts after 4月1日 pays from the month of
取得 (the 65th birthday's eve, 年齢計算ニ関スル法律・民法第143条; 介護保険法第10条) and a
person who loses it pays up to the month before the month of 喪失 (死亡・転出の翌日,
介護保険法第11条). Whether the months of 同月得喪 are charged could not be confirmed: this
formula charges none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from kaigo.rules.hokenryo_params import HIKAZEI_DANKAI, HokenryoParameters

__all__ = [
    "Hantei",
    "HokenryoInput",
    "HokenryoResult",
    "Nenkin",
    "Shotoku",
    "dankai_hantei",
    "dankai_nengaku",
    "hasu_shori",
    "hokenryo_calculate",
    "kazei_tsukisu",
    "shutoku_date_65",
    "soshitsu_date_shibo",
    "soshitsu_date_tenshutsu",
]

#: 年金の種類 codes (the 支給事由).
NENKIN_SHURUI = ("rorei", "shogai", "izoku")


@dataclass(frozen=True)
class Nenkin:
    """One pension received in the 前年: its 支給事由 and 収入金額."""

    shurui: str
    shunyu: int

    def __post_init__(self) -> None:
        if self.shurui not in NENKIN_SHURUI:
            raise ValueError(f"年金の種類が不正です: {self.shurui!r}")
        if self.shunyu < 0:
            raise ValueError("年金の収入金額に負の値は使えません。")


@dataclass(frozen=True)
class Shotoku:
    """The 前年's 所得 of one person, as the 住民税 assessment holds them."""

    #: 合計所得金額 (地方税法第292条第1項第13号; 分離課税の譲渡所得は特別控除前)
    gokei_shotoku: int = 0
    #: 長期・短期譲渡所得に係る特別控除額 (租税特別措置法第33条の4 ほか)
    joto_tokubetsu_kojo: int = 0
    #: 公的年金等に係る雑所得 (所得税法第35条第2項第1号)
    nenkin_shotoku: int = 0
    #: 給与所得 (所得税法第28条)
    kyuyo_shotoku: int = 0
    nenkin: tuple[Nenkin, ...] = ()

    def __post_init__(self) -> None:
        for name in ("gokei_shotoku", "joto_tokubetsu_kojo", "nenkin_shotoku", "kyuyo_shotoku"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} に負の値は使えません。")

    def kojogo(self) -> int:
        """合計所得金額 less the 譲渡所得の特別控除 (0 at least)."""
        return max(0, self.gokei_shotoku - self.joto_tokubetsu_kojo)

    def kazei_nenkin_shunyu(self, kazei: frozenset[str]) -> int:
        return sum(n.shunyu for n in self.nenkin if n.shurui in kazei)

    def sonota(self, kyuyo_kojo: int = 0) -> int:
        """その他の合計所得金額: without the 公的年金等に係る雑所得, and less up to
        ``kyuyo_kojo`` of the 給与所得."""
        rest = self.kojogo() - self.nenkin_shotoku - min(kyuyo_kojo, self.kyuyo_shotoku)
        return max(0, rest)


@dataclass(frozen=True)
class HokenryoInput:
    fiscal_year: int
    shotoku: Shotoku
    #: 本人に住民税（所得割または均等割）が課されている
    honnin_kazei: bool
    #: 世帯の誰か（本人を含む）に住民税が課されている（賦課期日または資格取得日の世帯）
    setai_kazei: bool
    seikatsu_hogo: bool = False
    rorei_fukushi_nenkin: bool = False
    #: 資格取得日 (None: 4月1日より前から資格がある)
    shutoku_date: date | None = None
    #: 資格喪失日 (None: 年度末まで資格がある)
    soshitsu_date: date | None = None

    def __post_init__(self) -> None:
        if self.honnin_kazei and not self.setai_kazei:
            raise ValueError("本人が課税なら世帯も課税です。")


@dataclass(frozen=True)
class Hantei:
    """How the 段階 was found, every figure the rule compared."""

    #: 合計所得金額 less the 譲渡所得の特別控除
    gokei_shotoku_kojogo: int
    kazei_nenkin_shunyu: int
    #: その他の合計所得金額 (第1〜第5段階の判定に用いる)
    sonota_gokei_shotoku: int
    #: kazei_nenkin_shunyu + sonota_gokei_shotoku
    nenkin_sonota_gokei: int
    #: the 合計所得金額 compared with the 基準所得金額 (第6段階以上)
    hantei_gokei_shotoku: int
    dankai: int
    #: why, in words a clerk reads
    riyu: str


@dataclass(frozen=True)
class HokenryoResult:
    fiscal_year: int
    ki: int
    hantei: Hantei
    kijungaku: int
    ritsu: Fraction
    keigengo_ritsu: Fraction
    #: 年額 at the unreduced rate, rounded by the town's rule
    keigen_mae_nengaku: int
    #: 公費軽減額 (keigen_mae_nengaku − nengaku)
    keigengaku: int
    #: 年額保険料 (after the 公費軽減)
    nengaku: int
    #: months charged in the 年度 (12 for a whole year)
    tsukisu: int
    #: the premium of the 年度 (月割 when tsukisu < 12)
    hokenryo: int

    @property
    def dankai(self) -> int:
        return self.hantei.dankai


def hasu_shori(value: Fraction, tani: int, hoho: int) -> int:
    """``value`` rounded to a multiple of ``tani`` yen: 1 切捨て, 2 切上げ, 3 四捨五入."""
    if tani < 1:
        raise ValueError("端数処理の単位は1円以上です。")
    units = value / tani
    if hoho == 1:
        whole = math.floor(units)
    elif hoho == 2:
        whole = math.ceil(units)
    elif hoho == 3:
        whole = math.floor(units + Fraction(1, 2))
    else:
        raise ValueError(f"端数処理の方法が不正です: {hoho}")
    return whole * tani


def dankai_nengaku(params: HokenryoParameters, ritsu: Fraction) -> int:
    """基準額 × ``ritsu`` rounded by the town's rule (年額, or 月額 × 12)."""
    if params.hasu_kijun == 2:
        getsugaku = Fraction(params.kijungaku, 12) * ritsu
        return hasu_shori(getsugaku, params.hasu_tani, params.hasu_hoho) * 12
    return hasu_shori(params.kijungaku * ritsu, params.hasu_tani, params.hasu_hoho)


def dankai_hantei(inp: HokenryoInput, params: HokenryoParameters) -> Hantei:
    """The 所得段階 of one person for ``params.fiscal_year``."""
    s = inp.shotoku
    tokurei = params.tokurei_kojo
    kojogo = s.kojogo()
    nenkin = s.kazei_nenkin_shunyu(params.kazei_nenkin)
    sonota = s.sonota(kyuyo_kojo=tokurei)
    total = nenkin + sonota
    hantei_gokei = max(0, kojogo - min(tokurei, s.kyuyo_shotoku + s.nenkin_shotoku))
    k1, k2 = params.hikazei_kijun_1, params.hikazei_kijun_2

    def hantei(dankai: int, riyu: str) -> Hantei:
        return Hantei(
            gokei_shotoku_kojogo=kojogo,
            kazei_nenkin_shunyu=nenkin,
            sonota_gokei_shotoku=sonota,
            nenkin_sonota_gokei=total,
            hantei_gokei_shotoku=hantei_gokei,
            dankai=dankai,
            riyu=riyu,
        )

    if inp.seikatsu_hogo:
        return hantei(1, "生活保護の被保護者")
    gokei = "課税年金収入額と合計所得金額の合計"
    if not inp.setai_kazei:
        setai = "世帯全員が住民税非課税で"
        if inp.rorei_fukushi_nenkin:
            return hantei(1, setai + "老齢福祉年金を受給")
        if total <= k1:
            return hantei(1, f"{setai}{gokei}が{k1:,}円以下")
        if total <= k2:
            return hantei(2, f"{setai}{gokei}が{k1:,}円超{k2:,}円以下")
        return hantei(3, f"{setai}{gokei}が{k2:,}円超")
    if not inp.honnin_kazei:
        honnin = "本人が住民税非課税（世帯に課税者あり）で"
        if total <= k1:
            return hantei(4, f"{honnin}{gokei}が{k1:,}円以下")
        return hantei(5, f"{honnin}{gokei}が{k1:,}円超")
    lower = 0
    for d in params.dankai[HIKAZEI_DANKAI:]:
        if d.kijun_shotoku is None or hantei_gokei < d.kijun_shotoku:
            if d.kijun_shotoku is None:
                span = f"{lower:,}円以上"
            elif lower == 0:
                span = f"{d.kijun_shotoku:,}円未満"
            else:
                span = f"{lower:,}円以上{d.kijun_shotoku:,}円未満"
            return hantei(d.dankai, f"本人が住民税課税で合計所得金額が{span}")
        lower = d.kijun_shotoku
    raise AssertionError("the last stage has no upper bound")  # pragma: no cover


def fiscal_months(fiscal_year: int) -> list[tuple[int, int]]:
    """(year, month) of the 年度, April first."""
    return [(fiscal_year, m) for m in range(4, 13)] + [(fiscal_year + 1, m) for m in range(1, 4)]


def kazei_tsukisu(fiscal_year: int, shutoku: date | None, soshitsu: date | None) -> int:
    """Months of the 年度 charged: from the month of 取得 to the month before the month of 喪失."""
    months = fiscal_months(fiscal_year)
    first = 0
    if shutoku is not None and (shutoku.year, shutoku.month) > months[0]:
        if (shutoku.year, shutoku.month) > months[-1]:
            return 0
        first = months.index((shutoku.year, shutoku.month))
    end = len(months)
    if soshitsu is not None and (soshitsu.year, soshitsu.month) <= months[-1]:
        if (soshitsu.year, soshitsu.month) < months[0]:
            return 0
        end = months.index((soshitsu.year, soshitsu.month))
    return max(0, end - first)


def shutoku_date_65(birth_date: date) -> date:
    """The day a resident becomes a 第1号被保険者: the eve of the 65th birthday (age is
    reached at the end of the day before the anniversary; a 29 February birth's
    anniversary in a common year is 1 March, so the eve is 28 February)."""
    try:
        birthday = birth_date.replace(year=birth_date.year + 65)
    except ValueError:
        birthday = date(birth_date.year + 65, 3, 1)
    return birthday - timedelta(days=1)


def soshitsu_date_shibo(death_date: date) -> date:
    """資格喪失日 on death: the next day (介護保険法第11条第1項)."""
    return death_date + timedelta(days=1)


def soshitsu_date_tenshutsu(moved_out: date, *, same_day_elsewhere: bool = False) -> date:
    """資格喪失日 on leaving the town: the day after the address ends, or that day itself
    when the person became resident elsewhere on it (介護保険法第11条第1項)."""
    return moved_out if same_day_elsewhere else moved_out + timedelta(days=1)


def hokenryo_calculate(inp: HokenryoInput, params: HokenryoParameters) -> HokenryoResult:
    if inp.fiscal_year != params.fiscal_year:
        raise ValueError("入力と法令パラメータの年度が違います。")
    h = dankai_hantei(inp, params)
    d = params.of(h.dankai)
    mae = dankai_nengaku(params, d.ritsu)
    nengaku = dankai_nengaku(params, d.keigengo_ritsu)
    tsukisu = kazei_tsukisu(inp.fiscal_year, inp.shutoku_date, inp.soshitsu_date)
    if tsukisu == 12:
        hokenryo = nengaku
    else:
        hokenryo = hasu_shori(Fraction(nengaku * tsukisu, 12), params.tsukiwari_hasu_tani, 1)
    return HokenryoResult(
        fiscal_year=inp.fiscal_year,
        ki=params.ki,
        hantei=h,
        kijungaku=params.kijungaku,
        ritsu=d.ritsu,
        keigengo_ritsu=d.keigengo_ritsu,
        keigen_mae_nengaku=mae,
        keigengaku=mae - nengaku,
        nengaku=nengaku,
        tsukisu=tsukisu,
        hokenryo=hokenryo,
    )
