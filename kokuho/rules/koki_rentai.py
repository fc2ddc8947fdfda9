"""連帯納付義務 of the 後期高齢者医療保険料 collected by 普通徴収 (pure).

高齢者の医療の確保に関する法律第108条 (text as quoted by 福祉医療機構 WAM NET,
https://www.wel.ne.jp/doc/feature/healthcare/kouki4/5.html):

- 第1項: the 被保険者 pays their own premium collected by 普通徴収;
- 第2項: the 世帯主 is jointly liable for the premium of an insured person *belonging to
  the household* (当該世帯に属する被保険者);
- 第3項: one spouse is jointly liable for the premium of the other, insured, spouse.

Both bind only 普通徴収: a month withheld from a pension (特別徴収) is nobody else's.

What the registry can tell (住民票 on the day, 続柄 to the 世帯主, 標準仕様書 1.1.11, stored
as a chain of two-digit codes: ``"04"`` 子, ``"0414"`` 子の子の妻):

- the 世帯主 of the insured's household on the day, unless it is the insured;
- a spouse *in the same household*, read from the 続柄: 世帯主 ⇔ 妻・夫; X ⇔ X の妻・夫
  (子 ⇔ 子の妻・子の夫 is the code pair 04 ⇔ 14・15); certain only when each side of the
  pair is one person of the household (two 子 and one 子の妻: who is married to whom is
  not on the 住民票, so nobody is named and a note says so);
- 父 and 母 of the same person (X の父 ⇔ X の母) are taken as spouses *by inference*
  (``suitei``): the 住民票 does not say they are married; the clerk confirms (戸籍)
  before billing.

Not judged (未確認, notes): a spouse in another household (the 戸籍 is not held here: 第3項
does not ask for the same household, so such a spouse is liable but not found); 妻（未届）・
夫（未届）are not named — 第108条第3項 has no clause taking in 事実上の婚姻 (unlike e.g.
国民年金法第5条第7項's definition), so whether they count is 未確認.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# 続柄 terms (住民記録システム標準仕様書 1.1.11; juminkiroku.codes.Zokugara)
SETAINUSHI = "01"
TSUMA, OTTO = "02", "03"
KO, KO_NO_TSUMA, KO_NO_OTTO = "04", "14", "15"
CHICHI, HAHA = "05", "06"
MITODOKE = ("22", "23")  # 妻（未届）, 夫（未届）

KONKYO_SETAINUSHI = "世帯主（高齢者の医療の確保に関する法律第108条第2項）"
KONKYO_HAIGUSHA = "配偶者（同法第108条第3項）"
KONKYO_HAIGUSHA_SUITEI = "配偶者と推定（同法第108条第3項。続柄が父・母のため、戸籍で確認が必要）"
NOTE_NOT_RESIDENT = (
    "この日に被保険者は住民記録の世帯に属していないため、連帯納付義務者を判定できません。"
)
NOTE_AMBIGUOUS = "同じ続柄の方が複数いるため、配偶者を続柄から特定できません。"
NOTE_MITODOKE = "続柄が妻（未届）・夫（未届）の方は配偶者として扱っていません（未確認）。"


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


def rentai_of(hihokensha_id: int, household: Sequence[Member]) -> RentaiResult:
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
            grounds.setdefault(m.atena_id, []).append(KONKYO_SETAINUSHI)
    # spouses: the members whose 続柄 pairs with mine as spouses
    mine = me.zokugara
    base = spouse_base(mine)
    candidates = [m for m in others if spouse_base(m.zokugara) == mine and mine]
    if base is not None:
        candidates += by_code.get(base, [])
    if candidates:
        alone = len(by_code.get(mine, [])) == 1
        if alone and len(candidates) == 1:
            grounds.setdefault(candidates[0].atena_id, []).append(KONKYO_HAIGUSHA)
        else:
            notes.append(NOTE_AMBIGUOUS)
    else:
        pair = _parent_pair(mine)
        partner = by_code.get(pair, []) if pair else []
        if pair and len(partner) == 1 and len(by_code.get(mine, [])) == 1:
            grounds.setdefault(partner[0].atena_id, []).append(KONKYO_HAIGUSHA_SUITEI)
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
