"""最低生活費 and the monthly 保護費 of one household for one month (生活保護法第8条・第11条,
保護の基準＝昭和38年厚生省告示第158号, 令和5年10月からの生活扶助基準). Pure: the caller
gathers the household (members, 級地, 地区, rent, incomes) and the year's values
(``fukushi.rules.seiho_params``); nothing here reads the database.

How the 告示 builds 生活扶助 (居宅, 別表第1 第1章 1):

- 第1類: each member's amount by 年齢区分 and 級地, summed, × the 逓減率 of the household
  size (10人以上 one rate); the product is cut to the yen and then raised to 10円
  (``dai1_hasu``; the ministry's 54 model households agree);
- 第2類: by household size (the same in every 級地 for 1〜5人; 10人以上: the 9人 amount +
  ``kasan`` per person over 9);
- 特例加算: 1人当たり月額 (1,000円; 1,500円 from 令和7年10月; 2,500円 from 令和8年10月 —
  a 年度 changes mid-year);
- 経過的加算: a per-person amount by 級地, household size and 年齢区分 that keeps the household
  at the level before the 令和5年10月 revision. The 告示 states it as this added table (not
  as "the larger of two amounts"); it shrinks when the 特例加算 rises, so the kept level stays;
- 冬季加算 in the months of the 地区 (Ⅰ〜Ⅵ区), by 地区 and household size (not 級地);
- 期末一時扶助 in December, by 級地 and household size.

加算 (別表第1 第2章): 障害者加算 (by 級地 grade and 等級), 母子加算 (ひとり親; by 級地 grade and
number of 児童), 児童養育加算 (each 児童 to the 3月31日 after turning 18). 住宅扶助 (別表第3): the
rent up to the 限度額 of the area and household size (for one person, by 床面積 when 15㎡以下).
妊産婦加算, 介護保険料加算 and the 冬季加算の特別基準 are in ``fukushi.rules.seiho_kasan``.
教育・医療・介護扶助, 入院・施設, 重度障害者加算, 在宅患者加算 and 介護施設入所者加算 are not
covered (their amounts were not found).

収入認定 (実施要領 第8): 就労収入 − 必要経費 − 勤労控除 (基礎控除 by the table, the largest earner
in the 1人目 column; 新規就労控除; 未成年者控除), plus other income as the caller has assessed
it. 保護費 = 最低生活費 − 収入認定額, never below zero; when the income covers the 最低生活費
the household does not need 保護 (要否: 否).

A cell the data does not hold (a table that could not be read) raises ``KijunMiteigi``
naming it; nothing is assumed. Lines resting on values the data marks unconfirmed say so.

Age bands are read on ``kijunbi`` (the caller's 基準日); the 実施要領's rule for the day a
member changes band was not confirmed (docs/standard/seikatsu_hogo.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from fukushi.rules.seiho_kasan import (
    KAIGO_HOKENRYO_NENREI,
    NINSANPU_LABELS,
    is_nyuji,
    jutaku_gendo,
    ninsanpu_gaku,
    toki_tokubetsu_gaku,
)
from fukushi.rules.seiho_params import (
    KYUCHI_LABELS,
    NENREI_KUBUN,
    KijunMiteigi,
    SeihoParameters,
    kyuchi_grade,
)
from tenants.age import age_on, school_year_of

__all__ = [
    "FUJO_LABELS",
    "SHOGAI_LABELS",
    "TOKI_KU_LABELS",
    "KijunMiteigi",
    "Meisai",
    "SaiteiSeikatsuhiInput",
    "SaiteiSeikatsuhiResult",
    "Setaiin",
    "is_jido",
    "nenrei_kubun",
    "saitei_seikatsuhi",
]

FUJO_LABELS = {
    "seikatsu": "生活扶助",
    "kasan": "加算",
    "jutaku": "住宅扶助",
    "shunyu": "収入認定",
}
SHOGAI_LABELS = {"1_2kyu": "障害者加算（1・2級等）", "3kyu": "障害者加算（3級等）"}
TOKI_KU_LABELS = {str(i): f"{'ⅠⅡⅢⅣⅤⅥ'[i - 1]}区" for i in range(1, 7)}

#: age at which a child stops being a 児童 (加算: to the 3月31日 after reaching it)
JIDO_NENREI = 18


@dataclass(frozen=True)
class Setaiin:
    """One member of the household (世帯員)."""

    seinengappi: date
    #: 障害者加算: "1_2kyu" / "3kyu", or None
    shogai: str | None = None
    #: 就労収入 (月額, gross) and its 必要経費 (社会保険料・所得税・通勤費等の実費)
    shuro_shunyu: int = 0
    shuro_keihi: int = 0
    #: within the months of the 新規就労控除 (the caller counts them)
    shinki_shuro: bool = False
    #: other income already assessed (年金・手当 etc., 月額)
    sonota_shunyu: int = 0
    #: 未成年者控除 does not apply (an independent household with only a spouse or own
    #: children — 実施要領; a one-person household is excluded without this flag)
    miseinen_jogai: bool = False
    #: 妊産婦加算 of the month: "ninpu_6miman" / "ninpu_6ijo" / "sanpu", or None
    ninsanpu: str | None = None
    #: 傷病・障害等による療養のため外出が著しく困難で常時在宅 (冬季加算の特別基準)
    joji_zaitaku: bool = False
    #: 介護保険料加算: the month's 介護保険料 paid by 普通徴収 (実費, 円); 0 when none
    kaigo_hokenryo: int = 0


@dataclass(frozen=True)
class SaiteiSeikatsuhiInput:
    #: any day of the month calculated; ages are read on it
    kijunbi: date
    kyuchi: str
    #: 冬季加算の地区 "1".."6" (Ⅰ〜Ⅵ区)
    toki_ku: str
    setaiin: tuple[Setaiin, ...]
    #: ひとり親世帯 (母子加算)
    hitorioya: bool = False
    #: rent paid (月額); 0 when none
    yachin: int = 0
    #: the 住宅扶助 area key (``fukushi.seiho.jutaku_fujo``); required when ``yachin`` > 0
    jutaku_chiiki: str | None = None
    #: the 実施機関 applies the 冬季加算の特別基準 (up to ×1.3; needs a 常時在宅 member or an 乳児)
    toki_tokubetsu: bool = False
    #: the dwelling's 床面積 (専有面積, ㎡); None: not recorded
    shomenseki: Decimal | None = None
    #: 社援発0414第9号 1(2)ア ただし書: the 床面積 limit does not apply
    shomen_tadashigaki: bool = False


@dataclass(frozen=True)
class Meisai:
    """One line of the breakdown, in words."""

    fujo: str
    meisho: str
    gaku: int
    uchiwake: str = ""
    #: rests on a value the data marks unconfirmed
    unconfirmed: bool = False


@dataclass(frozen=True)
class SaiteiSeikatsuhiResult:
    meisai: tuple[Meisai, ...]
    seikatsu_fujo: int
    kasan: int
    jutaku_fujo: int
    saitei_seikatsuhi: int
    shunyu_nintei: int
    hogohi: int
    #: 保護の要否 in words
    yohi: str
    #: notes of every unconfirmed value the result used
    unconfirmed: tuple[str, ...] = field(default=())


def nenrei_kubun(age: int) -> tuple[str, str]:
    """(key, words) of the 第1類 年齢区分 for ``age``."""
    if age < 0:
        raise ValueError("年齢が負です")
    for low, high, key, words in NENREI_KUBUN:
        if age >= low and (high is None or age <= high):
            return key, words
    raise AssertionError("unreachable")  # pragma: no cover


def is_jido(seinengappi: date, day: date) -> bool:
    """A 児童 for the 加算: on ``day``, not past the 3月31日 after the day of reaching 18."""
    if day < seinengappi:
        return False
    # reaching 18 happens at the end of the day before the 18th birthday (年齢計算ニ関スル法律)
    try:
        birthday18 = seinengappi.replace(year=seinengappi.year + JIDO_NENREI)
    except ValueError:  # 29 February
        birthday18 = date(seinengappi.year + JIDO_NENREI, 3, 1)
    reached = birthday18 - timedelta(days=1)
    return day <= date(school_year_of(reached) + 1, 3, 31)


def _fmt(n: int) -> str:
    return f"{n:,}円"


MISSING = "が基準表に登録されていません（告示の表を確かめて登録してください）"


def _need(table: Mapping[str, Any], key: str, what: str) -> Mapping[str, Any]:
    if key not in table:
        raise KijunMiteigi(what + MISSING)
    value: Mapping[str, Any] = table[key]
    return value


def _cell(table: Mapping[str, Any], key: str, what: str) -> int:
    if key not in table:
        raise KijunMiteigi(what + MISSING)
    return int(table[key])


def _by_n(table: Mapping[str, Any], n: int, what: str) -> int:
    """A table of 1〜9人 and ``kasan`` per person over 9."""
    if n <= 9:
        return _cell(table, str(n), f"{what}・{n}人")
    return _cell(table, "9", f"{what}・9人") + (n - 9) * _cell(table, "kasan", f"{what}・加算")


def saitei_seikatsuhi(inp: SaiteiSeikatsuhiInput, p: SeihoParameters) -> SaiteiSeikatsuhiResult:
    """The month's 最低生活費, 収入認定額 and 保護費 of the household, line by line."""
    n = len(inp.setaiin)
    if n == 0:
        raise ValueError("世帯員がいません")
    if inp.toki_ku not in TOKI_KU_LABELS:
        raise ValueError(f"冬季加算の地区は 1〜6 で指定してください: {inp.toki_ku!r}")
    grade = kyuchi_grade(inp.kyuchi)
    kyuchi_words = KYUCHI_LABELS[inp.kyuchi]
    month = inp.kijunbi.month
    size_key = str(min(n, 10))
    notes: dict[str, str] = {}
    meisai: list[Meisai] = []

    def flag(key: str) -> bool:
        if key in p.unconfirmed:
            notes[key] = p.unconfirmed[key] or key
            return True
        return False

    def flag_item(key: str, note: str | None) -> bool:
        if note is None:
            return False
        notes[f"{key}@{month}"] = note
        return True

    ages = [age_on(m.seinengappi, inp.kijunbi) for m in inp.setaiin]
    kubun = [nenrei_kubun(a) for a in ages]

    # 第1類 × 逓減率
    dai1 = _need(p.dai1, inp.kyuchi, f"第1類の基準額（{kyuchi_words}）")
    dai1_sum = sum(_cell(dai1, k, f"第1類の基準額（{kyuchi_words}・{w}）") for k, w in kubun)
    rate = p.teigenritsu[min(n, 10)]
    product = Decimal(dai1_sum) * rate
    dai1_gaku = int(product.to_integral_value(ROUND_FLOOR))
    if p.dai1_hasu == "kirisute_1en_kiriage_10en":
        dai1_gaku = int((Decimal(dai1_gaku) / 10).to_integral_value(ROUND_CEILING)) * 10
    meisai.append(
        Meisai(
            "生活扶助",
            "第1類",
            dai1_gaku,
            f"{'＋'.join(w for _, w in kubun)}の基準額 計{_fmt(dai1_sum)}×逓減率{rate}（{n}人）",
            flag("fukushi.seiho.dai1") | flag("fukushi.seiho.dai1_hasu"),
        )
    )

    # 第2類
    dai2 = _need(p.dai2, inp.kyuchi, f"第2類の基準額（{kyuchi_words}）")
    if n <= 9:
        dai2_gaku = _cell(dai2, str(n), f"第2類の基準額（{kyuchi_words}・{n}人）")
    else:
        dai2_gaku = _cell(dai2, "9", f"第2類の基準額（{kyuchi_words}・9人）") + (n - 9) * _cell(
            dai2, "kasan", f"第2類の10人以上の加算額（{kyuchi_words}）"
        )
    meisai.append(
        Meisai(
            "生活扶助", "第2類", dai2_gaku, f"{kyuchi_words}・{n}人世帯", flag("fukushi.seiho.dai2")
        )
    )

    # 特例加算
    tokurei_1nin, tokurei_note = p.tokurei(month)
    tokurei = tokurei_1nin * n
    meisai.append(
        Meisai(
            "生活扶助",
            "特例加算",
            tokurei,
            f"1人当たり{_fmt(tokurei_1nin)}×{n}人",
            flag_item("fukushi.seiho.tokurei_kasan", tokurei_note),
        )
    )

    # 経過的加算
    keika_all, keika_note = p.keikateki(month)
    keika_table = _need(keika_all, inp.kyuchi, f"経過的加算（{kyuchi_words}）")
    keika_size = _need(keika_table, size_key, f"経過的加算（{kyuchi_words}・{size_key}人世帯）")
    keika = sum(
        _cell(keika_size, k, f"経過的加算（{kyuchi_words}・{size_key}人世帯・{w}）")
        for k, w in kubun
    )
    meisai.append(
        Meisai(
            "生活扶助",
            "経過的加算",
            keika,
            f"{kyuchi_words}・{size_key}人世帯の年齢区分ごとの額の計",
            flag_item("fukushi.seiho.keikateki_kasan", keika_note),
        )
    )

    # 冬季加算 (by 地区 and size; the same in every 級地)
    toki = 0
    if month in p.toki_tsuki.get(inp.toki_ku, ()):
        ku_words = TOKI_KU_LABELS[inp.toki_ku]
        by_size = _need(p.toki_kijun, inp.toki_ku, f"冬季加算（{ku_words}）")
        toki = _by_n(by_size, n, f"冬季加算（{ku_words}）")
        words = f"{ku_words}・{n}人・{month}月"
        meisho = "冬季加算"
        if inp.toki_tokubetsu:
            base = toki
            toki = toki_tokubetsu_gaku(p, base)
            meisho = "冬季加算（特別基準）"
            words = (
                f"{words}の地区別冬季加算額{_fmt(base)}×{p.toki_tokubetsu_bairitsu}"
                f"（10円未満切上げ）。{_toki_tokubetsu_riyu(inp)}"
            )
        meisai.append(
            Meisai(
                "生活扶助",
                meisho,
                toki,
                words,
                flag("fukushi.seiho.toki_kasan"),
            )
        )
    # 期末一時扶助 (December)
    kimatsu = 0
    if month == 12:
        by_size = _need(p.kimatsu, inp.kyuchi, f"期末一時扶助（{kyuchi_words}）")
        kimatsu = _by_n(by_size, n, f"期末一時扶助（{kyuchi_words}）")
        meisai.append(
            Meisai(
                "生活扶助",
                "期末一時扶助",
                kimatsu,
                f"{kyuchi_words}・{n}人・12月",
                flag("fukushi.seiho.kimatsu_ichiji_fujo"),
            )
        )
    if inp.toki_tokubetsu:
        _toki_tokubetsu_riyu(inp)  # refuses a household the 特別基準 does not reach, any month
    seikatsu = dai1_gaku + dai2_gaku + tokurei + keika + toki + kimatsu

    # 加算
    kasan = 0
    for m in inp.setaiin:
        if m.shogai is None:
            continue
        if m.shogai not in SHOGAI_LABELS:
            raise ValueError(f"障害の区分が不明です: {m.shogai!r}")
        g = _cell(
            _need(p.shogaisha, grade, f"障害者加算（{grade}級地）"),
            m.shogai,
            f"{SHOGAI_LABELS[m.shogai]}（{grade}級地）",
        )
        kasan += g
        meisai.append(
            Meisai(
                "加算",
                SHOGAI_LABELS[m.shogai],
                g,
                f"{grade}級地",
                flag("fukushi.seiho.shogaisha_kasan"),
            )
        )
    jido = sum(1 for m in inp.setaiin if is_jido(m.seinengappi, inp.kijunbi))
    if inp.hitorioya and jido:
        b = _need(p.boshi, grade, f"母子加算（{grade}級地）")
        g = int(b["hitori"]) + (int(b["futarime"]) if jido >= 2 else 0)
        g += max(0, jido - 2) * int(b["sanninme_ijo"])
        kasan += g
        meisai.append(
            Meisai(
                "加算",
                "母子加算",
                g,
                f"{grade}級地・児童{jido}人",
                flag("fukushi.seiho.boshi_kasan"),
            )
        )
    for m, age in zip(inp.setaiin, ages, strict=True):
        if m.ninsanpu is not None:
            g = ninsanpu_gaku(p, grade, m.ninsanpu)
            kasan += g
            meisai.append(
                Meisai(
                    "加算",
                    "妊産婦加算",
                    g,
                    f"{NINSANPU_LABELS[m.ninsanpu]}・{grade}級地",
                    flag("fukushi.seiho.ninsanpu_kasan"),
                )
            )
        if m.kaigo_hokenryo < 0:
            raise ValueError("介護保険料は0以上で指定してください")
        if m.kaigo_hokenryo:
            if age < KAIGO_HOKENRYO_NENREI:
                raise ValueError(
                    "介護保険料加算は介護保険の第1号被保険者（65歳以上）で普通徴収の方に限られます"
                )
            kasan += m.kaigo_hokenryo
            meisai.append(
                Meisai(
                    "加算",
                    "介護保険料加算",
                    m.kaigo_hokenryo,
                    f"普通徴収の介護保険料（実費）{_fmt(m.kaigo_hokenryo)}",
                )
            )
    if jido:
        g = p.jido_yoiku_gaku * jido
        kasan += g
        meisai.append(
            Meisai(
                "加算",
                "児童養育加算",
                g,
                f"{_fmt(p.jido_yoiku_gaku)}×児童{jido}人",
                flag("fukushi.seiho.jido_yoiku_kasan"),
            )
        )

    # 住宅扶助
    jutaku = 0
    if inp.yachin < 0:
        raise ValueError("家賃が負です")
    if inp.yachin:
        if inp.jutaku_chiiki is None:
            raise ValueError("家賃があるときは住宅扶助の地域を指定してください")
        area = _need(p.jutaku, inp.jutaku_chiiki, f"住宅扶助の限度額（{inp.jutaku_chiiki}）")
        gendo, gendo_words = jutaku_gendo(
            area, n, shomenseki=inp.shomenseki, tadashigaki=inp.shomen_tadashigaki
        )
        jutaku = min(inp.yachin, gendo)
        meisai.append(
            Meisai(
                "住宅扶助",
                "家賃・間代等",
                jutaku,
                f"家賃{_fmt(inp.yachin)}（{gendo_words}）",
                flag("fukushi.seiho.jutaku_fujo"),
            )
        )

    saitei = seikatsu + kasan + jutaku
    shunyu = _shunyu_nintei(inp, p, ages, meisai, flag)
    hogohi = max(0, saitei - shunyu)
    return SaiteiSeikatsuhiResult(
        meisai=tuple(meisai),
        seikatsu_fujo=seikatsu,
        kasan=kasan,
        jutaku_fujo=jutaku,
        saitei_seikatsuhi=saitei,
        shunyu_nintei=shunyu,
        hogohi=hogohi,
        yohi="保護を要する" if shunyu < saitei else "保護を要しない",
        unconfirmed=tuple(notes[k] for k in sorted(notes)),
    )


