"""The choice of a CSV file's encoding, on every screen where a person downloads one
(tenants.csvout: UTF-8 with BOM by default, or Shift_JIS/cp932)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.http.response import HttpResponseBase

from tenants.csvout import (
    DEFAULT_ENCODING,
    ENCODING_CHOICES,
    ENCODINGS,
    CsvEncodingError,
    csv_response,
)


class CsvEncodingField(forms.ChoiceField):
    """Radio buttons 「UTF-8（BOM付き）」「Shift_JIS（cp932）」; a form posted without the
    field (an older page, a test) gets the default."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "CSVの文字コード")
        kwargs.setdefault("initial", DEFAULT_ENCODING)
        kwargs.setdefault("required", False)
        super().__init__(choices=ENCODING_CHOICES, **kwargs)

    def clean(self, value: Any) -> str:
        return str(super().clean(value) or DEFAULT_ENCODING)


def encoding_from(query: Mapping[str, Any]) -> str:
    """The ``encoding`` of a download link's query string (``?encoding=cp932``), or the
    default for a missing or unknown value."""
    value = query.get("encoding") or DEFAULT_ENCODING
    return value if value in ENCODINGS else DEFAULT_ENCODING


def form_csv_response(
    form: forms.Form,
    filename: str,
    header: Sequence[str] | None,
    rows: Iterable[Iterable[Any]],
    *,
    field: str = "encoding",
    fold: Callable[[str], str] | None = None,
) -> HttpResponseBase | None:
    """The download in the encoding the form's ``field`` chose, or None after putting the
    refusal (a character cp932 cannot hold: line and column) on that field, for the view
    to show the form again."""
    encoding = form.cleaned_data.get(field) or DEFAULT_ENCODING
    try:
        return csv_response(filename, header, rows, encoding=encoding, fold=fold)
    except CsvEncodingError as exc:
        form.add_error(field, str(exc))
        return None
