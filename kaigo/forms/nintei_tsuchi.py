"""要介護認定等結果通知書 (介護保険法第27条第7項・第9項, 第32条第6項: the result, its
有効期間 and the 審査会's 意見 are notified; the 被保険者証 is returned with them written
in), one page per decided 申請, on the shared print path (Typst).

The official 様式 of the notice is each town's own (no national 様式 is prescribed that we
could find): the items are those the law names; the placement is ours. A 非該当 says so
and gives the 審査請求 notice (行政不服審査法第18条: 3 months, to the 介護保険審査会 of the
prefecture, 介護保険法第183条).
"""

from __future__ import annotations

from datetime import date

from juminkiroku.public import address_blocks, person_identities
from kaigo.models import Nintei, ShinseiKubun, YokaigoKubun
from kaigo.selectors.shikaku import bango_of
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.wareki import format_wareki

TEMPLATE = "kaigo/nintei_kekka.typ"
FORM_LABEL = "要介護認定等結果通知書"


def kekka_tsuchi_render(nintei: Nintei, *, issuer: str, hakko_date: date) -> bytes | None:
    """The notice of one decision, or None when the person is not in the registry."""
    a = nintei.atena_id
    person = person_identities([a]).get(a)
    block = address_blocks([a]).get(a)
    if person is None or block is None:
        return None
    s = nintei.shinsei
    start, end = nintei.yuko_start, nintei.yuko_end
    gaito = nintei.is_gaito and start is not None and end is not None
    item = {
        "postal": postal(block.postal_code),
        "address": block.jusho,
        "katagaki": block.katagaki,
        "name": person.shimei,
        "atena_no": person.atena_no,
        "bango": bango_of([a]).get(a, ""),
        "shinsei_kubun": ShinseiKubun(s.shinsei_kubun).label,
        "shinsei_date": format_wareki(s.shinsei_date),
        "kettei_date": format_wareki(nintei.kettei_date),
        "kubun": YokaigoKubun(nintei.yokaigo_kubun).label,
        "kikan": (
            f"{format_wareki(start)}から{format_wareki(end)}まで"
            if start is not None and end is not None and gaito
            else "―"
        ),
        "nintei_date": format_wareki(start) if start is not None and gaito else "―",
        "iken": nintei.shinsakai_iken or "なし",
        "higaito": not gaito,
    }
    return render(
        TEMPLATE,
        common={"title": FORM_LABEL, "issuer": issuer, "hakko": format_wareki(hakko_date)},
        items=[item],
    )
