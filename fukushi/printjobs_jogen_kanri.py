"""利用者負担上限額管理結果票 (SG-86) on the shared print path (``tenants.printing.engine``): one
month's result of one 受給者 (fukushi/jogen_kanri_kekka.typ). The official 様式 (the 国保連's
上限額管理結果票) was not at hand: the items are those the 結果票 is described with (提供年月,
受給者証番号, 支給決定障害者等・児童の氏名, 上限月額, 管理事業所, 管理結果, per 事業所 総費用額 /
利用者負担額 / 管理結果後利用者負担額, 合計); the placement is ours.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fukushi.models.jogen_kanri import JogenKanriKekka, JogenKanriKubun
from fukushi.models.tsusho import TsushoKettei
from fukushi.services.jogen_kanri import Jukyusha, jukyusha_get, nengetsu
from juminkiroku.public import person_identities
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

KEKKAHYO = "fukushi/jogen_kanri_kekka.typ"
TITLE = "利用者負担上限額管理結果票"


def _yen(v: int | None) -> str:
    return "" if v is None else f"{v:,}円"


def kekkahyo_item(kekka: JogenKanriKekka) -> dict[str, Any]:
    j: Jukyusha = jukyusha_get(kekka.seido, kekka.kettei_id)
    k = j.kettei
    people = person_identities(j.atena_ids)
    p = people.get(k.atena_id)
    if isinstance(k, TsushoKettei):
        h = people.get(k.hogosha_atena_id)
        names = [
            ["支給決定保護者氏名", h.shimei if h else ""],
            ["障害児氏名", p.shimei if p else ""],
        ]
    else:
        names = [["支給決定障害者氏名", p.shimei if p else ""]]
    meisai = list(kekka.meisai.order_by("junban"))
    return {
        "seido": j.seido_label,
        "ym": nengetsu(kekka.teikyo_ym),
        "bango": k.jukyusha_bango,
        "names": names,
        "jogen": _yen(kekka.jogen),
        "kanri": f"{kekka.jigyosho_mei}（事業所番号 {kekka.jigyosho_bango}）",
        "kekka": f"{kekka.kekka}　{JogenKanriKubun(kekka.kekka).label}",
        "rows": [
            [
                str(m.junban),
                m.jigyosho_bango,
                m.jigyosho_mei + ("（管理事業所）" if m.kanri else ""),
                _yen(m.sohiyo),
                _yen(m.futan_santei),
                _yen(m.futan_kettei),
            ]
            for m in meisai
        ],
        "gokei": [
            _yen(sum(m.sohiyo for m in meisai)),
            _yen(sum(m.futan_santei for m in meisai)),
            _yen(sum(m.futan_kettei for m in meisai)),
        ],
        "konkyo": [str(r) for r in kekka.konkyo],
    }


def kekkahyo_render(kekka: JogenKanriKekka, *, sakusei: date) -> bytes:
    return render(
        KEKKAHYO,
        common={"title": TITLE, "issuer": issuer_name(), "sakusei": format_wareki(sakusei)},
        items=[kekkahyo_item(kekka)],
    )
