"""限度額適用認定証 and the 決定通知書 of 高額療養費・出産育児一時金・葬祭費, on the shared
print path (``tenants.printing.engine``, Typst template ``kokuho/kyufu.typ``).

Python formats every value (和暦, commas, words); the template places text. The official
様式 were not found: the items are those such documents carry, the layout is ours. The
教示 (審査請求) follows 国民健康保険法第91条第1項 (都道府県の国民健康保険審査会) and the
3-month period of 行政不服審査法第18条第1項; the 取消訴訟 教示 is not printed (a town
adds its own wording when it prints for real).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from juminkiroku.public import address_blocks, person_identities
from kokuho.models import GendoNintei, KokuhoSetai, Kyufu, KyufuKind, KyufuStatus
from kokuho.rules.kyufu import KUBUN_LABELS
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.selectors.current import current_municipality
from tenants.wareki import format_nendo, format_wareki

TEMPLATE = "kokuho/kyufu.typ"

GENGAKU = frozenset({"o", "tei1", "tei2"})


def _yen(v: int) -> str:
    return f"{v:,}円"


def wareki_month(d: date) -> str:
    """令和7年9月 (the 診療月)."""
    text = format_wareki(d)
    return text[: -len(f"{d.day}日")]


def _w(d: date | None) -> str:
    return format_wareki(d) if d else ""


def _koza(k: Kyufu) -> str:
    if not k.koza_bango:
        return "（窓口で支払）"
    masked = "＊" * max(0, len(k.koza_bango) - 3) + k.koza_bango[-3:]
    return f"{k.kinyu_kikan}　{k.shiten}　{k.get_koza_shubetsu_display()}　{masked}"


def _address(atena_id: int, blocks: dict[int, Any], names: dict[int, Any]) -> dict[str, str]:
    block = blocks.get(atena_id)
    person = names.get(atena_id)
    return {
        "postal": postal(block.postal_code) if block else "",
        "address": block.jusho if block else "",
        "katagaki": block.katagaki if block else "",
        "atesaki": person.shimei if person else "",
    }


def _kyoji() -> str:
    pref = current_municipality().prefecture
    return (
        "この決定に不服があるときは、決定があったことを知った日の翌日から起算して3か月以内に、"
        f"{pref}国民健康保険審査会に審査請求をすることができます。"
    )


def nintei_items(rows: Sequence[GendoNintei]) -> list[dict[str, Any]]:
    ids = [r.atena_id for r in rows]
    names = person_identities(ids)
    blocks = address_blocks(ids)
    setai = {
        k.setai_id: k
        for k in KokuhoSetai.objects.filter(setai_id__in=[r.setai_id for r in rows if r.setai_id])
    }
    out = []
    for r in rows:
        person = names.get(r.atena_id)
        ks = setai.get(r.setai_id) if r.setai_id else None
        gengaku = r.kubun in GENGAKU
        title = "国民健康保険 限度額適用" + ("・標準負担額減額" if gengaku else "") + "認定証"
        item = {
            **_address(r.atena_id, blocks, names),
            "hakko_label": "交付年月日",
            "hakko": _w(r.kofu_date),
            "bunsho": "",
            "title": title,
            "lead": [
                "医療機関等の窓口で、資格確認書とあわせて提示してください。"
                "1か月の窓口での支払いが、適用区分の自己負担限度額までとなります。"
            ],
            "rows": [
                ["記号・番号", f"{ks.kigo}　{ks.bango}" if ks else ""],
                ["氏名", person.shimei if person else ""],
                ["生年月日", _w(person.birth_date) if person else ""],
                ["適用区分", KUBUN_LABELS.get(r.kubun, r.kubun)],
                ["発効期日", _w(r.yuko_from)],
                ["有効期限", _w(r.yuko_to)],
                ["所得の年度", format_nendo(r.nendo)],
                ["保険者", f"{current_municipality().name}"],
            ],
            "table": {"title": "", "header": [], "rows": [], "num_from": 0},
            "notes": [
                "有効期限を過ぎたとき、国保の資格がなくなったときは返してください。",
                "世帯の所得が変わったときは、適用区分が変わることがあります。",
            ],
        }
        out.append(item)
    return out


def _kogaku_table(k: Kyufu, names: dict[int, Any]) -> dict[str, Any]:
    rows = []
    for s in k.detail.get("steps", []):
        person = names.get(s.get("atena_id"))
        who = person.shimei if person else ""
        rows.append(
            [
                s["label"] + (f"（{who}）" if who else ""),
                _yen(s["futan"]),
                _yen(s["iryohi"]),
                _yen(s["gendo"]),
                _yen(s["shikyu"]),
            ]
        )
    return {
        "title": "計算の内訳",
        "header": ["区分", "自己負担額", "医療費（10割）", "自己負担限度額", "支給額"],
        "rows": rows,
        "num_from": 1,
    }


def _jiyu(k: Kyufu) -> list[str]:
    if k.kind == KyufuKind.KOGAKU:
        return ["診療月", wareki_month(k.jiyu_date)]
    if k.kind == KyufuKind.SHUSSAN:
        return ["出産日", f"{_w(k.jiyu_date)}（{k.shussan_su}人）"]
    return ["死亡日", _w(k.jiyu_date)]


def kettei_items(rows: Sequence[Kyufu]) -> list[dict[str, Any]]:
    ids = {r.shinseisha_atena_id for r in rows} | {r.taishosha_atena_id for r in rows}
    for r in rows:
        ids.update(s.get("atena_id") for s in r.detail.get("steps", []) if s.get("atena_id"))
    names = person_identities(ids)
    blocks = address_blocks([r.shinseisha_atena_id for r in rows])
    out = []
    for k in rows:
        shikyu = k.status in (KyufuStatus.KETTEI, KyufuStatus.SHIHARAI)
        target = names.get(k.taishosha_atena_id)
        label = k.get_kind_display()
        rows_ = [
            ["給付の種類", label],
            ["対象となる方", target.shimei if target else ""],
            _jiyu(k),
            ["申請日", _w(k.shinsei_date)],
            ["決定", "支給" if shikyu else "不支給"],
            ["支給額", _yen(int(k.shikyu_gaku))],
        ]
        if k.kind == KyufuKind.KOGAKU:
            under = k.detail.get("kubun_under70")
            over = k.detail.get("kubun_over70")
            kubun = KUBUN_LABELS.get(under, "") if under else ""
            if k.detail.get("koreisha") and over:
                kubun += f"／70歳以上 {KUBUN_LABELS.get(over, '')}"
            rows_.append(["所得区分", kubun])
        if shikyu:
            rows_.append(["振込先", _koza(k)])
        else:
            rows_.append(["不支給の理由", k.fushikyu_riyu])
        notes = [*k.detail.get("lines", [])]
        if k.kind == KyufuKind.KOGAKU and k.detail.get("excluded"):
            for e in k.detail["excluded"]:
                who = names.get(e["atena_id"])
                notes.append(
                    f"{who.shimei if who else ''} {e['what']} {_yen(e['amount'])}は"
                    "合算の対象外（21,000円未満）"
                )
        notes.append(_kyoji())
        out.append(
            {
                **_address(k.shinseisha_atena_id, blocks, names),
                "hakko_label": "決定日",
                "hakko": _w(k.kettei_date),
                "bunsho": f"決定番号　{k.pk}",
                "title": f"国民健康保険 {label} {'支給' if shikyu else '不支給'}決定通知書",
                "lead": [f"申請のありました{label}について、次のとおり決定しました。"],
                "rows": rows_,
                "table": _kogaku_table(k, names)
                if k.kind == KyufuKind.KOGAKU
                else {"title": "", "header": [], "rows": [], "num_from": 0},
                "notes": notes,
            }
        )
    return out


def kyufu_render(
    items: list[dict[str, Any]], *, title: str, timestamp: datetime | None = None
) -> bytes:
    return render(
        TEMPLATE,
        common={"title": title, "issuer": f"{current_municipality().name}長"},
        items=items,
        timestamp=timestamp,
    )


#: the mass print's print-data CSV (after the framework's ファイル名・開始頁・頁数)
KETTEI_PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "決定番号",
    "給付の種類",
    "決定",
    "決定日",
    "支給額",
    "宛名番号",
    "郵便番号",
]


@dataclass(frozen=True)
class KetteiNotice:
    """One 決定通知書 of the mass print (``tenants.printing.jobs.PrintedItem``)."""

    item: dict[str, Any]
    csv: list[Any]
    atena_ids: list[int]
    pages: int = 1


def kettei_notices(rows: Sequence[Kyufu]) -> list[KetteiNotice]:
    """The 決定通知書 of decided 給付, in the order given, with their print-data rows."""
    items = kettei_items(rows)
    names = person_identities({r.shinseisha_atena_id for r in rows})
    out = []
    for k, item in zip(rows, items, strict=True):
        who = names.get(k.shinseisha_atena_id)
        shikyu = k.status in (KyufuStatus.KETTEI, KyufuStatus.SHIHARAI)
        out.append(
            KetteiNotice(
                item=item,
                csv=[
                    k.pk,
                    k.get_kind_display(),
                    "支給" if shikyu else "不支給",
                    k.kettei_date.isoformat() if k.kettei_date else "",
                    int(k.shikyu_gaku),
                    who.atena_no if who else "",
                    item.get("postal", ""),
                ],
                atena_ids=sorted({k.shinseisha_atena_id, k.taishosha_atena_id}),
            )
        )
    return out
