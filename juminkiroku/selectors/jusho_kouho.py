"""Candidates offered while a 異動 is entered: 方書 (標準仕様書 4.0.7) and 本籍 (4.0.6).

4.0.7: the 方書 of the 番地 typed (and those tied to the whole 町字), from the 方書 master
(1.3.4), valid on the day. The reverse — an address offered from a 方書 — is one of
4.0.7's 【実装しない機能】 and is not offered anywhere.

4.0.6: the 本籍 may be picked from the 現住所, the 転入前住所, the 世帯主の本籍 and the
世帯員の本籍, and from a 本籍・筆頭者 already typed for another 異動者 of the same form (the
first one corrected is quoted for the rest of the household). No 本籍 is offered from a
person's history, so 4.0.6's rule on 本籍地 that no longer exist after a 合併 does not
arise; the 市区町村コード便覧 (its 【実装しない機能】) is not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from juminkiroku.codes import JuminJotai, Zokugara
from juminkiroku.models import Atena, Banchi, JushoJisho, Katagaki, Setai
from juminkiroku.rules.bango import bango_codes


def jisho_for(jusho_code: str, jusho: str) -> JushoJisho | None:
    """The 住所辞書 row of an address: by its 住所コード, else the longest 町字 that ends
    the 住所 typed."""
    if jusho_code.strip():
        return JushoJisho.objects.filter(jusho_code=jusho_code.strip()).first()
    text = jusho.strip()
    if not text:
        return None
    found = [j for j in JushoJisho.objects.all() if j.name and text.endswith(j.name)]
    return max(found, key=lambda j: len(j.name), default=None)


def _valid(on: date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def banchi_for(jisho: JushoJisho, banchi: str, on: date) -> Banchi | None:
    """The 番地 of the master that ``banchi`` names: the same 表記, else the same numbers."""
    text = banchi.strip()
    if not text:
        return None
    rows = Banchi.objects.filter(_valid(on), jisho=jisho)
    same = rows.filter(hyoki=text).first()
    if same is not None:
        return same
    codes = bango_codes(text)[:3]
    for row in rows:
        if (
            codes
            and tuple(n for n in (row.banchi_no, row.edaban_no, row.go_no) if n is not None)
            == codes
        ):
            return row
    return None


def katagaki_kouho(*, jusho_code: str, jusho: str, banchi: str, on: date) -> list[Katagaki]:
    """方書 candidates for an address (4.0.7): those of its 番地 first, then the 町字's own."""
    jisho = jisho_for(jusho_code, jusho)
    if jisho is None:
        return []
    place = banchi_for(jisho, banchi, on)
    rows = Katagaki.objects.filter(_valid(on), jisho=jisho)
    of_banchi = list(rows.filter(banchi=place)) if place is not None else []
    return [*of_banchi, *rows.filter(banchi__isnull=True)]


@dataclass(frozen=True)
class HonsekiKouho:
    source: str  # in Japanese: 現住所, 転入前住所, 世帯主の本籍, 世帯員の本籍, 入力中の本籍
    honseki: str
    hittosha: str = ""


def honseki_kouho(
    *,
    genjusho: str = "",
    tennyu_mae: str = "",
    setai: Setai | None = None,
    typed: list[tuple[str, str]] | None = None,
) -> tuple[list[HonsekiKouho], list[int]]:
    """本籍 candidates (4.0.6) and the ids of the 宛名 whose 本籍 they show (to log)."""
    found: list[HonsekiKouho] = []
    shown: list[int] = []
    if genjusho.strip():
        found.append(HonsekiKouho("現住所", genjusho.strip()))
    if tennyu_mae.strip():
        found.append(HonsekiKouho("転入前住所", tennyu_mae.strip()))
    for honseki, hittosha in typed or []:
        if honseki.strip():
            found.append(HonsekiKouho("入力中の本籍", honseki.strip(), hittosha.strip()))
    if setai is not None:
        members = Atena.objects.filter(setai=setai, jotai=JuminJotai.JUMIN).exclude(honseki="")
        for m in members.order_by("setai_order", "pk"):
            head = m.zokugara == Zokugara.HONNIN
            found.append(
                HonsekiKouho("世帯主の本籍" if head else "世帯員の本籍", m.honseki, m.hittosha)
            )
            shown.append(m.pk)
    unique: list[HonsekiKouho] = []
    seen: set[tuple[str, str]] = set()
    for k in found:
        if (k.honseki, k.hittosha) not in seen:
            seen.add((k.honseki, k.hittosha))
            unique.append(k)
    return unique, shown
