"""The one CSV writer of the platform: every export of every module writes through it.

**Encoding.** A person who downloads chooses (``ENCODING_CHOICES``): UTF-8 with a BOM
(the default: Excel opens it as UTF-8 and every character survives) or Shift_JIS as
Windows writes it (``cp932``: for older systems and the 印刷・封入 contractors that ask
for it). cp932 cannot hold every name (𠮷 U+20BB7, 髙 is fine); such a character is
**refused, never replaced**: a 〓 or a ``?`` in a name on a roll would be a wrong record.
:class:`CsvEncodingError` names the line and column (and the column's heading), never
the text around it. A download is written to a spooled file first, so the refusal comes
before the first byte is sent and the screen shows the message instead of a cut file.

**Formula cells.** A text cell that starts with ``=`` ``+`` ``-`` ``@``, TAB or CR would
be run as a formula by a spreadsheet (CSV injection, OWASP). Such a cell is written with
a leading single quote (``'=1+1``), the OWASP-recommended neutralisation: the sheet shows
it as text. **Numbers stay numbers**: a value passed as ``int``, ``float`` or ``Decimal``
is written as it is (``-1200``), so amounts and counts remain summable; only ``str``
values are text cells. A caller that has a number as a string converts it to a number
first, or it is written as text (``'-1200``). ``None`` is an empty cell, a ``date`` its
ISO form (a ``datetime`` is refused: format it in local time first).

**Streaming.** Rows are encoded one at a time into a binary stream; :func:`csv_response`
keeps at most ``SPOOL_BYTES`` in memory (a larger file goes to a temporary file and is
streamed from it), so a 100,000-row roll costs no more memory than a 4 MB one. Chunked
jobs write part files with :class:`CsvWriter` (``bom=False``) and join them with
:func:`csv_join`.
Line endings are CRLF (RFC 4180).

**Folding text (opt-in).** ``fold`` (a ``str -> str``) is applied to every text cell before
the formula check and the encoding, e.g. ``migration_io.gaiji.shukutai_text`` for a CSV
meant for Excel or a printer that cannot draw IVS (縮退 to JIS X 0213). Without it (the
default) every output is exactly as before.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, Final

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

UTF8_BOM: Final = "utf-8-sig"
CP932: Final = "cp932"
DEFAULT_ENCODING: Final = UTF8_BOM
ENCODING_CHOICES: Final = [
    (UTF8_BOM, "UTF-8（BOM付き）"),
    (CP932, "Shift_JIS（cp932、Windows の旧来のソフト向け）"),
]
ENCODINGS: Final = frozenset(code for code, _ in ENCODING_CHOICES)
BOM: Final = "\ufeff".encode()
#: first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST: Final = frozenset(FORMULA_STARTS)  # each start is one character
#: a download is kept in memory up to this size, then in a temporary file
SPOOL_BYTES: Final = 4 * 1024 * 1024


class CsvEncodingError(ValueError):
    """A character the chosen encoding cannot hold (Japanese message, no cell text)."""

    def __init__(self, *, line: int, column: int, heading: str = "", char: str = "") -> None:
        self.line, self.column, self.heading = line, column, heading
        where = f"{line}行目の{column}列目" + (f"（{heading}）" if heading else "")
        code = f"（U+{ord(char):04X}）" if char else ""
        super().__init__(
            f"{where}に Shift_JIS（cp932）で表せない文字{code}があります。"
            "UTF-8（BOM付き）を選んで出力してください。"
        )
        # shown in a job's log (tenants.jobs.tasks): positions and a code point only
        self.public_message = str(self)


def check_encoding(encoding: str) -> str:
    """The encoding code, or ValueError (Japanese) for anything else."""
    if encoding not in ENCODINGS:
        raise ValueError("文字コードは UTF-8（BOM付き）か Shift_JIS（cp932）を指定してください。")
    return encoding


Fold = Callable[[str], str]


def cell(value: Any, fold: Fold | None = None) -> Any:
    """One value as the csv module should write it: numbers as they are, text (after
    ``fold``, if given) with formula starts neutralised."""
    if type(value) is str:  # the common case first (an export writes millions of them)
        text = value if fold is None else fold(value)
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    if value is None:
        return ""
    if isinstance(value, bool):  # before int (True is an int): written as text, as before
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        raise TypeError("format a datetime (local time) before writing it")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if fold is not None:
        text = fold(text)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class CsvWriter:
    """Writes rows to a binary stream in ``encoding``, one row at a time.

    ``first_line`` is the line number of the first row written (for the error message of
    a part file that starts further down the final file); ``headings`` name the columns in
    that message. With ``bom`` (the default) a UTF-8 file starts with the BOM.
    """

    def __init__(
        self,
        stream: IO[bytes],
        *,
        encoding: str = DEFAULT_ENCODING,
        bom: bool = True,
        first_line: int = 1,
        headings: Sequence[str] = (),
        fold: Fold | None = None,
    ) -> None:
        self.stream = stream
        self.fold = fold
        self.encoding = check_encoding(encoding)
        self.line = first_line
        self.headings = list(headings)
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, lineterminator="\r\n")
        if bom and self.encoding == UTF8_BOM:
            stream.write(BOM)

    def encode_row(self, row: Iterable[Any]) -> bytes:
        cells = [cell(v, self.fold) for v in row]
        self._buffer.seek(0)
        self._buffer.truncate()
        self._csv.writerow(cells)
        text = self._buffer.getvalue()
        if self.encoding == UTF8_BOM:
            data = text.encode("utf-8")
        else:
            try:
                data = text.encode(CP932)
            except UnicodeEncodeError:
                raise self._error(cells) from None
        self.line += 1
        return data

    def _error(self, cells: list[Any]) -> CsvEncodingError:
        for index, value in enumerate(cells):
            for char in str(value):
                try:
                    char.encode(CP932)
                except UnicodeEncodeError:
                    heading = self.headings[index] if index < len(self.headings) else ""
                    return CsvEncodingError(
                        line=self.line, column=index + 1, heading=heading, char=char
                    )
        return CsvEncodingError(line=self.line, column=1)  # pragma: no cover

    def write_texts(self, rows: Sequence[Sequence[str]]) -> None:
        """Rows whose every cell is a ``str``: the same bytes as :meth:`writerow` of each,
        written as one block (an export of 100,000 rows spends its time in per-cell calls
        otherwise). A character cp932 cannot hold is reported as :meth:`writerow` does."""
        fold = self.fold
        cells = [
            ["'" + c if c[:1] in _FORMULA_FIRST else c for c in map(fold, row)]
            if fold is not None
            else ["'" + c if c[:1] in _FORMULA_FIRST else c for c in row]
            for row in rows
        ]
        self._buffer.seek(0)
        self._buffer.truncate()
        self._csv.writerows(cells)
        text = self._buffer.getvalue()
        try:
            data = text.encode("utf-8" if self.encoding == UTF8_BOM else CP932)
        except UnicodeEncodeError:
            for row in rows:  # find the line and column, as writerow would
                self.encode_row(row)
            raise AssertionError("cp932 refused the block but no row") from None  # pragma: no cover
        self.stream.write(data)
        self.line += len(rows)

    def writerow(self, row: Iterable[Any]) -> None:
        self.stream.write(self.encode_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> int:
        count = 0
        for row in rows:
            self.writerow(row)
            count += 1
        return count


def csv_bytes(
    header: Sequence[str] | None,
    rows: Iterable[Iterable[Any]],
    *,
    encoding: str = DEFAULT_ENCODING,
    fold: Fold | None = None,
) -> bytes:
    """A whole (small) CSV file as bytes: header (if any) and rows."""
    out = io.BytesIO()
    writer = CsvWriter(out, encoding=encoding, headings=header or (), fold=fold)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_iter(
    header: Sequence[str] | None,
    rows: Iterable[Iterable[Any]],
    *,
    encoding: str = DEFAULT_ENCODING,
    fold: Fold | None = None,
) -> Iterator[bytes]:
    """The file as a stream of byte strings, one row each (for a streaming response of
    UTF-8, which cannot fail mid-way; for cp932 use :func:`csv_response`)."""
    out = io.BytesIO()
    writer = CsvWriter(out, encoding=encoding, headings=header or (), fold=fold)
    if out.tell():
        yield out.getvalue()
    if header is not None:
        yield writer.encode_row(header)
    for row in rows:
        yield writer.encode_row(row)


def csv_join(
    target: IO[bytes],
    header: Sequence[str],
    parts: Iterable[IO[bytes]],
    *,
    encoding: str = DEFAULT_ENCODING,
    block: int = 1024 * 1024,
) -> None:
    """Write BOM (UTF-8) and header, then copy each part file (written with ``bom=False``
    in the same encoding) block by block, in the order given."""
    writer = CsvWriter(target, encoding=encoding, headings=header)
    writer.writerow(header)
    for part in parts:
        while data := part.read(block):
            target.write(data)


def content_type(encoding: str) -> str:
    charset = "Shift_JIS" if encoding == CP932 else "utf-8"
    return f"text/csv; charset={charset}"


def csv_response(
    filename: str,
    header: Sequence[str] | None,
    rows: Iterable[Iterable[Any]],
    *,
    encoding: str = DEFAULT_ENCODING,
    fold: Fold | None = None,
) -> HttpResponseBase:
    """A download of ``rows``: written whole to a spooled file first, so a character that
    cp932 cannot hold raises :class:`CsvEncodingError` here, before anything is sent.
    Up to ``SPOOL_BYTES`` the file is sent from memory as one body; a larger one went to
    a temporary file and is streamed from it. ``filename`` must be ASCII and carry
    nothing personal."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed below or by the response)
    try:
        writer = CsvWriter(spool, encoding=encoding, headings=header or (), fold=fold)
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
        size = spool.tell()
        spool.seek(0)
        if size <= SPOOL_BYTES:  # never rolled over to disk
            response: HttpResponseBase = HttpResponse(
                spool.read(), content_type=content_type(encoding)
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            spool.close()
        else:
            response = FileResponse(
                spool, as_attachment=True, filename=filename, content_type=content_type(encoding)
            )
    except BaseException:
        spool.close()
        raise
    response["Cache-Control"] = "no-store"
    return response
