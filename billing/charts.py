"""Server-rendered SVG charts for the office's screens (no JavaScript, no network).

Pure functions: figures in, an SVG string out. Every text is escaped; money stays int yen
and drawing coordinates are computed with Fraction (printed to 0.01 px). Each chart has
``role="img"`` with a <title> and a <desc> that spells out every figure, every bar a
<title> for pointer users; the pages show the same figures as a table beside the chart.

- :func:`share_stacked_bars`: one stacked bar per member, a segment per pool.
- :func:`savings_bars`: per member a pair of bars 現行経費 / 負担金 and the 削減率.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from html import escape

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
)
FORMER_COLOUR = "#999999"
CURRENT_COLOUR = "#0072B2"

_TOP = 40
_PLOT_H = 260
_LEFT = 96
_LEGEND_W = 220
_BOTTOM = 56
_FONT = 'font-family="sans-serif" font-size="12"'


def _a(text: object) -> str:
    """Escaped for both text and attribute values."""
    return escape(str(text), quote=True)


def _px(x: Fraction | int) -> str:
    """A coordinate with two decimals, without floats."""
    hundredths = round(Fraction(x) * 100)
    sign = "-" if hundredths < 0 else ""
    whole, frac = divmod(abs(hundredths), 100)
    return f"{sign}{whole}" + (f".{frac:02d}".rstrip("0") if frac else "")


def yen(v: int) -> str:
    return f"{v:,}円"


def yen_tick(v: int) -> str:
    """Axis labels: 億円 / 万円 when the value is round, else yen."""
    if v and v % 100_000_000 == 0:
        return f"{v // 100_000_000:,}億円"
    if v and v % 10_000 == 0:
        return f"{v // 10_000:,}万円"
    return f"{v:,}円"


def nice_step(span: int, max_intervals: int = 5) -> int:
    """The smallest 1·2·5×10^k step (≥ 1 yen) giving at most ``max_intervals`` intervals."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if span <= step * m * max_intervals:
                return step * m
        step *= 10


