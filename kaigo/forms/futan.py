"""介護保険負担割合証 (施行規則第28条の2) and 介護保険負担限度額認定証 (施行規則第83条の6),
one page per person, for the mass print (``kaigo.futan_jobs``) and the counter
(``kaigo.views.futan``): the same function and the same template (``kaigo/futan.typ``),
so a reprint is the page the print house printed.

The official 様式 were not at hand: the items printed are those the 施行規則 lists
(被保険者番号, 住所, 氏名, 生年月日, 負担の割合 and its 適用期間 / 段階, 居住費・食費の負担限度額,
有効期間, 保険者); the placement is ours. The 保険者番号 is not held yet, so only the 保険者 name is
printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from juminkiroku.public import address_blocks, person_identities
from kaigo.models import FutanWariai, GendogakuNintei, Kubun, Wari
from kaigo.rules.futan_gendogaku import DANKAI_LABELS, KYOJUHI_LABELS, SHOKUHI_LABELS
from kaigo.selectors.shikaku import bango_of
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.wareki import format_wareki

TEMPLATE = "kaigo/futan.typ"
FORM_WARIAI = "futan_wariai"
FORM_WARIAI_LABEL = "介護保険負担割合証"
FORM_GENDOGAKU = "gendogaku"
FORM_GENDOGAKU_LABEL = "介護保険負担限度額認定証"

PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "帳票",
    "宛名番号",
    "被保険者番号",
    "負担割合",
    "適用開始日",
    "適用終了日",
    "郵便番号",
    "交付年月日",
]


@dataclass
class Sho:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def _head(atena_id: int, persons: dict[int, Any], blocks: dict[int, Any]) -> dict[str, Any] | None:
    person = persons.get(atena_id)
    block = blocks.get(atena_id)
    if person is None or block is None:
        return None
    return {
        "postal": postal(block.postal_code),
        "address": block.jusho,
        "katagaki": block.katagaki,
        "name": person.shimei,
        "kana": person.shimei_kana,
        "atena_no": person.atena_no,
        "birth": format_wareki(person.birth_date),
        "_postal_code": block.postal_code,
    }


def wariai_sho(rows: Sequence[FutanWariai], *, kofu_date: date) -> list[Sho]:
    """The 負担割合証 of ``rows`` in their order: three queries for any number."""
    ids = [r.atena_id for r in rows]
    persons, blocks, numbers = person_identities(ids), address_blocks(ids), bango_of(ids)
    out: list[Sho] = []
    for r in rows:
        head = _head(r.atena_id, persons, blocks)
        if head is None:
            continue
        code = head.pop("_postal_code")
        kikan = f"{format_wareki(r.tekiyo_start)}から{format_wareki(r.tekiyo_end)}まで"
        head["rows"] = [
            ["被保険者番号", numbers.get(r.atena_id, "")],
            ["住所", head["address"] + (f"　{head['katagaki']}" if head["katagaki"] else "")],
            ["フリガナ", head["kana"]],
            ["氏名", head["name"]],
            ["生年月日", head["birth"]],
            ["被保険者の区分", Kubun(r.kubun).label],
            ["利用者負担の割合", Wari(r.wari).label],
            ["適用期間", kikan],
        ]
        head["notes"] = [
            "介護サービスを利用するときは、被保険者証と一緒にサービス事業者に提示してください。",
            "所得や世帯の状況が変わったときは、負担の割合が変わることがあります。",
        ]
        out.append(
            Sho(
                item=head,
                csv=[
                    FORM_WARIAI_LABEL,
                    head["atena_no"],
                    numbers.get(r.atena_id, ""),
                    Wari(r.wari).label,
                    r.tekiyo_start.isoformat(),
                    r.tekiyo_end.isoformat(),
                    code,
                    kofu_date.isoformat(),
                ],
                atena_ids=[r.atena_id],
            )
        )
    return out


def gendogaku_sho(rows: Sequence[GendogakuNintei], *, kofu_date: date) -> list[Sho]:
    """The 負担限度額認定証 of ``rows`` (認定 only): three queries for any number."""
    ids = [r.atena_id for r in rows]
    persons, blocks, numbers = person_identities(ids), address_blocks(ids), bango_of(ids)
    out: list[Sho] = []
    for r in rows:
        head = _head(r.atena_id, persons, blocks)
        if head is None or r.tekiyo_start is None or r.tekiyo_end is None:
            continue
        head.pop("_postal_code")
        result = r.hantei_result or {}
        kyo = result.get("kyojuhi", {})
        sho = result.get("shokuhi", {})
        head["rows"] = [
            ["被保険者番号", numbers.get(r.atena_id, "")],
            ["住所", head["address"] + (f"　{head['katagaki']}" if head["katagaki"] else "")],
            ["フリガナ", head["kana"]],
            ["氏名", head["name"]],
            ["生年月日", head["birth"]],
            ["認定年月日", format_wareki(r.kettei_date) if r.kettei_date else ""],
            ["適用年月日", format_wareki(r.tekiyo_start)],
            ["有効期限", format_wareki(r.tekiyo_end)],
            ["利用者負担段階", DANKAI_LABELS.get(r.dankai, "")],
            *(
                [f"居住費の負担限度額（{label}）", f"{kyo[k]:,}円（日額）"]
                for k, label in KYOJUHI_LABELS.items()
                if k in kyo
            ),
            *(
                [f"{label}の負担限度額", f"{sho[k]:,}円（日額）"]
                for k, label in SHOKUHI_LABELS.items()
                if k in sho
            ),
        ]
        head["notes"] = [
            "介護保険施設・短期入所を利用するときは、被保険者証と一緒に提示してください。",
        ]
        out.append(Sho(item=head, csv=[], atena_ids=[r.atena_id]))
    return out


def sho_render(
    items: Sequence[Sho],
    *,
    title: str,
    issuer: str,
    kofu_date: date,
    timestamp: datetime | None = None,
) -> bytes:
    return render(
        TEMPLATE,
        common={"title": title, "issuer": issuer, "kofu": format_wareki(kofu_date)},
        items=[s.item for s in items],
        timestamp=timestamp,
    )
