"""The town as 振込依頼人 of a module's 全銀 総合振込 files, read from the town's values.

Each paying module keeps its own set of values under a prefix (``fukushi.furikomi.*`` for the
福祉 payments, ``kokuho.furikomi.*`` for the 国保 給付, paid from the 国民健康保険特別会計's own
account): the six keys are the same, named in :data:`KEYS`. The settings screen stores NFKC text
(full-width カナ); the bank file wants half-width, converted here.
"""

from __future__ import annotations

import jaconv

from tenants.params.services import ParameterMissing, param_value
from tenants.zengin import Irainin

#: Irainin field → the town value's key under the module's prefix
KEYS = {
    "code": "irainin_code",
    "name_kana": "irainin_name",
    "bank": "shimuke_ginko",
    "shiten": "shimuke_shiten",
    "yokin_shumoku": "yokin_shumoku",
    "koza_bango": "koza_bango",
}


def irainin_values(prefix: str, fiscal_year: int) -> tuple[dict[str, str], list[str]]:
    """The town's values by Irainin field under ``prefix`` (e.g. ``"kokuho.furikomi"``), and
    the keys it has not set."""
    got: dict[str, str] = {}
    missing: list[str] = []
    for field, key in KEYS.items():
        try:
            value = param_value(f"{prefix}.{key}", fiscal_year)
        except ParameterMissing:
            missing.append(key)
            continue
        got[field] = "" if value is None else str(value)
    if "name_kana" in got:
        got["name_kana"] = jaconv.z2h(got["name_kana"], kana=True, ascii=True, digit=True)
    return got, missing


def irainin_of(prefix: str, fiscal_year: int) -> Irainin | None:
    """The town's 振込依頼人 under ``prefix``, or None while any value is not set."""
    got, missing = irainin_values(prefix, fiscal_year)
    if missing or not all(got.values()):
        return None
    return Irainin(**got)
