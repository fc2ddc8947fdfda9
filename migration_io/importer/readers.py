"""Streaming readers of a layout file that refuse hostile input and say where.

- **CSV** (UTF-8 with or without BOM, or cp932): the bytes are decoded one physical line
  at a time, so a byte the encoding cannot read is reported with its line (the rest of
  the file is still read, to report everything); the first row must be the items'
  names; each record is given with the line it starts on.
- **XML**: lxml ``iterparse`` with ``resolve_entities=False``, ``load_dtd=False``,
  ``no_network=True``, ``huge_tree=False``; a document with a DOCTYPE (the carrier of
  entity bombs and external entities) is refused before its first record, and the
  prolog is scanned for ``<!DOCTYPE`` / ``<!ENTITY`` before lxml sees it; each ``<REC>``
  is cleared once read (flat memory, STACK-NOTES) and given with its line.
- **Size**: a file above ``settings.JC_MIGRATION_IMPORT_MAX_BYTES`` is refused before
  it is read (:func:`size_problem`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.conf import settings
from lxml import etree

from migration_io.layout import Layout, LayoutFile
from migration_io.writers import RECORD
from tenants.csvout import CP932, UTF8_BOM

#: how the report callback is called: (line, item name or "", message)
Report = Callable[[int, str, str], None]
#: bytes of an XML file's beginning scanned for a DTD before parsing
PROLOG_BYTES = 64 * 1024
ENCODING_WORDS = {UTF8_BOM: "UTF-8", CP932: "Shift_JIS（cp932）"}


def max_bytes() -> int:
    return int(settings.JC_MIGRATION_IMPORT_MAX_BYTES)


def size_problem(size: int) -> str | None:
    """The refusal of a file of ``size`` bytes, or None."""
    limit = max_bytes()
    if size > limit:
        return (
            f"ファイルが大きすぎます（{size:,}バイト）。1ファイル{limit:,}バイトまでです"
            "（設定 JC_MIGRATION_IMPORT_MAX_BYTES）。"
        )
    return None


def _lines(stream: IO[bytes], encoding: str, report: Report, bad: set[int]) -> Iterator[str]:
    """Decoded physical lines; a line with an undecodable byte is reported, added to
    ``bad`` and given with the byte replaced (so the rest of the file is checked)."""
    codec = "utf-8" if encoding == UTF8_BOM else CP932
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode(codec)
        except UnicodeDecodeError as exc:
            bad.add(number)
            report(
                number,
                "",
                f"{ENCODING_WORDS.get(encoding, encoding)}として読めないバイトがあります"
                f"（この行の{exc.start + 1}バイト目）。",
            )
            yield raw.decode(codec, errors="replace")


def read_csv(
    stream: IO[bytes], file: LayoutFile, *, encoding: str, report: Report
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, item id → text) for each data row; rows with a broken byte or the wrong
    number of cells are reported and not given."""
    ids = [i.id for i in file.items]
    for line, row in read_csv_rows(stream, file, encoding=encoding, report=report):
        yield line, dict(zip(ids, row, strict=True))


def read_csv_rows(
    stream: IO[bytes], file: LayoutFile, *, encoding: str, report: Report
) -> Iterator[tuple[int, list[str]]]:
    """(line, the texts in the file's item order) for each data row, as :func:`read_csv`
    (the import's form: no dict per row)."""
    bad: set[int] = set()
    rows = csv.reader(_lines(stream, encoding, report, bad), strict=True)
    width = len(file.items)
    try:
        header = next(rows, None)
    except csv.Error:
        header = None
    if header != file.headings:
        report(1, "", "1行目の項目名がデータ項目一覧表の項目名と一致しません。")
        return
    end = rows.line_num
    while True:
        start = end + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error:
            report(start, "", 'CSVとして読めません（「"」の対応が正しくありません）。')
            return
        end = rows.line_num
        if bad and any(n in bad for n in range(start, end + 1)):
            continue
        if len(row) != width:
            report(start, "", f"項目の数が{len(row)}です（{width}項目のはずです）。")
            continue
        yield start, row


def read_xml(
    stream: IO[bytes], layout: Layout, file: LayoutFile, *, report: Report
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, item id → text) for each ``<REC>``; the file is refused at a DOCTYPE, an
    entity declaration or a syntax error (reported with its line)."""
    ids = [i.id for i in file.items]
    for line, row in read_xml_rows(stream, layout, file, report=report):
        yield line, dict(zip(ids, row, strict=True))


def _root_problem(root: Any, layout: Layout, file: LayoutFile) -> str | None:
    if root.getroottree().docinfo.doctype:
        return "DOCTYPE（文書型宣言）のあるXMLは読み込みません。"
    if root.tag != file.id or root.get("layout") != layout.code:
        return "ルート要素がこのファイルのもの（レイアウト・ファイルID）ではありません。"
    return None


def _other(element: Any) -> str:
    return f"{RECORD} 以外の要素 {str(element.tag)[:40]} があります。"


def read_xml_rows(
    stream: IO[bytes], layout: Layout, file: LayoutFile, *, report: Report
) -> Iterator[tuple[int, list[str]]]:
    """(line, the texts in the file's item order, "" for an absent item) for each
    ``<REC>``, as :func:`read_xml`.

    lxml raises an event only at the end of each ``<REC>`` (``tag=``), so the items are
    read in one pass over the record's children, not one Python event each: the root is
    checked at the first record (or at the end, for a file without one), an element
    beside the records when the next record comes (or at the end), a record not directly
    under the root and an element inside an item stop the file."""
    head = stream.read(PROLOG_BYTES)
    stream.seek(0)
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        report(0, "", "DOCTYPE（文書型宣言・実体宣言）のあるXMLは読み込みません。")
        return
    place = {item.id: n for n, item in enumerate(file.items)}
    width = len(place)
    parser = etree.iterparse(
        stream,
        events=("end",),
        tag=RECORD,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root: Any = None
    try:
        for _event, element in parser:
            if root is None:
                root = element.getroottree().getroot()
                problem = _root_problem(root, layout, file)
                if problem:
                    report(root.sourceline or 0, "", problem)
                    return
            line = element.sourceline or 0
            if element.getparent() is not root:
                report(line, "", "項目の中に要素があります。")
                return
            previous = element.getprevious()
            while previous is not None:
                if previous.tag != RECORD:
                    report(previous.sourceline or 0, "", _other(previous))
                del root[0]
                previous = element.getprevious()
            row = [""] * width
            good = True
            for child in element:
                at = place.get(child.tag)
                if at is None:
                    report(line, "", f"定義にない項目 {str(child.tag)[:40]} があります。")
                    good = False
                    continue
                if len(child):
                    report(child[0].sourceline or 0, "", "項目の中に要素があります。")
                    return
                row[at] = child.text or ""
            element.clear()
            if good:
                yield line, row
        if root is None:
            root = parser.root
            problem = _root_problem(root, layout, file)
            if problem:
                report(root.sourceline or 0, "", problem)
                return
        for child in root:
            if child.tag != RECORD:
                report(child.sourceline or 0, "", _other(child))
    except etree.XMLSyntaxError as exc:
        report(exc.lineno or 0, "", "XMLとして読めません（構文の誤り）。")
