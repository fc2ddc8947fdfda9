"""文字コード照会 (標準仕様書 2.2.3): each character of a text with its code.

The standard asks that a kanji can be looked at enlarged and its character code shown.
For each character (with any variation selector that follows it, the IVS that picks an
MJ glyph) this gives the Unicode code points, the Unicode name where there is one, and
the character sets it belongs to: JIS X 0208 (the 常用 set of older systems; Shift_JIS)
and JIS X 0213 (EUC-JIS-2004), so a clerk sees whether a name needs 外字 for a system
that knows only the older set. Mapping to 文字情報基盤 MJ numbers needs the MJ table,
which is not in this code base.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_CHARS = 50
_VS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))


def _is_vs(c: str) -> bool:
    return any(ord(c) in r for r in _VS)


def _in(charset: str, s: str) -> bool:
    try:
        s.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Moji:
    char: str  # the character with its variation selector, if any
    codes: str  # "U+9089" or "U+9089 U+E0103"
    name: str  # Unicode name, "" for unnamed (CJK ideographs are named by code)
    jis_x_0208: bool
    jis_x_0213: bool
    ivs: bool


def moji_info(text: str) -> list[Moji]:
    """The characters of ``text`` (spaces skipped), at most MAX_CHARS."""
    chars: list[str] = []
    for c in text or "":
        if _is_vs(c) and chars:
            chars[-1] += c
        elif not c.isspace():
            chars.append(c)
    out = []
    for ch in chars[:MAX_CHARS]:
        base = ch[0]
        out.append(
            Moji(
                char=ch,
                codes=" ".join(f"U+{ord(c):04X}" for c in ch),
                name=unicodedata.name(base, ""),
                jis_x_0208=_in("shift_jis", base),
                jis_x_0213=_in("euc_jis_2004", base),
                ivs=len(ch) > 1,
            )
        )
    return out
