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


def xml_part(
    stream: IO[bytes],
    layout: Layout,
    file: LayoutFile,
    records: Iterable[HeldRecord],
    ctx: Context,
) -> int:
    """Write the records as ``<REC>`` elements (empty items left out) inside ``<PART>``."""
    count = 0
    ids = [item.id for item in file.items]
    records = list(records)
    rows = chunk_texts(layout, file.id, ctx)([r.id for r in records], [r.values for r in records])
    with etree.xmlfile(stream, encoding="utf-8") as xf, xf.element("PART"):
        for row in rows:
            element = etree.Element(RECORD)
            for item_id, text in zip(ids, row, strict=True):
                if text != "":
                    etree.SubElement(element, item_id).text = text
            xf.write(element)
            count += 1
    return count


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
