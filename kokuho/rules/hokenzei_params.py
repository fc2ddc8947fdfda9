"""The law and 条例 values one 年度's 国民健康保険税 needs, parsed into exact values.

The calculation (:mod:`kokuho.rules.hokenzei`) never touches the database: it takes a
:class:`HokenzeiParameters`.  :func:`parameters_from_lookup` builds one from any
``lookup(key, fiscal_year)`` that returns the stored value or raises ``LookupError`` when
the key has no value for the year: ``tenants.params.services.param_value`` inside a town's
schema (its 条例 values win over the national ones), or a dict in tests.

Every key lives in ``kokuho/params/hokenzei.yaml`` with its legal source.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = [
    "KUBUN_LABELS",
    "HokenzeiParameters",
    "KeigenStep",
    "KubunRates",
    "P",
    "parameters_for",
    "parameters_from_lookup",
    "rate_from_param",
]

P = "kokuho.hokenzei."

#: 区分 code → the word a screen shows.
KUBUN_LABELS: dict[str, str] = {
    "iryo": "医療分（基礎課税額）",
    "shien": "後期高齢者支援金等分",
    "kaigo": "介護納付金分",
    "kodomo": "子ども・子育て支援納付金分",
}

#: A rate stored as an integer is this many parts of one (7.2% is 7200).
RATE_DENOMINATOR = 100_000


def rate_from_param(value: Any, what: str) -> Fraction:
    """An exact rate: an ``int`` is 10万分率 (the 条例 form), a string is a decimal."""
    if isinstance(value, bool | float):
        raise TypeError(f"{what}は整数（10万分率）か小数の文字列で指定してください: {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{what}に負の値は使えません: {value!r}")
        return Fraction(value, RATE_DENOMINATOR)
    if isinstance(value, str):
        try:
            return Fraction(Decimal(value))
        except ArithmeticError as exc:
            raise ValueError(f"{what}を数値として読めません: {value!r}") from exc
    if isinstance(value, Fraction):
        return value
    raise TypeError(f"{what}の型が不正です: {value!r}")


def _yen(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"{what}は0以上の円単位の整数で指定してください: {value!r}")
    return value


@dataclass(frozen=True)
class KubunRates:
    """One 区分's 条例 rates and its effective 課税限度額 (the lower of law and 条例)."""

    kubun: str
    shotokuwari: Fraction
    shisanwari: Fraction
    kintowari: int
    byodowari: int
    #: 18歳以上被保険者均等割額 (子ども・子育て支援納付金分 only; 0 elsewhere)
    kintowari_18ijo: int
    gendo: int
    #: the national 課税限度額, kept for display beside a lower 条例 value
    gendo_kuni: int

    @property
    def label(self) -> str:
        return KUBUN_LABELS[self.kubun]


@dataclass(frozen=True)
class KeigenStep:
    """One 法定軽減 step: reduce by ``rate`` when 判定所得 ≤ kihon + per_person × 人数 + …"""

    wari: int
    rate: Fraction
    per_person: int


@dataclass(frozen=True)
class HokenzeiParameters:
    fiscal_year: int
    kubun: tuple[KubunRates, ...]
    #: (合計所得金額の上限 or None, 基礎控除額), ascending
    kiso_kojo: tuple[tuple[int | None, int], ...]
    hijihatsu_wariai: Fraction
    keigen_kihon: int
    keigen_kyuyo_kasan: int
    keigen_steps: tuple[KeigenStep, ...]
    kyuyo_shunyu_kijun: int
    nenkin_shunyu_kijun_under65: int
    nenkin_shunyu_kijun_65: int
    nenkin_tokubetsu_kojo: int
    mishugaku_wariai: Fraction | None
    mishugaku_nenrei: int | None
    miman18_wariai: Fraction | None
    miman18_nenrei: int | None
    #: (months_before, months, tatai_months_before, tatai_months, (year, month) from) or None
    sanzen_sango: tuple[int, int, int, int, tuple[int, int]] | None
    tokutei_wariai: Fraction
    tokutei_keizoku_wariai: Fraction
    tokutei_kubun: frozenset[str]
    kaigo_from: int
    kaigo_to: int
    koki_nenrei: int
    rounding_kubun: int
    rounding_zeigaku: int
    #: True: 所得割 = (Σ 基準所得) × 率 per household; False: Σ (基準所得 × 率) per member
    shotokuwari_setai_gassan: bool = False

    def rates(self, kubun: str) -> KubunRates:
        for r in self.kubun:
            if r.kubun == kubun:
                return r
        raise KeyError(kubun)


Lookup = Callable[[str, int], Any]


def _optional(lookup: Lookup, key: str, year: int) -> Any:
    try:
        return lookup(key, year)
    except LookupError:
        return None


