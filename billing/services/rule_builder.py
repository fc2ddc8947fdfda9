"""The pool editor's rule builder: a few plain fields ⇄ a rule in the codec's JSON
(billing.rules.codec). Pure apart from the Japanese ValidationError it raises; the
form (billing.views.pool_forms) only collects the fields and shows the errors.

The builder covers the usual 規約 rules (均等割, 人口割, 均等割:人口割, 従量, 逓減, 個別,
団体別の数値割); anything else opens as 詳細設定 with the JSON itself.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from billing.services.meters import OFFICIAL_POPULATION, MeterChoice
from billing.services.pool_rules import check_figure_key

KIND_CHOICES = [
    ("kintowari", "均等割"),
    ("jinkowari", "人口割"),
    ("mix", "均等割:人口割（比率を指定）"),
    ("metered", "従量（単価×使用月数・計測値）"),
    ("teigen", "逓減（人口の区分ごとの単価）"),
    ("kobetsu", "個別（1団体が全額負担）"),
    ("figure", "団体別の数値割（職員数など）"),
    ("advanced", "詳細設定（JSONで直接指定）"),
]
ROUNDING_POINT_CHOICES = [
    ("combined", "合算した比率で1回だけ端数処理"),
    ("per_component", "均等割分・人口割分それぞれで端数処理"),
]
NO_LIMIT = ("", "-", "－", "なし", "上限なし")


def population_choices(meters: list[MeterChoice]) -> list[tuple[str, str]]:
    """What a 人口割 can be based on: the official population and every meter that
    counts people (unit 人), e.g. 住民基本台帳人口 from 住民記録."""
    return [(OFFICIAL_POPULATION, "人口（公表値）")] + [
        (m.code, f"{m.label}（{m.period_note}）") for m in meters if m.unit == "人"
    ]


def metered_choices(
    meters: list[MeterChoice], modules: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """What a 従量 pool can count: months of use of each module some member subscribes
    to (``modules`` as (業務コード, 名称)), then every registered meter (label and unit)."""
    return [
        *((f"months:{code}", f"使用月数（{name}）") for code, name in modules),
        *((m.code, f"{m.display}・{m.gyomu_name}") for m in meters),
    ]


def parse_weights(text: str) -> list[int | str]:
    cleaned = text.replace("：", ":").replace("％", "%").replace(" ", "")
    parts = [p.rstrip("%") for p in cleaned.split(":")]
    if len(parts) != 2 or not all(re.fullmatch(r"\d+(\.\d+)?", p) for p in parts):
        raise ValidationError(
            "比率は「均等割:人口割」の形で入力してください（例: 4:6、5:95、5%:95%）。"
        )
    weights: list[int | str] = [int(p) if "." not in p else p for p in parts]
    if all(Decimal(p) == 0 for p in parts):
        raise ValidationError("比率の合計が0です。")
    return weights


def parse_tiers(text: str) -> list[list[int | None]]:
    tiers: list[list[int | None]] = []
    lines = [line.strip() for line in text.replace("，", ",").splitlines() if line.strip()]
    if not lines:
        raise ValidationError("逓減の区分を「上限人口,単価」の形で1行ずつ入力してください。")
    for number, line in enumerate(lines, start=1):
        parts = [p.strip().replace(",", "") for p in re.split(r"[,\t]", line, maxsplit=1)]
        if len(parts) != 2:
            raise ValidationError(
                f"{number}行目: 「上限人口,単価」の形で入力してください（例: 10000,500）。"
            )
        upto_text, price_text = parts
        if upto_text in NO_LIMIT:
            upto = None
        elif upto_text.isdigit():
            upto = int(upto_text)
        else:
            raise ValidationError(f"{number}行目: 上限人口は整数で入力してください。")
        if not price_text.isdigit():
            raise ValidationError(f"{number}行目: 単価は円単位の整数で入力してください。")
        tiers.append([upto, int(price_text)])
    if tiers[-1][0] is not None:
        raise ValidationError(
            "最後の行は上限なしにしてください（例: 「,200」または「上限なし,200」）。"
        )
    return tiers


def tiers_text(tiers: list[list[Any]]) -> str:
    return "\n".join(f"{'' if u is None else u},{p}" for u, p in tiers)


def builder_initial(rule: dict[str, Any], population: set[str]) -> dict[str, Any]:
    """Builder fields for a stored rule; anything uncommon opens in 詳細設定.
    ``population`` holds the figure codes the builder offers for 人口割."""
    initial: dict[str, Any] = {"rule_json": json.dumps(rule, ensure_ascii=False, indent=2)}
    kind = rule.get("type")
    if kind == "kintowari":
        initial["kind"] = "kintowari"
    elif kind == "jinkowari" and rule.get("figure", "population") in population:
        if not rule.get("label"):
            initial.update(kind="jinkowari", population_figure=rule.get("figure", "population"))
    elif kind == "jinkowari":
        initial.update(kind="figure", figure_key=rule["figure"], figure_label=rule.get("label"))
    elif kind == "metered":
        initial.update(
            kind="metered",
            metered_figure=rule.get("figure", "months"),
            unit_price_yen=rule.get("unit_price_yen"),
        )
    elif kind == "teigen" and rule.get("figure", "population") in population:
        initial.update(
            kind="teigen",
            population_figure=rule.get("figure", "population"),
            tiers=tiers_text(rule.get("tiers", [])),
        )
    elif kind == "kobetsu":
        initial.update(kind="kobetsu", kobetsu_member=rule.get("member_id"))
    elif kind == "mix" and len(rule.get("parts", [])) == 2:
        (w1, r1), (w2, r2) = rule["parts"]
        if (
            r1 == {"type": "kintowari"}
            and r2.get("type") == "jinkowari"
            and r2.get("figure", "population") in population
            and not r2.get("label")
        ):
            initial.update(
                kind="mix",
                weights=f"{w1}:{w2}",
                population_figure=r2.get("figure", "population"),
                rounding_point=rule.get("rounding_point", "combined"),
            )
    initial.setdefault("kind", "advanced")
    return initial


def rule_from_builder(data: dict[str, Any]) -> Any:
    """The rule JSON for the builder's cleaned fields; ValidationError (Japanese) when
    the chosen kind lacks what it needs. ``None`` for an unknown kind; for 詳細設定
    whatever JSON was typed (the service's ``rule_parse`` checks its shape)."""
    kind = data.get("kind")
    population = data.get("population_figure") or OFFICIAL_POPULATION
    if kind == "kintowari":
        return {"type": "kintowari"}
    if kind == "jinkowari":
        return {"type": "jinkowari", "figure": population}
    if kind == "mix":
        w1, w2 = parse_weights(data.get("weights") or "")
        return {
            "type": "mix",
            "rounding_point": data.get("rounding_point") or "combined",
            "parts": [
                [w1, {"type": "kintowari"}],
                [w2, {"type": "jinkowari", "figure": population}],
            ],
        }
    if kind == "metered":
        if data.get("unit_price_yen") is None:
            raise ValidationError("従量の単価を入力してください。")
        return {
            "type": "metered",
            "unit_price_yen": data["unit_price_yen"],
            "figure": data.get("metered_figure"),
        }
    if kind == "teigen":
        return {
            "type": "teigen",
            "figure": population,
            "tiers": parse_tiers(data.get("tiers") or ""),
        }
    if kind == "kobetsu":
        if not data.get("kobetsu_member"):
            raise ValidationError("個別負担する団体を選んでください。")
        return {"type": "kobetsu", "member_id": data["kobetsu_member"]}
    if kind == "figure":
        key = (data.get("figure_key") or "").strip()
        try:
            check_figure_key(key)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        rule: dict[str, Any] = {"type": "jinkowari", "figure": key}
        if data.get("figure_label"):
            rule["label"] = data["figure_label"]
        return rule
    if kind == "advanced":
        text = data.get("rule_json") or ""
        try:
            # Decimals typed as numbers stay exact: they arrive as strings.
            parsed = json.loads(text, parse_float=str)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"按分ルールのJSONを読み取れません（{exc.lineno}行目 {exc.colno}文字目）。"
            ) from exc
        return parsed
    return None
