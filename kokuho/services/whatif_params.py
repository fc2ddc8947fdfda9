"""The rate sets of the 税率の試算: which values a scenario holds, how they are checked, and
the :class:`HokenzeiParameters` each side of a run is computed with.

A scenario holds exactly the values a town sets by its 国民健康保険税条例: the keys of
``kokuho/params/hokenzei.yaml`` with a ``municipal`` block (``tenants.params.settable``),
for the 区分 the law has in the scenario's 年度 (子ども・子育て支援納付金分 from 令和8年度).
Everything else (課税限度額 of the law, 法定軽減の基準, 基礎控除, 年齢 …) is the law's
value of that 年度, so the scenario and the baseline differ only in what the town decides.

The baseline (現行) is the town's own values in force for ``genko_nendo`` (its 条例 values;
where it set none, the law's: a 課税限度額 not lowered by 条例 is the law's amount of the
年度 computed). Both sides go through :func:`kokuho.rules.hokenzei_params.
parameters_from_lookup` and :func:`kokuho.rules.hokenzei.hokenzei_calculate`: the same
arithmetic as the real assessment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kokuho.rules.hokenzei_params import KUBUN_LABELS, HokenzeiParameters, P, parameters_from_lookup
from tenants.params.models import LawParameter
from tenants.params.services import ParameterMissing, param_value
from tenants.params.settable import ParameterValueError, Settable, settable_parameters
from tenants.wareki import format_nendo

__all__ = [
    "ITEM_WORDS",
    "REQUIRED_ITEMS",
    "RateKey",
    "WhatifValuesError",
    "baseline_values",
    "law_gendo",
    "rate_keys",
    "side_parameters",
    "values_check",
]

#: item of a 区分 → the word a screen shows
ITEM_WORDS = {
    "shotokuwari": "所得割の税率",
    "shisanwari": "資産割の税率",
    "kintowari": "均等割額",
    "byodowari": "平等割額",
    "kintowari_18ijo": "18歳以上被保険者均等割額",
    "gendo_jorei": "課税限度額",
}
#: without these a 区分 cannot be assessed (parameters_from_lookup requires them)
REQUIRED_ITEMS = ("shotokuwari", "kintowari")
#: the rates kept as 10万分率 integers (7.2% is 7200)
RATE_ITEMS = ("shotokuwari", "shisanwari")
#: the town-wide settings, with their words
GENERAL_WORDS = {
    "rounding.kubun": "区分ごとの端数切捨て単位",
    "shotokuwari.keisan": "所得割の計算の単位",
}


@dataclass(frozen=True)
class RateKey:
    """One settable value of a scenario: ``kubun`` is "" for a town-wide setting."""

    key: str
    kubun: str
    item: str
    settable: Settable

    @property
    def label(self) -> str:
        if self.kubun:
            short = KUBUN_LABELS[self.kubun].split("（")[0]
            return f"{short} {ITEM_WORDS[self.item]}"
        return GENERAL_WORDS.get(self.item, self.settable.label)

    @property
    def is_rate(self) -> bool:
        return self.item in RATE_ITEMS

    @property
    def required(self) -> bool:
        return self.item in REQUIRED_ITEMS


class WhatifValuesError(ValueError):
    """Values the law does not allow: ``errors`` maps a key to its Japanese message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("、".join(self.errors.values()))


def _national(key: str, fiscal_year: int) -> Any:
    """The law's own value (never a town's 条例 value)."""
    value = (
        LawParameter.objects.filter(key=key, fiscal_year_from__lte=fiscal_year)
        .exclude(fiscal_year_to__lt=fiscal_year)
        .order_by("-fiscal_year_from")
        .values_list("value", flat=True)
        .first()
    )
    if value is None:
        raise ParameterMissing(f"{key} の{fiscal_year}年度の値が登録されていません")
    return value


def kubun_of(nendo: int) -> list[str]:
    """The 区分 the law has in ``nendo``."""
    return [str(k) for k in _national(P + "kubun", nendo)]


