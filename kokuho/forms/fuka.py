"""国民健康保険税納税通知書 and 国民健康保険税変更（更正）通知書: one notice per 国保世帯 and
version, for the mass print (``kokuho.fuka_printjobs``) and the one-at-a-time print at the
counter (``kokuho.views.fuka``), from the same template and the same function.

Every intermediate figure of the assessment is printed: the 軽減判定 (判定所得, 人数, 基準額,
割合), per 区分 the 所得割・資産割・均等割・平等割, the 軽減・減額, the 課税限度額, the months
and the 区分's tax, the explanation lines of the rules, and the 期別 with their 納期限 (a
変更通知書 adds the amounts before and the 差額).

The official 様式 (地方税法施行規則 第13号様式 の 国民健康保険税 に当たるもの, or the town's
own) was not found: the layout is ours, with the items a 納税通知書 must state (地方税法第
1条第1項第6号: 課税標準額, 税率, 税額, 納期, 各納期における納付額, 納付の場所, 納期限までに
納付しなかった場合の措置, 不服申立て).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from juminkiroku.public import AddressBlock, PersonIdentity, address_blocks, person_identities
from kokuho.models import KokuhoFuka, Santei
from kokuho.rules.hokenzei_params import KUBUN_LABELS
from kokuho.rules.tokucho_kibetsu import is_tokucho
from tenants.labels import postal
from tenants.printing.engine import fits, render
from tenants.wareki import format_nendo, format_wareki

TEMPLATE = "kokuho/fuka_tsuchi.typ"
FORM_TSUCHI = "tsuchi"
FORM_HENKO = "henko"
FORM_LABELS = {
    FORM_TSUCHI: "国民健康保険税納税通知書",
    FORM_HENKO: "国民健康保険税変更通知書",
}
FORMS = (FORM_TSUCHI, FORM_HENKO)

PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "帳票",
    "年度",
    "通知書番号",
    "版",
    "納税義務者の宛名番号",
    "郵便番号",
    "年税額",
    "第1期の納期限",
]

MONTH_LABEL = {m: f"{m}月" for m in range(1, 13)}

# The static form (fuka_tsuchi.typ): the frames it holds, by row count; a longer table
# draws its own frame.
MEMBERS_MAX = 8
KIBETSU_MAX = 12
TOKUCHO_MAX = 6
#: the members table's cells that hold text of any length (mm wide, 8 pt): name, months;
#: a 区分 whose texts do not fit is printed as a flowing table (fuka_tsuchi.typ)
MEMBER_NAME_MM = 30.0
MEMBER_MONTHS_MM = 48.0


def form_of(fuka: KokuhoFuka) -> str:
    return FORM_HENKO if fuka.santei == Santei.KOSEI else FORM_TSUCHI


@dataclass
class Notice:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def _yen(v: Any) -> str:
    return f"{int(v):,}円"


def _months(ms: Sequence[int]) -> str:
    if not ms:
        return "なし"
    if len(ms) == 12:
        return "12か月（4月〜3月）"
    return f"{len(ms)}か月（" + "・".join(MONTH_LABEL[m] for m in ms) + "）"


def _kubun_rows(result: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for k in result.get("kubun", []):
        if not k.get("monthly"):
            continue
        members = [
            {
                "name": names.get(m["key"].split("#")[0], m["key"]),
                "kijun": _yen(m["kijun_shotoku"]),
                "shotokuwari": _yen(m["shotokuwari"]),
                "kintowari": _yen(m["kintowari"]),
                "keigen": _yen(int(m["keigen"]) + int(m["mishugaku"]) + int(m["miman18"])),
                "kintowari_after": _yen(m["kintowari_after"]),
                "months": _months(m["months"]),
            }
            for m in k["members"]
        ]
        out.append(
            {
                "label": KUBUN_LABELS.get(k["kubun"], k["label"]),
                "shotokuwari": _yen(k["shotokuwari_total"]),
                "shisanwari": _yen(k["shisanwari_total"]),
                "kintowari": _yen(k["kintowari_total"]),
                "byodowari": _yen(k["byodowari"]),
                "byodowari_genmen": _yen(int(k["byodowari_tokutei"]) + int(k["byodowari_keigen"])),
                "byodowari_after": _yen(k["byodowari_after"]),
                "nengaku": _yen(k["nengaku"]),
                "gendo": _yen(k["gendo"]),
                "capped": int(k["nengaku"]) > int(k["gendo"]),
                "months": f"{len(k['monthly'])}か月",
                "zeigaku": _yen(k["zeigaku"]),
                "members": members,
                "fixed": all(
                    fits(m["name"], MEMBER_NAME_MM, 8) and fits(m["months"], MEMBER_MONTHS_MM, 8)
                    for m in members
                ),
            }
        )
    return out


def notices(rows: Sequence[KokuhoFuka], *, tsuchi_date: date) -> list[Notice]:
    """The notices of ``rows`` in their order: two registry queries for any number."""
    ids: set[int] = set()
    for f in rows:
        ids.add(f.nozei_gimusha_id)
        ids.update(int(m["atena_id"]) for m in (f.detail.get("input") or {}).get("members", []))
    persons = person_identities(ids)
    blocks = address_blocks([f.nozei_gimusha_id for f in rows])
    names = {str(a): p.shimei for a, p in persons.items()}
    out: list[Notice] = []
    for f in rows:
        head = persons.get(f.nozei_gimusha_id)
        block = blocks.get(f.nozei_gimusha_id)
        if head is not None and block is not None:
            out.append(notice_of(f, head=head, block=block, names=names))
    return out


def notice_of(
    f: KokuhoFuka, *, head: PersonIdentity, block: AddressBlock, names: dict[str, str]
) -> Notice:
    """The notice of one 賦課, its 納税義務者 and address block given (``names``: 宛名 id
    as text → 氏名 of the members): no query."""
    result = f.detail.get("result") or {}
    keigen = result.get("keigen") or {}
    form = form_of(f)
    kibetsu = [
        {
            "label": k["label"],
            "due": format_wareki(date.fromisoformat(k["due"])),
            "amount": _yen(k["amount"]),
            "before": _yen(k["before"]) if "before" in k else "",
            "sagaku": (f"{int(k['sagaku']):+,}円" if "sagaku" in k else ""),
        }
        for k in f.kibetsu
        if not is_tokucho(k)
    ]
    # 特別徴収: the pension months, apart from the 普通徴収 期 (paid by the taxpayer)
    tokucho = [
        {
            "label": k["label"].removeprefix("特別徴収・"),
            "due": f"{k['month']}月の年金から",
            "amount": _yen(k["amount"]),
            "before": _yen(k["before"]) if "before" in k else "",
            "sagaku": (f"{int(k['sagaku']):+,}円" if "sagaku" in k else ""),
        }
        for k in f.kibetsu
        if is_tokucho(k)
    ]
    item = {
        "form": form,
        "title": FORM_LABELS[form],
        "postal": postal(block.postal_code),
        "address": block.jusho,
        "katagaki": block.katagaki,
        "name": head.shimei,
        "atena_no": head.atena_no,
        "nendo": format_nendo(f.fiscal_year),
        "tsuchi_no": f"{f.fiscal_year}-{f.pk:08d}",
        "version": f"第{f.version}版（{f.get_santei_display()}）",
        "gisei": "擬制世帯主（ご本人は国民健康保険に加入していません）" if f.gisei else "",
        "reason": f.reason,
        "cause": f.get_cause_display() if f.cause else "",
        "keigen": (
            f"軽減判定所得 {_yen(keigen.get('hantei_shotoku', 0))}"
            f"（被保険者等 {keigen.get('hihokensha_su', 0)}人、"
            f"給与所得者等 {keigen.get('kyuyo_shotokusha_su', 0)}人）"
        ),
        "keigen_kijun": "、".join(f"{w}割軽減 {_yen(v)}以下" for w, v in keigen.get("kijun", [])),
        "keigen_wari": f"{keigen['wari']}割軽減" if keigen.get("wari") else "軽減なし",
        "kubun": _kubun_rows(result, names),
        "lines": list(result.get("lines", [])),
        "kibetsu": kibetsu,
        "tokucho": tokucho,
        "choshu_hoho": f.get_choshu_hoho_display(),
        "henko": form == FORM_HENKO,
        "nengaku": _yen(f.nengaku),
        "kanou": _yen(f.kanou) if f.kanou else "",
    }
    return Notice(
        item=item,
        csv=[
            FORM_LABELS[form],
            f.fiscal_year,
            item["tsuchi_no"],
            f.version,
            head.atena_no,
            block.postal_code,
            f.nengaku,
            next((k["due"] for k in f.kibetsu if not is_tokucho(k)), ""),
        ],
        atena_ids=[f.nozei_gimusha_id],
    )


def tsuchi_common(*, issuer: str, tsuchi_date: date) -> dict[str, Any]:
    """What every notice of one print shares (and the static form is drawn from)."""
    return {
        "issuer": issuer,
        "tsuchi": format_wareki(tsuchi_date),
        "title": "国民健康保険税納税通知書",
        "fufuku": (
            "この処分に不服がある場合は、この通知を受け取った日の翌日から起算して3か月以内に、"
            f"{issuer}に対して審査請求をすることができます（行政不服審査法第2条・第18条）。"
        ),
        "entai": (
            "納期限までに納めないときは、延滞金が加算されることがあり、督促のうえ滞納処分を"
            "受けることがあります（地方税法第723条・第728条）。"
        ),
        "kubun_labels": list(KUBUN_LABELS.values()),
        "members_max": MEMBERS_MAX,
        "kibetsu_max": KIBETSU_MAX,
        "tokucho_max": TOKUCHO_MAX,
    }


def notices_render(
    items: Sequence[Notice], *, issuer: str, tsuchi_date: date, timestamp: datetime | None = None
) -> bytes:
    """One PDF of ``items`` on the static form: the mass print's chunks and the counter's
    one notice alike (the same template, the same form)."""
    return render(
        TEMPLATE,
        common=tsuchi_common(issuer=issuer, tsuchi_date=tsuchi_date),
        items=[n.item for n in items],
        timestamp=timestamp,
        static_form=True,
    )
