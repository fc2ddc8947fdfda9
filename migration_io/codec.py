"""One item's value between the registry's form and the layout's text, both ways.

:func:`encode` turns a held value into the text the CSV cell and the XML element carry
(the layout's date form, its codes, ``1``/``0`` for a 区分); :func:`decode` turns that
text back into the held value. The reader and the round-trip check use :func:`decode`,
so an export that could not be read back the same is caught by the tests, not by the
town that receives it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from migration_io.layout import Item, Layout
from tenants.wareki import MIN_DATE, to_wareki

DATE_FORMAT = "%Y%m%d"


class CodecError(ValueError):
    """A value the layout cannot carry. The message is Japanese and names the file, the
    item and the record's internal id, never the value (it may be personal)."""


@dataclass(frozen=True)
class Context:
    """What every record of one export shares."""

    dantai_code: str


def _where(file_id: str, item: Item, record_id: int) -> str:
    return f"{file_id}（レコードID {record_id}）の「{item.name}」"


def _code(layout: Layout, item: Item, value: str, file_id: str, record_id: int) -> str:
    table = layout.code_lists[item.code].to_layout
    if item.chain > 1:
        terms = [value[i : i + 2] for i in range(0, len(value), 2)]
        if len(terms) > item.chain or any(t not in table for t in terms):
            raise CodecError(f"{_where(file_id, item, record_id)}の値がコード一覧にありません。")
        return "".join(table[t] for t in terms)
    if value not in table:
        raise CodecError(f"{_where(file_id, item, record_id)}の値がコード一覧にありません。")
    return table[value]


def encode(
    layout: Layout,
    item: Item,
    values: dict[str, Any],
    ctx: Context,
    *,
    file_id: str,
    record_id: int,
) -> str:
    """The text of ``item`` for a record with held ``values`` ("" when it has none)."""
    if item.const:
        text = ctx.dantai_code
    elif item.derive:
        day = values.get(item.of)
        if not isinstance(day, date) or day < MIN_DATE:
            return ""  # no day, or before the 和暦 this layout can write (明治6年)
        w = to_wareki(day)
        if item.derive == "gengo":
            text = _code(layout, item, w.era, file_id, record_id)
        else:
            text = f"{w.year:02d}{w.month:02d}{w.day:02d}"
    else:
        value = values.get(item.source)
        if value is None or value == "":
            return ""
        if item.type == "日付":
            text = (
                f"{value.year:04d}{value.month:02d}{value.day:02d}"  # strftime, 5× faster
                if value.year >= 1000
                else value.strftime(DATE_FORMAT)
            )
        elif item.type == "日時":
            text = timezone.localtime(value).isoformat()
        elif item.type == "区分":
            text = _code(layout, item, "true" if value else "false", file_id, record_id)
        elif item.type == "数値":
            text = str(int(value))
        elif item.type == "コード":
            text = _code(layout, item, str(value), file_id, record_id)
        else:
            text = str(value)
    if item.length is not None and item.type not in ("日時",) and len(text) > item.length:
        raise CodecError(f"{_where(file_id, item, record_id)}が{item.length}桁を超えています。")
    return text


def decode(layout: Layout, item: Item, text: str) -> Any:
    """The held value ``text`` stands for (None for an empty date, datetime or 数値).
    Raises ValueError on a text the item cannot hold."""
    if item.derive or item.const:
        return text
    if item.type in ("日付", "日時", "数値") and text == "":
        return None
    if item.type == "日付":
        return datetime.strptime(text, DATE_FORMAT).date()  # noqa: DTZ007 (a date, no time)
    if item.type == "日時":
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            raise ValueError("日時にタイムゾーンがありません")
        return parsed
    if item.type == "数値":
        return int(text)
    if item.type == "区分":
        if text == "":
            return False
        return layout.code_lists[item.code].to_product[text] == "true"
    if item.type == "コード":
        if text == "":
            return ""
        back = layout.code_lists[item.code].to_product
        if item.chain > 1:
            return "".join(back[text[i : i + 2]] for i in range(0, len(text), 2))
        return back[text]
    return text


#: distinct values whose text one item's column encoder remembers (bounded memory)
MEMO_LIMIT = 20_000


