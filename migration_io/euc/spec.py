"""An EUC extraction's definition and how a record is judged, ordered and shown.

A :class:`Definition` names a layout file, the items to output (in order), up to
:data:`MAX_FILTERS` filters and up to :data:`MAX_SORT` sort keys. It is plain JSON in the
job's params; :func:`definition_check` rebuilds and checks it against the items the clerk
may see, with Japanese messages that name the item, never a value typed in.

Values: every item is first written as the layout writes it (``migration_io.codec``),
then typed for the clerk: a date as a date, a number as a number, a code or 区分 as its
name in the layout's code list (words, not codes), text as text. Filters compare those
values: equals (any item; a code item by its name or code), range (dates and numbers,
either end may be open), contains (text items).

Only the files of 住登者 and their 住民票の版 are offered (their records carry the
宛名番号, so the persons an extraction never shows can be left out); 世帯 and 異動 files
are not offered yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from migration_io.codec import Context, encode
from migration_io.layout import Item, Layout, LayoutFile
from tenants.wareki import parse_wareki

EUC_SETS = ("persons", "versions")
MAX_FILTERS = 3
MAX_SORT = 2
PREVIEW_ROWS = 20
#: records the preview reads at most before it stops looking (the job reads them all)
PREVIEW_SCAN = 20_000
KOJIN_BANGO_SOURCE = "kojin_bango"
PERSON_KEY = "atena_no"

OPS = {"eq": "等しい", "range": "範囲（以上・以下）", "contains": "含む"}
TEXT_TYPES = ("文字列", "半角数字", "半角英数字")
RANGE_TYPES = ("日付", "数値")


class DefinitionError(ValueError):
    """A definition that cannot run; ``messages`` are Japanese and name items only."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Filter:
    item: str
    op: str
    value: str = ""
    value2: str = ""


@dataclass(frozen=True)
class SortKey:
    item: str
    desc: bool = False


@dataclass(frozen=True)
class Definition:
    layout: str
    file: str
    items: tuple[str, ...]
    filters: tuple[Filter, ...] = ()
    sort: tuple[SortKey, ...] = ()

    def to_params(self) -> dict[str, Any]:
        return {
            "layout": self.layout,
            "file": self.file,
            "items": list(self.items),
            "filters": [
                {"item": f.item, "op": f.op, "value": f.value, "value2": f.value2}
                for f in self.filters
            ],
            "sort": [{"item": s.item, "desc": s.desc} for s in self.sort],
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Definition:
        try:
            return cls(
                layout=str(params["layout"]),
                file=str(params["file"]),
                items=tuple(str(i) for i in params["items"]),
                filters=tuple(
                    Filter(
                        str(f["item"]),
                        str(f["op"]),
                        str(f.get("value", "")),
                        str(f.get("value2", "")),
                    )
                    for f in params.get("filters") or []
                ),
                sort=tuple(
                    SortKey(str(s["item"]), bool(s.get("desc", False)))
                    for s in params.get("sort") or []
                ),
            )
        except (KeyError, TypeError, AttributeError):
            raise DefinitionError(["抽出の定義が正しくありません。"]) from None

    def described(self) -> dict[str, Any]:
        """What the access log keeps: the items, the filters' items and kinds (never the
        values typed, which may be a name), the sort keys."""
        return {
            "file": self.file,
            "items": list(self.items),
            "filters": [{"item": f.item, "op": f.op} for f in self.filters],
            "sort": [{"item": s.item, "desc": s.desc} for s in self.sort],
        }


def euc_files(layout: Layout) -> list[LayoutFile]:
    return [f for f in layout.files if f.set in EUC_SETS]


def offered_items(file: LayoutFile, *, kojin_bango: bool) -> list[Item]:
    """The items of ``file`` this clerk may pick (個人番号 only with its grant)."""
    return [i for i in file.items if kojin_bango or i.source != KOJIN_BANGO_SOURCE]


def is_word(item: Item) -> bool:
    return bool(item.code) or item.derive == "gengo"


def typed_value(layout: Layout, item: Item, values: dict[str, Any], ctx: Context, rid: int) -> Any:
    """The item's value for the clerk (see the module docstring)."""
    if item.type == "日付" and item.source:
        day = values.get(item.source)
        return day if isinstance(day, date) else None
    if item.type == "日時" and item.source:
        moment = values.get(item.source)
        return moment if isinstance(moment, datetime) else None
    if item.type == "数値" and item.source:
        number = values.get(item.source)
        return int(number) if number is not None else None
    text = encode(layout, item, values, ctx, file_id="EUC", record_id=rid)
    if text and is_word(item):
        names = {e.code: e.name for e in layout.code_lists[item.code].entries}
        if item.chain > 1:
            return "・".join(
                names.get(text[i : i + 2], text[i : i + 2]) for i in range(0, len(text), 2)
            )
        return names.get(text, text)
    return text


@dataclass(frozen=True)
class Compiled:
    index: int  # the item's position in the record's full value list
    op: str
    low: Any
    high: Any

    def matches(self, value: Any) -> bool:
        if self.op == "contains":
            return isinstance(value, str) and self.low in value
        if self.op == "eq":
            return bool(value == self.low)
        if value is None:
            return False
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value > self.high)


def _parse(layout: Layout, item: Item, text: str) -> Any:
    """A typed-in value as the item's type; ValueError with a Japanese message."""
    if item.type == "日付":
        return parse_wareki(text)
    if item.type == "数値":
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError(f"「{item.name}」には数字を入力してください。") from None
    if is_word(item):
        for entry in layout.code_lists[item.code].entries:
            if text in (entry.code, entry.name):
                return entry.name
        words = "、".join(e.name for e in layout.code_lists[item.code].entries)
        raise ValueError(f"「{item.name}」には {words} のいずれかを指定してください。")
    return text


