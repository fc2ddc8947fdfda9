"""The import's fast path: a batch of records checked column by column, item by item.

:func:`migration_io.importer.checks.check_record` checks one record, item after item,
and reports every problem by line and item. Most batches of a real file have none, and
for them the same rules can be proved over a whole column at once with the interpreter's
C loops: the distinct texts of the column (``set``), their join (``str.isprintable``,
``isdigit``), their longest length, the code list as a set, each distinct date checked
once. :class:`BatchChecks` does that for a batch and gives the staging columns as
PostgreSQL input text (``juminkiroku.public.IkoStaging.part(...).write_columns``).

**It never decides a problem itself.** When a column is not proved clean (an empty
required item, a formula start or a ``'``, a control character, a length, a text its
type or code list refuses, a check digit, a 和暦 that does not name its date), the batch
is given back (``None``) and the caller checks its records one by one with
``check_record``, which reports exactly what it always reported. The fast path only
saves time on batches the exact path would have passed unchanged, and gives the same
held values (``test_fast.py`` compares both on clean and broken batches).

The converters are the exact path's own (``FileChecks.plan``); what is remembered between
batches (valid dates, codes, 和暦 triples) is bounded (:data:`MEMO_LIMIT`), so memory does
not grow with the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from migration_io.importer.checks import (
    CHECK_DIGITS,
    FileChecks,
    Invalid,
    wareki_problem,
)
from tenants.text import text_problem

#: distinct texts remembered per item (valid dates, codes …) before the memo is emptied
MEMO_LIMIT = 20_000
#: a cell starting with a formula character or a quote (the exact path decides)
_STARTS = re.compile(r"(?m)^[=+\-@\t\r']")

Column = list[str | None]
Check = Callable[[Sequence[str]], Column | None]


def _pg(value: Any) -> str | None:
    """A held value as PostgreSQL input text of its staging column."""
    if value is None:
        return None
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class _Item:
    """The column check of one item (see the module's docstring)."""

    def __init__(self, fc: FileChecks, index: int) -> None:
        item = fc.file.items[index]
        _id, source, name, required, length, empty, convert = fc.plan[index]
        self.source = source
        self.name = name
        self.required = required
        self.length = length
        self.csv = fc.csv
        self.empty = _pg(empty)
        self.convert = convert
        self.plain = item.type == "文字列" and not item.const and not item.derive
        digits = {"半角数字": str.isdigit, "半角英数字": str.isalnum}.get(item.type)
        self.digits = digits if not (item.const or item.derive or item.code) else None
        check = CHECK_DIGITS.get(source) if self.digits is not None else None
        self.check_digit = check[0] if check else None
        self.memo: dict[str, str | None] = {}

    def __call__(self, column: Sequence[str]) -> Column | None:
        distinct = set(column)
        has_empty = "" in distinct
        if has_empty:
            if self.required:
                return None
            distinct.discard("")
        if not distinct:
            return [self.empty] * len(column) if self.source else []
        if self.csv and _STARTS.search("\n".join(distinct)):
            return None
        joined = "".join(distinct)
        if not joined.isprintable():
            for text in distinct:
                if not text.isprintable() and text_problem(text, label=self.name) is not None:
                    return None
        if self.length is not None and max(map(len, distinct)) > self.length:
            return None
        if self.plain:
            return list(column) if self.source else []
        if self.digits is not None:
            if not (joined.isascii() and self.digits(joined)):
                return None
            if self.check_digit is not None and not all(map(self.check_digit, distinct)):
                return None
            return list(column) if self.source else []
        memo = self.memo
        new = distinct.difference(memo)
        if new:
            if len(memo) + len(new) > MEMO_LIMIT:
                memo.clear()
                new = distinct
            try:
                for text in new:
                    memo[text] = _pg(self.convert(text))
            except Invalid:
                return None
        if not self.source:
            return []
        if has_empty:
            return [memo[t] if t else self.empty for t in column]
        return list(map(memo.__getitem__, column))


class BatchChecks:
    """Every item of a file's records, a batch at a time (column by column)."""

    def __init__(self, fc: FileChecks) -> None:
        self.fc = fc
        self.items = [_Item(fc, index) for index in range(len(fc.plan))]
        #: held item name → its column's place in the file (the staging part's columns)
        self.columns = [(i, item.source) for i, item in enumerate(self.items) if item.source]
        self.wareki = fc.wareki_triples()
        self.wareki_memo: set[tuple[str, str, str]] = set()

    def batch(self, rows: Sequence[Sequence[str]]) -> dict[str, Column] | None:
        """The held columns (item name → PostgreSQL input text, None for NULL) of the
        rows, or None when a record needs the exact, record-by-record check."""
        if not rows:
            return {}
        columns = list(zip(*rows, strict=True))
        out: list[Column] = []
        for item, column in zip(self.items, columns, strict=True):
            checked = item(column)
            if checked is None:
                return None
            out.append(checked)
        if not self._wareki_ok(columns):
            return None
        return {source: out[i] for i, source in self.columns}

    def _wareki_ok(self, columns: list[tuple[str, ...]]) -> bool:
        memo = self.wareki_memo
        for gengo, wareki, base in self.wareki:
            triples = set(zip(columns[gengo], columns[wareki], columns[base], strict=True))
            new = triples.difference(memo)
            if len(memo) + len(new) > MEMO_LIMIT:
                memo.clear()
            for g, w, d in new:
                if wareki_problem(self.fc.layout, self.fc.file, gengo, wareki, g, w, d):
                    return False
                memo.add((g, w, d))
        return True
