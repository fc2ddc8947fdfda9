"""高額障害福祉サービス等給付費 支給（却下）決定通知書 (SG-87) on the shared print path
(``tenants.printing.engine``), in the one-page notice layout of the 手当's 通知書
(``fukushi/shogai_teate_tsuchi.typ``: title, 文例, rows, addressee, 教示). The official 様式
of a town was not at hand: the items are those the decision has (対象年月, 合算した利用者負担,
合算額, 基準額, 支給額, 支払の口座 or the reason of the 却下); the placement is ours.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fukushi.models.kogaku import KogakuJotai, KogakuShinsei
from fukushi.services.jogen_kanri import nengetsu
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

TEMPLATE = "fukushi/shogai_teate_tsuchi.typ"
TITLE = "高額障害福祉サービス等給付費 支給決定通知書"
KYAKKA_TITLE = "高額障害福祉サービス等給付費 却下決定通知書"
KYOJI = (
    "この処分に不服がある場合は、この処分があったことを知った日の翌日から起算して3か月以内に、"
    "都道府県知事に対して審査請求をすることができます（障害者総合支援法第97条、"
    "行政不服審査法第18条）。"
)


def tsuchi_item(s: KogakuShinsei, *, tsuchi_date: date) -> dict[str, Any]:
    """The notice of one decided application (支給 or 却下)."""
    if s.jotai not in (KogakuJotai.KETTEI, KogakuJotai.KYAKKA, KogakuJotai.SHIHARAI):
        raise ValueError("決定していない申請の通知書は作れません。")
    a = s.shinseisha_atena_id
    p, b = person_identities([a]).get(a), address_blocks([a]).get(a)
    meisai = [
        f"{m.naiyo} {m.gaku:,}円" + ("" if m.gassan else "（合算しない）")
        for m in s.meisai.order_by("junban")
    ]
    rows = [
        ["対象年月", nengetsu(s.taisho_ym)],
        ["申請日", format_wareki(s.shinsei_date)],
        *[["利用者負担", m] for m in meisai],
        ["合算額", f"{s.gassan:,}円"],
        ["世帯の基準額", f"{s.kijungaku:,}円"],
    ]
    if s.jotai == KogakuJotai.KYAKKA:
        title = KYAKKA_TITLE
        bunrei = (
            f"{nengetsu(s.taisho_ym)}分の高額障害福祉サービス等給付費の申請について、"
            "次のとおり支給しないことに決定したので通知します。"
        )
        rows.append(["却下の理由", s.kyakka_riyu])
    else:
        title = TITLE
        bunrei = (
            f"{nengetsu(s.taisho_ym)}分の高額障害福祉サービス等給付費を次のとおり支給することに"
            "決定したので通知します。支給額は指定の口座に振り込みます。"
        )
        rows += [
            ["支給額", f"{s.shikyu_gaku:,}円"],
            ["振込先", f"金融機関 {s.kinyu_kikan} 支店 {s.shiten} 口座番号 {s.koza_bango}"],
        ]
    return {
        "title": title,
        "bunrei": bunrei,
        "rows": rows,
        "name": p.shimei if p else "",
        "postal": postal(b.postal_code) if b else "",
        "address": (b.jusho + (" " + b.katagaki if b.katagaki else "")) if b else "",
        "tsuchi_date": format_wareki(tsuchi_date),
        "kyoji": KYOJI,
    }


def tsuchi_render(s: KogakuShinsei, *, tsuchi_date: date) -> bytes:
    return render(
        TEMPLATE,
        common={"title": TITLE, "issuer": issuer_name()},
        items=[tsuchi_item(s, tsuchi_date=tsuchi_date)],
    )
