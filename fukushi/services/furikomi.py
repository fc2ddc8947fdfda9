"""The town as 振込依頼人 of every 福祉 payment (児童手当, 児童扶養手当, 医療費助成の償還,
生活保護費): one set of town values ``fukushi.furikomi.*`` (fukushi/params/furikomi.yaml), read
here for every part, so a town enters its bank contract once."""

from __future__ import annotations

import jaconv

from tenants.params.services import ParameterMissing, param_value
from tenants.zengin import Irainin

#: Irainin field → the town value's key under ``fukushi.furikomi.``
KEYS = {
    "code": "irainin_code",
    "name_kana": "irainin_name",
    "bank": "shimuke_ginko",
    "shiten": "shimuke_shiten",
    "yokin_shumoku": "yokin_shumoku",
    "koza_bango": "koza_bango",
}

NOT_SET = "振込依頼人の設定（設定 > 条例で定める値 fukushi.furikomi.*）がありません"


def irainin_values(fiscal_year: int) -> tuple[dict[str, str], list[str]]:
    """The town's values by Irainin field, and the keys it has not set. The settings screen
    stores NFKC text (full-width カナ); the bank file wants half-width, converted here."""
    got: dict[str, str] = {}
    missing: list[str] = []
    for field, key in KEYS.items():
        try:
            value = param_value(f"fukushi.furikomi.{key}", fiscal_year)
        except ParameterMissing:
            missing.append(key)
            continue
        got[field] = "" if value is None else str(value)
    if "name_kana" in got:
        got["name_kana"] = jaconv.z2h(got["name_kana"], kana=True, ascii=True, digit=True)
    return got, missing


def irainin_of(fiscal_year: int) -> Irainin | None:
    """The town's 振込依頼人, or None while any value is not set."""
    got, missing = irainin_values(fiscal_year)
    if missing or not all(got.values()):
        return None
    return Irainin(**got)
