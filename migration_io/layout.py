"""A 中間標準レイアウト as data: files, items, code lists and relations, read from one
YAML file in ``migration_io/layouts/`` and checked when it is loaded.

Everything else is derived from a :class:`Layout`: the CSV and XML writers
(``migration_io.writers``), the reader that reads them back (``migration_io.reader``),
the 表形式 documents (``migration_io.documents``). An item either takes a held item of
the registry (``source``: a name of ``juminkiroku.public.HELD_ITEMS``), is computed from
one (``derive`` gengo/wareki ``of`` a date), or is a constant of the export (``const``:
the 団体コード). A file marked ``dokuji_of`` is an 独自項目 file: its items after the key
are built here from every held item of its set that the named file has no place for, so
nothing the registry holds is left out (標準仕様書 10.6, last sentence).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from juminkiroku.public import HELD_ITEMS, HeldItem, HeldSet

LAYOUT_DIR = Path(__file__).resolve().parent / "layouts"

ItemType = Literal["文字列", "半角数字", "半角英数字", "数値", "日付", "日時", "コード", "区分"]
Basis = Literal["公式", "推定", "独自"]
TYPES: frozenset[str] = frozenset(
    {"文字列", "半角数字", "半角英数字", "数値", "日付", "日時", "コード", "区分"}
)
BASES: frozenset[str] = frozenset({"公式", "推定", "独自"})
BASIS_WORDS = {"公式": "公式項目", "推定": "推定", "独自": "独自項目"}
#: the code list of every 区分 item (はい 1 / いいえ 0)
FLAG_LIST = "KUBUN"

_TYPE_OF_KIND = {
    "text": "文字列",
    "date": "日付",
    "datetime": "日時",
    "bool": "区分",
    "int": "数値",
}


class LayoutError(ValueError):
    """A layout file that contradicts itself or the registry (found when it is loaded)."""


@dataclass(frozen=True)
class CodeEntry:
    code: str
    name: str
    product: str


@dataclass(frozen=True)
class CodeList:
    id: str
    name: str
    basis: str
    note: str
    entries: tuple[CodeEntry, ...]

    @functools.cached_property
    def to_layout(self) -> dict[str, str]:
        return {e.product: e.code for e in self.entries}

    @functools.cached_property
    def to_product(self) -> dict[str, str]:
        return {e.code: e.product for e in self.entries}


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    type: str
    length: int | None
    required: bool
    basis: str
    source: str = ""
    derive: str = ""
    of: str = ""
    const: str = ""
    code: str = ""
    chain: int = 1
    note: str = ""

    @property
    def held(self) -> str:
        """The held item this item carries (empty for a derived or constant one)."""
        return self.source


@dataclass(frozen=True)
class LayoutFile:
    id: str
    name: str
    description: str
    set: HeldSet
    key: tuple[str, ...]
    items: tuple[Item, ...]
    dokuji_of: str = ""

    @property
    def is_dokuji(self) -> bool:
        return bool(self.dokuji_of)

    @property
    def headings(self) -> list[str]:
        return [i.name for i in self.items]


@dataclass(frozen=True)
class Relation:
    source: str
    items: tuple[str, ...]
    target: str
    target_items: tuple[str, ...]
    cardinality: str
    name: str


@dataclass(frozen=True)
class Layout:
    code: str
    title: str
    version: str
    version_note: str
    root: str
    conventions: dict[str, str]
    files: tuple[LayoutFile, ...]
    relations: tuple[Relation, ...]
    code_lists: dict[str, CodeList]

    def file(self, file_id: str) -> LayoutFile:
        for f in self.files:
            if f.id == file_id:
                return f
        raise KeyError(file_id)

    def files_of(self, held: HeldSet) -> list[LayoutFile]:
        return [f for f in self.files if f.set == held]

    @property
    def sets(self) -> list[HeldSet]:
        out: list[HeldSet] = []
        for f in self.files:
            if f.set not in out:
                out.append(f.set)
        return out


def _item(raw: dict[str, Any], where: str) -> Item:
    try:
        item = Item(
            id=str(raw["id"]),
            name=str(raw["name"]),
            type=str(raw["type"]),
            length=int(raw["length"]) if raw.get("length") is not None else None,
            required=bool(raw.get("required", False)),
            basis=str(raw.get("basis", "推定")),
            source=str(raw.get("source", "")),
            derive=str(raw.get("derive", "")),
            of=str(raw.get("of", "")),
            const=str(raw.get("const", "")),
            code=str(raw.get("code", "")),
            chain=int(raw.get("chain", 1)),
            note=str(raw.get("note", "")),
        )
    except KeyError as exc:
        raise LayoutError(f"{where}: item without {exc}") from None
    if item.type not in TYPES:
        raise LayoutError(f"{where}.{item.id}: unknown type {item.type!r}")
    if item.basis not in BASES:
        raise LayoutError(f"{where}.{item.id}: unknown basis {item.basis!r}")
    if sum(bool(x) for x in (item.source, item.derive, item.const)) != 1:
        raise LayoutError(f"{where}.{item.id}: exactly one of source, derive, const")
    if item.derive and (item.derive not in {"gengo", "wareki"} or not item.of):
        raise LayoutError(f"{where}.{item.id}: derive is gengo or wareki, with of")
    if item.const and item.const != "dantai_code":
        raise LayoutError(f"{where}.{item.id}: the only constant is dantai_code")
    if item.type == "コード" and not item.code:
        raise LayoutError(f"{where}.{item.id}: a コード item names its code list")
    return item


def _dokuji_item(held: HeldItem) -> Item:
    kind_type = _TYPE_OF_KIND[held.kind]
    return Item(
        id=held.name.upper(),
        name=held.label,
        type=kind_type,
        length=held.length if held.kind == "text" else (8 if held.kind == "date" else None),
        required=False,
        basis="独自",
        source=held.name,
        code=FLAG_LIST if held.kind == "bool" else "",
    )


def _used(items: tuple[Item, ...]) -> set[str]:
    return {i.source for i in items if i.source} | {i.of for i in items if i.of}


def layout_from_data(data: dict[str, Any]) -> Layout:
    """Build and check a layout from its parsed YAML."""
    code_lists: dict[str, CodeList] = {}
    for raw in data.get("code_lists", []):
        entries = tuple(
            CodeEntry(code=str(e["code"]), name=str(e["name"]), product=str(e["product"]))
            for e in raw["entries"]
        )
        codes = [e.code for e in entries]
        if len(set(codes)) != len(codes) or len({e.product for e in entries}) != len(entries):
            raise LayoutError(f"code list {raw['id']}: a code or product code twice")
        code_lists[str(raw["id"])] = CodeList(
            id=str(raw["id"]),
            name=str(raw["name"]),
            basis=str(raw.get("basis", "推定")),
            note=str(raw.get("note", "")).strip(),
            entries=entries,
        )
    declared: dict[str, tuple[Item, ...]] = {}
    raw_files = data["files"]
    for raw in raw_files:
        declared[raw["id"]] = tuple(_item(i, raw["id"]) for i in raw["items"])
    files: list[LayoutFile] = []
    for raw in raw_files:
        held_set = raw["set"]
        if held_set not in HELD_ITEMS:
            raise LayoutError(f"{raw['id']}: unknown set {held_set!r}")
        held = {h.name: h for h in HELD_ITEMS[held_set]}
        items = declared[raw["id"]]
        dokuji_of = str(raw.get("dokuji_of", ""))
        if dokuji_of:
            if dokuji_of not in declared:
                raise LayoutError(f"{raw['id']}: dokuji_of names no file")
            taken = _used(declared[dokuji_of]) | _used(items)
            extra = [_dokuji_item(h) for h in HELD_ITEMS[held_set] if h.name not in taken]
            items = items + tuple(extra)
        for item in items:
            for name in filter(None, (item.source, item.of)):
                if name not in held:
                    raise LayoutError(f"{raw['id']}.{item.id}: {name!r} is not held in {held_set}")
            if item.code and item.code not in code_lists:
                raise LayoutError(f"{raw['id']}.{item.id}: no code list {item.code!r}")
            if item.type == "区分" and item.code not in ("", FLAG_LIST):
                raise LayoutError(f"{raw['id']}.{item.id}: a 区分 item uses {FLAG_LIST}")
        ids = [i.id for i in items]
        if len(set(ids)) != len(ids):
            raise LayoutError(f"{raw['id']}: an item id twice")
        key = tuple(raw["key"])
        if not set(key) <= set(ids):
            raise LayoutError(f"{raw['id']}: key names an unknown item")
        files.append(
            LayoutFile(
                id=str(raw["id"]),
                name=str(raw["name"]),
                description=str(raw.get("description", "")),
                set=held_set,
                key=key,
                items=tuple(
                    Item(**{**i.__dict__, "code": FLAG_LIST}) if i.type == "区分" else i
                    for i in items
                ),
                dokuji_of=dokuji_of,
            )
        )
    by_id = {f.id: f for f in files}
    relations = []
    for raw in data.get("relations", []):
        rel = Relation(
            source=str(raw["from"]),
            items=tuple(raw["items"]),
            target=str(raw["to"]),
            target_items=tuple(raw["to_items"]),
            cardinality=str(raw["cardinality"]),
            name=str(raw["name"]),
        )
        for file_id, names in ((rel.source, rel.items), (rel.target, rel.target_items)):
            if file_id not in by_id or not set(names) <= {i.id for i in by_id[file_id].items}:
                raise LayoutError(f"relation {rel.name}: {file_id} {names} not in the layout")
        relations.append(rel)
    return Layout(
        code=str(data["layout"]),
        title=str(data["title"]),
        version=str(data["version"]),
        version_note=str(data.get("version_note", "")).strip(),
        root=str(data["root"]),
        conventions={str(k): str(v) for k, v in (data.get("conventions") or {}).items()},
        files=tuple(files),
        relations=tuple(relations),
        code_lists=code_lists,
    )


def uncovered(layout: Layout) -> dict[str, list[str]]:
    """Held items no file of the layout carries, by set (empty when nothing is left out)."""
    out: dict[str, list[str]] = {}
    for held_set in layout.sets:
        used: set[str] = set()
        for f in layout.files_of(held_set):
            used |= _used(f.items)
        missing = [h.name for h in HELD_ITEMS[held_set] if h.name not in used]
        if missing:
            out[held_set] = missing
    return out


@functools.cache
def layout_load(code: str) -> Layout:
    """The layout ``code`` (``migration_io/layouts/<code>.yaml``), checked."""
    path = LAYOUT_DIR / f"{code}.yaml"
    if not path.is_file() or not code.isidentifier():
        raise LayoutError(f"no layout {code!r}")
    with path.open(encoding="utf-8") as handle:
        return layout_from_data(yaml.safe_load(handle))


#: the layouts this product exports, in menu order (one so far: issue 19 adds the others)
LAYOUTS: tuple[str, ...] = ("jumin_kihon_daicho",)
