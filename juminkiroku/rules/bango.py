"""番地・枝番・号・部屋番号 as numbers (標準仕様書 1.3.2: ソート機能のため、番地・枝番・部屋番号等を
数値によりコード管理できること).

``bango_codes`` reads the numbers of an address text in order — 「1丁目2番3号」 gives
(1, 2, 3), 「123番地の4」 (123, 4), 「ハイツ葉山１０１号室」 (101,) — in ASCII, full-width or
kanji numerals (「十二番地」). ``narabi_key`` makes the key lists sort by: the numbers
first, so 2番 comes before 10番, then the text itself.
"""

from __future__ import annotations

import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_KANJI_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_KANJI_DIGIT |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNIT = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(r"[0-9]+|[〇零一二三四五六七八九十百千]+")
#: At most this many numbers are kept (番地, 枝番, 号, and a room).
MAX_PARTS = 4


def _kanji(text: str) -> int:
    if all(c in _KANJI_DIGIT for c in text):  # 「一〇一」 read digit by digit
        return int("".join(str(_KANJI_DIGIT[c]) for c in text))
    total, digit = 0, 0
    for c in text:
        if c in _KANJI_DIGIT:
            digit = _KANJI_DIGIT[c]
        else:
            total += (digit or 1) * _KANJI_UNIT[c]
            digit = 0
    return total + digit


def bango_codes(text: str) -> tuple[int, ...]:
    """The numbers of ``text`` in order, at most ``MAX_PARTS``."""
    found: list[int] = []
    for m in _NUMBER.finditer(text.translate(_FULLWIDTH)):
        part = m.group()
        found.append(int(part) if part.isdigit() else _kanji(part))
        if len(found) == MAX_PARTS:
            break
    return tuple(found)


def narabi_key(*texts: str) -> tuple[tuple[int, ...], str]:
    """A sort key for 番地 then 方書 (its room number): numbers first, then the text."""
    return (tuple(n for t in texts for n in bango_codes(t)), "".join(texts))