def _toki_tokubetsu_riyu(inp: SaiteiSeikatsuhiInput) -> str:
    """The 特別基準's reason in words; refuses a household without a 常時在宅 member or 乳児."""
    reasons = []
    if any(m.joji_zaitaku for m in inp.setaiin):
        reasons.append("療養のため常時在宅せざるを得ない世帯員がいる")
    if any(is_nyuji(m.seinengappi, inp.kijunbi) for m in inp.setaiin):
        reasons.append("乳児がいる")
    if not reasons:
        raise ValueError(
            "冬季加算の特別基準は、療養のため常時在宅せざるを得ない世帯員又は乳児がいる世帯に限られます"
        )
    return "・".join(reasons) + "ため特別基準による"


def _shunyu_nintei(
    inp: SaiteiSeikatsuhiInput,
    p: SeihoParameters,
    ages: list[int],
    meisai: list[Meisai],
    flag: Callable[[str], bool],
) -> int:
    """収入認定額: 就労収入 less 必要経費 and 勤労控除, plus other income as assessed.

    The worker with the largest 就労収入 takes the 基礎控除額表's 1人目 column, the others the
    2人目以降 column (実施要領; the choice of the first worker is not confirmed)."""
    workers = [i for i, m in enumerate(inp.setaiin) if m.shuro_shunyu]
    hitorime = max(workers, key=lambda i: inp.setaiin[i].shuro_shunyu) if workers else None
    total = 0
    for i, (m, age) in enumerate(zip(inp.setaiin, ages, strict=True)):
        if min(m.shuro_shunyu, m.shuro_keihi, m.sonota_shunyu) < 0:
            raise ValueError("収入・経費は0以上で指定してください")
        if m.shuro_shunyu:
            kiso = p.kiso_kojo(m.shuro_shunyu, hitorime=i == hitorime)
            shinki = p.shinki_shuro_gaku if m.shinki_shuro else 0
            miseinen = (
                p.miseinen_gaku
                if age < p.miseinen_miman and len(inp.setaiin) > 1 and not m.miseinen_jogai
                else 0
            )
            nintei = max(0, m.shuro_shunyu - m.shuro_keihi - kiso - shinki - miseinen)
            parts = [f"必要経費{_fmt(m.shuro_keihi)}", f"基礎控除{_fmt(kiso)}"]
            if shinki:
                parts.append(f"新規就労控除{_fmt(shinki)}")
            if miseinen:
                parts.append(f"未成年者控除{_fmt(miseinen)}")
            total += nintei
            meisai.append(
                Meisai(
                    "収入認定",
                    "就労収入",
                    nintei,
                    f"就労収入{_fmt(m.shuro_shunyu)}から" + "・".join(parts) + "を控除",
                    flag("fukushi.seiho.kinro_kojo"),
                )
            )
        if m.sonota_shunyu:
            total += m.sonota_shunyu
            meisai.append(Meisai("収入認定", "その他の収入", m.sonota_shunyu, "年金・手当等"))
    return total
