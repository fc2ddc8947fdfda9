"""心身障害者医療 受給者証, one card per page, on the shared print path
(``tenants.printing.engine``, Typst template ``fukushi/shinshin_jukyushasho.typ``).

The card is shown at the clinic: it carries the 受給者番号, 氏名, 生年月日 (和暦), the
有効期間 and the kind of 手帳 that is its 根拠 — not the 等級 or 部位 (the clinic needs to know
the card is valid, not the disability's detail). The official 様式 of each town was not at
hand: the placement is ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fukushi.models import ShinshinJukyusha
from fukushi.rules.shogai_techo import KIND_LABELS
from juminkiroku.public import person_identities
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

TEMPLATE = "fukushi/shinshin_jukyushasho.typ"
TITLE = "心身障害者医療費助成 受給者証"


def card_items(rows: Sequence[ShinshinJukyusha]) -> list[dict[str, Any]]:
    names = person_identities(j.atena_id for j in rows)
    out: list[dict[str, Any]] = []
    for j in rows:
        p = names.get(j.atena_id)
        out.append(
            {
                "bango": j.jukyusha_bango,
                "name": p.shimei if p else "",
                "birth": format_wareki(p.birth_date) if p else "",
                "kikan": f"{format_wareki(j.yuko_kaishi)}から{format_wareki(j.yuko_shuryo)}まで",
                "konkyo": KIND_LABELS[j.techo.kind],
            }
        )
    return out


def card_render(rows: Sequence[ShinshinJukyusha], *, hakko: date) -> bytes:
    return render(
        TEMPLATE,
        common={"title": TITLE, "issuer": issuer_name(), "hakko": format_wareki(hakko)},
        items=card_items(rows),
    )
