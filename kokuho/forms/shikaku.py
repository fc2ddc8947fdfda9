"""資格確認書 and 資格情報のお知らせ (since the 保険証 ended on 2 December 2024,
国民健康保険法第9条): one page per insured person, for the mass print
(``kokuho.printjobs``) and the one-at-a-time print at the counter (``kokuho.views``), from
the same template and the same function, so both give the same page.

The layout of the official 様式 (国民健康保険法施行規則 様式第一号の二 等) was not at hand:
the items printed are those the 施行規則 and the 厚生労働省's notices list for both
documents (記号・番号・枝番, 氏名, 性別, 生年月日, 資格取得年月日, 世帯主氏名, 住所,
保険者番号・名称, 交付年月日, and for the 資格確認書 its 有効期限; for a 70–74歳 insured the
一部負担金の割合, 国民健康保険法第42条); the placement is ours. Every card printed is a
recorded issue (``kokuho.models.ShikakuKofu``): the terms printed are the issue's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from juminkiroku.public import address_blocks, households_of, person_identities
from kokuho.models import KokuhoSetai, ShikakuKofu
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.wareki import format_wareki

TEMPLATE = "kokuho/shikaku.typ"
FORM_KAKUNINSHO = "kakuninsho"
FORM_OSHIRASE = "oshirase"
FORM_LABELS = {FORM_KAKUNINSHO: "資格確認書", FORM_OSHIRASE: "資格情報のお知らせ"}
FORMS = (FORM_KAKUNINSHO, FORM_OSHIRASE)

PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "帳票",
    "宛名番号",
    "記号",
    "番号",
    "枝番",
    "郵便番号",
    "交付年月日",
    "有効期限",
    "保険者番号",
    "一部負担金の割合",
    "交付理由",
]


@dataclass
class Card:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def wariai_words(percent: int | None) -> str:
    """30 → 「3割」; nothing under 70."""
    if percent is None:
        return ""
    return f"{percent // 10}割" if percent % 10 == 0 else f"{percent}％"


def cards(issues: Sequence[ShikakuKofu]) -> list[Card]:
    """The cards of recorded issues (``kokuho.services.kofu``) in their order, with the
    terms kept on each issue (交付日, 有効期限, 一部負担金の割合, 保険者番号): four registry
    queries for any number."""
    ids = [k.atena_id for k in issues]
    persons = person_identities(ids)
    blocks = address_blocks(ids)
    out: list[Card] = []
    by_day: dict[date, list[ShikakuKofu]] = {}
    for k in issues:
        by_day.setdefault(k.kofu_date, []).append(k)
    households: dict[int, Any] = {}
    for day, group in by_day.items():
        households.update(households_of([k.atena_id for k in group], day))
    heads = {
        a: next((m.atena_id for m in members if m.is_setainushi), None)
        for a, members in households.items()
    }
    head_names = person_identities(h for h in heads.values() if h)
    setai_ids = {k.shikaku.setai_id for k in issues if k.shikaku.setai_id}
    for members in households.values():
        setai_ids.update(m.setai_id for m in members if m.setai_id)
    kokuho = {k.setai_id: k for k in KokuhoSetai.objects.filter(setai_id__in=setai_ids)}
    for k in issues:
        s = k.shikaku
        person = persons.get(k.atena_id)
        block = blocks.get(k.atena_id)
        if person is None or block is None:
            continue
        members = households.get(k.atena_id, [])
        setai_id = next((m.setai_id for m in members if m.atena_id == k.atena_id), s.setai_id)
        ks = kokuho.get(setai_id) if setai_id else None
        head = heads.get(k.atena_id)
        head_name = head_names[head].shimei if head and head in head_names else ""
        item = {
            "postal": postal(block.postal_code),
            "address": block.jusho,
            "katagaki": block.katagaki,
            "name": person.shimei,
            "kana": person.shimei_kana,
            "atena_no": person.atena_no,
            "sex": person.sex,
            "birth": format_wareki(person.birth_date),
            "kigo": ks.kigo if ks else "",
            "bango": ks.bango if ks else "",
            "edaban": f"{s.edaban:02d}",
            "shutoku": format_wareki(s.shutoku_date),
            "setainushi": head_name,
            "kigen": format_wareki(k.yuko_kigen) if k.yuko_kigen else "",
            "wariai": wariai_words(k.futan_wariai),
            "hokensha_bango": k.hokensha_bango,
            "kofu": format_wareki(k.kofu_date),
        }
        out.append(
            Card(
                item=item,
                csv=[
                    FORM_LABELS[k.form],
                    person.atena_no,
                    item["kigo"],
                    item["bango"],
                    item["edaban"],
                    block.postal_code,
                    k.kofu_date.isoformat(),
                    k.yuko_kigen.isoformat() if k.yuko_kigen else "",
                    k.hokensha_bango,
                    item["wariai"],
                    k.get_riyu_display(),
                ],
                atena_ids=[k.atena_id],
            )
        )
    return out


def cards_render(
    form: str,
    items: Sequence[Card],
    *,
    issuer: str,
    kofu_date: date,
    timestamp: datetime | None = None,
) -> bytes:
    title = FORM_LABELS[form]
    lead = (
        "この資格確認書を医療機関等の窓口に提示すると、保険診療を受けられます。"
        if form == FORM_KAKUNINSHO
        else "マイナ保険証（健康保険証として利用登録したマイナンバーカード）を持つ方に、"
        "加入している国民健康保険の資格の情報をお知らせします。これだけでは受診できません。"
        "マイナ保険証と一緒に医療機関等の窓口に提示してください。"
    )
    return render(
        TEMPLATE,
        common={
            "title": f"国民健康保険 {title}",
            "form": form,
            "issuer": issuer,
            "hokensha": f"保険者　{issuer}",
            "kofu": format_wareki(kofu_date),
            "lead": lead,
        },
        items=[c.item for c in items],
        timestamp=timestamp,
    )
