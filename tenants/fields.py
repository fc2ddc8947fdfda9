"""Model fields of the platform that every 業務 may use."""

from __future__ import annotations

import json
from typing import Any

from django.db import models

#: one encoder for every write: compact (no spaces after separators), Japanese as is
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_text(value: Any) -> str:
    """``value`` as the JSON text a :class:`JSONTextField` stores (what a batch that
    writes rows with COPY puts in the column)."""
    return _ENCODER.encode(value)


class JSONTextField(models.TextField):
    """A JSON value kept as its text in a ``text`` column, not as ``jsonb``.

    For write-once documents that are always read whole in Python and never searched in
    SQL, such as the explanation of a calculation (計算の内訳) that an annual batch writes
    for every person: PostgreSQL then stores the text as it comes instead of parsing it
    into ``jsonb`` — measured at 75 µs a row for a 3 KB explanation, more than the
    calculation itself (docs/benchmarks.md, issue 23). Reads give the decoded value (dict,
    list, …) exactly as a ``JSONField`` does; key order is the order written. Use a
    ``JSONField`` for anything a query filters or indexes on."""

    description = "JSON（テキストで保存）"
    # (for django-stubs: the attribute holds any JSON value, not a str)
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json_text(value)

    def value_to_string(self, obj: Any) -> str:
        return json_text(self.value_from_object(obj))
