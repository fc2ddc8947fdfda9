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
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from operator import mul
from typing import Any

from migration_io.importer.checks import (
    CHECK_DIGITS,
    FileChecks,
    Invalid,
    wareki_problem,
)
from tenants.atena_bango import SERIAL_DIGITS, SERIAL_WEIGHTS
from tenants.checkdigits import JUMINHYO_CODE_WEIGHTS, KOJIN_BANGO_WEIGHTS
from tenants.text import text_problem

#: distinct texts remembered per item (valid dates, codes …) before the memo is emptied
MEMO_LIMIT = 20_000
#: a cell starting with a formula character or a quote (the exact path decides)
_STARTS = re.compile(r"(?m)^[=+\-@\t\r']")

Column = Sequence[str | None]
Check = Callable[[Sequence[str]], Column | None]

#: the modulus 11 check digits of ``checks.CHECK_DIGITS`` (weights of the digits before
#: the check digit, left to right; remainder 0 or 1 → 0): 宛名番号・世帯番号 M11W2〜7
#: (``tenants.atena_bango``), 個人番号 and 住民票コード (``tenants.checkdigits``)
MODULUS11: dict[str, tuple[int, ...]] = {
    "atena_no": SERIAL_WEIGHTS,
    "setai_no": SERIAL_WEIGHTS,
    "setainushi_atena_no": SERIAL_WEIGHTS,
    "kojin_bango": KOJIN_BANGO_WEIGHTS,
    "juminhyo_code": JUMINHYO_CODE_WEIGHTS,
}
assert len(SERIAL_WEIGHTS) == SERIAL_DIGITS


def modulus11_column(weights: tuple[int, ...]) -> Callable[[Iterable[str]], bool]:
    """Whether every text (already proved ASCII digits) is ``len(weights)`` digits and its
    check digit: the same test as the platform's ``is_valid_*`` (``test_fast.py`` compares
    them), with the digits summed as bytes (``ord`` minus 48 each, so the sum less 48 × the
    weights) instead of an ``int`` per digit: a third of the time per number."""
    body = len(weights)
    offset = 48 * sum(weights)

    def check(texts: Iterable[str]) -> bool:
        for text in texts:
            if len(text) != body + 1:
                return False
            raw = text.encode("ascii")
            r = (sum(map(mul, raw, weights)) - offset) % 11
            if (0 if r <= 1 else 11 - r) != raw[body] - 48:
                return False
        return True

    return check


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
        self.check_digits: Callable[[Iterable[str]], bool] | None = None
        if check and source in MODULUS11 and item.type == "半角数字":  # (digits proved first)
            self.check_digits = modulus11_column(MODULUS11[source])
        elif check:
            one = check[0]
            self.check_digits = lambda texts: all(map(one, texts))
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
        # (a control character in any text is one in their join: one search, not one a text)
        if not joined.isprintable() and text_problem(joined, label=self.name) is not None:
            return None
        if self.length is not None and max(map(len, distinct)) > self.length:
            return None
        if self.plain:
            return column if self.source else []
        if self.digits is not None:
            if not (joined.isascii() and self.digits(joined)):
                return None
            if self.check_digits is not None and not self.check_digits(distinct):
                return None
            return column if self.source else []
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
