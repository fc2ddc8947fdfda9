"""The 住基ネット part of the person screen: card status (標準仕様書 7.1.1.3) and the
住民票コード通知票 (4.3.3). Reads only the person's own rows (the screen logs the read)."""

from __future__ import annotations

from typing import Any

from django import template

from juminkiroku.models import CardJokyo, CsSoshin, CsYokyu, Sofusaki
from juminkiroku.models.cs import CardShurui, SoshinKind

register = template.Library()


@register.simple_tag
def cs_cards(atena_id: int) -> list[dict[str, Any]]:
    """One row per card kind, in words: 「交付済（令和6年10月1日）」 or 「情報なし」."""
    found = {c.shurui: c for c in CardJokyo.objects.filter(atena_id=atena_id)}
    return [{"label": label, "card": found.get(code)} for code, label in CardShurui.choices]


@register.simple_tag
def cs_person(atena_id: int) -> dict[str, Any]:
    """The 送付先 (居所) set, the last 送付先情報 sent (7.1.1.4) and the last requests
    (符号, シリアル番号: 7.1.2.2, 7.1.2.4) of one person."""
    return {
        "kyosho": Sofusaki.objects.filter(atena_id=atena_id).first(),
        "sofusaki": list(
            CsSoshin.objects.filter(atena_id=atena_id, kind=SoshinKind.SOFUSAKI).order_by("-id")[:5]
        ),
        "yokyu": list(CsYokyu.objects.filter(atena_id=atena_id).order_by("-id")[:5]),
    }
