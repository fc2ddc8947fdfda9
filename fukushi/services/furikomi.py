"""The town as 振込依頼人 of every 福祉 payment (児童手当, 児童扶養手当, 医療費助成の償還,
生活保護費): one set of town values ``fukushi.furikomi.*`` (fukushi/params/furikomi.yaml), read
here for every part, so a town enters its bank contract once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from tenants import furikomi
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.zengin import FurikomiLine, Irainin

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


def seal_run(
    run: Any,
    file: Callable[[Any], bytes],
    *,
    actor: Actor,
    gyomu: str,
    screen: str,
    lines: Sequence[FurikomiLine] | None = None,
    count: int | None = None,
) -> None:
    """Close a payment run (any ``…Shiharai`` row with ``furikomi_sha256``): with ``lines``,
    its 件数 and 合計 from them; the SHA-256 of its 全銀 file (``file(run)``) so the file given
    to the bank later is provably the one made; and one access-log row for the run
    (``count`` rows, else the run's 件数)."""
    fields = ["furikomi_sha256"]
    if lines is not None:
        run.kensu = len(lines)
        run.gokei = sum(ln.amount for ln in lines)
        fields = ["kensu", "gokei", "furikomi_sha256"]
    run.furikomi_sha256 = hashlib.sha256(file(run)).hexdigest()
    run.save(update_fields=fields)
    access_record(
        action=AccessAction.JOB,
        actor=actor,
        gyomu=gyomu,
        screen=screen,
        record_type=f"fukushi.{type(run).__name__}",
        record_id=run.pk,
        record_count=count if count is not None else run.kensu,
    )
