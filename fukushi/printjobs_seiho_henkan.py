"""返還金・徴収金 決定通知書 and 医療券・調剤券・介護券 on the shared print path, with the
保護決定通知書's Typst template (``fukushi/seiho_tsuchi.typ``: 宛先, rows, one table, notes).

The official 様式 were not at hand (the 医療券's items follow 「生活保護法による医療券等の
記載要領」 平成11年8月27日社援保第41号: 公費負担者番号, 受給者番号, 診療年月, 指定医療機関,
本人支払額); the layout is ours. The 教示 of a 返還金・徴収金 決定 follows 生活保護法第64条
(都道府県知事への審査請求) and 行政不服審査法第18条第1項 (3か月), as the 保護決定通知書.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fukushi.models import HenkanHo, HenkanKind, SeihoHenkan, SeihoKen
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki

TEMPLATE = "fukushi/seiho_tsuchi.typ"
KIND_WORD: dict[str, str] = {HenkanKind.KETTEI: "決定", HenkanKind.HENKO: "変更決定"}


def _yen(v: int) -> str:
    return f"{v:,}円"


def _wareki_month(d: date) -> str:
    w = format_wareki(d)
    return w[: w.index("月") + 1] + "分"


def _head(atena_id: int, blocks: dict[int, Any], names: dict[int, Any]) -> dict[str, str]:
    block = blocks.get(atena_id)
    person = names.get(atena_id)
    return {
        "postal": postal(block.postal_code) if block else "",
        "address": block.jusho if block else "",
        "katagaki": block.katagaki if block else "",
        "atesaki": person.shimei if person else "",
    }


def henkan_items(rows: Sequence[SeihoHenkan]) -> list[dict[str, Any]]:
    ids = [h.nofu_atena_id for h in rows]
    blocks = address_blocks(ids)
    names = person_identities(ids)
    pref = current_municipality().prefecture
    out: list[dict[str, Any]] = []
    for h in rows:
        is78 = h.ho == HenkanHo.CHOSHU_78
        what = "返還金" if h.ho == HenkanHo.HENKAN_63 else "徴収金"
        rows_ = [
            ("ケース番号", h.case.case_no),
            ("根拠", h.get_ho_display()),
            ("決定", h.get_kind_display()),
            ("対象期間", f"{format_wareki(h.kikan_from)}〜{format_wareki(h.kikan_to)}"),
            ("理由", h.riyu),
            ("対象期間に受けた保護費", _yen(h.hogo_kingaku)),
        ]
        if is78:
            rows_ += [
                ("徴収する額", _yen(h.honkin)),
                ("加算額", f"{_yen(h.kasan)}（徴収する額の{h.kasan_ritsu}％）"),
            ]
        else:
            rows_ += [("控除額", _yen(h.kojo))]
        rows_ += [(f"{what}の額", _yen(h.amount))]
        out.append(
            {
                **_head(h.nofu_atena_id, blocks, names),
                "hakko": format_wareki(h.kettei_date),
                "title": f"生活保護法による{what}{KIND_WORD.get(h.kind, '決定')}通知書",
                "lead": [
                    f"{h.get_ho_display()}について、次のとおり決定しましたので通知します。"
                    "次の納期限までに納付してください。"
                ],
                "rows": [list(r) for r in rows_],
                "table": {
                    "title": "分割納付の計画",
                    "header": ["期別", "納期限", "金額"],
                    "num_from": 2,
                    "rows": [
                        [
                            f"第{k['ki']}期（納付番号 {k.get('nofu_bango', '')}）",
                            format_wareki(date.fromisoformat(k["nouki"])),
                            _yen(int(k["amount"])),
                        ]
                        for k in h.bunkatsu
                    ],
                },
                "notes": [
                    "この決定に不服があるときは、決定があったことを知った日の翌日から起算して3か月以内に、"
                    f"{pref}知事に審査請求をすることができます（生活保護法第64条、行政不服審査法第18条）。"
                ],
            }
        )
    return out


def henkan_render(rows: Sequence[SeihoHenkan]) -> bytes:
    return render(
        TEMPLATE,
        common={
            "title": "生活保護 返還金・徴収金 決定通知書",
            "issuer": f"{current_municipality().name}長",
        },
        items=henkan_items(rows),
    )


def ken_items(rows: Sequence[SeihoKen]) -> list[dict[str, Any]]:
    ids = [k.atena_id for k in rows]
    blocks = address_blocks(ids)
    names = person_identities(ids)
    out: list[dict[str, Any]] = []
    for k in rows:
        person = names.get(k.atena_id)
        label = k.get_shubetsu_display()
        rows_ = [
            ("公費負担者番号", k.kohi_futansha_no),
            ("受給者番号", k.jukyusha_no),
            ("診療・サービスの年月", _wareki_month(k.month)),
            ("氏名", person.shimei if person else ""),
            ("生年月日", format_wareki(person.birth_date) if person and person.birth_date else ""),
            ("ケース番号", k.case.case_no),
            (k.kikan.get_shubetsu_display(), f"{k.kikan.name}（{k.kikan.code}）"),
            ("本人支払額", _yen(k.honnin_shiharai)),
        ]
        if k.saihakko:
            rows_.append(("再発行", k.saihakko_riyu))
        out.append(
            {
                **_head(k.atena_id, blocks, names),
                "hakko": "交付日 " + format_wareki(k.kofu_date),
                "title": f"生活保護法 {label}",
                "lead": [
                    f"この{label}は{_wareki_month(k.month)}の{k.kikan.name}での"
                    f"{'介護' if k.shubetsu == 'kaigo' else '診療・調剤'}に使えます。"
                ],
                "rows": [list(r) for r in rows_],
                "table": {"title": "", "header": [], "num_from": 2, "rows": []},
                "notes": [
                    "本人支払額があるときは、その額を機関の窓口で支払ってください。",
                    "この券は暦月を単位として発行しています。",
                ],
            }
        )
    return out


def ken_render(rows: Sequence[SeihoKen]) -> bytes:
    return render(
        TEMPLATE,
        common={
            "title": "生活保護 医療券・調剤券・介護券",
            "issuer": f"{current_municipality().name}長",
        },
        items=ken_items(rows),
    )
