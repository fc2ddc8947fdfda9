"""The law values one fiscal year's 個人住民税 needs, read from the parameter rows.

:func:`parameters_for` reads every key through ``tenants.params.services.param_value``
(inside a municipality's schema its 条例 values win, e.g. a 超過課税 均等割).  The
engine itself never touches the database: it takes a :class:`Parameters`.
:func:`parameters_from_lookup` builds one from any ``lookup(key, fiscal_year)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from zeimu.rules.numbers import Bracket, fmt_rate, parse_brackets, to_rate, to_yen

__all__ = [
    "KEYS",
    "FixedRow",
    "Parameters",
    "RateSet",
    "parameters_for",
    "parameters_from_lookup",
]

P = "zeimu.kojin_juminzei."

#: Every parameter key the engine reads (name in :class:`Parameters` → key).
KEYS: dict[str, str] = {
    "kintowari_shichoson": P + "kintowari.shichoson",
    "kintowari_dofuken": P + "kintowari.dofuken",
    "fukko_tokurei": P + "kintowari.fukko_tokurei",
    "shinrin_kankyozei": "zeimu.shinrin_kankyozei",
    "rate_shichoson": P + "shotokuwari.shichoson",
    "rate_shichoson_shitei": P + "shotokuwari.shichoson_shitei_toshi",
    "rate_dofuken": P + "shotokuwari.dofuken",
    "rate_dofuken_shitei": P + "shotokuwari.dofuken_shitei_toshi",
    "round_kazei": "zeimu.rounding.kazei_hyojun",
    "round_zeigaku": "zeimu.rounding.zeigaku",
    "round_shotoku": "zeimu.rounding.shotoku",
    "chosei_rate_shichoson": P + "chosei_kojo.rate_shichoson",
    "chosei_rate_shichoson_shitei": P + "chosei_kojo.rate_shichoson_shitei_toshi",
    "chosei_rate_dofuken": P + "chosei_kojo.rate_dofuken",
    "chosei_rate_dofuken_shitei": P + "chosei_kojo.rate_dofuken_shitei_toshi",
    "chosei_kijun": P + "chosei_kojo.kazei_shotoku_kijun",
    "chosei_saitei": P + "chosei_kojo.saitei_kijungaku",
    "chosei_gokei_joken": P + "chosei_kojo.gokei_shotoku_joken",
    "hikazei_shogaisha_tou": P + "hikazei.shogaisha_tou_gokei_shotoku",
    "hikazei_kintowari": P + "hikazei.kintowari_gendo",
    "hikazei_shotokuwari": P + "hikazei.shotokuwari_gendo",
    "hikazei_shotokuwari_chosei": P + "hikazei.shotokuwari_chosei",
    "kyuyo_kojo": "zeimu.shotoku.kyuyo_shotoku_kojo",
    "kyuyo_beppyo5": "zeimu.shotoku.kyuyo_beppyo5",
    "nenkin_kojo": "zeimu.shotoku.kokaku_nenkin_kojo",
    "shotoku_chosei": "zeimu.shotoku.shotoku_kingaku_chosei_kojo",
    "kiso": "zeimu.kojo.kiso",
    "haigusha": "zeimu.kojo.haigusha",
    "haigusha_tokubetsu": "zeimu.kojo.haigusha_tokubetsu",
    "fuyo": "zeimu.kojo.fuyo",
    "tokutei_shinzoku": "zeimu.kojo.tokutei_shinzoku",
    "shogaisha": "zeimu.kojo.shogaisha",
    "kafu_hitorioya": "zeimu.kojo.kafu_hitorioya",
    "kinro_gakusei": "zeimu.kojo.kinro_gakusei",
    "seimei_hoken": "zeimu.kojo.seimei_hoken",
    "jishin_hoken": "zeimu.kojo.jishin_hoken",
    "jinteki_sa": "zeimu.kojo.jinteki_kojo_sa",
    "teigaku_genzei": P + "teigaku_genzei",
    "bunri_joto": P + "bunri.joto_tochi_tatemono",
    "joto_tokubetsu_kojo": "zeimu.joto.tokubetsu_kojo",
}

#: Keys that may be absent for a year (the deduction did not exist yet).
OPTIONAL = {"tokutei_shinzoku", "teigaku_genzei"}


@dataclass(frozen=True)
class FixedRow:
    """A row of 別表第五 given as a fixed 給与所得 for 収入 in [start, below)."""

    start: int
    below: int
    shotoku: int


@dataclass(frozen=True)
class RateSet:
    """The 所得割 rates for one kind of address (指定都市の区域内 or not), with their
    integer and text forms, derived once from :class:`Parameters`."""

    shichoson: Fraction
    dofuken: Fraction
    chosei_shichoson: Fraction
    chosei_dofuken: Fraction
    shichoson_text: str
    dofuken_text: str
    chosei_shichoson_text: str
    chosei_dofuken_text: str
    #: 所得割の非課税限度額の調整で、限度額に満たない額を按分する割合 num ÷ den (市町村, 道府県)
    cap_shichoson: tuple[int, int]
    cap_dofuken: tuple[int, int]


def _rate_set(
    p: Parameters, rates: tuple[Fraction, Fraction, Fraction, Fraction], shitei_toshi: bool
) -> RateSet:
    s_shi, s_ken, s_shi_t, s_ken_t = p.hikazei_shotokuwari_chosei
    cap_shi, cap_ken = (s_shi_t, s_ken_t) if shitei_toshi else (s_shi, s_ken)
    shi, ken, chosei_shi, chosei_ken = rates
    return RateSet(
        shichoson=shi,
        dofuken=ken,
        chosei_shichoson=chosei_shi,
        chosei_dofuken=chosei_ken,
        shichoson_text=fmt_rate(shi),
        dofuken_text=fmt_rate(ken),
        chosei_shichoson_text=fmt_rate(chosei_shi),
        chosei_dofuken_text=fmt_rate(chosei_ken),
        cap_shichoson=(cap_shi.numerator, cap_shi.denominator),
        cap_dofuken=(cap_ken.numerator, cap_ken.denominator),
    )


@dataclass(frozen=True)
class Parameters:
    """Everything law-driven for one fiscal year, parsed into exact values."""

    fiscal_year: int
    kintowari_shichoson: int
    kintowari_dofuken: int
    fukko_tokurei: int
    shinrin_kankyozei: int
    rate_shichoson: Fraction
    rate_shichoson_shitei: Fraction
    rate_dofuken: Fraction
    rate_dofuken_shitei: Fraction
    round_kazei: int
    round_zeigaku: int
    round_shotoku: int
    chosei_rate_shichoson: Fraction
    chosei_rate_shichoson_shitei: Fraction
    chosei_rate_dofuken: Fraction
    chosei_rate_dofuken_shitei: Fraction
    chosei_kijun: int
    chosei_saitei: int
    chosei_gokei_joken: int
    hikazei_shogaisha_tou: int
    #: 級地 ("1"/"2"/"3") → (per_person, kasan, fuyo_kasan)
    hikazei_kintowari: dict[str, tuple[int, int, int]]
    hikazei_shotokuwari: tuple[int, int, int]
    #: rate, 市町村, 道府県, 指定都市の市, 指定都市の道府県
    #: shares of the 非課税限度額 adjustment: 市町村, 道府県, 指定都市の市, 指定都市の道府県
    hikazei_shotokuwari_chosei: tuple[Fraction, Fraction, Fraction, Fraction]
    kyuyo_kojo: tuple[Bracket, ...]
    beppyo5_upper: int
    beppyo5_step: int
    beppyo5_step_from: int
    beppyo5_fixed: tuple[FixedRow, ...]
    nenkin_koreisha_age: int
    #: (other_up_to, under-age brackets, koreisha brackets)
    nenkin_classes: tuple[tuple[int | None, tuple[Bracket, ...], tuple[Bracket, ...]], ...]
    shotoku_chosei: dict[str, Any]
    kiso: tuple[tuple[int | None, int], ...]
    haigusha: dict[str, Any]
    haigusha_tokubetsu: dict[str, Any]
    fuyo: dict[str, int]
    tokutei_shinzoku: dict[str, Any] | None
    #: 令和6年度分の特別税額控除（定額減税）: per person, 合計所得 limit, and the taxpayer's
    #: 合計所得 above which the spouse does not count (None in other years)
    teigaku_genzei: tuple[int, int, int] | None
    shogaisha: dict[str, int]
    kafu_hitorioya: dict[str, int]
    kinro_gakusei: dict[str, int]
    seimei_shin: tuple[Bracket, ...]
    seimei_kyu: tuple[Bracket, ...]
    seimei_mixed_cap: int
    seimei_total_cap: int
    jishin_rate: Fraction
    jishin_cap: int
    jishin_choki: tuple[Bracket, ...]
    jishin_total_cap: int
    jinteki_sa: dict[str, Any]
    #: 分離課税の土地・建物等の譲渡所得の税率: 区分 (choki_ippan / tanki_ippan) →
    #: (市町村, 道府県, 指定都市の市, 指定都市の道府県)
    bunri_joto: dict[str, tuple[Fraction, Fraction, Fraction, Fraction]]
    #: 譲渡所得の特別控除の限度: 特例の種類 → 額, and the yearly limit of all of them
    joto_gendo: dict[str, int]
    joto_total_cap: int

    # Derived once from the fields above (the engine's hot path reads these instead of
    # parsing dictionaries and building Fractions for every person).
    #: [False] outside, [True] inside a 指定都市
    rate_sets: tuple[RateSet, RateSet] = field(init=False, repr=False, compare=False)
    #: 所得金額調整控除 (shotoku_chosei as numbers)
    chosei_kyuyo_over: int = field(init=False, repr=False, compare=False)
    chosei_kyuyo_cap: int = field(init=False, repr=False, compare=False)
    chosei_kosodate_rate: Fraction = field(init=False, repr=False, compare=False)
    chosei_young_age: int = field(init=False, repr=False, compare=False)
    chosei_kyuyo_shotoku_cap: int = field(init=False, repr=False, compare=False)
    chosei_nenkin_shotoku_cap: int = field(init=False, repr=False, compare=False)
    chosei_deduct: int = field(init=False, repr=False, compare=False)
    #: 同一生計配偶者の合計所得金額の上限
    dokyo_seikei_limit: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        for unit in (self.round_kazei, self.round_zeigaku, self.round_shotoku):
            if unit <= 0:
                raise ValueError(f"端数処理の単位は正の整数です: {unit}")
        put(
            "rate_sets",
            (
                _rate_set(
                    self,
                    (
                        self.rate_shichoson,
                        self.rate_dofuken,
                        self.chosei_rate_shichoson,
                        self.chosei_rate_dofuken,
                    ),
                    False,
                ),
                _rate_set(
                    self,
                    (
                        self.rate_shichoson_shitei,
                        self.rate_dofuken_shitei,
                        self.chosei_rate_shichoson_shitei,
                        self.chosei_rate_dofuken_shitei,
                    ),
                    True,
                ),
            ),
        )
        c = self.shotoku_chosei
        put("chosei_kyuyo_over", int(c["kyuyo_over"]))
        put("chosei_kyuyo_cap", int(c["kyuyo_cap"]))
        put("chosei_kosodate_rate", Fraction(str(c["rate"])))
        put("chosei_young_age", int(c["tokubetsu_shogai_or_young_age"]))
        put("chosei_kyuyo_shotoku_cap", int(c["kyuyo_shotoku_cap"]))
        put("chosei_nenkin_shotoku_cap", int(c["nenkin_shotoku_cap"]))
        put("chosei_deduct", int(c["deduct"]))
        put("dokyo_seikei_limit", int(self.haigusha["dokyo_seikei_limit"]))


def _yen_dict(value: Any, what: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValueError(f"{what}の値が不正です: {value!r}")
    return {k: to_yen(v, f"{what}.{k}") for k, v in value.items()}


def _triple(value: Any, what: str) -> tuple[int, int, int]:
    return (
        to_yen(value["per_person"], what),
        to_yen(value["kasan"], what),
        to_yen(value["fuyo_kasan"], what),
    )


def parameters_from_lookup(
    fiscal_year: int, lookup: Callable[[str, int], Any], *, missing: type[Exception] = LookupError
) -> Parameters:
    """Read and parse every key for ``fiscal_year`` with ``lookup(key, fiscal_year)``."""
    raw: dict[str, Any] = {}
    for name, key in KEYS.items():
        try:
            raw[name] = lookup(key, fiscal_year)
        except missing:
            if name in OPTIONAL:
                raw[name] = None
            else:
                raise

    b5 = raw["kyuyo_beppyo5"]
    nk = raw["nenkin_kojo"]
    ch = raw["hikazei_shotokuwari_chosei"]
    seimei = raw["seimei_hoken"]
    jishin = raw["jishin_hoken"]
    return Parameters(
        fiscal_year=fiscal_year,
        kintowari_shichoson=to_yen(raw["kintowari_shichoson"], "市町村民税均等割"),
        kintowari_dofuken=to_yen(raw["kintowari_dofuken"], "道府県民税均等割"),
        fukko_tokurei=to_yen(raw["fukko_tokurei"], "均等割の復興特例加算"),
        shinrin_kankyozei=to_yen(raw["shinrin_kankyozei"], "森林環境税"),
        rate_shichoson=to_rate(raw["rate_shichoson"], "市町村民税所得割の税率"),
        rate_shichoson_shitei=to_rate(raw["rate_shichoson_shitei"], "指定都市の所得割の税率"),
        rate_dofuken=to_rate(raw["rate_dofuken"], "道府県民税所得割の税率"),
        rate_dofuken_shitei=to_rate(raw["rate_dofuken_shitei"], "指定都市の道府県民税の税率"),
        round_kazei=to_yen(raw["round_kazei"], "課税標準額の端数単位"),
        round_zeigaku=to_yen(raw["round_zeigaku"], "税額の端数単位"),
        round_shotoku=to_yen(raw["round_shotoku"], "所得金額の端数単位"),
        chosei_rate_shichoson=to_rate(raw["chosei_rate_shichoson"], "調整控除の率"),
        chosei_rate_shichoson_shitei=to_rate(raw["chosei_rate_shichoson_shitei"], "調整控除の率"),
        chosei_rate_dofuken=to_rate(raw["chosei_rate_dofuken"], "調整控除の率"),
        chosei_rate_dofuken_shitei=to_rate(raw["chosei_rate_dofuken_shitei"], "調整控除の率"),
        chosei_kijun=to_yen(raw["chosei_kijun"], "調整控除の基準額"),
        chosei_saitei=to_yen(raw["chosei_saitei"], "調整控除の最低基準額"),
        chosei_gokei_joken=to_yen(raw["chosei_gokei_joken"], "調整控除の所得要件"),
        hikazei_shogaisha_tou=to_yen(raw["hikazei_shogaisha_tou"], "障害者等の非課税限度"),
        hikazei_kintowari={
            str(k): _triple(v, f"均等割の非課税限度額（{k}級地）")
            for k, v in raw["hikazei_kintowari"].items()
        },
        hikazei_shotokuwari=_triple(raw["hikazei_shotokuwari"], "所得割の非課税限度額"),
        hikazei_shotokuwari_chosei=(
            to_rate(ch["shichoson"], "非課税調整の市町村分"),
            to_rate(ch["dofuken"], "非課税調整の道府県分"),
            to_rate(ch["shichoson_shitei_toshi"], "非課税調整の指定都市分"),
            to_rate(ch["dofuken_shitei_toshi"], "非課税調整の指定都市の道府県分"),
        ),
        kyuyo_kojo=parse_brackets(raw["kyuyo_kojo"], "給与所得控除"),
        beppyo5_upper=to_yen(b5["upper"], "別表第五の上限"),
        beppyo5_step=to_yen(b5["step"], "別表第五の刻み"),
        beppyo5_step_from=to_yen(b5["step_from"], "別表第五の刻みの開始"),
        beppyo5_fixed=tuple(
            FixedRow(
                to_yen(r["from"], "別表第五"),
                to_yen(r["below"], "別表第五"),
                to_yen(r["shotoku"], "別表第五"),
            )
            for r in b5["fixed"]
        ),
        nenkin_koreisha_age=to_yen(nk["koreisha_age"], "公的年金等控除の年齢"),
        nenkin_classes=tuple(
            (
                None if c["other_up_to"] is None else to_yen(c["other_up_to"], "公的年金等控除"),
                parse_brackets(c["under"], "公的年金等控除（65歳未満）"),
                parse_brackets(c["koreisha"], "公的年金等控除（65歳以上）"),
            )
            for c in nk["classes"]
        ),
        shotoku_chosei=dict(raw["shotoku_chosei"]),
        kiso=tuple(
            (
                None if r["up_to"] is None else to_yen(r["up_to"], "基礎控除"),
                to_yen(r["amount"], "基礎控除"),
            )
            for r in raw["kiso"]
        ),
        haigusha=dict(raw["haigusha"]),
        haigusha_tokubetsu=dict(raw["haigusha_tokubetsu"]),
        fuyo=_yen_dict(raw["fuyo"], "扶養控除"),
        tokutei_shinzoku=None if raw["tokutei_shinzoku"] is None else dict(raw["tokutei_shinzoku"]),
        teigaku_genzei=None
        if raw["teigaku_genzei"] is None
        else (
            to_yen(raw["teigaku_genzei"]["per_person"], "定額減税の額"),
            to_yen(raw["teigaku_genzei"]["gokei_shotoku_limit"], "定額減税の所得要件"),
            to_yen(raw["teigaku_genzei"]["haigusha_honnin_limit"], "定額減税の配偶者の要件"),
        ),
        shogaisha=_yen_dict(raw["shogaisha"], "障害者控除"),
        kafu_hitorioya=_yen_dict(raw["kafu_hitorioya"], "寡婦・ひとり親控除"),
        kinro_gakusei=_yen_dict(raw["kinro_gakusei"], "勤労学生控除"),
        seimei_shin=parse_brackets(seimei["shin"], "生命保険料控除（新）"),
        seimei_kyu=parse_brackets(seimei["kyu"], "生命保険料控除（旧）"),
        seimei_mixed_cap=to_yen(seimei["mixed_cap"], "生命保険料控除"),
        seimei_total_cap=to_yen(seimei["total_cap"], "生命保険料控除"),
        jishin_rate=to_rate(jishin["jishin_rate"], "地震保険料控除"),
        jishin_cap=to_yen(jishin["jishin_cap"], "地震保険料控除"),
        jishin_choki=parse_brackets(jishin["choki"], "旧長期損害保険料控除"),
        jishin_total_cap=to_yen(jishin["total_cap"], "地震保険料控除"),
        jinteki_sa=dict(raw["jinteki_sa"]),
        bunri_joto={
            str(kubun): (
                to_rate(r["shichoson"], "分離課税の税率"),
                to_rate(r["dofuken"], "分離課税の税率"),
                to_rate(r["shichoson_shitei_toshi"], "分離課税の税率"),
                to_rate(r["dofuken_shitei_toshi"], "分離課税の税率"),
            )
            for kubun, r in raw["bunri_joto"].items()
        },
        joto_gendo=_yen_dict(raw["joto_tokubetsu_kojo"]["gendo"], "譲渡所得の特別控除の限度"),
        joto_total_cap=to_yen(raw["joto_tokubetsu_kojo"]["total_cap"], "譲渡所得の特別控除の限度"),
    )


def parameters_for(fiscal_year: int) -> Parameters:
    """The parameters for ``fiscal_year`` as stored (national values, or inside a
    municipality's schema its own 条例 values where it has set them)."""
    from tenants.params.services import ParameterMissing, param_value

    return parameters_from_lookup(fiscal_year, param_value, missing=ParameterMissing)
