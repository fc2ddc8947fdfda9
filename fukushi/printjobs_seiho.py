"""保護決定通知書 (生活保護法第24条第3項・第25条第2項・第26条: the 実施機関 notifies the
決定 in writing with its reasons) on the shared print path (``tenants.printing.engine``,
Typst template ``fukushi/seiho_tsuchi.typ``).

The official 様式 (生活保護法施行細則準則 様式) was not at hand: the items are those such a
notice carries (決定の種類, 適用日, 理由, 最低生活費 and 収入認定額, 保護費 with its
breakdown), the layout is ours. The 教示 follows 生活保護法第64条 (都道府県知事への審査請求)
and the 3-month period of 行政不服審査法第18条第1項.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fukushi.models import KetteiKind, SeihoKettei, SeihoTsuikyu
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki, to_wareki

TEMPLATE = "fukushi/seiho_tsuchi.typ"


def _tsuki(d: date) -> str:
    """令和8年7月 (a month in 和暦)."""
    w = to_wareki(d)
    return f"{w.era}{w.year_label}年{w.month}月"


def _yen(v: int) -> str:
    return f"{v:,}円"


def tsuchi_items(rows: Sequence[SeihoKettei]) -> list[dict[str, Any]]:
    nushi_ids = [k.case.nushi_atena_id for k in rows]
    blocks = address_blocks(nushi_ids)
    names = person_identities({i for k in rows for i in [k.case.nushi_atena_id, *k.atena_ids]})
    pref = current_municipality().prefecture
    # the 追給 paid on each decision (SH-17) with what 生活保護法第78条の2 took from them
    tsuikyu: dict[int, list[SeihoTsuikyu]] = {}
    for t in (
        SeihoTsuikyu.objects.filter(kettei__in=[k.pk for k in rows])
        .select_related("shikyu")
        .order_by("shikyu__month", "pk")
    ):
        tsuikyu.setdefault(t.kettei_id, []).append(t)
    out: list[dict[str, Any]] = []
    for k in rows:
        nushi = k.case.nushi_atena_id
        block = blocks.get(nushi)
        person = names.get(nushi)
        members = "、".join(names[i].shimei for i in k.atena_ids if i in names)
        rows_ = [
            ("ケース番号", k.case.case_no),
            ("決定の内容", k.get_kind_display()),
            ("適用日", format_wareki(k.tekiyo_date)),
            ("決定の理由", k.riyu),
            ("世帯員", members or "―"),
        ]
        if k.kind not in (KetteiKind.TEISHI, KetteiKind.HAISHI):
            rows_ += [
                ("最低生活費（月額）", _yen(k.saitei_seikatsuhi)),
                ("収入認定額（月額）", _yen(k.shunyu_nintei)),
                ("保護費（月額）", _yen(k.hogohi)),
            ]
        for t in tsuikyu.get(k.pk, []):
            paid = f"{_yen(t.amount + t.chosei)}（{t.uchiwake}）"
            if t.chosei:
                paid += (
                    f"、うち保護費からの徴収（生活保護法第78条の2） {_yen(t.chosei)}、"
                    f"支給額 {_yen(t.amount)}"
                )
            rows_.append(
                (
                    f"{_tsuki(t.shikyu.month)}分の追給（{format_wareki(t.shikyu_date)}支給）",
                    paid,
                )
            )
        out.append(
            {
                "postal": postal(block.postal_code) if block else "",
                "address": block.jusho if block else "",
                "katagaki": block.katagaki if block else "",
                "atesaki": person.shimei if person else "",
                "hakko": format_wareki(k.kettei_date),
                "title": f"生活保護 {k.get_kind_display()}決定通知書",
                "lead": [
                    f"あなたの世帯の生活保護について、次のとおり{k.get_kind_display()}を決定しました。"
                ],
                "rows": [list(r) for r in rows_],
                "table": {
                    "title": "保護費の内訳（月額）",
                    "header": ["扶助・加算", "内訳", "金額"],
                    "num_from": 2,
                    "rows": [
                        [m["meisho"], m.get("uchiwake", ""), _yen(int(m["gaku"]))] for m in k.meisai
                    ],
                },
                "notes": [
                    "この決定に不服があるときは、決定があったことを知った日の翌日から起算して3か月以内に、"
                    f"{pref}知事に審査請求をすることができます（生活保護法第64条、行政不服審査法第18条）。"
                ],
            }
        )
    return out


def tsuchi_render(rows: Sequence[SeihoKettei]) -> bytes:
    return render(
        TEMPLATE,
        common={"title": "生活保護 決定通知書", "issuer": f"{current_municipality().name}長"},
        items=tsuchi_items(rows),
    )
