"""和暦 date fields and widgets for staff screens, shared by every module.

A clerk types a date the way the paper in front of them writes it — 令和7年4月1日,
R7.4.1, 令和元年5月1日, or 2025-04-01 — and the form gets a ``datetime.date``. Parsing is
``tenants.wareki.parse_wareki`` (pure, tested there); this module only adapts it to
Django forms and gives the Japanese error message a clerk can act on.

A date shown back in the input (an initial value, or the cleaned value of a form shown
again) is written in 和暦 (令和7年4月1日), as every date on a screen is (STYLE.md,
"Screens"); text the clerk typed and that did not parse is shown back unchanged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms

from tenants.wareki import format_wareki, parse_wareki

#: the help text most date inputs carry (a screen may give its own example date)
HELP_TEXT = "例: 令和7年4月1日、R7.4.1（西暦 2025/4/1 でも可）"


def wareki_help(long: str, short: str, seireki: str) -> str:
    """A date input's help text with the screen's own example date, written as
    ``HELP_TEXT`` is (和暦 first; the 西暦 form accepted but never shown as ISO)."""
    return f"例: {long}、{short}（西暦 {seireki} でも可）"


class WarekiDateInput(forms.TextInput):
    """A text input (not ``type=date``: the browser's picker knows no 元号) that shows a
    date value in 和暦."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"autocomplete": "off", "inputmode": "text", "size": "16"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            try:
                return format_wareki(value)
            except ValueError:  # before 明治6年: show it as it is
                return value.isoformat()
        return super().format_value(value)


class WarekiDateField(forms.Field):
    """A date typed as 令和7年4月1日, R7.4.1, 令和元年5月1日 or 2025-04-01 (full-width
    characters allowed); cleans to ``datetime.date`` or ``None`` when left empty."""

    widget = WarekiDateInput
    default_error_messages = {"invalid": "日付として解釈できません。"}

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if not text:
            return None
        try:
            return parse_wareki(text)
        except ValueError as exc:
            # parse_wareki's messages are Japanese and name only what was typed
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except forms.ValidationError:
            return True
