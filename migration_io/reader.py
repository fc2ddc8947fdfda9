"""Reading a layout's CSV and XML files back into held values: the seed of the import
(issue 19) and, today, the proof that an export can be read back item by item.

Both readers stream: the CSV one row at a time, the XML with ``iterparse`` clearing each
record once read (STACK-NOTES: flat memory). The XML parser resolves no entity, loads no
DTD, reaches no network and refuses a document with a DOCTYPE. Validation of every item
against the business rules (check digits, household consistency …) is the import's
work, not done here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from migration_io.codec import decode
from migration_io.layout import Layout, LayoutFile
from migration_io.writers import RECORD
from tenants.csvout import CP932, FORMULA_STARTS, UTF8_BOM


class ReadError(ValueError):
    """A file that is not what the layout says (Japanese message, by file and line)."""


def _unneutralise(text: str) -> str:
    """The platform's CSV writer puts ``'`` before a text starting with a formula
    character; the text itself is what follows."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def read_csv(stream: IO[bytes], file: LayoutFile, *, encoding: str) -> Iterator[dict[str, str]]:
    """Each data row as item id → text. The first row must be the items' names."""
    codec = "utf-8-sig" if encoding == UTF8_BOM else CP932
    text = io.TextIOWrapper(stream, encoding=codec, newline="")
    rows = csv.reader(text)
    header = next(rows, None)
    if header != file.headings:
        raise ReadError(f"{file.name}: 1行目の項目名がデータ項目一覧表と一致しません。")
    ids = [i.id for i in file.items]
    for line, row in enumerate(rows, start=2):
        if len(row) != len(ids):
            raise ReadError(f"{file.name}: {line}行目の項目数が{len(ids)}ではありません。")
        yield {i: _unneutralise(v) for i, v in zip(ids, row, strict=True)}


def read_xml(stream: IO[bytes], layout: Layout, file: LayoutFile) -> Iterator[dict[str, str]]:
    """Each ``<REC>`` as item id → text (an absent item is empty)."""
    ids = [i.id for i in file.items]
    known = set(ids)
    parser = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    )
    root_seen = False
    for event, element in parser:
        if not root_seen:
            root_seen = True
            docinfo = element.getroottree().docinfo
            if docinfo.doctype:
                raise ReadError(f"{file.name}: DOCTYPE のある XML は読み込みません。")
            if element.tag != file.id or element.get("layout") != layout.code:
                raise ReadError(f"{file.name}: ルート要素がこのファイルのものではありません。")
            continue
        if event != "end" or element.tag != RECORD:
            continue
        values = dict.fromkeys(ids, "")
        for child in element:
            if child.tag not in known:
                raise ReadError(f"{file.name}: 定義にない項目 {child.tag} があります。")
            values[child.tag] = child.text or ""
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
        yield values


def to_held(layout: Layout, file: LayoutFile, texts: dict[str, str]) -> dict[str, Any]:
    """The held values one record's texts stand for (derived and constant items are
    returned by item id, for the caller to check)."""
    out: dict[str, Any] = {}
    for item in file.items:
        value = decode(layout, item, texts[item.id])
        out[item.source or item.id] = value
    return out
