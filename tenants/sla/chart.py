"""A server-rendered SVG bar chart of daily availability against the SLA's band (no
script, no external asset: LGWAN terminals reach no CDN). Text is Japanese; the chart
carries a <title> and <desc> for screen readers, and the same figures are in the table
beside it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.html import escape

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 36
FLOOR = Decimal(95)  # the y axis starts at 95 %: the band that matters is 99–100 %


def _y(value: Decimal) -> float:
    span = float(Decimal(100) - FLOOR)
    clipped = min(max(value, FLOOR), Decimal(100))
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(clipped - FLOOR) / span)


def availability_svg(
    daily: list[tuple[date, Decimal | None]], *, lower: Decimal, target: Decimal, title: str
) -> str:
    plot_w = WIDTH - LEFT - RIGHT
    n = max(len(daily), 1)
    bar_w = plot_w / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="sla-chart-title sla-chart-desc" class="sla-chart">',
        f'<title id="sla-chart-title">{escape(title)}</title>',
        f'<desc id="sla-chart-desc">日ごとの稼働率（縦軸{FLOOR}%〜100%）。'
        f"破線は目標{target}%、点線は下限{lower}%。</desc>",
    ]
    for tick in (95, 96, 97, 98, 99, 100):
        y = _y(Decimal(tick))
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick}%</text>'
        )
    for i, (day, value) in enumerate(daily):
        x = LEFT + i * bar_w
        if value is not None:
            y = _y(value)
            colour = "#1a7f37" if value >= target else ("#b58900" if value >= lower else "#c0392b")
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(bar_w - 2, 1):.1f}" '
                f'height="{HEIGHT - BOTTOM - y:.1f}" fill="{colour}">'
                f"<title>{day.day}日 {value}%</title></rect>"
            )
        if day.day == 1 or day.day % 5 == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle" font-size="11">{day.day}日</text>'
            )
    for value, dash in ((target, "6 3"), (lower, "2 3")):
        y = _y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#333" stroke-dasharray="{dash}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
