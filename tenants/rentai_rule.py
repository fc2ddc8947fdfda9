"""Who is jointly liable for a premium collected by 普通徴収 (pure; the platform's, as two
modules apply the same words of law).

Two premiums are owed, beside the insured, by the 世帯主 of the household the insured
belongs to and by the insured's spouse, when collected by 普通徴収:

- 後期高齢者医療保険料: 高齢者の医療の確保に関する法律第108条第2項・第3項 (kokuho);
- 介護保険料 of a 第1号被保険者: 介護保険法第132条第2項・第3項 (kaigo).

The two articles are worded alike (第2項: 世帯主 … 当該世帯に属する被保険者の保険料を連帯して
納付する義務を負う; 第3項: 配偶者の一方は … 他方の保険料を連帯して納付する義務を負う), so the
judgment is one function here and each module passes its own grounds in words
(:class:`Konkyo`, with its article).

What the registry can tell (住民票 on the day, 続柄 to the 世帯主, 住民記録システム標準仕様書
1.1.11, stored as a chain of two-digit codes: ``"04"`` 子, ``"0414"`` 子の子の妻):

- the 世帯主 of the insured's household on the day, unless it is the insured;
- a spouse *in the same household*, read from the 続柄: 世帯主 ⇔ 妻・夫; X ⇔ X の妻・夫
  (子 ⇔ 子の妻・子の夫 is the code pair 04 ⇔ 14・15); certain only when each side of the
  pair is one person of the household (two 子 and one 子の妻: who is married to whom is
  not on the 住民票, so nobody is named and a note says so);
- 父 and 母 of the same person (X の父 ⇔ X の母) are taken as spouses *by inference*
  (``suitei``): the 住民票 does not say they are married; the clerk confirms (戸籍)
  before billing.

Not judged (未確認, notes): a spouse in another household (the 戸籍 is not held here: 第3項
of either article does not ask for the same household, so such a spouse is liable but not
found); 妻（未届）・夫（未届）are not named — neither article has a clause taking in 事実上の
婚姻 (unlike e.g. 国民年金法第5条第7項's definition), so whether they count is 未確認.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

# 続柄 terms (住民記録システム標準仕様書 1.1.11; juminkiroku.codes.Zokugara)
SETAINUSHI = "01"
TSUMA, OTTO = "02", "03"
KO, KO_NO_TSUMA, KO_NO_OTTO = "04", "14", "15"
CHICHI, HAHA = "05", "06"
MITODOKE = ("22", "23")  # 妻（未届）, 夫（未届）

NOTE_NOT_RESIDENT = (
    "この日に被保険者は住民記録の世帯に属していないため、連帯納付義務者を判定できません。"
)
NOTE_AMBIGUOUS = "同じ続柄の方が複数いるため、配偶者を続柄から特定できません。"
NOTE_MITODOKE = "続柄が妻（未届）・夫（未届）の方は配偶者として扱っていません（未確認）。"


@dataclass(frozen=True)
class Konkyo:
    """The grounds in words, each with its article, as the levying module cites them."""

    setainushi: str  # 「世帯主（…第2項）」
    haigusha: str  # 「配偶者（…第3項）」
    haigusha_suitei: str  # 「配偶者と推定（…第3項。続柄が父・母のため、戸籍で確認が必要）」


@dataclass(frozen=True)
class Member:
    atena_id: int
    zokugara: str  # stored code chain ("" when the registry has none)


@dataclass(frozen=True)
class Rentai:
    atena_id: int
    zokugara: str  # their 続柄 code chain on the day
    konkyo: tuple[str, ...]
    suitei: bool = False


@dataclass(frozen=True)
class RentaiResult:
    sha: tuple[Rentai, ...]
    notes: tuple[str, ...] = ()


def _terms(code: str) -> list[str]:
    return [code[i : i + 2] for i in range(0, len(code), 2)] if len(code) % 2 == 0 else []


def spouse_base(code: str) -> str | None:
    """Whose spouse a 続柄 names: 妻 → 世帯主 ``"01"``; 子の妻 ``"14"`` → 子 ``"04"``;
    父の妻 ``"0502"`` → 父 ``"05"``; None for a 続柄 that is nobody's spouse."""
    terms = _terms(code)
    if not terms:
        return None
    last, prefix = terms[-1], "".join(terms[:-1])
    if last in (TSUMA, OTTO):
        return prefix or SETAINUSHI
    if last in (KO_NO_TSUMA, KO_NO_OTTO):
        return prefix + KO
    return None


