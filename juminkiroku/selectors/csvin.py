"""Who a CSV row names, and how a 個人番号カード's 券面事項 compare with the registry
(標準仕様書 10.8). Reads only; the screens log what they show.

A 交付申請書 names its 対象者 by 宛名番号 or by the 4情報 (氏名, 生年月日, 性別, 住所);
a card by its 個人番号, and by the 4情報 when no one on file has that number (a number
entered wrongly at the 転入 is one of the differences the clerk must see).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from juminkiroku.codes import AtenaKubun, JuminJotai, Sex
from juminkiroku.models import Atena
from juminkiroku.rules.kana import name_key


@dataclass(frozen=True)
class Found:
    """The person a row names, or why none: ``atena`` is set when exactly one matched."""

    atena: Atena | None
    by: str  # 宛名番号 / 個人番号 / 4情報
    message: str = ""


def _address_key(text: str) -> str:
    """An address folded to compare: NFKC, no spaces, 「丁目・番地・番・号」 and hyphens as one
    separator (カードは「堀内2135番地」、台帳は「堀内」「2135番地」)."""
    s = unicodedata.normalize("NFKC", text or "")
    for ch in (" ", "\u3000"):
        s = s.replace(ch, "")
    for word in ("丁目", "番地", "番", "号", "ー", "−", "‐"):
        s = s.replace(word, "-")
    return s.strip("-").replace("--", "-")


def registry_address(atena: Atena, *, katagaki: bool = True) -> str:
    parts = [atena.jusho, atena.banchi]
    if katagaki and atena.katagaki:
        parts.append(" " + atena.katagaki)
    return "".join(parts)


def _four(
    qs: Any, *, shimei: str, birth_date: date | None, sex: str | None, jusho: str | None
) -> list[Atena]:
    people = list(qs.filter(name_key=name_key(shimei), birth_date=birth_date)[:20])
    if sex:
        people = [p for p in people if p.sex == sex]
    if jusho:
        want = _address_key(jusho)
        people = [
            p
            for p in people
            if _address_key(registry_address(p)) == want
            or _address_key(registry_address(p, katagaki=False)) == want
        ]
    return people


def person_for_row(row: dict[str, Any]) -> Found:
    """The 対象者 of a 交付申請書 row: by 宛名番号 when given (the 4情報 given must then
    agree), else by 氏名 + 生年月日 (+ 性別, 住所 when given)."""
    qs = Atena.objects.all()
    if row.get("atena_no"):
        atena = qs.filter(atena_no=row["atena_no"]).first()
        if atena is None:
            return Found(None, "宛名番号", "この宛名番号の方はいません。")
        if row.get("shimei") and name_key(row["shimei"]) != atena.name_key:
            return Found(None, "宛名番号", "宛名番号の方と氏名が一致しません。")
        if row.get("birth_date") and row["birth_date"] != atena.birth_date:
            return Found(None, "宛名番号", "宛名番号の方と生年月日が一致しません。")
        return Found(atena, "宛名番号")
    if not (row.get("shimei") and row.get("birth_date")):
        return Found(None, "4情報", "宛名番号か、氏名と生年月日を書いてください。")
    people = _four(
        qs,
        shimei=row["shimei"],
        birth_date=row["birth_date"],
        sex=row.get("sex"),
        jusho=row.get("jusho"),
    )
    if not people:
        return Found(None, "4情報", "氏名・生年月日・性別・住所が一致する方はいません。")
    if len(people) > 1:
        return Found(None, "4情報", "一致する方が2人以上います。宛名番号で指定してください。")
    return Found(people[0], "4情報")


def person_for_card(card: dict[str, Any]) -> Found:
    """The person a card belongs to: by its 個人番号, else by the 4情報 on its front."""
    atena = Atena.objects.filter(kojin_bango=card["kojin_bango"]).first()
    if atena is not None:
        return Found(atena, "個人番号")
    people = _four(
        Atena.objects.all(),
        shimei=card["shimei"],
        birth_date=card["birth_date"],
        sex=card["sex"],
        jusho=None,
    )
    if len(people) == 1:
        return Found(people[0], "4情報（氏名・生年月日・性別）")
    if people:
        return Found(
            None, "4情報", "個人番号の一致する方がなく、4情報の一致する方が2人以上います。"
        )
    return Found(None, "個人番号", "個人番号・4情報のどちらでも一致する方はいません。")


@dataclass(frozen=True)
class Difference:
    label: str
    card: str
    registry: str
    same: bool


def kenmen_differences(card: dict[str, Any], atena: Atena) -> list[Difference]:
    """Item by item, the card against the registry (本人確認). The 個人番号 is compared,
    never shown: the row says only whether it agrees."""
    from tenants.wareki import format_wareki

    sex_words = dict(Sex.choices)
    rows = [
        Difference(
            "氏名", card["shimei"], atena.shimei, name_key(card["shimei"]) == atena.name_key
        ),
        Difference(
            "住所",
            card["jusho"],
            registry_address(atena),
            _address_key(card["jusho"])
            in (
                _address_key(registry_address(atena)),
                _address_key(registry_address(atena, katagaki=False)),
            ),
        ),
        Difference(
            "生年月日",
            format_wareki(card["birth_date"]),
            format_wareki(atena.birth_date),
            card["birth_date"] == atena.birth_date,
        ),
        Difference(
            "性別",
            str(sex_words.get(card["sex"], "")),
            str(sex_words.get(atena.sex, "")),
            card["sex"] == atena.sex,
        ),
        Difference(
            "旧氏",
            card.get("kyuuji") or "",
            atena.kyuuji,
            name_key(card.get("kyuuji") or "") == name_key(atena.kyuuji),
        ),
        Difference(
            "通称",
            card.get("tsusho") or "",
            atena.tsusho,
            name_key(card.get("tsusho") or "") == name_key(atena.tsusho),
        ),
        Difference(
            "個人番号",
            "（照合のみ・表示しません）",
            "（照合のみ・表示しません）" if atena.kojin_bango else "（記録なし）",
            card["kojin_bango"] == atena.kojin_bango,
        ),
    ]
    return rows


def is_resident(atena: Atena) -> bool:
    return atena.kubun == AtenaKubun.JUTOSHA and atena.jotai == JuminJotai.JUMIN
