"""予防接種 予診票（接種券） for the due list (健康管理, issue 21 item 4), one A4 page per person
and dose, on the shared print path (``tenants.printing.engine``, Typst template
``fukushi/yobo_yoshinhyo.typ``).

The official 予診票 様式 (定期接種実施要領の別紙) was not at hand: the page carries what a
接種券 must let the 医療機関 check (who, born when, which vaccine and 回, the 対象期間 of the
定期接種) and the usual 問診 questions as blanks to fill in; the layout and the question
wording are ours, not the 様式's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fukushi.services.yobo_sesshu import DueRow
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki

TEMPLATE = "fukushi/yobo_yoshinhyo.typ"

MONSHIN = [
    "今日の体温（　　　．　℃）",
    "今日、体に具合の悪いところがありますか",
    "最近1か月以内に病気にかかりましたか",
    "これまでに予防接種を受けて具合が悪くなったことがありますか",
    "薬や食品で皮膚に発しんが出たり、体に異常をきたしたことがありますか",
]


def yoshin_items(rows: Sequence[DueRow], *, hakko: Any) -> list[dict[str, Any]]:
    ids = [r.atena_id for r in rows]
    blocks = address_blocks(ids)
    names = person_identities(ids)
    out: list[dict[str, Any]] = []
    for r in rows:
        block = blocks.get(r.atena_id)
        person = names.get(r.atena_id)
        kikan = (
            format_wareki(r.first)
            + "から"
            + (format_wareki(r.last) + "まで" if r.last else "（終わりなし）")
        )
        out.append(
            {
                "postal": postal(block.postal_code) if block else "",
                "address": block.jusho if block else "",
                "katagaki": block.katagaki if block else "",
                "atesaki": (person.shimei if person else "") + "（保護者）",
                "hakko": format_wareki(hakko),
                "title": f"予防接種 予診票（接種券） {r.vaccine_name}",
                "lead": [
                    "定期の予防接種（予防接種法第5条第1項）の予診票です。医療機関にお持ちください。"
                ],
                "rows": [
                    ["接種を受ける方", person.shimei if person else ""],
                    ["生年月日", format_wareki(r.birth_date)],
                    ["宛名番号", person.atena_no if person else ""],
                    ["ワクチン", r.vaccine_name],
                    ["回", r.dose_label],
                    ["定期接種の対象期間", kikan],
                    ["区分", r.status_label],
                ],
                "table": {
                    "title": "問診",
                    "header": ["質問", "はい", "いいえ"],
                    "num_from": 1,
                    "rows": [[q, "□", "□"] for q in MONSHIN],
                },
                "notes": [
                    "対象期間を過ぎると定期接種（公費）として受けられません。",
                    "接種の前に医師の診察を受けてください。",
                ],
            }
        )
    return out


def yoshin_render(rows: Sequence[DueRow], *, hakko: Any) -> bytes:
    return render(
        TEMPLATE,
        common={"title": "予防接種 予診票（接種券）", "issuer": f"{current_municipality().name}長"},
        items=yoshin_items(rows, hakko=hakko),
    )
