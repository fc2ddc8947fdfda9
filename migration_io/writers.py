"""CSV and XML of a layout's file, written in parts (one a job chunk) and joined once.

Both come from the same :func:`migration_io.codec.chunk_columns`, so the two formats
carry the same text item for item. CSV goes through the platform's writer
(``tenants.csvout``: UTF-8 with BOM or cp932, a character cp932 cannot hold refused with
line and column, formula starts neutralised). XML is written incrementally with lxml's
``xmlfile``: a part is the records of one chunk inside a ``<PART>`` wrapper (xmlfile
writes one element per document), and :func:`xml_join` streams the parts' records into
the file's root element, so no part and no file is ever held as a tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import IO

from lxml import etree

from juminkiroku.public import HeldRecord
from migration_io.codec import Context, chunk_columns, chunk_texts
from migration_io.layout import Layout, LayoutFile
from tenants.csvout import CsvWriter, Fold, csv_join

PART = b"<PART>"
PART_END = b"</PART>"
RECORD = "REC"
BLOCK = 1024 * 1024


def csv_part(
    stream: IO[bytes],
    layout: Layout,
    file: LayoutFile,
    records: Iterable[HeldRecord],
    ctx: Context,
    *,
    encoding: str,
    first_line: int,
    fold: Fold | None = None,
) -> int:
    """Write the records' rows (no header, no BOM); returns how many. ``fold`` (the
    export's 縮退 option, ``migration_io.gaiji.shukutai_text``) is applied to every text
    cell by the platform's writer; None writes the text as held."""
    writer = CsvWriter(
        stream,
        encoding=encoding,
        bom=False,
        first_line=first_line,
        headings=file.headings,
        fold=fold,
    )
    records = list(records)
    rows = chunk_texts(layout, file.id, ctx)([r.id for r in records], [r.values for r in records])
    writer.write_texts(rows)
    return len(rows)


#: what XML text needs escaped, as lxml writes it (``\r`` as a character reference, so a
#: reader does not normalise it away)
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
#: the characters lxml refuses in text (XML 1.0's excluded controls and U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: the characters :data:`_XML_TEXT` replaces
_TO_ESCAPE = re.compile("[&<>\r]")


def xml_part(
    stream: IO[bytes],
    layout: Layout,
    file: LayoutFile,
    records: Iterable[HeldRecord],
    ctx: Context,
) -> int:
    """Write the records as ``<REC>`` elements (empty items left out) inside ``<PART>``."""
    records = list(records)
    columns = chunk_columns(layout, file.id, ctx)(
        [r.id for r in records], [r.values for r in records]
    )
    return xml_columns(stream, [item.id for item in file.items], columns, len(records))


def xml_rows(stream: IO[bytes], ids: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """:func:`xml_columns` of ``rows`` (each an item's text in ``ids`` order)."""
    columns: list[Sequence[str]] = (
        [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in ids]
    )
    return xml_columns(stream, ids, columns, len(rows))


def xml_columns(
    stream: IO[bytes], ids: Sequence[str], columns: Sequence[Sequence[str]], count: int
) -> int:
    """The part of ``count`` records given item by item (``columns[i][n]``: the text of
    item ``ids[i]`` of record ``n``): the bytes lxml's ``xmlfile`` writes for the same
    elements, built as text — an lxml element per record and item was two thirds of the
    XML export's time (the test
    ``migration_io/tests/test_export.py::test_xml_rows_are_the_bytes_lxml_writes`` holds
    them equal). Column by column: an item's elements are made by one comprehension over
    the chunk, and a column is escaped only when it holds a character to escape (most
    hold none), so the per-record work is one join. Columns holding a character XML
    cannot carry go through lxml itself, which refuses them as before."""
    if len(columns) != len(ids) or any(len(c) != count for c in columns):
        raise ValueError("columns do not match the items and the record count")
    joined = ["".join(c) for c in columns]
    if any(_NOT_XML.search(j) for j in joined):
        rows = list(zip(*columns, strict=True)) if count else []
        return _xml_part_lxml(stream, ids, rows)
    elements = []
    for item_id, column, text in zip(ids, columns, joined, strict=True):
        if not text:
            continue  # (every record's item empty: no element at all)
        if _TO_ESCAPE.search(text):
            column = [t.translate(_XML_TEXT) for t in column]
        open_, close = f"<{item_id}>", f"</{item_id}>"
        elements.append([f"{open_}{t}{close}" if t else "" for t in column])
    if elements:
        bodies = list(map("".join, zip(*elements, strict=True)))
        recs = [f"<REC>{b}</REC>" if b else "<REC/>" for b in bodies]
    else:
        recs = ["<REC/>"] * count  # (records with every item empty, as lxml writes them)
    stream.write(f"<PART>{''.join(recs)}</PART>".encode())
    return count


def _xml_part_lxml(stream: IO[bytes], ids: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """The same part through lxml's elements (which refuse what XML cannot carry)."""
    with etree.xmlfile(stream, encoding="utf-8") as xf, xf.element("PART"):
        for row in rows:
            element = etree.Element(RECORD)
            for item_id, text in zip(ids, row, strict=True):
                if text != "":
                    etree.SubElement(element, item_id).text = text
            xf.write(element)
    return len(rows)


def csv_join_parts(
    target: IO[bytes], file: LayoutFile, parts: Sequence[IO[bytes]], *, encoding: str
) -> None:
    """Header (the items' names) and the parts in order (``tenants.csvout.csv_join``)."""
    csv_join(target, file.headings, parts, encoding=encoding)


def xml_join(
    target: IO[bytes],
    layout: Layout,
    file: LayoutFile,
    parts: Sequence[IO[bytes]],
    *,
    count: int,
    dantai_code: str,
) -> None:
    """The file's document: declaration, the root element naming layout, version, file
    and count, then every part's records streamed in order."""
    attributes = {
        "layout": layout.code,
        "version": layout.version,
        "file": file.id,
        "name": file.name,
        "dantai_code": dantai_code,
        "count": str(count),
    }
    with etree.xmlfile(target, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(file.id, attributes):
            xf.flush()
            for part in parts:
                _copy_records(part, target)
            xf.flush()


def _copy_records(part: IO[bytes], target: IO[bytes]) -> None:
    """Copy what is between ``<PART>`` and ``</PART>`` block by block."""
    head = part.read(len(PART))
    if head != PART:
        raise ValueError("not a part file")
    tail = b""
    while block := part.read(BLOCK):
        data = tail + block
        target.write(data[: -len(PART_END)])
        tail = data[-len(PART_END) :]
    if tail != PART_END:
        raise ValueError("a part file that does not end its records")