@dataclass(frozen=True)
class Checked:
    """A definition checked against a layout: the file, the output items, the compiled
    filters and sort keys (positions in the file's item list)."""

    definition: Definition
    layout: Layout
    file: LayoutFile
    columns: tuple[Item, ...]
    column_index: tuple[int, ...]
    filters: tuple[Compiled, ...]
    sort: tuple[tuple[int, bool], ...]  # (position in columns-or-file, desc)
    needed: tuple[int, ...]  # every file position a record needs computed

    def row(self, record_id: int, values: dict[str, Any], ctx: Context) -> list[Any] | None:
        """The record's output row, or None when a filter refuses it."""
        computed: dict[int, Any] = {}
        for pos in self.needed:
            item = self.file.items[pos]
            computed[pos] = typed_value(self.layout, item, values, ctx, record_id)
        for f in self.filters:
            if not f.matches(computed[f.index]):
                return None
        return [computed[pos] for pos in self.column_index] + [
            computed[pos] for pos, _ in self.sort
        ]


def definition_check(layout: Layout, definition: Definition, *, kojin_bango: bool) -> Checked:
    """Check ``definition`` for a clerk (``kojin_bango``: holds 個人番号の表示)."""
    files = {f.id: f for f in euc_files(layout)}
    if definition.file not in files:
        raise DefinitionError(["抽出できるファイルを選んでください。"])
    file = files[definition.file]
    offered = {i.id: i for i in offered_items(file, kojin_bango=kojin_bango)}
    position = {i.id: n for n, i in enumerate(file.items)}
    errors: list[str] = []
    if not definition.items:
        errors.append("出力する項目を一つ以上選んでください。")
    unknown = [i for i in definition.items if i not in offered]
    if unknown:
        errors.append("選べない項目が含まれています（個人番号は個人番号の表示の権限が必要です）。")
    if len(set(definition.items)) != len(definition.items):
        errors.append("同じ項目が二度選ばれています。")
    if len(definition.filters) > MAX_FILTERS or len(definition.sort) > MAX_SORT:
        errors.append(f"条件は{MAX_FILTERS}つ、並び順は{MAX_SORT}つまでです。")
    compiled: list[Compiled] = []
    for f in definition.filters:
        item = offered.get(f.item)
        if item is None:
            errors.append("条件に選べない項目が含まれています。")
            continue
        if f.op not in OPS:
            errors.append(f"「{item.name}」の条件の種類を選んでください。")
            continue
        try:
            if f.op == "contains":
                if item.type not in TEXT_TYPES or is_word(item):
                    raise ValueError(f"「{item.name}」には「含む」は使えません（文字の項目だけ）。")
                if not f.value:
                    raise ValueError(f"「{item.name}」に含む文字を入力してください。")
                compiled.append(Compiled(position[item.id], "contains", f.value, None))
            elif f.op == "eq":
                if not f.value:
                    raise ValueError(f"「{item.name}」の値を入力してください。")
                compiled.append(
                    Compiled(position[item.id], "eq", _parse(layout, item, f.value), None)
                )
            else:
                if item.type not in RANGE_TYPES:
                    raise ValueError(
                        f"「{item.name}」には範囲は使えません（日付と数値の項目だけ）。"
                    )
                if not f.value and not f.value2:
                    raise ValueError(f"「{item.name}」の範囲の始めか終わりを入力してください。")
                low = _parse(layout, item, f.value) if f.value else None
                high = _parse(layout, item, f.value2) if f.value2 else None
                if low is not None and high is not None and low > high:
                    raise ValueError(f"「{item.name}」の範囲の始めが終わりより後です。")
                compiled.append(Compiled(position[item.id], "range", low, high))
        except ValueError as exc:
            errors.append(str(exc))
    sort: list[tuple[int, bool]] = []
    for s in definition.sort:
        if s.item not in offered:
            errors.append("並び順に選べない項目が含まれています。")
            continue
        sort.append((position[s.item], s.desc))
    if errors:
        raise DefinitionError(errors)
    column_index = tuple(position[i] for i in definition.items)
    needed = tuple(sorted(set(column_index) | {c.index for c in compiled} | {p for p, _ in sort}))
    return Checked(
        definition=definition,
        layout=layout,
        file=file,
        columns=tuple(file.items[p] for p in column_index),
        column_index=column_index,
        filters=tuple(compiled),
        sort=tuple(sort),
        needed=needed,
    )


def sort_rows(checked: Checked, rows: list[list[Any]]) -> list[list[Any]]:
    """Rows (each with its sort values after the columns) in the definition's order, empty
    values last whatever the direction; the sort values are then taken off."""
    width = len(checked.columns)
    for n in range(len(checked.sort) - 1, -1, -1):
        _, desc = checked.sort[n]
        col = width + n
        present = [r for r in rows if r[col] not in (None, "")]
        empty = [r for r in rows if r[col] in (None, "")]
        present.sort(key=lambda r, c=col: r[c], reverse=desc)  # type: ignore[misc]
        rows = present + empty
    return [r[:width] for r in rows]


def headings(checked: Checked) -> list[str]:
    return [i.name for i in checked.columns]


def visible(records: Iterable[Any], hidden: frozenset[str]) -> Sequence[Any]:
    """The records whose person an extraction may show."""
    return [r for r in records if r.values.get(PERSON_KEY) not in hidden]
