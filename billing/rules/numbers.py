"""Exact numbers and their Japanese display for the allocation rules.

Every figure the rules compute with is an exact :class:`fractions.Fraction`;
``int``, ``Fraction`` and ``Decimal`` are accepted as input (``Decimal("0.05")``
becomes exactly 1/20).  ``float`` and ``bool`` are refused: a float such as 0.1 is
not the number the user typed.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

__all__ = [
    "FIGURE_LABELS",
    "FIGURE_UNITS",
    "Number",
    "add_figure_names",
    "figure_label",
    "figure_unit",
    "fmt_exact",
    "fmt_number",
    "fmt_percent",
    "fmt_ratio",
    "fmt_yen",
    "require_yen",
    "to_fraction",
]

Number = int | Fraction | Decimal

#: Japanese names of the basis figures that are not meters (any other name is shown as
#: is). The figures modules count (住民基本台帳人口, 証明書交付通数 …) are meters
#: (tenants.meters); billing adds their names with :func:`add_figure_names` at start-up.
FIGURE_LABELS: dict[str, str] = {
    "population": "人口",
    "staff": "職員数",
    "months": "使用月数",
    "quantity": "数量",
    "households": "世帯数",
    "cases": "件数",
}

#: Units shown after a figure in the arithmetic lines.
FIGURE_UNITS: dict[str, str] = {
    "population": "人",
    "staff": "人",
    "months": "か月",
    "households": "世帯",
    "cases": "件",
}


def add_figure_names(names: dict[str, tuple[str, str]]) -> None:
    """Add ``{code: (label, unit)}`` for figures declared elsewhere (the meters).
    A code already named here keeps its name."""
    for code, (label, unit) in names.items():
        FIGURE_LABELS.setdefault(code, label)
        if unit:
            FIGURE_UNITS.setdefault(code, unit)


def _base(figure: str) -> str:
    """``months:juminkiroku`` (months of one module) is labelled like ``months``."""
    return figure.split(":", 1)[0]


def figure_label(figure: str, label: str | None = None) -> str:
    return label if label else FIGURE_LABELS.get(figure, FIGURE_LABELS.get(_base(figure), figure))


def figure_unit(figure: str) -> str:
    return FIGURE_UNITS.get(figure, FIGURE_UNITS.get(_base(figure), ""))


def to_fraction(value: object, what: str) -> Fraction:
    """``value`` as an exact Fraction; refuses float, bool, NaN and infinities."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction | Decimal):
        raise TypeError(f"{what}は整数・Fraction・Decimalで指定してください: {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what}に有限でない値は指定できません: {value!r}")
    return Fraction(value)


def require_yen(value: object, what: str) -> int:
    """``value`` as a non-negative whole-yen int."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}は円単位の整数で指定してください: {value!r}")
    if value < 0:
        raise ValueError(f"{what}に負の金額は指定できません: {value:,}円")
    return value


def _is_terminating(x: Fraction, max_digits: int) -> bool:
    return (x * 10**max_digits).denominator == 1


def _decimal_digits(x: Fraction, digits: int, strip: bool = True) -> str:
    """``x`` truncated toward zero to ``digits`` decimals (trailing zeros removed
    when ``strip``)."""
    sign = "-" if x < 0 else ""
    scaled = abs(x.numerator) * 10**digits // x.denominator
    whole, frac = divmod(scaled, 10**digits)
    frac_text = f"{frac:0{digits}d}" if digits else ""
    if strip:
        frac_text = frac_text.rstrip("0")
    return f"{sign}{whole:,}" + (f".{frac_text}" if frac_text else "")


def fmt_yen(amount: int) -> str:
    """``1234567`` → ``"1,234,567円"``."""
    return f"{amount:,}円"


def fmt_exact(x: Fraction) -> str:
    """An exact amount for display: whole numbers as is, otherwise two decimals
    (truncated) followed by ``…`` when the value does not stop there."""
    if _is_terminating(x, 2):
        return _decimal_digits(x, 2)
    return _decimal_digits(x, 2, strip=False) + "…"


def fmt_ratio(x: Fraction) -> str:
    """A weight or ratio: ``0.4``, ``0.05``, ``1/3`` (decimal when it terminates
    within six places, otherwise the fraction)."""
    if _is_terminating(x, 6):
        return _decimal_digits(x, 6)
    return f"{x.numerator:,}/{x.denominator:,}"


def fmt_percent(x: Fraction) -> str:
    """``Fraction(3, 10)`` → ``"30%"``."""
    return fmt_ratio(x * 100) + "%"


def fmt_number(value: Number) -> str:
    """A basis figure as given (``32,823``, ``6.5``, ``1/3``)."""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return fmt_ratio(value)
