"""Form fields for a 年度 and for a percentage, shared by every module's screens.

A clerk picks a 年度 as 令和7年度 (the select shows the 西暦 beside it, 令和7年度（2025）, for
whoever thinks in 西暦) and the form gets the year the tables store (2025). A ratio the
law or a rule keeps as a fraction (最低削減率 0.3) is typed as the percentage a clerk
thinks in (30) and cleaned back to the fraction (Decimal("0.3")); it is shown as 30 again.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone

from tenants.labels import nendo_choices
from tenants.wareki import fiscal_year_of


def nendo_range(before: int = 10, after: int = 2) -> Callable[[], list[tuple[int, str]]]:
    """Choices from ``before`` years before this 年度 to ``after`` years after it, newest
    first, computed when a form is made (so a form imported in March still offers the
    new 年度 in April)."""

    def choices() -> list[tuple[int, str]]:
        current = fiscal_year_of(timezone.localdate())
        return nendo_choices(list(range(current + after, current - before - 1, -1)))

    return choices


class NendoField(forms.TypedChoiceField):
    """A 年度 from a select of 令和N年度（西暦）; cleans to the ``int`` the tables store."""

    def __init__(self, *, before: int = 10, after: int = 2, **kwargs: Any) -> None:
        kwargs.setdefault("label", "年度")
        kwargs.setdefault("error_messages", {"invalid_choice": "年度は一覧から選んでください。"})
        super().__init__(choices=nendo_range(before, after), coerce=int, **kwargs)


class PercentInput(forms.NumberInput):
    """A number input for a percentage (the label says 「（%）」; 0.1 steps)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"step": "0.1", "min": "0", "max": "100", "inputmode": "decimal"}
        super().__init__({**defaults, **(attrs or {})})


class PercentField(forms.Field):
    """A percentage typed as 30 or 30% or ３０％, stored as the fraction 0.3 (``Decimal``).

    ``max_percent`` bounds what may be typed (default below 100); the error speaks in %.
    """

    widget = PercentInput
    default_error_messages = {
        "invalid": "割合は数字（%）で入力してください（例: 30）。",
        "range": "割合は0%以上{max}%{bound}で入力してください。",
    }

    def __init__(
        self, *, max_percent: int = 100, inclusive_max: bool = False, **kwargs: Any
    ) -> None:
        self.max_percent = Decimal(max_percent)
        self.inclusive_max = inclusive_max
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        # a stored fraction (initial) is shown as its percentage; typed text as typed
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            shown = (Decimal(str(value)) * 100).normalize()
            return f"{shown:f}"
        return value

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = (
            str(value).strip().translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))
        )
        text = text.removesuffix("%").strip()
        if not text:
            return None
        try:
            pct = Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not pct.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        too_big = pct > self.max_percent if self.inclusive_max else pct >= self.max_percent
        if pct < 0 or too_big:
            raise forms.ValidationError(
                self.error_messages["range"].format(
                    max=self.max_percent, bound="以下" if self.inclusive_max else "未満"
                ),
                code="range",
            )
        return (pct / 100).normalize()
