"""Search keys for names (標準仕様書 2.1.2 検索文字入力).

A kana search must match whatever the clerk types: 全角/半角, ひらがな/カタカナ, spaces,
and small kana (ャ/ヤ, ッ/ツ …) are not told apart. ``kana_key`` folds a reading to
full-width katakana without spaces, with small kana made large and the long-vowel mark
kept; ``name_key`` folds a kanji name (NFKC, no spaces). Both are stored on ``Atena``
and the same function is applied to the typed criterion, so a prefix match on the
indexed column does the search.
"""

from __future__ import annotations

import unicodedata

_SMALL_TO_LARGE = str.maketrans(
    {
        "ァ": "ア", "ィ": "イ", "ゥ": "ウ", "ェ": "エ", "ォ": "オ",
        "ッ": "ツ", "ャ": "ヤ", "ュ": "ユ", "ョ": "ヨ", "ヮ": "ワ",
        "ヵ": "カ", "ヶ": "ケ",
    }
)  # fmt: skip
_SPACES = str.maketrans({" ": None, "\u3000": None, "\t": None, "・": None, "･": None})
_HIRA_START, _HIRA_END = 0x3041, 0x3096
_KATA_OFFSET = 0x60


def _hira_to_kata(s: str) -> str:
    return "".join(
        chr(ord(c) + _KATA_OFFSET) if _HIRA_START <= ord(c) <= _HIRA_END else c for c in s
    )


def kana_key(text: str) -> str:
    """Fold a reading: "やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ" → "ヤマダタロウ"."""
    s = unicodedata.normalize("NFKC", text or "")
    s = _hira_to_kata(s).translate(_SPACES).translate(_SMALL_TO_LARGE)
    return s.upper()


def name_key(text: str) -> str:
    """Fold a name for prefix search: NFKC, no spaces, upper case for alphabet names."""
    s = unicodedata.normalize("NFKC", text or "")
    return s.translate(_SPACES).upper()
