"""試算: one person's 個人住民税 from the raw amounts on the forms, saving nothing.

Shared by the staff screen and the API. The town's own settings apply (級地, 指定都市,
条例 rates through the parameter store); the caller may override 級地 and 指定都市.
"""

from __future__ import annotations

from typing import Any

from tenants.params.services import ParameterMissing, param_value
from zeimu.rules.inputs import Haigusha, JuminzeiInput, KafuHitorioya, Shinzoku, Shogai
from zeimu.rules.juminzei import JuminzeiResult, juminzei_compute
from zeimu.rules.parameters import parameters_for
from zeimu.services.common import KYUCHI_KEY, SHITEI_TOSHI_KEY

SUPPORTED_YEARS = (2024, 2025, 2026)


class ShisanError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors.values()))


def _town_default(key: str, fiscal_year: int, default: Any) -> Any:
    try:
        return param_value(key, fiscal_year)
    except ParameterMissing:
        return default


def shisan(*, fiscal_year: int, data: dict[str, Any]) -> tuple[JuminzeiInput, JuminzeiResult]:
    """Compute without writing anything. ``data`` holds JuminzeiInput's fields (amounts in
    yen as ints; ``haigusha`` {gokei_shotoku, age}; ``shinzoku`` [{age, gokei_shotoku,
    dokyo_roshin}]; ``shogai`` / ``kafu_hitorioya`` as their Japanese labels)."""
    if fiscal_year not in SUPPORTED_YEARS:
        raise ShisanError({"fiscal_year": "令和6年度から令和8年度まで試算できます。"})
    fields = dict(data)
    try:
        if fields.get("haigusha"):
            fields["haigusha"] = Haigusha(**fields["haigusha"])
        fields["shinzoku"] = tuple(Shinzoku(**s) for s in fields.get("shinzoku") or ())
        if "shogai" in fields:
            fields["shogai"] = Shogai(fields["shogai"])
        if "kafu_hitorioya" in fields:
            fields["kafu_hitorioya"] = KafuHitorioya(fields["kafu_hitorioya"])
        fields.setdefault("kyuchi", int(_town_default(KYUCHI_KEY, fiscal_year, 1)))
        fields.setdefault("shitei_toshi", bool(_town_default(SHITEI_TOSHI_KEY, fiscal_year, False)))
        x = JuminzeiInput(**fields)
    except (TypeError, ValueError) as exc:
        raise ShisanError({"__all__": f"入力が正しくありません: {exc}"}) from exc
    return x, juminzei_compute(x, parameters_for(fiscal_year))
