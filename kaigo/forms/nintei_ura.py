"""The 要介護認定 items of the 介護保険被保険者証's back side (要介護状態区分等, 認定年月日,
認定の有効期間), for ``kaigo.forms.hihokenshasho`` and ``kaigo.public``: the 認定 in effect on
the 交付日, else 「認定なし」 (a 非該当, an ended or a lapsed 認定 prints nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kaigo.models import YokaigoKubun
from kaigo.selectors.nintei import nintei_current_many
from tenants.wareki import format_wareki

NASHI = {"nintei_kubun": "認定なし", "nintei_date": "―", "nintei_kikan": "―"}


def ura_items(atena_ids: Iterable[int], day: date) -> dict[int, dict[str, str]]:
    """atena_id → the back side's 認定 items on ``day`` (one query for any number)."""
    ids = list(atena_ids)
    out = {a: dict(NASHI) for a in ids}
    for a, n in nintei_current_many(ids, day).items():
        stopped = n.shuryo_date is not None and n.shuryo_date <= day
        if (
            not n.is_gaito
            or n.yuko_start is None
            or n.yuko_end is None
            or stopped
            or not n.yuko_start <= day <= n.yuko_end
        ):
            continue
        out[a] = {
            "nintei_kubun": YokaigoKubun(n.yokaigo_kubun).label,
            "nintei_date": format_wareki(n.yuko_start),
            "nintei_kikan": f"{format_wareki(n.yuko_start)}から{format_wareki(n.yuko_end)}まで",
        }
    return out
