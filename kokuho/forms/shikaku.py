"""資格確認書 and 資格情報のお知らせ (since the 保険証 ended on 2 December 2024,
国民健康保険法第9条): one page per insured person, for the mass print
(``kokuho.printjobs``) and the one-at-a-time print at the counter (``kokuho.views``), from
the same template and the same function, so both give the same page.

The layout of the official 様式 (国民健康保険法施行規則 様式第一号の二 等) was not at hand:
the items printed are those the 施行規則 and the 厚生労働省's notices list for both
documents (記号・番号・枝番, 氏名, 性別, 生年月日, 資格取得年月日, 世帯主氏名, 住所,
保険者番号・名称, 交付年月日, and for the 資格確認書 its 有効期限); the placement is ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from juminkiroku.public import address_blocks, households_of, person_identities
from kokuho.models import KokuhoSetai, Shikaku
from tenants.labels import postal
from tenants.params.services import param_value
from tenants.printing.engine import render
from tenants.wareki import fiscal_year_of, format_wareki

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
]


@dataclass
class Card:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def yuko_kigen(kofu_date: date) -> date:
    """有効期限 of a 資格確認書 issued on ``kofu_date``: the day before the town's next
    一斉更新 (its month, ``kokuho.shikaku.kakuninsho_koshin_tsuki``; 8 → 7月31日)."""
    month = int(param_value("kokuho.shikaku.kakuninsho_koshin_tsuki", fiscal_year_of(kofu_date)))
    year = kofu_date.year if kofu_date.month < month else kofu_date.year + 1
    return date.fromordinal(date(year, month, 1).toordinal() - 1)


def cards(form: str, periods: Sequence[Shikaku], *, kofu_date: date) -> list[Card]:
    """The cards of ``periods`` in their order: four registry queries for any number."""
    ids = [s.atena_id for s in periods]
    persons = person_identities(ids)
    blocks = address_blocks(ids)
    households = households_of(ids, kofu_date)
    heads = {
        a: next((m.atena_id for m in members if m.is_setainushi), None)
        for a, members in households.items()
    }
    head_names = person_identities(h for h in heads.values() if h)
    setai_ids = {s.setai_id for s in periods if s.setai_id}
    for members in households.values():
        setai_ids.update(m.setai_id for m in members if m.setai_id)
    kokuho = {k.setai_id: k for k in KokuhoSetai.objects.filter(setai_id__in=setai_ids)}
    kigen = format_wareki(yuko_kigen(kofu_date)) if form == FORM_KAKUNINSHO else ""
    out: list[Card] = []
    for s in periods:
        person = persons.get(s.atena_id)
        block = blocks.get(s.atena_id)
        if person is None or block is None:
            continue
        members = households.get(s.atena_id, [])
        setai_id = next((m.setai_id for m in members if m.atena_id == s.atena_id), s.setai_id)
        ks = kokuho.get(setai_id) if setai_id else None
        head = heads.get(s.atena_id)
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
            "kigen": kigen,
        }
        out.append(
            Card(
                item=item,
                csv=[
                    FORM_LABELS[form],
                    person.atena_no,
                    item["kigo"],
                    item["bango"],
                    item["edaban"],
                    block.postal_code,
                    kofu_date.isoformat(),
                    yuko_kigen(kofu_date).isoformat() if form == FORM_KAKUNINSHO else "",
                ],
                atena_ids=[s.atena_id],
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
