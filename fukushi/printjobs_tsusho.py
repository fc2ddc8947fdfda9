"""障害児通所支援 documents on the shared print path (``tenants.printing.engine``): the 通所受給者証
of a decision in force (fukushi/tsusho_jukyushasho.typ), one PDF from its screen. The official 様式
(児童福祉法施行規則の様式) was not at hand: the items are those such a certificate carries, the
placement is ours; the 無償化 period is printed as several towns say they do (糸満市).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fukushi.models.jogen_kanri import JogenSeido
from fukushi.models.tsusho import TsushoKettei
from fukushi.rules.tsusho import KUBUN_LABELS
from fukushi.services.jogen_kanri import kanri_words
from fukushi.services.tsusho import service_kinds
from juminkiroku.public import person_identities
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

JUKYUSHASHO = "fukushi/tsusho_jukyushasho.typ"
TITLE = "通所受給者証"


def jukyushasho_item(k: TsushoKettei) -> dict[str, Any]:
    people = person_identities([k.atena_id, k.hogosha_atena_id])
    p, h = people.get(k.atena_id), people.get(k.hogosha_atena_id)
    assert k.kikan_kaishi is not None and k.kikan_shuryo is not None
    kinds = service_kinds(k.kikan_kaishi)
    return {
        "bango": k.jukyusha_bango,
        "name": p.shimei if p else "",
        "birth": format_wareki(p.birth_date) if p else "",
        "hogosha": h.shimei if h else "",
        "kikan": f"{format_wareki(k.kikan_kaishi)}から{format_wareki(k.kikan_shuryo)}まで",
        "jogen": f"{k.futan_jogen or 0:,}円（{KUBUN_LABELS.get(k.futan_kubun, '')}）",
        "mushoka": (
            f"{format_wareki(k.mushoka_kaishi)}から{format_wareki(k.mushoka_shuryo)}まで"
            "（この間の利用者負担は0円）"
            if k.mushoka_kaishi and k.mushoka_shuryo
            else "なし"
        ),
        "services": [
            [str(kinds.get(s.service, {}).get("name", s.service)), f"{s.shikyu_ryo}日/月"]
            for s in k.services.order_by("id")
        ],
    }


def jukyushasho_render(k: TsushoKettei, *, hakko: date) -> bytes:
    return render(
        JUKYUSHASHO,
        common={"title": TITLE, "issuer": issuer_name(), "hakko": format_wareki(hakko)},
        items=[{**jukyushasho_item(k), "kanri": kanri_words(JogenSeido.TSUSHO, k, hakko)}],
    )
