"""介護保険被保険者証 (介護保険法第12条第3項, 施行規則第26条: 様式第一号), one page per
insured person, for the mass print (``kaigo.printjobs``) and the one-at-a-time print at
the counter (``kaigo.views``), from the same template and the same function, so both give
the same page.

The 様式第一号 itself (its ruled layout) was not at hand: the items printed are those of
its front side (被保険者番号, 住所, フリガナ, 氏名, 生年月日, 性別, 交付年月日, 保険者);
the back prints the 要介護状態区分, 認定年月日 and 有効期間 of the 認定 in effect on the
交付日 (``kaigo.forms.nintei_ura``), else 「認定なし」; 支給限度額 and 給付制限 are not held
yet (給付 is not built). The 保険者番号 is not held yet (a town setting to add),
so only the 保険者 name is printed. The placement is ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from juminkiroku.public import address_blocks, person_identities
from kaigo.forms.nintei_ura import ura_items
from kaigo.models import Kubun, Shikaku
from kaigo.selectors.shikaku import bango_of
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.wareki import format_wareki

TEMPLATE = "kaigo/hihokenshasho.typ"
FORM = "hihokenshasho"
FORM_LABEL = "介護保険被保険者証"

PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "帳票",
    "宛名番号",
    "被保険者番号",
    "被保険者区分",
    "郵便番号",
    "交付年月日",
]


@dataclass
class Card:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def cards(periods: Sequence[Shikaku], *, kofu_date: date) -> list[Card]:
    """The cards of ``periods`` in their order: three queries for any number."""
    ids = [s.atena_id for s in periods]
    persons = person_identities(ids)
    blocks = address_blocks(ids)
    numbers = bango_of(ids)
    ura = ura_items(ids, kofu_date)
    out: list[Card] = []
    for s in periods:
        person = persons.get(s.atena_id)
        block = blocks.get(s.atena_id)
        if person is None or block is None:
            continue
        item = {
            "postal": postal(block.postal_code),
            "address": block.jusho,
            "katagaki": block.katagaki,
            "name": person.shimei,
            "kana": person.shimei_kana,
            "atena_no": person.atena_no,
            "sex": person.sex,
            "birth": format_wareki(person.birth_date),
            "bango": numbers.get(s.atena_id, ""),
            "kubun": Kubun(s.kubun).label,
            "shutoku": format_wareki(s.shutoku_date),
            **ura[s.atena_id],
        }
        out.append(
            Card(
                item=item,
                csv=[
                    FORM_LABEL,
                    person.atena_no,
                    item["bango"],
                    item["kubun"],
                    block.postal_code,
                    kofu_date.isoformat(),
                ],
                atena_ids=[s.atena_id],
            )
        )
    return out


def cards_render(
    items: Sequence[Card], *, issuer: str, kofu_date: date, timestamp: datetime | None = None
) -> bytes:
    return render(
        TEMPLATE,
        common={
            "title": FORM_LABEL,
            "issuer": issuer,
            "hokensha": f"保険者　{issuer}",
            "kofu": format_wareki(kofu_date),
        },
        items=[c.item for c in items],
        timestamp=timestamp,
    )