def _parent_pair(code: str) -> str | None:
    """父 ↔ 母 of the same person: the other one's code (``"05"`` ↔ ``"06"``)."""
    terms = _terms(code)
    if not terms or terms[-1] not in (CHICHI, HAHA):
        return None
    return "".join(terms[:-1]) + (HAHA if terms[-1] == CHICHI else CHICHI)


def rentai_of(hihokensha_id: int, household: Sequence[Member], konkyo: Konkyo) -> RentaiResult:
    """The 連帯納付義務者 of the insured ``hihokensha_id`` given the members of their
    household on the day (themselves included); the insured is never among them."""
    me = next((m for m in household if m.atena_id == hihokensha_id), None)
    if me is None:
        return RentaiResult((), (NOTE_NOT_RESIDENT,))
    others = [m for m in household if m.atena_id != hihokensha_id]
    by_code: dict[str, list[Member]] = {}
    for m in household:
        by_code.setdefault(m.zokugara, []).append(m)
    grounds: dict[int, list[str]] = {}
    suitei: set[int] = set()
    notes: list[str] = []
    for m in others:
        if m.zokugara == SETAINUSHI:
            grounds.setdefault(m.atena_id, []).append(konkyo.setainushi)
    # spouses: the members whose 続柄 pairs with mine as spouses
    mine = me.zokugara
    base = spouse_base(mine)
    candidates = [m for m in others if spouse_base(m.zokugara) == mine and mine]
    if base is not None:
        candidates += by_code.get(base, [])
    if candidates:
        alone = len(by_code.get(mine, [])) == 1
        if alone and len(candidates) == 1:
            grounds.setdefault(candidates[0].atena_id, []).append(konkyo.haigusha)
        else:
            notes.append(NOTE_AMBIGUOUS)
    else:
        pair = _parent_pair(mine)
        partner = by_code.get(pair, []) if pair else []
        if pair and len(partner) == 1 and len(by_code.get(mine, [])) == 1:
            grounds.setdefault(partner[0].atena_id, []).append(konkyo.haigusha_suitei)
            suitei.add(partner[0].atena_id)
        elif pair and len(partner) > 1:
            notes.append(NOTE_AMBIGUOUS)
    mitodoke = mine in MITODOKE or any(m.zokugara in MITODOKE for m in others if mine == SETAINUSHI)
    if mitodoke:
        notes.append(NOTE_MITODOKE)
    code = {m.atena_id: m.zokugara for m in others}
    sha = tuple(
        Rentai(atena_id=a, zokugara=code[a], konkyo=tuple(g), suitei=a in suitei)
        for a, g in grounds.items()
    )
    return RentaiResult(sha, tuple(notes))


class _Resident(Protocol):
    @property
    def atena_id(self) -> int: ...
    @property
    def zokugara(self) -> str: ...


#: ``juminkiroku.public.households_of``'s shape: (宛名 ids, day) → {id: members that day}
HouseholdsOf = Callable[[Iterable[int], date], Mapping[int, Sequence[_Resident]]]


def rentai_on(
    pairs: Iterable[tuple[int, date]], *, households_of: HouseholdsOf, konkyo: Konkyo
) -> dict[tuple[int, date], RentaiResult]:
    """(insured 宛名 id, day) → who is jointly liable on that day; the households are read
    by the caller's ``households_of`` (the registry's public face: the platform imports no
    app), one call per distinct day."""
    by_day: dict[date, set[int]] = {}
    for atena_id, day in pairs:
        by_day.setdefault(day, set()).add(atena_id)
    out: dict[tuple[int, date], RentaiResult] = {}
    for day, ids in by_day.items():
        households = households_of(ids, day)
        for a in ids:
            members = [Member(r.atena_id, r.zokugara) for r in households.get(a, [])]
            out[(a, day)] = rentai_of(a, members, konkyo)
    return out
