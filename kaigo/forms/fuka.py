"""介護保険料額決定通知書 (or 変更通知書 after a 更正) and, for 普通徴収, the 納入通知書 of the
期別: one Typst template family (``kaigo/fuka_tsuchi.typ``), one notice per person and
version, for the mass print (``kaigo.fuka_printjobs``) and the one-at-a-time print from
the person's screen (``kaigo.views.fuka``) — the same function.

Every intermediate figure is printed: the inputs (本人・世帯の課税状況, 合計所得金額,
課税年金収入額, その他の合計所得金額), the 段階 with its reason, 基準額 × 割合, the 公費軽減,
the 年額, the months and the 保険料, and the 期別 (普通徴収 期 with 納期限, or 特別徴収's
仮徴収・本徴収 months).

The official 様式 (介護保険法施行規則 or the town's own) was not found: the layout is ours,
with the items a 決定通知 and a 納入通知書 state (介護保険法第131条・地方自治法第231条,
同施行令第154条: 納付額, 納期限, 納付場所; 不服申立て: 介護保険法第183条 審査請求).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from juminkiroku.public import AddressBlock, PersonIdentity, address_blocks, person_identities
from kaigo.models import ChoshuHoho, FukaSantei, KaigoFuka
from kaigo.rules.fuka_kibetsu import FUTSU
from tenants.labels import postal
from tenants.printing.engine import fits, render
from tenants.wareki import format_nendo, format_wareki

TEMPLATE = "kaigo/fuka_tsuchi.typ"
FORM_KETTEI = "kettei"
FORM_HENKO = "henko"
FORM_LABELS = {
    FORM_KETTEI: "介護保険料額決定通知書",
    FORM_HENKO: "介護保険料額変更通知書",
}
FORMS = (FORM_KETTEI, FORM_HENKO)
NONYU_LABEL = "介護保険料納入通知書"

JOKYO_LABELS = {
    "kazei": "課税",
    "kintowari_nomi": "均等割のみ課税",
    "hikazei": "非課税",
    "mishinkoku": "未申告",
    "": "課税資料なし",
}

PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "帳票",
    "年度",
    "通知書番号",
    "版",
    "宛名番号",
    "被保険者番号",
    "郵便番号",
    "所得段階",
    "保険料額",
    "徴収方法",
]


# The static form (fuka_tsuchi.typ): the frames it holds, by row count (a longer table
# draws its own frame); the 判定・計算 grids' value cells (mm wide, 8 pt): a notice whose
# values do not fit is printed with flowing tables.
KIBETSU_MAX = 12
GRID_VALUE_MM = 47.0


def form_of(fuka: KaigoFuka) -> str:
    return FORM_HENKO if fuka.santei == FukaSantei.KOSEI else FORM_KETTEI


@dataclass
class Notice:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def yen(v: Any) -> str:
    return f"{int(v):,}円"


def ritsu_text(raw: str) -> str:
    f = Fraction(raw or "0")
    return f"{float(f):.5f}".rstrip("0").rstrip(".")


def months_text(ms: Sequence[int]) -> str:
    if len(ms) == 12:
        return "12か月（4月〜3月）"
    if not ms:
        return "なし"
    return f"{len(ms)}か月（" + "・".join(f"{m}月" for m in ms) + "）"


def naiyaku(f: KaigoFuka) -> dict[str, Any]:
    """The figures of one 賦課 as words and 円 (the screen and the notice share them)."""
    res = f.detail.get("result") or {}
    inp = f.detail.get("input") or {}
    honnin = inp.get("honnin") or {}
    return {
        "honnin_jokyo": JOKYO_LABELS.get(str(honnin.get("jokyo", "")), "不明"),
        "setai": "課税者あり" if inp.get("setai_kazei") else "全員非課税",
        "gokei_shotoku": yen(honnin.get("gokei_shotoku", 0)),
        "kazei_nenkin": yen(res.get("kazei_nenkin_shunyu", 0)),
        "sonota": yen(res.get("sonota_gokei_shotoku", 0)),
        "nenkin_sonota": yen(res.get("nenkin_sonota_gokei", 0)),
        "dankai": f"第{res.get('dankai', f.dankai)}段階",
        "riyu": str(res.get("riyu", "")),
        "kijungaku": yen(res.get("kijungaku", f.kijungaku)),
        "ritsu": ritsu_text(str(res.get("ritsu", "0"))),
        "keigengo_ritsu": ritsu_text(str(res.get("keigengo_ritsu", "0"))),
        "keigen_mae": yen(res.get("keigen_mae_nengaku", 0)),
        "keigengaku": yen(res.get("keigengaku", 0)),
        "nengaku": yen(res.get("nengaku", f.nengaku)),
        "months": months_text(list(inp.get("months", []))),
        "hokenryo": yen(f.hokenryo),
        "choshu": ChoshuHoho(f.choshu_hoho).label,
        "fumei": bool(honnin.get("fumei")),
    }


def notices(rows: Sequence[KaigoFuka], *, tsuchi_date: date) -> list[Notice]:
    """The notices of ``rows`` in their order: two registry queries for any number."""
    ids = [f.atena_id for f in rows]
    persons = person_identities(ids)
    blocks = address_blocks(ids)
    out: list[Notice] = []
    for f in rows:
        person = persons.get(f.atena_id)
        block = blocks.get(f.atena_id)
        if person is not None and block is not None:
            out.append(notice_of(f, person=person, block=block))
    return out


def notice_of(f: KaigoFuka, *, person: PersonIdentity, block: AddressBlock) -> Notice:
    """The notice of one 賦課, its person and address block given: no query."""
    form = form_of(f)
    futsu = f.choshu_hoho == ChoshuHoho.FUTSU
    kibetsu = [
        {
            "label": k["label"],
            "due": format_wareki(date.fromisoformat(k["due"])),
            "amount": yen(k["amount"]),
            "before": yen(k["before"]) if "before" in k else "",
            "sagaku": f"{int(k['sagaku']):+,}円" if "sagaku" in k else "",
        }
        for k in f.kibetsu
    ]
    item = {
        "form": form,
        "title": FORM_LABELS[form],
        "nonyu_title": NONYU_LABEL,
        "postal": postal(block.postal_code),
        "address": block.jusho,
        "katagaki": block.katagaki,
        "name": person.shimei,
        "atena_no": person.atena_no,
        "hihokensha_no": f.hihokensha_no,
        "nendo": format_nendo(f.fiscal_year),
        "tsuchi_no": f"{f.fiscal_year}-{f.pk:08d}",
        "version": f"第{f.version}版（{f.get_santei_display()}）",
        "henko": form == FORM_HENKO,
        "cause": f.get_cause_display() if f.cause else "",
        "reason": f.reason,
        "futsu": futsu,
        "kibetsu": kibetsu,
        # the 納入通知書 lists the 普通徴収 期 only: a 特別徴収 stopped mid-year keeps its
        # pension months withheld beside them (kibetsu_futsu_kirikae)
        "nonyu_kibetsu": [
            row for row, k in zip(kibetsu, f.kibetsu, strict=True) if k.get("kind", FUTSU) == FUTSU
        ],
        "nonyu_gokei": yen(
            f.hokenryo
            if all(k.get("kind", FUTSU) == FUTSU for k in f.kibetsu)
            else sum(int(k["amount"]) for k in f.kibetsu if k.get("kind", FUTSU) == FUTSU)
        ),
        "kanou": yen(f.kanou) if f.kanou else "",
        **naiyaku(f),
    }
    item["keigen_text"] = f"{item['keigengaku']}（軽減後の率 {item['keigengo_ritsu']}）"
    item["fixed"] = all(
        fits(str(item[k]), GRID_VALUE_MM, 8)
        for k in (
            "honnin_jokyo", "setai", "gokei_shotoku", "kazei_nenkin", "sonota",
            "nenkin_sonota", "kijungaku", "ritsu", "keigen_mae", "keigen_text",
            "nengaku", "months",
        )
    )  # fmt: skip
    return Notice(
        item=item,
        csv=[
            FORM_LABELS[form],
            f.fiscal_year,
            item["tsuchi_no"],
            f.version,
            person.atena_no,
            f.hihokensha_no,
            block.postal_code,
            f.dankai,
            f.hokenryo,
            ChoshuHoho(f.choshu_hoho).label,
        ],
        pages=2 if futsu else 1,
        atena_ids=[f.atena_id],
    )


def tsuchi_common(*, issuer: str, tsuchi_date: date) -> dict[str, Any]:
    """What every notice of one print shares (and the static form is drawn from)."""
    return {
        "issuer": issuer,
        "tsuchi": format_wareki(tsuchi_date),
        "title": "介護保険料額決定通知書",
        "fufuku": (
            "この決定に不服がある場合は、この通知を受け取った日の翌日から起算して3か月以内に、"
            "都道府県の介護保険審査会に審査請求をすることができます（介護保険法第183条・"
            "第192条）。"
        ),
        "entai": (
            "納期限までに納めないときは、督促のうえ延滞金が加算されることがあり、滞納が続くと"
            "保険給付が制限されることがあります（介護保険法第66条〜第69条）。"
        ),
        "kibetsu_max": KIBETSU_MAX,
    }


def notices_render(
    items: Sequence[Notice], *, issuer: str, tsuchi_date: date, timestamp: datetime | None = None
) -> bytes:
    """One PDF of ``items`` on the static form: the mass print's chunks and the person
    screen's one notice alike (the same template, the same form)."""
    return render(
        TEMPLATE,
        common=tsuchi_common(issuer=issuer, tsuchi_date=tsuchi_date),
        items=[n.item for n in items],
        timestamp=timestamp,
        static_form=True,
    )
