"""保護費の窓口払 一覧 (SH-17) on the shared print path: every 窓口 payment of a month (the
monthly line and its 追給) with the 世帯主's name, the amount and the 受領 (or a blank to
fill in at the counter). The layout is ours (no official 様式 for the list)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fukushi.services.seiho_madoguchi import MadoguchiRow
from juminkiroku.public import person_identities
from tenants.printing.engine import render
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki

TEMPLATE = "fukushi/seiho_madoguchi_ichiran.typ"
HEADER = [
    "ケース番号",
    "世帯主",
    "世帯主（カナ）",
    "種別",
    "支給額",
    "支給日",
    "受領日",
    "受領した方",
    "渡した職員",
    "受領印",
]


def _month(d: date) -> str:
    w = format_wareki(d)
    return w[: w.index("月") + 1]


def table_rows(rows: Sequence[MadoguchiRow]) -> list[list[str]]:
    """The rows as the PDF and the CSV show them (names from 住民記録)."""
    names = person_identities(r.nushi_atena_id for r in rows)
    out = []
    for r in rows:
        p = names.get(r.nushi_atena_id)
        out.append(
            [
                r.case_no,
                p.shimei if p else "",
                p.shimei_kana if p else "",
                r.shubetsu,
                f"{r.amount:,}円",
                format_wareki(r.shikyu_date),
                format_wareki(r.juryo_date) if r.juryo_date else "未受領",
                r.juryo_sha,
                r.juryo_actor,
            ]
        )
    return out


def madoguchi_render(month: date, rows: Sequence[MadoguchiRow], hakko: date) -> bytes:
    muni = current_municipality()
    title = f"保護費 窓口払 一覧（{_month(month)}分）"
    total = sum(r.amount for r in rows)
    return render(
        TEMPLATE,
        common={"title": title, "issuer": f"{muni.name}長"},
        items=[
            {
                "title": title,
                "hakko": format_wareki(hakko),
                "lead": [f"件数 {len(rows)}件　合計 {total:,}円"],
                "header": HEADER,
                "rows": [[*r, ""] for r in table_rows(rows)],
                "notes": [
                    "受領のときは、本人（または代理人）であることを確かめ、受領日と受領した方を記録してください。",
                    "この一覧は要配慮個人情報を含みます。取扱いに注意してください。",
                ],
            }
        ],
    )
