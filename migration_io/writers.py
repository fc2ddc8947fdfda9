"""CSV and XML of a layout's file, written in parts (one a job chunk) and joined once.

Both come from the same :func:`migration_io.codec.chunk_texts`, so the two formats
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
from migration_io.codec import Context, chunk_texts
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


def xml_part(
    stream: IO[bytes],
    layout: Layout,
    file: LayoutFile,
    records: Iterable[HeldRecord],
    ctx: Context,
) -> int:
    """Write the records as ``<REC>`` elements (empty items left out) inside ``<PART>``."""
    records = list(records)
    rows = chunk_texts(layout, file.id, ctx)([r.id for r in records], [r.values for r in records])
    return xml_rows(stream, [item.id for item in file.items], rows)


def xml_rows(stream: IO[bytes], ids: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """The part of ``rows`` (each an item's text in ``ids`` order): the bytes lxml's
    ``xmlfile`` writes for the same elements, built as text — an lxml element per record
    and item was two thirds of the XML export's time (the test
    ``migration_io/tests/test_export.py::test_xml_rows_are_the_bytes_lxml_writes`` holds
    them equal). Rows holding a character XML cannot carry go through lxml itself, which
    refuses them as before."""
    if _NOT_XML.search("".join(map("".join, rows))):
        return _xml_part_lxml(stream, ids, rows)
    opens = [f"<{i}>" for i in ids]
    closes = [f"</{i}>" for i in ids]
    out = [PART.decode()]
    for row in rows:
        start = len(out)
        out.append("<REC>")
        for open_, text, close in zip(opens, row, closes, strict=True):
            if text != "":
                out.append(open_)
                out.append(text.translate(_XML_TEXT))
                out.append(close)
        if len(out) == start + 1:
            out[start] = "<REC/>"  # (a record with every item empty, as lxml writes it)
        else:
            out.append("</REC>")
    out.append(PART_END.decode())
    stream.write("".join(out).encode("utf-8"))
    return len(rows)


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
