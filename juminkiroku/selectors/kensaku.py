"""検索履歴 (標準仕様書 2.1.1) of one user, for the search screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from juminkiroku.codes import IdoJiyu, Sex, Zokugara
from juminkiroku.models import KensakuRireki
from juminkiroku.selectors.search import MATCH_MODES, MINYURYOKU
from tenants.wareki import format_wareki

LABELS = {
    "kana": "カナ氏名",
    "name": "氏名",
    "birth_date": "生年月日",
    "address": "住所",
    "atena_no": "宛名番号",
    "juminhyo_code": "住民票コード",
    "zairyu_card_no": "在留カード等番号",
    "setai_no": "世帯番号",
    "kyuuji": "旧氏",
    "tsusho": "通称",
    "sex": "性別",
    "shojo_jiyu": "消除事由",
    "zokugara": "続柄",
    "jusho_code": "住所コード",
    "katagaki": "方書",
    "minyuryoku": "未入力の項目",
    "include_johyo": "除票・住登外を含む",
    "include_rireki": "過去の履歴も検索",
    "match": "一致の方法",
}


@dataclass(frozen=True)
class HistoryEntry:
    pk: int
    summary: str  # in words, for the screen
    used_at: Any


def _words(key: str, value: Any) -> str:
    if key == "birth_date":
        try:
            return format_wareki(date.fromisoformat(value))
        except ValueError:
            return str(value)  # as typed (和暦, or a year or month of birth)
    if key == "sex":
        return str(Sex(value).label)
    if key == "shojo_jiyu":
        return str(IdoJiyu(value).label)
    if key == "zokugara":
        return str(Zokugara(value).label)
    if key == "minyuryoku":
        return MINYURYOKU.get(value, value)
    if key == "match":
        return MATCH_MODES.get(value, value)
    if key in ("include_johyo", "include_rireki"):
        return "はい"
    return str(value)


def kensaku_rireki_of(user_id: int | None, *, limit: int = 20) -> list[HistoryEntry]:
    if user_id is None:
        return []
    rows = KensakuRireki.objects.filter(user_id=user_id).order_by("-used_at", "-id")[:limit]
    return [
        HistoryEntry(
            pk=r.pk,
            summary="、".join(
                f"{label}: {_words(k, r.criteria[k])}"
                for k, label in LABELS.items()  # jsonb keeps no key order: the screen's
                if k in r.criteria
            ),
            used_at=r.used_at,
        )
        for r in rows
    ]


def kensaku_rireki_criteria(user_id: int | None, pk: Any) -> dict[str, Any] | None:
    """The criteria of one of the user's own entries; None for anyone else's."""
    if user_id is None:
        return None
    try:
        row = KensakuRireki.objects.filter(user_id=user_id, pk=int(pk)).first()
    except (TypeError, ValueError):
        return None
    return dict(row.criteria) if row is not None else None
