"""The town as 振込依頼人 of every 福祉 payment (児童手当, 児童扶養手当, 医療費助成の償還,
生活保護費): one set of town values ``fukushi.furikomi.*`` (fukushi/params/furikomi.yaml), read
here for every part, so a town enters its bank contract once."""

from __future__ import annotations

from tenants import furikomi
from tenants.zengin import Irainin

PREFIX = "fukushi.furikomi"
#: Irainin field → the town value's key under ``fukushi.furikomi.``
KEYS = furikomi.KEYS

NOT_SET = "振込依頼人の設定（設定 > 条例で定める値 fukushi.furikomi.*）がありません"


def irainin_values(fiscal_year: int) -> tuple[dict[str, str], list[str]]:
    """The town's values by Irainin field, and the keys it has not set
    (:func:`tenants.furikomi.irainin_values` under ``fukushi.furikomi``)."""
    return furikomi.irainin_values(PREFIX, fiscal_year)


def irainin_of(fiscal_year: int) -> Irainin | None:
    """The town's 振込依頼人, or None while any value is not set."""
    return furikomi.irainin_of(PREFIX, fiscal_year)
