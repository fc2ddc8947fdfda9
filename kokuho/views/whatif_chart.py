"""Server-rendered SVG of the 税率の試算 (no JavaScript, nothing fetched): horizontal bars,
one a row, with the figure written beside each bar. Pure: figures in, an SVG string out;
every text escaped; ``role="img"`` with a <title> and a <desc> that spells out every
figure, and the screen shows the same figures as a table next to it.

(billing/charts.py draws the office's stacked bars the same way; a third chart would be
the time to move the shared drawing into the platform.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: Okabe–Ito colours, distinguishable with the common colour-vision deficiencies
DOWN = "#0072B2"
SAME = "#999999"
UP = "#D55E00"
GENKO = "#999999"
SHISAN = "#0072B2"

_ROW = 26
_LABEL_W = 250
_BAR_W = 380
_VALUE_W = 150
_TOP = 10
_FONT = 'font-family="sans-serif" font-size="13"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str
    #: the figure as the screen writes it (e.g. "1,234世帯", "12,345,600円")
    text: str


def _a(text: object) -> str:
    return escape(str(text), quote=True)


def hbar_chart(title: str, bars: Sequence[Bar]) -> str:
    """Bars scaled to the largest value (0 draws no bar, its figure is still written)."""
    top = max((b.value for b in bars), default=0)
    height = _TOP * 2 + _ROW * len(bars)
    width = _LABEL_W + _BAR_W + _VALUE_W
    desc = "、".join(f"{b.label} {b.text}" for b in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="c-t c-d">',
        f'<title id="c-t">{_a(title)}</title><desc id="c-d">{_a(desc)}</desc>',
    ]
    for i, b in enumerate(bars):
        y = _TOP + i * _ROW
        w = (b.value * _BAR_W // top) if top > 0 else 0
        if b.value > 0 and w == 0:
            w = 1  # a non-zero figure stays visible
        parts.append(
            f'<text x="{_LABEL_W - 8}" y="{y + 17}" text-anchor="end" {_FONT}>{_a(b.label)}</text>'
        )
        parts.append(
            f'<rect x="{_LABEL_W}" y="{y + 4}" width="{w}" height="{_ROW - 8}" '
            f'fill="{_a(b.colour)}"><title>{_a(b.label)} {_a(b.text)}</title></rect>'
        )
        parts.append(f'<text x="{_LABEL_W + w + 6}" y="{y + 17}" {_FONT}>{_a(b.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