def axis(lo: int, hi: int) -> tuple[int, int, list[int]]:
    """Axis bounds covering ``[lo, hi]`` (with 0) on whole steps, and the tick values."""
    lo, hi = min(lo, 0), max(hi, 0)
    if lo == hi:
        hi = lo + 1
    step = nice_step(hi - lo)
    bottom = (lo // step) * step
    top = -(-hi // step) * step
    return bottom, top, list(range(bottom, top + 1, step))


def saving_rate(former: int | None, current: int) -> str | None:
    """削減率 (former − current) / former as "23.4%", to 0.1%, half away from zero;
    None without a former cost."""
    if not former:
        return None
    tenths = Fraction(former - current, former) * 1000
    magnitude = abs(tenths)
    rounded = int(magnitude) + (1 if magnitude - int(magnitude) >= Fraction(1, 2) else 0)
    sign = "-" if tenths < 0 and rounded else ""
    return f"{sign}{rounded // 10}.{rounded % 10}%"


def rate_text(former: int | None, current: int) -> str:
    """The label above a pair: "削減率 23.4%" or "現行経費未登録"."""
    rate = saving_rate(former, current)
    return f"削減率 {rate}" if rate is not None else "現行経費未登録"


class _Frame:
    """Coordinates of one chart: ``slots`` groups along x, a yen axis along y."""

    def __init__(self, *, slots: int, slot_w: int, lo: int, hi: int, legend_items: int) -> None:
        self.bottom, self.top, self.ticks = axis(lo, hi)
        self.slot_w = slot_w
        self.plot_w = max(slots, 1) * slot_w
        self.width = _LEFT + self.plot_w + _LEGEND_W
        # a long legend makes the chart taller, never overlapping
        self.height = max(_TOP + _PLOT_H + _BOTTOM, _TOP + legend_items * 20 + 8)

    def y(self, v: int) -> Fraction:
        return _TOP + Fraction(_PLOT_H * (self.top - v), self.top - self.bottom)

    def slot_x(self, i: int) -> int:
        return _LEFT + i * self.slot_w

    def grid(self) -> list[str]:
        out = ['<g class="axis" aria-hidden="true">']
        for t in self.ticks:
            y = _px(self.y(t))
            stroke = "#333" if t == 0 else "#ddd"
            out.append(
                f'<line x1="{_LEFT}" y1="{y}" x2="{_LEFT + self.plot_w}" y2="{y}" '
                f'stroke="{stroke}" stroke-width="1"/>'
                f'<text x="{_LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
                f"{_FONT}>{_a(yen_tick(t))}</text>"
            )
        out.append(
            f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_TOP + _PLOT_H}" '
            'stroke="#333" stroke-width="1"/></g>'
        )
        return out

    def legend(self, items: Sequence[tuple[str, str]]) -> list[str]:
        x = _LEFT + self.plot_w + 16
        out = ['<g class="legend">']
        for i, (label, colour) in enumerate(items):
            y = _TOP + i * 20
            out.append(
                f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}" stroke="#333" '
                f'stroke-width="0.5"/><text x="{x + 18}" y="{y + 10}" {_FONT}>{_a(label)}</text>'
            )
        out.append("</g>")
        return out

    def open(self, *, id_prefix: str, title: str, desc: str, kind: str) -> list[str]:
        tid, did = f"{id_prefix}-title", f"{id_prefix}-desc"
        return [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
            f'width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="{_a(tid)} {_a(did)}">',
            f'<title id="{_a(tid)}">{_a(title)}</title>',
            f'<desc id="{_a(did)}">{_a(desc)}</desc>',
            f'<rect x="0" y="0" width="{self.width}" height="{self.height}" fill="#fff"/>',
        ]

    def member_label(self, i: int, name: str) -> str:
        x = self.slot_x(i) + self.slot_w // 2
        return (
            f'<text x="{x}" y="{_TOP + _PLOT_H + 18}" text-anchor="middle" {_FONT}>'
            f"{_a(name)}</text>"
        )


def share_stacked_bars(
    *,
    members: Sequence[str],
    pools: Sequence[str],
    amounts: Sequence[Sequence[int]],
    title: str,
    id_prefix: str = "share-chart",
) -> str:
    """One stacked bar per member (``members[i]``), one segment per pool, with
    ``amounts[i][j]`` the yen of member i in pool j. Positive amounts stack up from 0,
    negative ones (e.g. a savings-guarantee reduction) down from 0; the label above a
    bar is the member's net total."""
    if len(amounts) != len(members) or any(len(row) != len(pools) for row in amounts):
        raise ValueError("団体数・費目数と金額の表の大きさが一致しません。")
    ups = [sum(a for a in row if a > 0) for row in amounts]
    downs = [sum(a for a in row if a < 0) for row in amounts]
    frame = _Frame(
        slots=len(members),
        slot_w=88,
        lo=min(downs, default=0),
        hi=max(ups, default=0),
        legend_items=len(pools),
    )
    colours = [PALETTE[j % len(PALETTE)] for j in range(len(pools))]
    desc = "。".join(
        f"{name}: "
        + "、".join(f"{pool} {yen(a)}" for pool, a in zip(pools, row, strict=True))
        + f"、合計 {yen(sum(row))}"
        for name, row in zip(members, amounts, strict=True)
    )
    out = frame.open(
        id_prefix=id_prefix,
        title=title,
        desc=f"構成団体ごとの費目別負担額の積み上げ棒グラフ。{desc}。",
        kind="shares",
    )
    out += frame.grid()
    bar_w = 44
    for i, (name, row) in enumerate(zip(members, amounts, strict=True)):
        total = sum(row)
        x = frame.slot_x(i) + (frame.slot_w - bar_w) // 2
        out.append(
            f'<g class="bar" data-member="{_a(name)}" data-total="{total}">'
            f"<title>{_a(name)} 合計 {_a(yen(total))}</title>"
        )
        up = down = 0
        for j, amount in enumerate(row):
            if amount == 0:
                continue
            if amount > 0:
                y0, y1 = frame.y(up + amount), frame.y(up)
                up += amount
            else:
                y0, y1 = frame.y(down), frame.y(down + amount)
                down += amount
            out.append(
                f'<rect class="segment" data-pool="{_a(pools[j])}" data-amount="{amount}" '
                f'x="{x}" y="{_px(y0)}" width="{bar_w}" height="{_px(y1 - y0)}" '
                f'fill="{colours[j]}" stroke="#fff" stroke-width="0.5">'
                f"<title>{_a(name)} {_a(pools[j])} {_a(yen(amount))}</title></rect>"
            )
        out.append(
            f'<text class="total" x="{x + bar_w // 2}" y="{_px(frame.y(up) - 6)}" '
            f'text-anchor="middle" {_FONT}>{_a(yen(total))}</text>'
        )
        out.append("</g>")
        out.append(frame.member_label(i, name))
    out += frame.legend(list(zip(pools, colours, strict=True)))
    out.append("</svg>")
    return "".join(out)


