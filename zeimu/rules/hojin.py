"""法人住民税（市町村民税の法人分）: pure calculation, no database.

The law's numbers come from ``zeimu/params/hojin_juminzei.yaml`` through
:meth:`HojinParams.build` (a town's 条例 values win: the 均等割 ratio to the 標準税率 and the
法人税割 rate). Parameters are read for the 年度 in which the 事業年度 begins
(:func:`kaishi_nendo`): the 法人税割 rate of the law is fixed by the 事業年度's start date
(地方税法第314条の4), and a 条例 rate set from a 年度 applies to 事業年度 beginning in it.

- **法人番号** (:func:`hojin_bango_problem`): 13 digits, the FIRST is the check digit over
  the other 12 (法人番号の指定等に関する省令第2条: 9 − (Σ Pn×Qn mod 9), Pn the n-th digit
  of the 基礎番号 counted from its lowest, Qn 1 for odd n and 2 for even n).
- **均等割** (第312条): the annual amount of the band of 資本金等の額 × 従業者数 in the town
  (50人以下 / 50人超), times the months the corporation had an office in the town / 12
  (第312条第3項・第4項: 暦に従い計算し、1月に満たないときは1月、1月に満たない端数は切捨て),
  100円未満切捨て (第20条の4の2第3項).
- **法人税割** (第314条の4, 第321条の13): 法人税額 (1,000円未満切捨て) as 課税標準; a
  corporation with offices in several towns divides it by 従業者数: the amount per
  employee is kept to as many decimals as the total count has digits and cut below (the
  rule as 京都市 states it), times the town's count, 1,000円未満切捨て; × the rate,
  100円未満切捨て.
- **予定申告** (第321条の8第1項): 前事業年度の法人税割額 × 6 ÷ 前事業年度の月数, and the
  均等割 of the first six months.

Not built (absent rather than guessed): the transitional 予定申告 of the first 事業年度
beginning on or after 令和元年10月1日 (3.7 ÷ 月数), 仮決算による中間申告, 申告期限の延長,
the 従業者数 averaged over months when the largest month exceeds twice the smallest
(第321条の13第3項), 法人税額 adjustments (外国税額控除等), a town's 超過税率 that differs by band.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

__all__ = [
    "HojinParams",
    "HojinRefused",
    "KintowariResult",
    "ShinkokuInput",
    "ShinkokuResult",
    "add_months",
    "hojin_bango_check_digit",
    "hojin_bango_problem",
    "hojinzeiwari_compute",
    "juugyosha_for_bunkatsu",
    "kaishi_nendo",
    "kintowari_compute",
    "kintowari_months",
    "shinkoku_compute",
    "shozai_months",
]

P = "zeimu.hojin."


class HojinRefused(ValueError):
    """A figure the law cannot compute; the message is Japanese, for the screen."""


# --- 法人番号 ------------------------------------------------------------------------------

HOJIN_BANGO_MESSAGE = "法人番号は13桁の数字で入力してください。"
HOJIN_BANGO_CHECK_MESSAGE = (
    "法人番号の検査用数字（先頭の1桁）が正しくありません。番号を確かめてください。"
)


def hojin_bango_check_digit(kiso: str) -> int:
    """The check digit of a 12-digit 基礎番号 (法人番号の指定等に関する省令第2条)."""
    if len(kiso) != 12 or not (kiso.isascii() and kiso.isdigit()):
        raise ValueError("基礎番号は12桁の数字です")
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(kiso), start=1))
    return 9 - total % 9


def hojin_bango_problem(text: str) -> str | None:
    """``None`` for a valid 法人番号, else the Japanese message for the clerk."""
    if len(text) != 13 or not (text.isascii() and text.isdigit()):
        return HOJIN_BANGO_MESSAGE
    if hojin_bango_check_digit(text[1:]) != int(text[0]):
        return HOJIN_BANGO_CHECK_MESSAGE
    return None


# --- months ----------------------------------------------------------------------------


def kaishi_nendo(kaishi: date) -> int:
    """The 年度 (April–March) a 事業年度 beginning on ``kaishi`` begins in."""
    return kaishi.year if kaishi.month >= 4 else kaishi.year - 1


def add_months(start: date, n: int) -> date:
    """The last day of a period of ``n`` months counted from ``start`` by the calendar
    (民法第143条: it ends the day before the day of the last month corresponding to the
    first; when that month has no such day, on its last day)."""
    y, m = divmod(start.month - 1 + n, 12)
    year, month = start.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return date(year, month, last)
    return date(year, month, start.day) - timedelta(days=1)


def _full_months_and_rest(start: date, end: date) -> tuple[int, bool]:
    """Whole months from ``start`` to ``end`` inclusive, and whether days remain."""
    if end < start:
        return 0, False
    n = 0
    while add_months(start, n + 1) <= end:
        n += 1
    last = add_months(start, n) if n else start - timedelta(days=1)
    return n, last < end


def kintowari_months(start: date, end: date, *, min_months: int = 1) -> int:
    """月数 of the 均等割 (第312条第4項): by the calendar; under one month counts as one,
    a fraction of a month beyond whole months is cut. ``start``..``end`` inclusive."""
    n, rest = _full_months_and_rest(start, end)
    if n == 0:
        return min_months if rest else 0
    return n


def shozai_months(start: date, end: date) -> int:
    """所在月数 for the 分割 従業者数 of an office opened or closed within the period: a
    fraction of a month counts as a whole month (大和市「法人税割の従業者数の計算例」)."""
    n, rest = _full_months_and_rest(start, end)
    return n + (1 if rest else 0)


# --- parameters ------------------------------------------------------------------------


@dataclass(frozen=True)
class HojinParams:
    nendo: int
    bands: tuple[tuple[int | None, int, int], ...]  # (上限 以下, 50人以下, 50人超)
    shihon_nashi: int
    sakai: int  # 50人
    jorei_permille: int  # 1000 = 標準税率
    min_months: int
    nen_months: int
    rates: tuple[tuple[date, int, int], ...]  # (開始日から, 標準, 制限) in 0.001%
    jorei_rate: int | None  # the town's 法人税割 rate in 0.001%, or None (標準)
    hyojun_unit: int
    zeigaku_unit: int
    keta_kasan: int
    yotei_months: int | None
    kigen: dict[str, int]

    @classmethod
    def build(cls, nendo: int, lookup: Callable[[str, int], Any]) -> HojinParams:
        """``lookup`` is ``tenants.params.services.param_value`` (or a dict's get in
        tests); a missing value raises ``LookupError`` (the 年度 is refused)."""
        kin = lookup(P + "kintowari", nendo)
        tsuki = lookup(P + "tsukisu", nendo)
        hasu = lookup(P + "hasu", nendo)
        try:
            jorei_rate: int | None = int(lookup(P + "hojinzeiwari_jorei", nendo))
        except LookupError:
            jorei_rate = None
        try:
            yotei_months: int | None = int(lookup(P + "yotei", nendo)["months"])
        except LookupError:
            yotei_months = None
        return cls(
            nendo=nendo,
            bands=tuple(
                (None if b[0] is None else int(b[0]), int(b[1]), int(b[2])) for b in kin["bands"]
            ),
            shihon_nashi=int(kin["shihon_nashi"]),
            sakai=int(kin["juugyosha_sakai"]),
            jorei_permille=int(lookup(P + "kintowari_jorei", nendo)),
            min_months=int(tsuki["min_months"]),
            nen_months=int(tsuki["nen"]),
            rates=tuple(
                (date.fromisoformat(r["kaishi_from"]), int(r["hyojun"]), int(r["seigen"]))
                for r in sorted(lookup(P + "hojinzeiwari", nendo), key=lambda r: r["kaishi_from"])
            ),
            jorei_rate=jorei_rate,
            hyojun_unit=int(hasu["kazei_hyojun"]),
            zeigaku_unit=int(hasu["zeigaku"]),
            keta_kasan=int(lookup(P + "bunkatsu", nendo)["shosu_keta_kasan"]),
            yotei_months=yotei_months,
            kigen={k: int(v) for k, v in lookup(P + "kigen", nendo).items()},
        )

    def rate_for(self, kaishi: date) -> int:
        """The 法人税割 rate (0.001% units) of a 事業年度 beginning on ``kaishi``."""
        period = [r for r in self.rates if r[0] <= kaishi]
        if not period:
            raise HojinRefused("この事業年度の開始日に適用する法人税割の税率が登録されていません。")
        _, hyojun, seigen = period[-1]
        if self.jorei_rate is None:
            return hyojun
        if self.jorei_rate > seigen:
            raise HojinRefused(
                f"条例の法人税割の税率（{self.jorei_rate / 1000:g}%）が制限税率"
                f"（{seigen / 1000:g}%）を超えています。"
            )
        return self.jorei_rate


def _floor_to(x: Fraction | int, unit: int) -> int:
    return int(Fraction(x) // unit) * unit


# --- 均等割 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KintowariResult:
    nengaku: int  # 年額 (the town's rate)
    months: int
    gaku: int  # 年額 × 月数 / 12, 100円未満切捨て
    band_label: str


def _band_label(upper: int | None, lower: int | None, over: bool, sakai: int) -> str:
    def oku(v: int) -> str:
        return f"{v // 100_000_000}億円" if v >= 100_000_000 else f"{v // 10_000_000}千万円"

    if lower is None and upper is not None:
        cap = f"{oku(upper)}以下"
    elif upper is None and lower is not None:
        cap = f"{oku(lower)}を超える"
    elif lower is not None and upper is not None:
        cap = f"{oku(lower)}を超え{oku(upper)}以下"
    else:
        cap = ""
    return f"資本金等の額{cap}・従業者数{sakai}人{'超' if over else '以下'}"


def kintowari_compute(
    *,
    shihon: int | None,
    juugyosha: int,
    months: int,
    params: HojinParams,
    shihon_junbikin: int | None = None,
) -> KintowariResult:
    """``shihon`` is the 資本金等の額 at the end of the period (``None``: a corporation
    without one, 第312条第1項第1号); ``shihon_junbikin`` the 資本金と資本準備金の合算額,
    which decides the band when larger (第312条第6項, 平成27年4月1日以後開始事業年度).
    ``juugyosha`` the employees of its offices in the town at the end of the period."""
    if juugyosha < 0 or months < 0 or months > params.nen_months:
        raise HojinRefused("従業者数・月数の値が正しくありません。")
    if shihon is None:
        nengaku, label = params.shihon_nashi, "資本金等の額を有しない法人等"
    else:
        if shihon < 0:
            raise HojinRefused("資本金等の額に負の値は指定できません。")
        basis = max(shihon, shihon_junbikin or 0)
        over = juugyosha > params.sakai
        lower: int | None = None
        for upper, le50, gt50 in params.bands:
            if upper is None or basis <= upper:
                nengaku = gt50 if over else le50
                label = _band_label(upper, lower, over, params.sakai)
                break
            lower = upper
    nengaku = int(Fraction(nengaku * params.jorei_permille, 1000))
    gaku = _floor_to(Fraction(nengaku * months, params.nen_months), params.zeigaku_unit)
    return KintowariResult(nengaku=nengaku, months=months, gaku=gaku, band_label=label)


# --- 法人税割 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HojinzeiwariResult:
    kazei_hyojun_sogaku: int  # 法人税額, 1,000円未満切捨て
    per_juugyosha: Fraction | None  # 分割: the amount per employee, cut as the rule says
    kazei_hyojun: int  # this town's 課税標準 (after 分割), 1,000円未満切捨て
    rate: int  # 0.001%
    gaku: int


def hojinzeiwari_compute(
    *,
    hojinzeigaku: int,
    rate: int,
    params: HojinParams,
    juugyosha_town: int | None = None,
    juugyosha_all: int | None = None,
) -> HojinzeiwariResult:
    """``juugyosha_town`` / ``juugyosha_all``: the 分割基準 of a corporation with offices in
    several towns (``None``: all in this town, no 分割)."""
    if hojinzeigaku < 0:
        raise HojinRefused("法人税額に負の値は指定できません。")
    sogaku = _floor_to(hojinzeigaku, params.hyojun_unit)
    per: Fraction | None = None
    base = sogaku
    if juugyosha_all is not None or juugyosha_town is not None:
        if juugyosha_all is None or juugyosha_town is None:
            raise HojinRefused("分割基準は町内の従業者数と全従業者数の両方を入力してください。")
        if juugyosha_all <= 0 or juugyosha_town < 0 or juugyosha_town > juugyosha_all:
            raise HojinRefused(
                "分割基準の従業者数が正しくありません（町内の従業者数は全従業者数以下です）。"
            )
        keta = len(str(juugyosha_all)) + params.keta_kasan
        scale = 10**keta
        per = Fraction(sogaku * scale // juugyosha_all, scale)
        base = _floor_to(per * juugyosha_town, params.hyojun_unit)
    gaku = _floor_to(Fraction(base * rate, 100_000), params.zeigaku_unit)
    return HojinzeiwariResult(
        kazei_hyojun_sogaku=sogaku, per_juugyosha=per, kazei_hyojun=base, rate=rate, gaku=gaku
    )


def juugyosha_for_bunkatsu(
    *, count: int, kaishi: date, shuryo: date, kaisetsu: date | None, haishi: date | None
) -> int:
    """従業者数 of an office for the 分割 when it was opened or closed within the period
    (第321条の13第2項): its count (at the end of the period, or at the end of the month
    before the closing) × 所在月数 / 算定期間の月数, a fraction of a person counted as one
    (大和市「法人税割の従業者数の計算例」: 14 × 10/12 → 12, 14 × 3/12 → 4)."""
    start = max(kaishi, kaisetsu) if kaisetsu else kaishi
    end = min(shuryo, haishi - timedelta(days=1)) if haishi else shuryo
    if start == kaishi and end == shuryo:
        return count
    present = shozai_months(start, end)
    period = shozai_months(kaishi, shuryo)
    x = Fraction(count * present, period)
    return int(-(-x // 1))


# --- a 申告 ----------------------------------------------------------------------------

KAKUTEI = "kakutei"
YOTEI = "yotei"
SHUSEI = "shusei"


@dataclass(frozen=True)
class ShinkokuInput:
    kind: str  # kakutei / yotei / shusei
    kaishi: date  # 事業年度の開始日
    shuryo: date  # 事業年度の終了日
    shihon: int | None
    juugyosha_town: int  # 町内の事務所等の従業者数（期末）: 均等割の区分と分割
    office_from: date  # the first day an office of it was in the town within the period
    office_to: date  # the last day
    hojinzeigaku: int = 0  # 確定・修正: 課税標準となる法人税額
    juugyosha_all: int | None = None  # 分割: 全従業者数
    juugyosha_bunkatsu: int | None = None  # 分割: 町内の従業者数 (as adjusted)
    zenki_hojinzeiwari: int | None = None  # 予定: 前事業年度の法人税割額
    zenki_months: int | None = None  # 予定: 前事業年度の月数
    kinofu: int = 0  # 既に納付の確定した当期分の税額（予定申告・修正前の申告）
    shihon_junbikin: int | None = None


@dataclass(frozen=True)
class ShinkokuResult:
    kintowari: KintowariResult
    hojinzeiwari: HojinzeiwariResult | None
    hojinzeiwari_gaku: int
    gokei: int
    kinofu: int
    sashihiki: int  # gokei − kinofu (負: 還付)
    nouki: date
    lines: tuple[str, ...]


def _nouki(inp: ShinkokuInput, params: HojinParams) -> date:
    if inp.kind == YOTEI:
        keika = add_months(inp.kaishi, params.kigen["yotei_keika"])
        return add_months(keika + timedelta(days=1), params.kigen["yotei"])
    return add_months(inp.shuryo + timedelta(days=1), params.kigen["kakutei"])


def shinkoku_compute(inp: ShinkokuInput, params: HojinParams) -> ShinkokuResult:
    """The tax of one 申告 as the law computes it; raises :class:`HojinRefused` (Japanese)
    on figures that do not hold together."""
    if inp.shuryo < inp.kaishi:
        raise HojinRefused("事業年度の終了日は開始日より後の日にしてください。")
    if add_months(inp.kaishi, 12) < inp.shuryo:
        raise HojinRefused("事業年度は1年を超えることはできません。")
    if not (inp.kaishi <= inp.office_from <= inp.office_to <= inp.shuryo):
        raise HojinRefused("事務所等を有していた期間は事業年度の中で指定してください。")
    if inp.kinofu < 0:
        raise HojinRefused("既納付額に負の値は指定できません。")
    lines: list[str] = []
    office_to = inp.office_to
    if inp.kind == YOTEI:
        if params.yotei_months is None:
            raise HojinRefused(
                "この事業年度の予定申告は計算できません"
                "（令和元年10月1日以後最初の事業年度の経過措置は扱っていません）。"
            )
        office_to = min(office_to, add_months(inp.kaishi, params.yotei_months))
    months = kintowari_months(inp.office_from, office_to, min_months=params.min_months)
    kin = kintowari_compute(
        shihon=inp.shihon,
        juugyosha=inp.juugyosha_town,
        months=months,
        params=params,
        shihon_junbikin=inp.shihon_junbikin,
    )
    lines.append(
        f"均等割: {kin.band_label} 年額{kin.nengaku:,}円 × {kin.months}月 ÷ "
        f"{params.nen_months} = {kin.gaku:,}円"
    )
    hzw: HojinzeiwariResult | None = None
    if inp.kind == YOTEI:
        if inp.zenki_hojinzeiwari is None or not inp.zenki_months:
            raise HojinRefused("予定申告には前事業年度の法人税割額と月数を入力してください。")
        if inp.zenki_hojinzeiwari < 0 or not 1 <= inp.zenki_months <= 12:
            raise HojinRefused("前事業年度の法人税割額・月数の値が正しくありません。")
        assert params.yotei_months is not None
        hzw_gaku = _floor_to(
            Fraction(inp.zenki_hojinzeiwari * params.yotei_months, inp.zenki_months),
            params.zeigaku_unit,
        )
        lines.append(
            f"法人税割（予定）: 前事業年度の法人税割額{inp.zenki_hojinzeiwari:,}円 × "
            f"{params.yotei_months} ÷ {inp.zenki_months} = {hzw_gaku:,}円"
        )
    else:
        rate = params.rate_for(inp.kaishi)
        bunkatsu = inp.juugyosha_all is not None
        hzw = hojinzeiwari_compute(
            hojinzeigaku=inp.hojinzeigaku,
            rate=rate,
            params=params,
            juugyosha_town=inp.juugyosha_bunkatsu if bunkatsu else None,
            juugyosha_all=inp.juugyosha_all,
        )
        hzw_gaku = hzw.gaku
        if hzw.per_juugyosha is not None:
            keta = len(str(inp.juugyosha_all)) + params.keta_kasan
            lines.append(
                f"分割: 課税標準の総額{hzw.kazei_hyojun_sogaku:,}円 ÷ 全従業者数"
                f"{inp.juugyosha_all:,}人 = 1人当たり{float(hzw.per_juugyosha):,.{keta}f}円"
                f" × 町内{inp.juugyosha_bunkatsu:,}人 = {hzw.kazei_hyojun:,}円（1,000円未満切捨て）"
            )
        lines.append(
            f"法人税割: 課税標準{hzw.kazei_hyojun:,}円 × {rate / 1000:g}% = {hzw_gaku:,}円"
        )
    gokei = kin.gaku + hzw_gaku
    sashihiki = gokei - inp.kinofu
    lines.append(f"合計{gokei:,}円 − 既納付額{inp.kinofu:,}円 = 差引{sashihiki:,}円")
    return ShinkokuResult(
        kintowari=kin,
        hojinzeiwari=hzw,
        hojinzeiwari_gaku=hzw_gaku,
        gokei=gokei,
        kinofu=inp.kinofu,
        sashihiki=sashihiki,
        nouki=_nouki(inp, params),
        lines=tuple(lines),
    )


def params_for(nendo: int, lookup: Callable[[str, int], Any]) -> HojinParams:
    try:
        return HojinParams.build(nendo, lookup)
    except LookupError as e:
        raise HojinRefused(
            f"{nendo}年度に開始する事業年度の法人住民税の値が登録されていません。"
        ) from e
