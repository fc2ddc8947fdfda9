"""Model fields of the platform that every 業務 may use."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import orjson
from django.db import models

_OPTIONS = orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    if isinstance(value, Fraction):
        return str(value)  # exact, e.g. "3/50" (a rate)
    raise TypeError(f"JSONにできない値です: {type(value).__name__}")


def json_text(value: Any) -> str:
    """``value`` as the JSON text a :class:`JSONTextField` stores (what a batch that
    writes rows with COPY puts in the column): compact, Japanese as is. Dataclasses
    become objects with their fields in declaration order, tuples arrays, enums their
    value, ``Fraction`` its exact string (``"3/50"``), non-string keys strings — the same
    JSON as ``zeimu.services.common.jsonable`` then ``json.dumps`` gives, encoded in C
    (orjson) in one pass, ≈ 5× faster for an explanation of ≈ 90 values."""
    return orjson.dumps(value, default=_default, option=_OPTIONS).decode()


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
