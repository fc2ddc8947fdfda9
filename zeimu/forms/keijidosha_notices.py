"""軽自動車税（種別割）納税通知書: the data of each notice, formatted for print, and the one
rendering call.

The mass print (``zeimu.keijidosha_printjobs``) and the single print
(``zeimu.views.keijidosha``) both call :func:`kei_notice_render`, so a reprint is the page
the print house printed. One notice per vehicle, to the taxpayer (the owner, or the user
under 所有権留保), with the 納付番号 the 収納 ledger gave its 期. Amounts get commas and
dates 和暦 here; the template only places text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from juminkiroku.public import address_blocks
from tenants.printing.engine import render
from tenants.wareki import format_nendo, format_wareki
from zeimu.forms.notices import Issuer, Notice, kosei_nouki_text, kyoji, postal, yen
from zeimu.models import KeiFuka

NOTICE_TEMPLATE = "zeimu/keijidosha_notice.typ"
FORM_KEI = "keijidosha"

PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "帳票",
    "通知書番号",
    "宛名番号",
    "郵便番号",
    "住所",
    "方書",
    "宛名",
    "標識番号",
    "種別",
    "年税額",
    "納期限",
    "納付番号",
]


def _shodo(d: date | None) -> str:
    if d is None:
        return "—"
    text = format_wareki(d)
    return text.rsplit("月", 1)[0] + "月" if "月" in text else text


def kei_notices(fukas: Sequence[KeiFuka]) -> list[Notice]:
    """The notices of ``fukas`` (with ``sharyo`` selected) in their order; one query for
    the address blocks."""
    blocks = address_blocks(f.nozeisha_id for f in fukas)
    out = []
    for f in fukas:
        s = f.sharyo
        block = blocks[f.nozeisha_id]
        tsuchi_no = f"J{f.fiscal_year}-{f.pk:08d}"
        ki: dict[str, Any] = (
            f.kibetsu[0] if f.kibetsu else {"label": "全期", "amount": 0, "due": ""}
        )
        due = format_wareki(date.fromisoformat(ki["due"])) if ki.get("due") else ""
        item = {
            "postal": postal(block.postal_code),
            "address": block.jusho,
            "katagaki": block.katagaki,
            "name": block.shimei,
            "atena_no": block.atena_no,
            "tsuchi_no": tsuchi_no,
            "kind": f.get_kind_display(),
            "kosei_nouki": kosei_nouki_text(f.kosei_nouki),
            "vehicle": [
                ["標識番号", s.hyoshiki_bango],
                ["車台番号", s.shadai_bango or "—"],
                ["種別", s.get_shubetsu_display()],
                ["初度検査年月", _shodo(s.shodo_kensa)],
                ["税率の区分", f.kubun_label],
            ],
            "tax": [
                ["税額", yen(f.zeigaku)],
                ["減免額", yen(f.genmen_gaku)],
                ["年税額", yen(f.nengaku)],
            ],
            "kibetsu": [{"label": ki["label"], "due": due, "amount": yen(ki["amount"])}],
            "nofu_bango": f.nofu_bango or "—",
        }
        csv = [
            "軽自動車税（種別割）納税通知書",
            tsuchi_no,
            block.atena_no,
            block.postal_code,
            block.jusho,
            block.katagaki,
            block.shimei,
            s.hyoshiki_bango,
            s.get_shubetsu_display(),
            int(f.nengaku),
            ki.get("due", ""),
            f.nofu_bango,
        ]
        out.append(Notice(item=item, csv=csv, pages=1, atena_ids=[f.nozeisha_id]))
    return out


def kei_common(*, issuer: Issuer, fiscal_year: int, tsuchi_date: date) -> dict[str, object]:
    nendo = format_nendo(fiscal_year)
    return {
        "title": f"{nendo} 軽自動車税（種別割）納税通知書",
        "issuer": issuer.title,
        "tsuchi_date": format_wareki(tsuchi_date),
        "lead": (
            f"あなたの{nendo}の軽自動車税（種別割）を次のとおり通知します（賦課期日 "
            + format_wareki(date(fiscal_year, 4, 1))
            + "。その日に所有・使用する車両について1年分を課税し、月割はありません）。（単位：円）"
        ),
        "due_note": (
            "納期限が土曜日・日曜日・祝日・年末年始に当たるときは、翌開庁日が納期限です"
            "（地方税法第20条の5）。上の納期限は既に繰り下げた日です。"
            "納付の際は納付番号をお伝えください。"
        ),
        "kyoji": kyoji(issuer),
        "contact": f"お問い合わせ　{issuer.name}役場 税務担当（軽自動車税）",
    }


def kei_notice_render(
    notices: Sequence[Notice],
    *,
    issuer: Issuer,
    fiscal_year: int,
    tsuchi_date: date,
    timestamp: datetime | None = None,
) -> bytes:
    return render(
        NOTICE_TEMPLATE,
        common=kei_common(issuer=issuer, fiscal_year=fiscal_year, tsuchi_date=tsuchi_date),
        items=[n.item for n in notices],
        timestamp=timestamp,
    )
