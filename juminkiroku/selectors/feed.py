"""The linkage feed (標準仕様書 7.1 / 7.2): what changed since a cursor, and full pages.

Other modules, the 住基ネット CS and external systems poll ``changes_after(seq)`` and keep
the last ``seq`` they processed. RenkeiChange rows are written in the 本登録 transaction
under a per-schema advisory lock (juminkiroku.services.ido), so rows become visible in
``seq`` order: a row with a higher ``seq`` is never visible before a lower one, and a
cursor neither skips nor repeats a change. A change is visible as soon as its 本登録
commits.

``kojin_bango`` is left out unless the caller says it may have it (``with_kojin_bango``);
the API grants that only to API clients holding the scope ``jukinet_renkei:kojin_bango``
(番号法 第19条: 個人番号 is provided only to the 事務 that are entitled to it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from juminkiroku.models import PERSON_FIELD_NAMES, Atena, AtenaRireki, RenkeiChange

FEED_MAX_LIMIT = 1000
FULL_PAGE_MAX = 1000

# The version fields sent; setai_id goes out as the household's number too.
_FIELDS = tuple(n for n in PERSON_FIELD_NAMES if n != "kojin_bango")


def _value(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def person_data(obj: Atena | AtenaRireki, *, with_kojin_bango: bool) -> dict[str, Any]:
    data = {n: _value(getattr(obj, n)) for n in _FIELDS}
    data["setai_no"] = obj.setai.setai_no if obj.setai_id and obj.setai else ""
    if with_kojin_bango:
        data["kojin_bango"] = obj.kojin_bango
    return data


def changes_after(after: int, limit: int) -> list[RenkeiChange]:
    """At most ``limit`` changes with ``seq > after``, in ``seq`` order."""
    limit = max(1, min(int(limit), FEED_MAX_LIMIT))
    return list(
        RenkeiChange.objects.filter(seq__gt=after)
        .select_related("atena", "ido", "rireki", "rireki__setai")
        .order_by("seq")[:limit]
    )


def change_data(change: RenkeiChange, *, with_kojin_bango: bool) -> dict[str, Any]:
    rireki = change.rireki
    return {
        "seq": change.seq,
        "atena_id": change.atena_id,
        "atena_no": change.atena.atena_no,
        "ido_id": change.ido_id,
        "ido_no": change.ido.ido_no,
        "jiyu": change.jiyu,
        "ido_date": change.ido_date.isoformat(),
        "at": change.at.isoformat(),
        # None when the 異動 removed the person from the registry (取消 of the 記載).
        "version": (
            None
            if rireki is None
            else {
                "rireki_id": rireki.pk,
                "valid_from": rireki.valid_from.isoformat(),
                "valid_to": rireki.valid_to.isoformat() if rireki.valid_to else None,
                "superseded": rireki.superseded,
                **person_data(rireki, with_kojin_bango=with_kojin_bango),
            }
        ),
    }


def full_page(page_after_id: int, limit: int = FULL_PAGE_MAX) -> list[Atena]:
    """Every person's current state, ``limit`` at a time, in ``Atena.pk`` order."""
    limit = max(1, min(int(limit), FULL_PAGE_MAX))
    return list(
        Atena.objects.filter(pk__gt=page_after_id).select_related("setai").order_by("pk")[:limit]
    )


def atena_data(atena: Atena, *, with_kojin_bango: bool) -> dict[str, Any]:
    return {
        "atena_id": atena.pk,
        "atena_no": atena.atena_no,
        "version": atena.version,
        **person_data(atena, with_kojin_bango=with_kojin_bango),
    }
