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
from typing import IO

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
    bad: set[int] = set()
    rows = csv.reader(_lines(stream, encoding, report, bad), strict=True)
    ids = [i.id for i in file.items]
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
        if any(n in bad for n in range(start, end + 1)):
            continue
        if len(row) != len(ids):
            report(start, "", f"項目の数が{len(row)}です（{len(ids)}項目のはずです）。")
            continue
        yield start, dict(zip(ids, row, strict=True))


def read_xml(
    stream: IO[bytes], layout: Layout, file: LayoutFile, *, report: Report
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, item id → text) for each ``<REC>``; the file is refused at a DOCTYPE, an
    entity declaration or a syntax error (reported with its line)."""
    head = stream.read(PROLOG_BYTES)
    stream.seek(0)
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        report(0, "", "DOCTYPE（文書型宣言・実体宣言）のあるXMLは読み込みません。")
        return
    ids = [i.id for i in file.items]
    known = set(ids)
    parser = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    try:
        for event, element in parser:
            if event == "start":
                depth += 1
                if depth == 1:
                    if element.getroottree().docinfo.doctype:
                        report(0, "", "DOCTYPE（文書型宣言）のあるXMLは読み込みません。")
                        return
                    if element.tag != file.id or element.get("layout") != layout.code:
                        report(
                            element.sourceline or 0,
                            "",
                            "ルート要素がこのファイルのもの（レイアウト・ファイルID）ではありません。",
                        )
                        return
                elif depth > 3:
                    report(element.sourceline or 0, "", "項目の中に要素があります。")
                    return
                continue
            depth -= 1
            if depth != 1:
                continue
            line = element.sourceline or 0
            if element.tag != RECORD:
                report(line, "", f"{RECORD} 以外の要素 {str(element.tag)[:40]} があります。")
            else:
                values = dict.fromkeys(ids, "")
                good = True
                for child in element:
                    if child.tag not in known:
                        report(line, "", f"定義にない項目 {str(child.tag)[:40]} があります。")
                        good = False
                        continue
                    values[child.tag] = child.text or ""
                if good:
                    yield line, values
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        report(exc.lineno or 0, "", "XMLとして読めません（構文の誤り）。")
