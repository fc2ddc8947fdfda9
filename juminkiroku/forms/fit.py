"""Fitting text into the fixed boxes of a printed certificate.

Widths are counted in full-width characters (a half-width letter or digit counts as
half). Each kind of box has three sizes: the normal font, a smaller one and the
smallest still legible; text wider than the smallest size allows is refused rather
than cut, because a certificate must never print a truncated name or address.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


class TextTooLong(ValueError):
    """The text does not fit its box even at the smallest size."""

    def __init__(self, label: str) -> None:
        self.label = label
        super().__init__(f"文字数が多く印字できません: {label}")


@dataclass(frozen=True)
class Box:
    normal: float
    small: float
    smallest: float


# Capacity of each box in full-width characters, at its normal / smaller / smallest font
# (see templates/juminkiroku/forms/_style.html: the value column is 145 mm wide; names
# print at 13 / 10.5 / 8.5 pt, everything else at 10.5 / 8.5 / 7 pt). The figures keep
# a margin below what the column holds so a line never wraps.
BOXES: dict[str, Box] = {
    "name": Box(normal=18, small=24, smallest=30),
    "kana": Box(normal=30, small=40, smallest=48),
    "address": Box(normal=36, small=45, smallest=56),
    "alpha": Box(normal=30, small=40, smallest=52),
    "short": Box(normal=24, small=30, smallest=36),
    # The history table (8.5 / 7 / 6 pt): name column 35 mm, address column 95 mm.
    "h_name": Box(normal=10, small=13, smallest=15),
    "h_address": Box(normal=28, small=34, smallest=42),
}

FONT_CLASS = {"normal": "", "small": "fs-s", "smallest": "fs-xs"}
#: the class of a text that needs a font drawing 文字情報基盤 (MJ) glyphs: IPAmj明朝 first
#: (templates/juminkiroku/forms/_style.html). An ideographic variation selector picks an MJ
#: glyph (Moji_Joho collection) that the default font (Noto Serif CJK JP, Adobe-Japan1
#: sequences only) would draw as its base character; IPAmj明朝 draws every MJ glyph.
MJ_CLASS = "mj"


def needs_mj(text: str) -> bool:
    return any(0xE0100 <= ord(ch) <= 0xE01EF for ch in text)


def text_width(text: str) -> float:
    width = 0.0
    for ch in text:
        if unicodedata.combining(ch) or ch in "\u200d\ufe0e\ufe0f" or 0xE0100 <= ord(ch) <= 0xE01EF:
            continue  # variation selectors (IVS) and combining marks take no room
        width += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5
    return width


def fit_class(text: str, *, box: str, label: str) -> str:
    """The CSS class that makes ``text`` fit ``box`` (and draws it in the MJ font when it
    holds an IVS); raises TextTooLong past the limit."""
    size = BOXES[box]
    width = text_width(text)
    if width <= size.normal:
        css = FONT_CLASS["normal"]
    elif width <= size.small:
        css = FONT_CLASS["small"]
    elif width <= size.smallest:
        css = FONT_CLASS["smallest"]
    else:
        raise TextTooLong(label)
    return f"{css} {MJ_CLASS}".strip() if needs_mj(text) else css
