"""One item's value between the registry's form and the layout's text, both ways.

:func:`encode` turns a held value into the text the CSV cell and the XML element carry
(the layout's date form, its codes, ``1``/``0`` for a 区分); :func:`decode` turns that
text back into the held value. The reader and the round-trip check use :func:`decode`,
so an export that could not be read back the same is caught by the tests, not by the
town that receives it.
"""

from __future__ import annotations

from collections.abc import Callable
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


Encoder = Callable[[dict[str, Any], int], str]


def _encoder(layout: Layout, file_id: str, item: Item, ctx: Context) -> Encoder:
    """``encode`` of one item, with what does not change from record to record worked out
    once: a plain text item (no code list, no date, no derivation) is the held text
    within its length; anything else is :func:`encode` itself."""
    if item.const or item.derive or item.type not in ("文字列", "半角数字", "半角英数字"):
        return lambda values, record_id: encode(
            layout, item, values, ctx, file_id=file_id, record_id=record_id
        )
    source, length = item.source, item.length

    def plain(values: dict[str, Any], record_id: int) -> str:
        value = values.get(source)
        if value is None or value == "":
            return ""
        text = value if type(value) is str else str(value)
        if length is not None and len(text) > length:
            raise CodecError(f"{_where(file_id, item, record_id)}が{length}桁を超えています。")
        return text

    return plain


def record_encoder(
    layout: Layout, file_id: str, ctx: Context
) -> Callable[[int, dict[str, Any]], list[str]]:
    """:func:`record_texts` for every record of one file, its items' encoders made once."""
    encoders = [_encoder(layout, file_id, item, ctx) for item in layout.file(file_id).items]

    def texts(record_id: int, values: dict[str, Any]) -> list[str]:
        return [e(values, record_id) for e in encoders]

    return texts


def record_texts(
    layout: Layout, file_id: str, record_id: int, values: dict[str, Any], ctx: Context
) -> list[str]:
    """Every item of the file, in order, for one record."""
    items = layout.file(file_id).items
    return [
        encode(layout, item, values, ctx, file_id=file_id, record_id=record_id) for item in items
    ]