def savings_bars(
    *,
    members: Sequence[str],
    former: Sequence[int | None],
    current: Sequence[int],
    title: str,
    id_prefix: str = "savings-chart",
) -> str:
    """Per member a pair of bars, 現行経費 (``former[i]``, None when not recorded) and
    負担金 (``current[i]``), with the 削減率 above the pair."""
    if not len(members) == len(former) == len(current):
        raise ValueError("団体数と金額の数が一致しません。")
    values = [v for v in (*former, *current) if v is not None]
    frame = _Frame(
        slots=len(members),
        slot_w=120,
        lo=min(values, default=0),
        hi=max(values, default=0),
        legend_items=2,
    )
    desc = "。".join(
        f"{name}: 現行経費 {yen(f) if f is not None else '未登録'}、負担金 {yen(c)}、"
        f"{rate_text(f, c)}"
        for name, f, c in zip(members, former, current, strict=True)
    )
    out = frame.open(
        id_prefix=id_prefix,
        title=title,
        desc=f"構成団体ごとの現行経費と負担金の比較。{desc}。",
        kind="savings",
    )
    out += frame.grid()
    bar_w = 36
    for i, (name, f, c) in enumerate(zip(members, former, current, strict=True)):
        x0 = frame.slot_x(i) + (frame.slot_w - 2 * bar_w - 4) // 2
        rate = rate_text(f, c)
        out.append(
            f'<g class="pair" data-member="{_a(name)}" data-former="{"" if f is None else f}" '
            f'data-current="{c}"><title>{_a(name)} {_a(rate)}</title>'
        )
        tallest = 0
        for k, (label, value, colour) in enumerate(
            (("現行経費", f, FORMER_COLOUR), ("負担金", c, CURRENT_COLOUR))
        ):
            if value is None:
                continue
            tallest = max(tallest, value)
            y0, y1 = sorted((frame.y(value), frame.y(0)))
            out.append(
                f'<rect class="{"former" if k == 0 else "current"}" data-amount="{value}" '
                f'x="{x0 + k * (bar_w + 4)}" y="{_px(y0)}" width="{bar_w}" '
                f'height="{_px(y1 - y0)}" fill="{colour}">'
                f"<title>{_a(name)} {label} {_a(yen(value))}</title></rect>"
            )
        out.append(
            f'<text class="rate" x="{frame.slot_x(i) + frame.slot_w // 2}" '
            f'y="{_px(frame.y(tallest) - 6)}" text-anchor="middle" {_FONT}>{_a(rate)}</text>'
        )
        out.append("</g>")
        out.append(frame.member_label(i, name))
    out += frame.legend([("現行経費", FORMER_COLOUR), ("負担金", CURRENT_COLOUR)])
    out.append("</svg>")
    return "".join(out)
