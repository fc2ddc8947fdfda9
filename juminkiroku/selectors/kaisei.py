"""改製 (標準仕様書 1.1.4): the days a person's 住民票 was rewritten, and what it replaced.

A 改製 or 再製 (``KAISEI_IDO``) is a 異動 like any other: it closes the current version and
opens a copy of it. The versions closed up to a 改製 (back to the previous one) are that
改製's 改製原住民票; they stay in ``AtenaRireki`` and are read like any history. A cancelled
改製 (取消) is not one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from juminkiroku.codes import KAISEI_IDO, IdoStatus
from juminkiroku.models import AtenaRireki


@dataclass(frozen=True)
class KaiseiRecord:
    ido_id: int
    jiyu: str
    kaisei_date: date
    genpyo_rireki_ids: tuple[int, ...]  # the 改製原住民票's versions, oldest first


def kaisei_history(atena_id: int) -> list[KaiseiRecord]:
    """The 改製・再製 of one person, oldest first, with their 改製原住民票."""
    versions = list(
        AtenaRireki.objects.filter(atena_id=atena_id, superseded=False)
        .select_related("ido")
        .order_by("valid_from", "id")
    )
    out: list[KaiseiRecord] = []
    since = 0
    for i, v in enumerate(versions):
        if v.ido.jiyu in KAISEI_IDO and v.ido.status == IdoStatus.HON:
            gen = tuple(x.pk for x in versions[since:i])
            out.append(KaiseiRecord(v.ido_id, v.ido.jiyu, v.valid_from, gen))
            since = i
    return out
