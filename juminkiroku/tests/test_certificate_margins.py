"""The 住民票の写し on A4: what is printed (ruled lines and text) keeps at least 15 mm from
both edges, and the left and right margins are balanced. Read back from the PDF: the
x-range of every ruled line and filled box (table borders, backgrounds) and of where
every piece of text starts, in the page's coordinates."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from juminkiroku.codes import Seikyusha, ShomeiKind, ShomeiLayout
from juminkiroku.services.shomei import shomei_issue
from juminkiroku.tests.certhelpers import set_ninshosha
from juminkiroku.tests.factories import actor_for, family, household_tennyu

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # PDF points per millimetre
ALL_ITEMS = {"setainushi": True, "honseki": True, "juminhyo_code": True, "rireki": True}


def _mul(m: list[float], n: list[float]) -> list[float]:
    """Matrix product m·n of two PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]


def _page_extent(page: Any) -> tuple[float, float, float]:
    xs: list[float] = []

    def on_op(op: bytes, args: list[Any], cm: list[float], tm: list[float]) -> None:
        if op == b"re":  # a filled box (backgrounds)
            x, y, w, _h = (float(v) for v in args)
            xs.extend(cm[0] * px + cm[2] * y + cm[4] for px in (x, x + w))
        elif op in (b"m", b"l"):  # the ends of a ruled line (table borders)
            x, y = (float(v) for v in args)
            xs.append(cm[0] * x + cm[2] * y + cm[4])

    def on_text(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            xs.append(_mul(tm, cm)[4])  # where the text run starts

    page.extract_text(visitor_operand_before=on_op, visitor_text=on_text)
    return float(page.mediabox.width), min(xs), max(xs)


def x_extent(pdf: bytes) -> list[tuple[float, float, float]]:
    """(page width, leftmost x, rightmost x) in points of each page's rules and text."""
    return [_page_extent(page) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_history_table_of_a_kojin_sheet_stays_inside_balanced_margins(in_alpha):
    # given: a household, and its head's 住民票の写し (個人票) with every item and history
    set_ninshosha()
    _, (head, *_rest) = household_tennyu("hayama", members=family())
    for layout, ids, setai in [
        (ShomeiLayout.KOJIN, [head.pk], None),
        (ShomeiLayout.RENKI, None, head.setai_id),
    ]:
        # when
        _, pdf = shomei_issue(
            kind=ShomeiKind.JUMINHYO,
            layout=layout,
            atena_ids=ids,
            setai_id=setai,
            items=ALL_ITEMS,
            copies=1,
            seikyusha=Seikyusha.HONNIN,
            actor=actor_for("hayama-clerk"),
        )
        # then: on every page, ≥ 15 mm each side, and the two sides within 2 mm of each other
        for width, left, right in x_extent(pdf):
            assert round(width / MM) == 210  # A4
            left_mm, right_mm = left / MM, (width - right) / MM
            assert left_mm >= 14.9, (layout, left_mm, right_mm)
            assert right_mm >= 14.9, (layout, left_mm, right_mm)
            assert abs(left_mm - right_mm) <= 2.0, (layout, left_mm, right_mm)
