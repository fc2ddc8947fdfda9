"""Model fields of the platform that every 業務 may use."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import orjson
from django.db import models
from django.db.migrations.operations.base import Operation

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


class CompressLz4(Operation):
    """Migration operation: store the named columns' large values compressed with lz4
    instead of PostgreSQL's default pglz (``ALTER TABLE … ALTER COLUMN … SET
    COMPRESSION lz4``, PostgreSQL 14+ built with lz4; skipped on a server without it).

    A 3 KB explanation crosses the 2 KB TOAST threshold, so every row an annual batch
    writes is compressed on insert: with pglz that cost ≈ 40–60 µs a row, more than
    the calculation; lz4 does it several times faster for about the same size
    (docs/benchmarks.md, issue 23). Reads decompress transparently; values written before
    keep their pglz until rewritten. Tenant apps only: the router decides per schema."""

    reversible = True

    def __init__(self, model_name: str, fields: tuple[str, ...]) -> None:
        self.model_name = model_name
        self.fields = fields

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # (storage only: nothing in the model state changes)

    def _set(self, app_label: str, schema_editor: Any, state: Any, method: str) -> None:
        model = state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        with schema_editor.connection.cursor() as cur:
            cur.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
            row = cur.fetchone()
        if method == "lz4" and not (row and row[0]):
            return
        quote = schema_editor.quote_name
        for name in self.fields:
            column = model._meta.get_field(name).column
            schema_editor.execute(
                f"ALTER TABLE {quote(model._meta.db_table)} "
                f"ALTER COLUMN {quote(column)} SET COMPRESSION {method}"
            )

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        self._set(app_label, schema_editor, to_state, "lz4")

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        self._set(app_label, schema_editor, to_state, "pglz")

    def describe(self) -> str:
        return f"Compress {', '.join(self.fields)} of {self.model_name} with lz4"