def parameters_from_lookup(lookup: Lookup, fiscal_year: int) -> HokenzeiParameters:
    """Read every value of ``fiscal_year``. A 区分's 所得割率 and 均等割額 are required
    (a town without them cannot assess); 資産割, 平等割, the 18歳以上均等割 and a lower
    条例 課税限度額 are optional (absent = not levied / the law's amount)."""
    y = fiscal_year
    kubun_codes = list(lookup(P + "kubun", y))
    rates: list[KubunRates] = []
    for code in kubun_codes:
        if code not in KUBUN_LABELS:
            raise ValueError(f"{P}kubun: 未知の区分 {code!r}")
        kuni = _yen(lookup(f"{P}{code}.gendo", y), f"{code}の課税限度額")
        jorei = _optional(lookup, f"{P}{code}.gendo_jorei", y)
        gendo = kuni if jorei is None else min(kuni, _yen(jorei, f"{code}の条例の課税限度額"))
        shisan = _optional(lookup, f"{P}{code}.shisanwari", y)
        byodo = _optional(lookup, f"{P}{code}.byodowari", y)
        k18 = _optional(lookup, f"{P}{code}.kintowari_18ijo", y) if code == "kodomo" else None
        rates.append(
            KubunRates(
                kubun=code,
                shotokuwari=rate_from_param(lookup(f"{P}{code}.shotokuwari", y), f"{code}の所得割"),
                shisanwari=Fraction(0)
                if shisan is None
                else rate_from_param(shisan, f"{code}の資産割"),
                kintowari=_yen(lookup(f"{P}{code}.kintowari", y), f"{code}の均等割"),
                byodowari=0 if byodo is None else _yen(byodo, f"{code}の平等割"),
                kintowari_18ijo=0 if k18 is None else _yen(k18, "18歳以上被保険者均等割"),
                gendo=gendo,
                gendo_kuni=kuni,
            )
        )
    tiers = tuple(
        (None if t["upto"] is None else int(t["upto"]), int(t["amount"]))
        for t in lookup(P + "kiso_kojo", y)
    )
    kijun: Mapping[str, Any] = lookup(P + "keigen.kijun", y)
    steps = tuple(
        sorted(
            (
                KeigenStep(
                    wari=int(s["wari"]),
                    rate=rate_from_param(s["rate"], "軽減割合"),
                    per_person=int(s["per_person"]),
                )
                for s in kijun["kubun"]
            ),
            key=lambda s: s.rate,
            reverse=True,
        )
    )
    kyuyo = lookup(P + "keigen.kyuyo_shotokusha", y)
    mishu = _optional(lookup, P + "mishugaku.genmen_wariai", y)
    m18 = _optional(lookup, P + "kodomo.miman18_genmen_wariai", y)
    sanzen = _optional(lookup, P + "sanzen_sango", y)
    sanzen_t: tuple[int, int, int, int, tuple[int, int]] | None = None
    if sanzen is not None:
        ey, em = (int(x) for x in str(sanzen["effective_month"]).split("-"))
        sanzen_t = (
            int(sanzen["months_before"]),
            int(sanzen["months"]),
            int(sanzen["tatai_months_before"]),
            int(sanzen["tatai_months"]),
            (ey, em),
        )
    tokutei = lookup(P + "tokutei_setai", y)
    nenrei = lookup(P + "nenrei", y)
    mishu_age = _optional(lookup, P + "mishugaku.nenrei", y)
    m18_age = _optional(lookup, P + "kodomo.miman18_nenrei", y)
    return HokenzeiParameters(
        fiscal_year=y,
        kubun=tuple(rates),
        kiso_kojo=tiers,
        hijihatsu_wariai=rate_from_param(lookup(P + "hijihatsu.kyuyo_wariai", y), "非自発的失業"),
        keigen_kihon=int(kijun["kihon"]),
        keigen_kyuyo_kasan=int(kijun["kyuyo_kasan"]),
        keigen_steps=steps,
        kyuyo_shunyu_kijun=int(kyuyo["kyuyo_shunyu"]),
        nenkin_shunyu_kijun_under65=int(kyuyo["nenkin_shunyu_under65"]),
        nenkin_shunyu_kijun_65=int(kyuyo["nenkin_shunyu_65"]),
        nenkin_tokubetsu_kojo=_yen(lookup(P + "keigen.nenkin_tokubetsu_kojo", y), "年金特別控除"),
        mishugaku_wariai=None if mishu is None else rate_from_param(mishu, "未就学児減額"),
        mishugaku_nenrei=None if mishu_age is None else int(mishu_age),
        miman18_wariai=None if m18 is None else rate_from_param(m18, "18歳未満減額"),
        miman18_nenrei=None if m18_age is None else int(m18_age),
        sanzen_sango=sanzen_t,
        tokutei_wariai=rate_from_param(tokutei["tokutei"], "特定世帯"),
        tokutei_keizoku_wariai=rate_from_param(tokutei["tokutei_keizoku"], "特定継続世帯"),
        tokutei_kubun=frozenset(tokutei["kubun"]),
        kaigo_from=int(nenrei["kaigo_from"]),
        kaigo_to=int(nenrei["kaigo_to"]),
        koki_nenrei=int(nenrei["koki"]),
        rounding_kubun=_yen(lookup(P + "rounding.kubun", y), "区分の端数単位"),
        rounding_zeigaku=_yen(lookup(P + "rounding.zeigaku", y), "税額の端数単位"),
        shotokuwari_setai_gassan=int(lookup(P + "shotokuwari.keisan", y)) == 2,
    )


def parameters_for(fiscal_year: int) -> HokenzeiParameters:
    """The year's values through ``param_value``: inside a town's schema its 条例 values
    (rates, a lower 課税限度額, its rounding) win over the national ones."""
    from tenants.params.services import param_value

    return parameters_from_lookup(param_value, fiscal_year)
