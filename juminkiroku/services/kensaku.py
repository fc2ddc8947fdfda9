"""検索履歴 (標準仕様書 2.1.1): record the criteria of a search for the user who ran it.

The same criteria again only moves the entry to the top; past ``KEEP`` entries the oldest
go. 個人番号 is never kept in a history (a search by it is not recorded); the other
criteria are what the user typed, stored in the town's schema and shown only to them.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.models import KensakuRireki
from juminkiroku.selectors.search import SearchCriteria

KEEP = 20  # 2.1.1 「一定の件数」: a parameter, not a law figure
NOT_KEPT = ("kojin_bango",)


def history_criteria(criteria: SearchCriteria) -> dict[str, Any]:
    """The criteria as a POST body would give them, without empty values."""
    out: dict[str, Any] = {}
    if criteria.birth_date:
        out["birth_date"] = criteria.birth_date.isoformat()
    elif criteria.birth_range:
        out["birth_date"] = criteria.birth_text  # a year or a month, as typed
    for key, value in asdict(criteria).items():
        if key in ("birth_date", "birth_range", "birth_text"):
            continue
        if key in NOT_KEPT or value in ("", None, False) or (key, value) == ("match", "prefix"):
            continue
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def kensaku_rireki_record(*, user_id: int | None, criteria: SearchCriteria) -> None:
    data = history_criteria(criteria)
    if user_id is None or not (set(data) - {"sex", "include_johyo", "include_rireki", "match"}):
        return
    with transaction.atomic(durable=True):
        now = timezone.now()
        updated = KensakuRireki.objects.filter(user_id=user_id, criteria=data).update(used_at=now)
        if not updated:
            KensakuRireki.objects.create(user_id=user_id, criteria=data, used_at=now)
        stale = KensakuRireki.objects.filter(user_id=user_id).order_by("-used_at", "-id")[KEEP:]
        KensakuRireki.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
