"""固定資産税・都市計画税 納税通知書 with its 課税明細書, and the 名寄帳: the data of each
document, formatted for print, and the one rendering call per form.

The mass print (``zeimu.kotei_printjobs``) and the single print (``zeimu.views.kotei``)
both call :func:`kotei_notice_render`, so a reprint is the page the print house printed.
The notice goes to the 代表者 of the 納税義務者 (for 共有, 地方税法第10条の2: one notice
naming 「外N名」). Amounts get commas and dates 和暦 here; the templates only place text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from juminkiroku.public import address_blocks, person_identities
from tenants.printing.engine import render
from tenants.wareki import format_nendo, format_wareki
from zeimu.forms.notices import Issuer, Notice, kosei_nouki_text, kyoji, postal, yen
from zeimu.models import KoteiFuka, KoteiKyoyusha
from zeimu.services.kotei_chotei import kotei_nofu_bango

NOTICE_TEMPLATE = "zeimu/kotei_notice.typ"
NAYOSE_TEMPLATE = "zeimu/kotei_nayose.typ"
FORM_KOTEI = "kotei"
#: rows of the 課税明細 on the first page; the rest go on following pages
MEISAI_ROWS_FIRST = 8
MEISAI_ROWS_NEXT = 30

PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "帳票",
    "通知書番号",
    "宛名番号",  # the 代表者
    "共有者数",
    "郵便番号",
    "住所",
    "方書",
    "宛名",
    "年税額",
    "固定資産税額",
    "都市計画税額",
    *[f"第{i}期{what}" for i in range(1, 5) for what in ("税額", "納期限", "納付番号")],
]
KI_MAX = 4


def _owners(fukas: Sequence[KoteiFuka]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for nozeisha_id, atena_id in (
        KoteiKyoyusha.objects.filter(nozeisha_id__in={f.nozeisha_id for f in fukas})
        .order_by("nozeisha_id", "-is_daihyo", "id")
        .values_list("nozeisha_id", "atena_id")
    ):
        out.setdefault(nozeisha_id, []).append(atena_id)
    return out


def meisai_rows(fuka: KoteiFuka) -> list[dict[str, str]]:
    """The 課税明細 rows as printed and shown: one per parcel and house."""
    rows = []
    for t in fuka.meisai.get("tochi", []):
        rows.append(
            {
                "kind": "土地",
                "where": f"{t['shozai']} {t['chiban']}",
                "what": f"{t['chimoku']}・{t['kubun']}",
                "size": f"{t['chiseki']}㎡",
                "kakaku": yen(t["kakaku"]),
                "hyojun_kotei": yen(t["hyojun_kotei"]),
                "hyojun_toshi": yen(t["hyojun_toshi"]),
                "note": f"負担水準 {t['suijun_kotei']}" if t.get("suijun_kotei") else "",
            }
        )
    for h in fuka.meisai.get("kaoku", []):
        rows.append(
            {
                "kind": "家屋",
                "where": f"{h['shozai']} 家屋番号{h['kaoku_bango']}",
                "what": f"{h['shurui']}・{h['kozo']}",
                "size": f"{h['yuka_menseki']}㎡",
                "kakaku": yen(h["kakaku"]),
                "hyojun_kotei": yen(h["hyojun_kotei"]),
                "hyojun_toshi": yen(h["hyojun_toshi"]),
                "note": (
                    f"新築住宅の減額（{format_nendo(int(h['genmen_until']))}まで）"
                    if h.get("genmen_until")
                    else ""
                ),
            }
        )
    for a in fuka.meisai.get("shokyaku", []):
        y, m = (int(x) for x in str(a["shutoku"]).split("-"))
        note = "最低限度（取得価額の5%）" if a.get("saitei") else ""
        if a.get("tokurei"):
            note = (note + "・" if note else "") + f"特例 {a['tokurei']}"
        rows.append(
            {
                "kind": "償却",
                "where": f"{a['meisho']}（{format_wareki_ym(y, m)}取得・耐用{a['taiyo_nensu']}年）",
                "what": str(a["shurui"]),
                "size": f"{int(a['suryo']):,}",
                "kakaku": yen(a["hyoka"]),
                "hyojun_kotei": yen(a["hyojun"]),
                "hyojun_toshi": "－",
                "note": note,
            }
        )
    return rows


def format_wareki_ym(year: int, month: int) -> str:
    """取得年月 in 和暦 without the day (令和6年4月)."""
    full = format_wareki(date(year, month, 1))
    return full[: full.index("月") + 1]


def kotei_notices(fukas: Sequence[KoteiFuka]) -> list[Notice]:
    """The notices of ``fukas`` in their order; three queries for any number."""
    owners = _owners(fukas)
    bango = kotei_nofu_bango(fukas)
    blocks = address_blocks(f.nozeisha.daihyo_id for f in fukas)
    out = []
    for f in fukas:
        block = blocks[f.nozeisha.daihyo_id]
        others = len(owners.get(f.nozeisha_id, [])) - 1
        name = block.shimei + (f" 外{others}名" if others > 0 else "")
        tsuchi_no = f"K{f.fiscal_year}-{f.pk:08d}"
        rows = meisai_rows(f)
        pages = 1 + max(0, -(-(len(rows) - MEISAI_ROWS_FIRST) // MEISAI_ROWS_NEXT))
        item = {
            "postal": postal(block.postal_code),
            "address": block.jusho,
            "katagaki": block.katagaki,
            "name": name,
            "atena_no": block.atena_no,
            "tsuchi_no": tsuchi_no,
            "kind": f.get_kind_display(),
            "kosei_nouki": kosei_nouki_text(f.kosei_nouki),
            "tax": [
                [
                    "土地の課税標準額",
                    yen(f.tochi_hyojun) + ("（免税点未満）" if f.tochi_menzei else ""),
                ],
                [
                    "家屋の課税標準額",
                    yen(f.kaoku_hyojun) + ("（免税点未満）" if f.kaoku_menzei else ""),
                ],
                [
                    "償却資産の課税標準額",
                    yen(f.shokyaku_hyojun) + ("（免税点未満）" if f.shokyaku_menzei else ""),
                ],
                ["固定資産税 課税標準額", yen(f.kazei_hyojun_kotei)],
                ["固定資産税 算出税額", yen(f.sanshutsu_kotei)],
                ["新築住宅の減額", yen(f.shinchiku_genmen)],
                ["減免額", yen(f.genmen_kotei + f.genmen_toshi)],
                ["固定資産税額", yen(f.kotei_zeigaku - f.genmen_kotei)],
                ["都市計画税 課税標準額", yen(f.kazei_hyojun_toshi)],
                ["都市計画税額", yen(f.toshi_zeigaku - f.genmen_toshi)],
                ["年税額", yen(f.nengaku)],
            ],
            "kibetsu": [
                {
                    "label": k["label"],
                    "due": format_wareki(date.fromisoformat(k["due"])),
                    "amount": yen(k["amount"]),
                    "nofu_bango": bango.get((f.fiscal_year, f.nozeisha_id, n), ""),
                }
                for n, k in enumerate(f.kibetsu, start=1)
            ],
            "meisai_first": rows[:MEISAI_ROWS_FIRST],
            "meisai_pages": [
                rows[i : i + MEISAI_ROWS_NEXT]
                for i in range(MEISAI_ROWS_FIRST, len(rows), MEISAI_ROWS_NEXT)
            ],
        }
        ki_cells: list[object] = []
        for i in range(KI_MAX):
            k = f.kibetsu[i] if i < len(f.kibetsu) else {}
            ki_cells += [
                k.get("amount", ""),
                k.get("due", ""),
                bango.get((f.fiscal_year, f.nozeisha_id, i + 1), "") if k else "",
            ]
        csv = [
            "固定資産税・都市計画税 納税通知書",
            tsuchi_no,
            block.atena_no,
            others + 1,
            block.postal_code,
            block.jusho,
            block.katagaki,
            name,
            int(f.nengaku),
            int(f.kotei_zeigaku - f.genmen_kotei),
            int(f.toshi_zeigaku - f.genmen_toshi),
            *ki_cells,
        ]
        out.append(Notice(item=item, csv=csv, pages=pages, atena_ids=owners.get(f.nozeisha_id, [])))
    return out


def kotei_common(*, issuer: Issuer, fiscal_year: int, tsuchi_date: date) -> dict[str, object]:
    nendo = format_nendo(fiscal_year)
    return {
        "title": f"{nendo} 固定資産税・都市計画税 納税通知書",
        "issuer": issuer.title,
        "tsuchi_date": format_wareki(tsuchi_date),
        "lead": (
            f"あなたの{nendo}の固定資産税・都市計画税を、地方税法第364条の規定により次のとおり"
            "通知します（賦課期日 " + format_wareki(date(fiscal_year, 1, 1)) + "）。（単位：円）"
        ),
        "due_note": (
            "納期限が土曜日・日曜日・祝日・年末年始に当たるときは、翌開庁日が納期限です"
            "（地方税法第20条の5）。上の納期限は既に繰り下げた日です。"
            "共有の資産の税額は、共有者全員が連帯して納める義務を負います（地方税法第10条の2）。"
        ),
        "kyoji": kyoji(issuer),
        "contact": f"お問い合わせ　{issuer.name}役場 税務担当（資産税）",
    }


def kotei_notice_render(
    notices: Sequence[Notice],
    *,
    issuer: Issuer,
    fiscal_year: int,
    tsuchi_date: date,
    timestamp: datetime | None = None,
) -> bytes:
    return render(
        NOTICE_TEMPLATE,
        common=kotei_common(issuer=issuer, fiscal_year=fiscal_year, tsuchi_date=tsuchi_date),
        items=[n.item for n in notices],
        timestamp=timestamp,
    )


def nayose_render(fuka: KoteiFuka, *, issuer: Issuer, printed: date) -> bytes:
    """名寄帳 (地方税法第387条) of one 納税義務者 and 年度: owners with their 持分, every
    parcel and house with 価格 and 課税標準額, and the totals."""
    owners = list(
        KoteiKyoyusha.objects.filter(nozeisha_id=fuka.nozeisha_id).order_by("-is_daihyo", "id")
    )
    people = person_identities(o.atena_id for o in owners)
    item = {
        "nendo": format_nendo(fuka.fiscal_year),
        "owners": [
            {
                "atena_no": people[o.atena_id].atena_no,
                "name": people[o.atena_id].shimei,
                "mochibun": f"{o.mochibun_bunshi}/{o.mochibun_bunbo}",
                "daihyo": "代表者" if o.is_daihyo else "",
            }
            for o in owners
        ],
        "rows": meisai_rows(fuka),
        "totals": [
            ["土地の課税標準額（固定資産税）", yen(fuka.tochi_hyojun)],
            ["家屋の課税標準額（固定資産税）", yen(fuka.kaoku_hyojun)],
            ["償却資産の課税標準額", yen(fuka.shokyaku_hyojun)],
            ["年税額", yen(fuka.nengaku)],
        ],
    }
    return render(
        NAYOSE_TEMPLATE,
        common={
            "title": f"{format_nendo(fuka.fiscal_year)} 固定資産 名寄帳",
            "issuer": issuer.title,
            "printed": format_wareki(printed),
        },
        items=[item],
    )