def rate_keys(nendo: int) -> list[RateKey]:
    """Every value a scenario of ``nendo`` holds, 区分 by 区分 in the law's order, then the
    town-wide settings (in the YAML's order)."""
    kubun = kubun_of(nendo)
    found: dict[str, list[RateKey]] = {k: [] for k in kubun}
    general: list[RateKey] = []
    for key, settable in settable_parameters().items():
        if not key.startswith(P):
            continue
        rest = key[len(P) :]
        head, _, item = rest.partition(".")
        if head in KUBUN_LABELS:
            if head in found and item in ITEM_WORDS:
                found[head].append(RateKey(key, head, item, settable))
        else:
            general.append(RateKey(key, "", rest, settable))
    order = list(ITEM_WORDS)
    out: list[RateKey] = []
    for k in kubun:
        out.extend(sorted(found[k], key=lambda r: order.index(r.item)))
    return out + general


def law_gendo(kubun: str, nendo: int) -> int:
    return int(_national(f"{P}{kubun}.gendo", nendo))


def values_check(values: Mapping[str, Any], nendo: int) -> dict[str, Any]:
    """The scenario's values, checked against the declarations (ranges, choices) and the
    law's caps; raises :class:`WhatifValuesError` with a message per wrong value."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    known = {r.key: r for r in rate_keys(nendo)}
    for key in values:
        if key not in known:
            errors[key] = f"{format_nendo(nendo)}に町村が定める値ではありません（{key}）。"
    for key, r in known.items():
        raw = values.get(key)
        if raw is None or raw == "":
            if r.required:
                errors[key] = f"{r.label}を入力してください。"
            continue
        if isinstance(raw, bool):
            errors[key] = f"{r.label}: 数値で入力してください。"
            continue
        try:
            value = r.settable.clean(str(raw))
        except ParameterValueError as exc:
            errors[key] = f"{r.label}: {exc}"
            continue
        if r.item == "gendo_jorei":
            cap = law_gendo(r.kubun, nendo)
            if value > cap:
                errors[key] = (
                    f"{r.label}は{format_nendo(nendo)}の国の額（{cap:,}円）以下で定めてください"
                    "（地方税法第703条の4：政令で定める額を超えることができない）。"
                )
                continue
        clean[key] = value
    if errors:
        raise WhatifValuesError(errors)
    return clean


def baseline_values(genko_nendo: int, nendo: int) -> tuple[dict[str, Any], list[str]]:
    """The town's values in force for ``genko_nendo`` for every key of a ``nendo`` scenario
    (its 条例 value, else the law's where the law has one), and notes for the screen: a
    区分 with no rate in ``genko_nendo`` (子ども分 before 令和8年度) counts as not levied."""
    values: dict[str, Any] = {}
    notes: list[str] = []
    missing: dict[str, list[str]] = {}
    for r in rate_keys(nendo):
        try:
            values[r.key] = param_value(r.key, genko_nendo)
        except ParameterMissing:
            if r.required:
                missing.setdefault(r.kubun, []).append(ITEM_WORDS[r.item])
    for kubun, items in missing.items():
        for r in rate_keys(nendo):
            if r.kubun == kubun and r.required:
                values.setdefault(r.key, 0)
        notes.append(
            f"{KUBUN_LABELS[kubun]}は{format_nendo(genko_nendo)}の{('・'.join(items))}が"
            "定められていないため、現行では課さないもの（0）として計算しました。"
        )
    return values, notes


def side_parameters(values: Mapping[str, Any], nendo: int) -> HokenzeiParameters:
    """The 年度's parameters with ``values`` for the town's keys: a key absent from
    ``values`` is the law's value (課税限度額, 端数, 計算の単位) or not levied (資産割,
    平等割, 18歳以上均等割)."""
    own = {r.key for r in rate_keys(nendo)}
    cache: dict[tuple[str, int], Any] = {}

    def lookup(key: str, year: int) -> Any:
        if key in own:
            if key in values:
                return values[key]
            return _national(key, year)
        hit = cache.get((key, year))
        if hit is None:
            hit = cache[(key, year)] = _national(key, year)
        return hit

    return parameters_from_lookup(lookup, nendo)
