"""健診 受診券 for the 対象者・未受診者 list (健康管理, issue 21 item 4), one A4 page per person
and 検診, on the shared print path (``tenants.printing.engine``; the Typst template of the
予診票, ``fukushi/yobo_yoshinhyo.typ``, whose items are generic: title, lead, rows, table).

No national 様式 for a がん検診 受診券 exists (each town makes its own); the 特定健康診査 受診券
has a 様式 (特定健康診査及び特定保健指導の実施に関する基準) that was not at hand. The page
carries who, born when, which 検診 and methods, the 年度 it is valid for; the layout and
wording are ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fukushi.services.kenshin import TaishoRow
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.selectors.current import current_municipality
from tenants.wareki import format_nendo, format_wareki

TEMPLATE = "fukushi/yobo_yoshinhyo.typ"


def jushinken_items(rows: Sequence[TaishoRow], *, nendo: int, hakko: Any) -> list[dict[str, Any]]:
    ids = [r.atena_id for r in rows]
    blocks = address_blocks(ids)
    names = person_identities(ids)
    nendo_label = format_nendo(nendo)
    out: list[dict[str, Any]] = []
    for r in rows:
        block = blocks.get(r.atena_id)
        person = names.get(r.atena_id)
        out.append(
            {
                "postal": postal(block.postal_code) if block else "",
                "address": block.jusho if block else "",
                "katagaki": block.katagaki if block else "",
                "atesaki": person.shimei if person else "",
                "hakko": format_wareki(hakko),
                "title": f"{r.kenshin_name} 受診券（{nendo_label}）",
                "lead": [
                    f"{nendo_label}の{r.kenshin_name}の受診券です。検診機関にお持ちください。"
                ],
                "rows": [
                    ["受診される方", person.shimei if person else ""],
                    ["生年月日", format_wareki(r.birth_date)],
                    ["年齢（年度末）", f"{r.age}歳"],
                    ["宛名番号", person.atena_no if person else ""],
                    ["検診", r.kenshin_name],
                    ["方法", r.method_names],
                    ["有効期限", format_wareki(date(nendo + 1, 3, 31)) + "まで"],
                ],
                "table": {
                    "title": "受診の記録（検診機関が記入）",
                    "header": ["項目", "記入欄", ""],
                    "num_from": 1,
                    "rows": [["受診日", "", ""], ["検診機関", "", ""], ["結果", "", ""]],
                },
                "notes": ["受診券は年度内に1回限り有効です。"],
            }
        )
    return out


def jushinken_render(rows: Sequence[TaishoRow], *, nendo: int, hakko: Any) -> bytes:
    return render(
        TEMPLATE,
        common={"title": "健診 受診券", "issuer": f"{current_municipality().name}長"},
        items=jushinken_items(rows, nendo=nendo, hakko=hakko),
    )
