"""自立支援給付 documents on the shared print path (``tenants.printing.engine``): the
障害福祉サービス受給者証 of a decision in force (fukushi/jiritsu_jukyushasho.typ) and the
補装具費・日常生活用具 決定通知書 (fukushi/jiritsu_yogu_tsuchi.typ), each one PDF from its
screen. The official 様式 were not at hand: the items are those such documents carry, the
placement is ours. The 教示 follows 行政不服審査法第18条第1項 (3 months) and 行政事件訴訟法
第14条第1項 (6 months); the 審査庁 is not named (as 児童手当's notices).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fukushi.models.jiritsu import JiritsuKettei, YoguJotai, YoguKyufu
from fukushi.models.jogen_kanri import JogenSeido
from fukushi.rules.jiritsu import KUBUN_LABELS, SHIEN_KUBUN
from fukushi.services.jiritsu import service_kinds, tani_words
from fukushi.services.jogen_kanri import kanri_words
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

JUKYUSHASHO = "fukushi/jiritsu_jukyushasho.typ"
TSUCHI = "fukushi/jiritsu_yogu_tsuchi.typ"
JUKYUSHASHO_TITLE = "障害福祉サービス受給者証"
KYOJI = [
    "この決定に不服があるときは、この決定があったことを知った日の翌日から起算して3か月以内に、"
    "審査請求をすることができます（行政不服審査法第18条第1項）。",
    "この決定の取消しを求める訴えは、この決定があったことを知った日から6か月以内に、"
    "町を被告として提起することができます（行政事件訴訟法第14条第1項）。",
]


def _yen(v: int | None) -> str:
    return "" if v is None else f"{v:,}円"


def jukyushasho_item(k: JiritsuKettei) -> dict[str, Any]:
    p = person_identities([k.atena_id]).get(k.atena_id)
    assert k.kikan_kaishi is not None and k.kikan_shuryo is not None
    kinds = service_kinds(k.kikan_kaishi)
    n = k.nintei
    return {
        "bango": k.jukyusha_bango,
        "name": p.shimei if p else "",
        "birth": format_wareki(p.birth_date) if p else "",
        "kubun": (
            f"{SHIEN_KUBUN[n.kubun]}（{format_wareki(n.yuko_kaishi)}から"
            f"{format_wareki(n.yuko_shuryo)}まで）"
            if n
            else "認定なし（訓練等給付のみ）"
        ),
        "kikan": f"{format_wareki(k.kikan_kaishi)}から{format_wareki(k.kikan_shuryo)}まで",
        "jogen": f"{_yen(k.futan_jogen)}（{KUBUN_LABELS.get(k.futan_kubun, '')}）",
        "services": [
            [
                str(kinds.get(s.service, {}).get("name", s.service)),
                f"{s.shikyu_ryo}{tani_words(str(kinds.get(s.service, {}).get('tani')))}",
            ]
            for s in k.services.order_by("id")
        ],
    }


def jukyushasho_render(k: JiritsuKettei, *, hakko: date) -> bytes:
    return render(
        JUKYUSHASHO,
        common={"title": JUKYUSHASHO_TITLE, "issuer": issuer_name(), "hakko": format_wareki(hakko)},
        items=[{**jukyushasho_item(k), "kanri": kanri_words(JogenSeido.JIRITSU, k, hakko)}],
    )


def yogu_tsuchi_item(y: YoguKyufu, *, hakko: date) -> dict[str, Any]:
    a = address_blocks([y.atena_id]).get(y.atena_id)
    kind = y.get_kind_display()
    shikyu = y.jotai in (YoguJotai.KETTEI, YoguJotai.SHIHARAI)
    rows = [
        ["種類", kind],
        ["品目", y.hinmoku],
        ["申請日", format_wareki(y.shinsei_date)],
        ["決定日", format_wareki(y.kettei_date) if y.kettei_date else ""],
    ]
    if shikyu:
        rows += [
            ["事業者", y.gyosha],
            ["基準額", _yen(y.kijun_gaku)],
            ["見積額", _yen(y.kakaku)],
            ["費用の額（基準額まで）", _yen(y.hiyo)],
            ["利用者負担の区分", KUBUN_LABELS.get(y.futan_kubun, "")],
            ["負担上限月額", _yen(y.futan_jogen)],
            ["利用者負担額", _yen(y.futan_gaku)],
            ["給付額", _yen(y.kyufu_gaku)],
            ["支給の方法", y.get_hoho_display()],
        ]
    else:
        rows.append(["却下の理由", y.kyakka_riyu])
    return {
        "postal": postal(a.postal_code) if a else "",
        "address": a.jusho if a else "",
        "atesaki": a.shimei if a else "",
        "hakko": format_wareki(hakko),
        "title": f"{kind}{'支給決定' if shikyu else '却下'}通知書",
        "lead": (
            f"申請のありました{kind}について、次のとおり支給することに決定したので通知します。"
            if shikyu
            else f"申請のありました{kind}について、次の理由により支給しないことに"
            "決定したので通知します。"
        ),
        "rows": rows,
        "konkyo": list(y.futan_konkyo),
        "kyoji": KYOJI,
    }


def yogu_tsuchi_render(y: YoguKyufu, *, hakko: date) -> bytes:
    item = yogu_tsuchi_item(y, hakko=hakko)
    return render(TSUCHI, common={"title": item["title"], "issuer": issuer_name()}, items=[item])
