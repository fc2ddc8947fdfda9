"""Search keys for names (標準仕様書 2.1.2 検索文字入力).

A kana search must match whatever the clerk types, and the standard (2.1.2
【実装すべき機能】) lists the differences a search ignores:

* 全角/半角, ひらがな/カタカナ, spaces between 氏 and 名;
* 清音・濁音・半濁音 (its examples: ヂ/ジ, ズ/ヅ, ワ/ハ, ヴァ/バ, ヴィ/ビ, ヴ/ブ, オ/ヲ,
  ヒ/ピ): ヂ is read as ジ and ヅ as ズ, ヴ+vowel as the バ row, ヲ as オ and ワ as
  ハ, and then every voiced or semi-voiced kana as its plain one (ガ→カ, パ→ハ);
* small kana (ャ/ヤ, ッ/ツ …) against large ones;
* 長音 present or absent, whichever of ー ― － ‐ ｰ - was typed;
* オ段 + ウ from the second character on is read as オ段 + オ (オウノ = オオノ).

``kana_key`` applies all of them, so equal keys are what the standard asks to be found
together. Since a long vowel "may or may not" be written, a vowel that repeats the vowel
of the kana before it (after the ウ→オ step) is dropped like the mark itself: オオノ,
オウノ, オーノ and オノ share the key オノ. The fold looks at one character of left
context only, so the key of a prefix is a prefix of the key of the whole reading and the
indexed ``startswith`` still answers the search.

The trade-off is the standard's own: a fuzzy key finds more people (サトウ and サト share
サト), and the screen shows the exact reading of each hit.

``name_key`` folds a kanji name (NFKC, no spaces). Both are stored on ``Atena``
(maintained by the services; migration 0010_data_fusho_kana_kisai recomputed the stored
``kana_key`` when this fold widened) and the same function is applied to the typed
criterion, so a prefix match on the indexed column does the search.
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
# Long-vowel marks and what clerks type for them (2.1.2: ー ― － ‐ ｰ -); NFKC has
# already turned ｰ into ー and － into -.
_CHOON = frozenset("ー―－‐‑‒–—−-~〜")
_HIRA_START, _HIRA_END = 0x3041, 0x3096
_KATA_OFFSET = 0x60
# Sequences read as another before the voicing marks go (2.1.2 examples).
_SEQUENCES = (
    ("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴ", "ブ"),
    ("ヂ", "ジ"), ("ヅ", "ズ"), ("ヲ", "オ"), ("ヷ", "ハ"), ("ワ", "ハ"),
)  # fmt: skip
_VOICING_MARKS = frozenset("\u3099\u309a")
# The vowel of each plain katakana (after the folds above: no small or voiced kana).
_VOWEL_ROWS = {
    "ア": "アカサタナハマヤラ",
    "イ": "イキシチニヒミリヰ",
    "ウ": "ウクスツヌフムユル",
    "エ": "エケセテネヘメレヱ",
    "オ": "オコソトノホモヨロ",
}
_VOWEL_OF = {kana: vowel for vowel, row in _VOWEL_ROWS.items() for kana in row}


def _hira_to_kata(s: str) -> str:
    return "".join(
        chr(ord(c) + _KATA_OFFSET) if _HIRA_START <= ord(c) <= _HIRA_END else c for c in s
    )


def _unvoice(s: str) -> str:
    decomposed = unicodedata.normalize("NFD", s)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _VOICING_MARKS))


def kana_key(text: str) -> str:
    """Fold a reading for search (2.1.2).

    "やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ" → "ヤマタタロ"; "オオノ", "オウノ",
    "オーノ" → "オノ"; "ヂ" and "ジ" → "シ"."""
    return _fold(_prepared(text), [])


def _prepared(text: str) -> str:
    """The character folds (width, kana kind, spaces, 2.1.2 sequences, small and
    voiced kana), before the long-vowel step."""
    s = unicodedata.normalize("NFKC", text or "")
    s = _hira_to_kata(s).translate(_SPACES).upper()
    for seq, repl in _SEQUENCES:
        s = s.replace(seq, repl)
    s = s.translate(_SMALL_TO_LARGE)
    return _unvoice(s)


# Kana (and ・ ー) that no fold joins to the character before them: not a voicing mark
# (NFKC/NFC compose it with the kana before), not a small ア/イ/エ/オ (ヴァ … are read as one).
_STARTS_ON_ITS_OWN = frozenset(chr(c) for c in range(0x3041, 0x30FD)) - frozenset(
    "ぁぃぇぉァィェォ\u3099\u309a\u309b\u309c"
)


def kana_key_tail(left_key: str, text: str) -> str | None:
    """What ``text`` adds to the key of a reading it follows:
    ``kana_key(left + text) == kana_key(left) + kana_key_tail(kana_key(left), text)``.

    The character folds of ``left + text`` are those of each part when ``text`` starts
    with a kana that stands on its own (``_STARTS_ON_ITS_OWN``), and the long-vowel step
    looks at one character to the left, the last of ``left_key``. ``None`` when ``text``
    starts otherwise (the caller folds the whole reading). Lets a caller fold 姓 and 名
    once each instead of every (姓, 名) pair (the synthetic-town generator)."""
    if not text or text[0] not in _STARTS_ON_ITS_OWN:
        return None
    return _fold(_prepared(text), list(left_key[-1:]))


def _fold(s: str, out: list[str]) -> str:
    """The long-vowel step over prepared text; ``out`` holds the key so far (only its
    last character is read) and is not part of the result."""
    start = len(out)
    for c in s:
        if c in _CHOON:
            continue  # 長音の有無を無視
        prev = _VOWEL_OF.get(out[-1]) if out else None
        if c == "ウ" and prev == "オ":
            c = "オ"  # オ段 + ウ → オ段 + オ (2.1.2), from the second character on
        if prev is not None and c == prev:
            continue  # a written long vowel counts as the mark it stands for
        out.append(c)
    return "".join(out[start:])


def name_key(text: str) -> str:
    """Fold a name for prefix search: NFKC, no spaces, upper case for alphabet names."""
    s = unicodedata.normalize("NFKC", text or "")
    return s.translate(_SPACES).upper()