def _column_encoder(
    layout: Layout, file_id: str, item: Item, ctx: Context
) -> Callable[[list[dict[str, Any]], list[int], Sequence[Any]], list[str]]:
    """:func:`encode` of one item for a chunk of records at once, given the column of
    held values the item reads (``held``: one per record). The text of an item depends
    on one held value only (its ``source``, or the date it is ``derive``d ``of``; a
    ``const`` on none), so each distinct value is encoded once by :func:`encode` itself
    and remembered; a plain text item (no code list, no date, no derivation) is its
    text, its length checked over the column. A value the layout cannot carry raises
    :class:`CodecError` naming the first record that holds it."""
    key = item.of if item.derive else item.source
    plain = not (item.const or item.derive) and item.type in ("文字列", "半角数字", "半角英数字")
    # a held date written as it is (YYYYMMDD): the text is made by the comprehension below
    # for years 1000 on (a date's isoformat without its hyphens, as :func:`encode` writes
    # it); any other value goes through the memo and :func:`encode`
    plain_date = (
        not (item.const or item.derive)
        and item.type == "日付"
        and (item.length is None or item.length >= len("YYYYMMDD"))
    )
    memo: dict[Any, str] = {}

    def fail(values: list[dict[str, Any]], ids: list[int], bad: Any) -> CodecError:
        n = next(i for i, v in enumerate(values) if v.get(key) == bad)
        try:
            encode(layout, item, values[n], ctx, file_id=file_id, record_id=ids[n])
        except CodecError as exc:
            return exc
        raise AssertionError("a value refused once is refused again")  # pragma: no cover

    def column(values: list[dict[str, Any]], ids: list[int], held: Sequence[Any]) -> list[str]:
        if item.const:
            return [encode(layout, item, {}, ctx, file_id=file_id, record_id=0)] * len(values)
        if plain:
            texts = ["" if x is None else x if type(x) is str else str(x) for x in held]
            if item.length is not None and texts and max(map(len, texts)) > item.length:
                bad = next(x for x, t in zip(held, texts, strict=True) if len(t) > item.length)
                raise fail(values, ids, bad)
            return texts
        if plain_date:
            texts = [
                x.isoformat().replace("-", "") if type(x) is date and x.year >= 1000 else ""
                for x in held
            ]
            rest = {x for x, t in zip(held, texts, strict=True) if not t and x is not None}
            if not rest:
                return texts
        new = set(held).difference(memo)
        if len(memo) + len(new) > MEMO_LIMIT:
            memo.clear()
            new = set(held)
        for x in new:
            try:
                memo[x] = encode(layout, item, {key: x}, ctx, file_id=file_id, record_id=0)
            except CodecError:
                raise fail(values, ids, x) from None
        return list(map(memo.__getitem__, held))

    return column


def _held_columns(values: list[dict[str, Any]]) -> Callable[[str | None], Sequence[Any]]:
    """The chunk's held values column by column: ``columns(key)`` is ``[v.get(key) for v
    in values]``. A chunk's records come from one query (``held_read``), so they
    usually hold the same keys in the same order: then every column is cut by one
    transposition instead of one pass over the records per item."""
    first = values[0]
    keys = tuple(first)
    if all(tuple(v) == keys for v in values):
        by_key = dict(zip(keys, zip(*(v.values() for v in values), strict=True), strict=True))
        nones = (None,) * len(values)
        return lambda key: by_key.get(key, nones) if key is not None else nones
    return lambda key: [v.get(key) for v in values] if key is not None else [None] * len(values)


def chunk_columns(
    layout: Layout, file_id: str, ctx: Context
) -> Callable[[list[int], list[dict[str, Any]]], list[list[str]]]:
    """:func:`record_texts` of every record of a chunk (ids, held values), as columns:
    ``columns[i][n]`` is the text of the file's ``i``-th item for the ``n``-th record.
    One function call per item and chunk instead of one per item and record."""
    items = layout.file(file_id).items
    columns = [_column_encoder(layout, file_id, item, ctx) for item in items]
    keys = [None if item.const else item.of if item.derive else item.source for item in items]

    def texts(ids: list[int], values: list[dict[str, Any]]) -> list[list[str]]:
        if not ids:
            return [[] for _ in columns]
        held = _held_columns(values)
        return [c(values, ids, held(k)) for c, k in zip(columns, keys, strict=True)]

    return texts


def chunk_texts(
    layout: Layout, file_id: str, ctx: Context
) -> Callable[[list[int], list[dict[str, Any]]], list[tuple[str, ...]]]:
    """:func:`record_texts` of every record of a chunk (ids, held values), record by
    record: :func:`chunk_columns` turned into rows (the same texts)."""
    columns = chunk_columns(layout, file_id, ctx)

    def texts(ids: list[int], values: list[dict[str, Any]]) -> list[tuple[str, ...]]:
        if not ids:
            return []
        return list(zip(*columns(ids, values), strict=True))

    return texts


def record_texts(
    layout: Layout, file_id: str, record_id: int, values: dict[str, Any], ctx: Context
) -> list[str]:
    """Every item of the file, in order, for one record."""
    items = layout.file(file_id).items
    return [
        encode(layout, item, values, ctx, file_id=file_id, record_id=record_id) for item in items
    ]
