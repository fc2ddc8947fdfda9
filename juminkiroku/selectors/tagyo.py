"""他業務照会 (標準仕様書 7.2.2): one person's items of every other 業務, in words.

For each 業務 the latest registration wins: a module of the product that provides it
(tenants.tagyo, asked now, in a town that subscribes to it) is the holding system itself;
else the row the outside system last sent (``TagyoJoho``). The card item comes from the
card status the CS reported (``CardJokyo``, 7.1.1.3). Dates are 和暦, codes words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from juminkiroku.models import CardJokyo, TagyoJoho, TagyoJohoRireki
from juminkiroku.models.cs import CardJotai
from juminkiroku.models.tagyo import TagyoKubun
from juminkiroku.rules.tagyo import item_label
from tenants import tagyo
from tenants.labels import wareki_date, wareki_month

# 一時停止 is still a card in the person's hands; 未交付 and 廃止・返納 are not.
CARD_HELD = {CardJotai.KOFU, CardJotai.TEISHI}
CS_SHUTSUSHO = "住基ネット（CSのカード管理状況）"


@dataclass(frozen=True)
class TagyoLine:
    kind: str
    label: str
    items: list[tuple[str, str]]
    shutsusho: str
    koshin_at: datetime | None
    has_data: bool
    editable: bool
    kubun: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)


def value_words(item: str, value: Any) -> str:
    if item == "gaito":
        return {True: "あり", False: "なし"}.get(value, "情報なし")
    if value in (None, ""):
        return "（なし）"
    if item == "nenkin_shubetsu":
        return tagyo.NENKIN_SHUBETSU.get(str(value), str(value))
    if item in tagyo.MONTH_ITEMS:
        return wareki_month(value)
    if item in tagyo.DATE_ITEMS:
        return wareki_date(value)
    return str(value)


def _items(kind: str, source: Any) -> list[tuple[str, str]]:
    get = source.get if isinstance(source, dict) else lambda n: getattr(source, n)
    return [(item_label(kind, n), value_words(n, get(n))) for n in tagyo.KIND_ITEMS[kind]]


def _history(rows: list[TagyoJohoRireki], kind: str) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        changes = [
            (item_label(kind, n), value_words(n, r.before.get(n)), value_words(n, r.after.get(n)))
            for n in tagyo.KIND_ITEMS[kind]
            if r.before.get(n) != r.after.get(n)
        ]
        out.append(
            {
                "at": r.changed_at,
                "shutsusho": r.shutsusho,
                "kubun": TagyoKubun(r.kubun).label,
                "reason": r.reason,
                "changes": changes,
            }
        )
    return out


def _card(atena_id: int) -> TagyoLine:
    cards = list(CardJokyo.objects.filter(atena_id=atena_id))
    if not cards:
        gaito: bool | None = None
        at = None
    else:
        gaito = any(c.jotai in CARD_HELD for c in cards)
        at = max(c.updated_at for c in cards)
    return TagyoLine(
        kind=tagyo.CARD,
        label=tagyo.KIND_LABELS[tagyo.CARD],
        items=[(item_label(tagyo.CARD, "gaito"), value_words("gaito", gaito))],
        shutsusho=CS_SHUTSUSHO if cards else "",
        koshin_at=at,
        has_data=bool(cards),
        editable=False,
    )


def tagyo_lines(atena_id: int) -> list[TagyoLine]:
    """Every 業務 of 7.2.2 in the standard's order, with its source and update time."""
    provided = tagyo.tagyo_lookup([atena_id])
    stored = {j.kind: j for j in TagyoJoho.objects.filter(atena_id=atena_id)}
    history: dict[str, list[TagyoJohoRireki]] = {}
    for r in TagyoJohoRireki.objects.filter(atena_id=atena_id).order_by("-changed_at", "-id"):
        history.setdefault(r.kind, []).append(r)
    lines: list[TagyoLine] = []
    for kind in tagyo.KINDS:
        if kind == tagyo.CARD:
            lines.append(_card(atena_id))
            continue
        status = provided.get(kind, {}).get(atena_id)
        label = tagyo.KIND_LABELS[kind]
        hist = _history(history.get(kind, []), kind)
        if kind in provided:
            # A module of the product holds this 業務 in the town: its data is the truth,
            # and it is corrected there, not here.
            lines.append(
                TagyoLine(
                    kind=kind,
                    label=label,
                    items=_items(kind, status) if status else _items(kind, {}),
                    shutsusho=(status.shutsusho if status else "") or label,
                    koshin_at=status.koshin_at if status else None,
                    has_data=status is not None,
                    editable=False,
                    kubun="本システムの業務（照会時点の情報）",
                    history=hist,
                )
            )
            continue
        joho = stored.get(kind)
        lines.append(
            TagyoLine(
                kind=kind,
                label=label,
                items=_items(kind, joho if joho is not None else {}),
                shutsusho=joho.shutsusho if joho else "",
                koshin_at=joho.updated_at if joho else None,
                has_data=joho is not None,
                editable=True,
                kubun=TagyoKubun(joho.kubun).label if joho else "",
                history=hist,
            )
        )
    return lines


def stored_values(atena_id: int, kind: str) -> dict[str, Any]:
    """The stored items of one 業務 (for the correction form's initial values)."""
    joho = TagyoJoho.objects.filter(atena_id=atena_id, kind=kind).first()
    if joho is None:
        return {}
    return {n: getattr(joho, n) for n in tagyo.ITEMS}
