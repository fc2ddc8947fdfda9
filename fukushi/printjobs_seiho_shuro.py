"""就労自立給付金 and 進学・就職準備給付金 支給決定通知書 on the shared print path, with the
保護決定通知書's Typst template (``fukushi/seiho_tsuchi.typ``). The official 様式 were not found:
the layout is ours; the 教示 follows 生活保護法第64条 and 行政不服審査法第18条 as the
保護決定通知書 (whether the 給付金's 決定 is a 処分 under 第64条 is 未確認)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fukushi.models import SeihoShingakuKyufukin, SeihoShuroKyufukin
from fukushi.printjobs_seiho_henkan import TEMPLATE, _head, _yen
from juminkiroku.public import address_blocks, person_identities
from tenants.printing.engine import render
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki


def _month(d: date) -> str:
    w = format_wareki(d)
    return w[: w.index("月") + 1]


def _kyoji() -> str:
    pref = current_municipality().prefecture
    return (
        "この決定に不服があるときは、決定があったことを知った日の翌日から起算して3か月以内に、"
        f"{pref}知事に審査請求をすることができます（生活保護法第64条、行政不服審査法第18条）。"
    )


def _chosei_rows(k: SeihoShuroKyufukin | SeihoShingakuKyufukin) -> list[tuple[str, str]]:
    if k.chosei_henkan is None:
        return []
    moshide = format_wareki(k.chosei_moshide_date) if k.chosei_moshide_date else ""
    return [
        (
            "給付金から徴収する額",
            f"{_yen(k.chosei)}（{k.chosei_henkan.get_ho_display()}、{moshide}の申出による）",
        ),
        ("支給額（徴収の後）", _yen(k.shikyu_gaku)),
    ]


def _paper(atena_id: int, title: str, hakko: date, lead: str, rows: list[tuple[str, str]],
           table: list[list[str]], table_title: str) -> dict[str, Any]:  # fmt: skip
    blocks = address_blocks([atena_id])
    names = person_identities([atena_id])
    return {
        **_head(atena_id, blocks, names),
        "hakko": format_wareki(hakko),
        "title": title,
        "lead": [lead],
        "rows": [list(r) for r in rows],
        "table": {
            "title": table_title,
            "header": ["月", "収入充当額"] if table else [],
            "num_from": 1,
            "rows": table,
        },
        "notes": [_kyoji()],
    }


def shuro_render(k: SeihoShuroKyufukin) -> bytes:
    rows = [
        ("ケース番号", k.case.case_no),
        ("保護廃止日", format_wareki(k.case.haishi_date) if k.case.haishi_date else ""),
        ("保護を必要としなくなった事由", k.shuro_jiyu),
        ("世帯", "単身世帯" if k.tanshin else "複数世帯"),
        ("算定", k.uchiwake),
        ("就労自立給付金の額", _yen(k.amount)),
        *_chosei_rows(k),
    ]
    table = [[_month(date.fromisoformat(j["month"])), _yen(int(j["gaku"]))] for j in k.juto]
    paper = _paper(
        k.case.nushi_atena_id,
        "生活保護法による就労自立給付金支給決定通知書",
        k.kettei_date,
        "就労自立給付金（生活保護法第55条の4）を次のとおり支給することに決定しましたので通知します。",
        rows,
        table,
        "算定に用いた月ごとの収入充当額",
    )
    return render(
        TEMPLATE,
        common={
            "title": "就労自立給付金 支給決定通知書",
            "issuer": f"{current_municipality().name}長",
        },
        items=[paper],
    )


def shingaku_render(k: SeihoShingakuKyufukin) -> bytes:
    rows = [
        ("ケース番号", k.case.case_no),
        ("区分", k.uchiwake),
        ("進学先・就職先", k.saki),
        ("申請日", format_wareki(k.shinsei_date)),
        ("進学・就職準備給付金の額", _yen(k.amount)),
        *_chosei_rows(k),
    ]
    paper = _paper(
        k.atena_id,
        "生活保護法による進学・就職準備給付金支給決定通知書",
        k.kettei_date,
        "進学・就職準備給付金（生活保護法第55条の5）を次のとおり支給することに決定しましたので"
        "通知します。",
        rows,
        [],
        "",
    )
    return render(
        TEMPLATE,
        common={
            "title": "進学・就職準備給付金 支給決定通知書",
            "issuer": f"{current_municipality().name}長",
        },
        items=[paper],
    )
