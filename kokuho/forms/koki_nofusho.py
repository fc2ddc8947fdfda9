"""後期高齢者医療保険料 納付書 (普通徴収): one page per person and 年度 with every 期 of
普通徴収, its 納期限 and amount, from the 保険料 the 広域連合 assessed (the current
``KokiHokenryo`` and its ``KokiKibetsu``). The mass print (``kokuho.jobkinds_koki``) and
the counter's reprint (``kokuho.views.koki``) call the same function, so both give the
same page.

The official 納付書 (the 金融機関's 3連 form with its OCR line, and since 令和5年 the
地方税統一QRコード for 地方税 — not for 後期高齢者医療保険料, which is not a 地方税) was
not at hand: the items are those a 納付書 carries (納付者, 被保険者番号, 年度, 期, 納期限,
金額, 納付番号, 納付先), the placement is ours. The 納付番号 is the 収納 ledger's
(``KokiKibetsu.nofu_bango``, given when the 期別 was posted); the コンビニ収納 barcode is on
the ledger's own 納付書 (``zeimu.public.NOFUSHO_JOB`` with 税目 後期高齢者医療保険料, one slip
per 期別), which this page does not copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from juminkiroku.public import address_blocks, person_identities
from kokuho.models import ChoshuHoho, KokiHokenryo, KokiKibetsu
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.wareki import format_nendo, format_wareki

TEMPLATE = "kokuho/koki_nofusho.typ"
FORM = "koki_nofusho"
PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "宛名番号",
    "被保険者番号",
    "年度",
    "郵便番号",
    "普通徴収の期数",
    "普通徴収額",
    "最初の納期限",
]


@dataclass
class Nofusho:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def nofusho_items(rows: Sequence[KokiHokenryo]) -> list[Nofusho]:
    """The 納付書 of ``rows`` (current 保険料 with 普通徴収 期) in their order: two registry
    queries and one for the 期別, for any number."""
    ids = [h.atena_id for h in rows]
    persons = person_identities(ids)
    blocks = address_blocks(ids)
    kibetsu: dict[int, list[Any]] = {}
    for k in KokiKibetsu.objects.filter(
        hokenryo__in=[h.pk for h in rows], choshu_hoho=ChoshuHoho.FUTSU
    ).order_by("ki"):
        kibetsu.setdefault(k.hokenryo_id, []).append(k)
    out: list[Nofusho] = []
    for h in rows:
        person, block, kis = persons.get(h.atena_id), blocks.get(h.atena_id), kibetsu.get(h.pk)
        if person is None or block is None or not kis:
            continue
        total = sum(k.chotei_gaku for k in kis)
        item = {
            "postal": postal(block.postal_code),
            "address": block.jusho,
            "katagaki": block.katagaki,
            "name": person.shimei,
            "atena_no": person.atena_no,
            "bango": h.hihokensha_bango,
            "nendo": format_nendo(h.nendo),
            "nengaku": f"{h.nengaku:,}円",
            "futsu": f"{total:,}円",
            "ki": [
                {
                    "ki": f"第{k.ki}期",
                    "nokigen": format_wareki(k.nokigen),
                    "gaku": f"{k.chotei_gaku:,}円",
                    # the 収納 ledger's number of the 期別 (kokuho.services.koki_chotei):
                    # the clerk finds the 期別 by it at the counter
                    "nofu_bango": k.nofu_bango or "（未登録）",
                }
                for k in kis
            ],
        }
        out.append(
            Nofusho(
                item=item,
                csv=[
                    person.atena_no,
                    h.hihokensha_bango,
                    h.nendo,
                    block.postal_code,
                    len(kis),
                    total,
                    kis[0].nokigen.isoformat(),
                ],
                atena_ids=[h.atena_id],
            )
        )
    return out


def nofusho_render(
    items: Sequence[Nofusho], *, issuer: str, hakko_date: date, timestamp: datetime | None = None
) -> bytes:
    return render(
        TEMPLATE,
        common={
            "title": "後期高齢者医療保険料 納付書（普通徴収）",
            "issuer": issuer,
            "hakko": format_wareki(hakko_date),
            "lead": "後期高齢者医療広域連合が決めた保険料のうち、普通徴収の分を各期の納期限までに"
            "納めてください。口座振替の方は、この納付書で納める必要はありません。",
        },
        items=[n.item for n in items],
        timestamp=timestamp,
    )
