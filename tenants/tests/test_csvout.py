"""tenants.csvout: the one CSV writer (no database)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.http import FileResponse, HttpResponse

from tenants import csvout
from tenants.csvout import (
    CP932,
    UTF8_BOM,
    CsvEncodingError,
    CsvWriter,
    cell,
    csv_bytes,
    csv_iter,
    csv_join,
    csv_response,
)


def _read(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+81-46-876-1111", "'+81-46-876-1111"),
        ("-1200", "'-1200"),  # a number given as text is text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("葉山町=1", "葉山町=1"),  # only the first character counts
        ("", ""),
        (None, ""),
        (-1200, -1200),  # numbers stay numbers
        (Decimal("-0.5"), Decimal("-0.5")),
        (date(2025, 4, 1), "2025-04-01"),
        (True, "True"),
    ],
)
def test_cell_neutralises_formula_starts_and_keeps_numbers(value: object, written: object) -> None:
    assert cell(value) == written


def test_formula_cells_read_back_as_quoted_text_and_numbers_as_numbers() -> None:
    # given
    rows = [['=HYPERLINK("http://x")', -1200, "-1200", "a,b"]]
    # when
    data = csv_bytes(["式", "数", "文字", "区切り"], rows)
    # then
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    assert _read(data, "utf-8-sig") == [
        ["式", "数", "文字", "区切り"],
        ['\'=HYPERLINK("http://x")', "-1200", "'-1200", "a,b"],
    ]
    assert b",-1200," in data  # unquoted: a spreadsheet reads a number


@pytest.mark.parametrize("encoding", [UTF8_BOM, CP932])
def test_both_encodings_read_back(encoding: str) -> None:
    # given: names with characters cp932 has (髙 and ① are Windows extensions)
    rows = [["0000000018", "髙橋　一郎", "①", 12_345], ["0000000026", "渡邊　花子", "～", 0]]
    # when
    data = csv_bytes(["宛名番号", "氏名", "記号", "税額"], rows, encoding=encoding)
    # then
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == UTF8_BOM)
    assert _read(data, encoding) == [
        ["宛名番号", "氏名", "記号", "税額"],
        ["0000000018", "髙橋　一郎", "①", "12345"],
        ["0000000026", "渡邊　花子", "～", "0"],
    ]


def test_cp932_refuses_a_character_it_cannot_hold_naming_line_and_column() -> None:
    # given: 𠮷 (U+20BB7) is not in cp932
    rows = [["1", "佐藤　太郎"], ["2", "𠮷田　花子"]]
    # when
    with pytest.raises(CsvEncodingError) as caught:
        csv_bytes(["番号", "氏名"], rows, encoding=CP932)
    # then: line 3 (the header is line 1), column 2, and never the name itself
    assert caught.value.line == 3 and caught.value.column == 2
    assert str(caught.value) == (
        "3行目の2列目（氏名）に Shift_JIS（cp932）で表せない文字（U+20BB7）があります。"
        "UTF-8（BOM付き）を選んで出力してください。"
    )
    assert "田" not in str(caught.value) and caught.value.public_message == str(caught.value)
    # and UTF-8 keeps it
    assert "𠮷田　花子" in csv_bytes(["番号", "氏名"], rows).decode("utf-8-sig")


def test_response_refuses_before_sending_anything() -> None:
    with pytest.raises(CsvEncodingError):
        csv_response("x.csv", ["氏名"], [["𠮷"]], encoding=CP932)


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="文字コード"):
        CsvWriter(io.BytesIO(), encoding="latin-1")


def test_small_download_is_one_body(settings) -> None:
    response = csv_response("a.csv", ["x"], [[1]], encoding=CP932)
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert response["Content-Disposition"] == 'attachment; filename="a.csv"'
    assert response["Cache-Control"] == "no-store"
    assert isinstance(response, HttpResponse)
    assert response.content == b"x\r\n1\r\n"


def test_big_download_streams_from_a_temporary_file(monkeypatch, settings) -> None:
    # given: a spool of 1 KB, and 2,000 rows
    monkeypatch.setattr(csvout, "SPOOL_BYTES", 1024)
    rows = ([i, f"行{i}"] for i in range(2000))
    # when
    response = csv_response("big.csv", ["番号", "内容"], rows)
    # then
    assert isinstance(response, FileResponse)
    data = b"".join(response.streaming_content)  # type: ignore[arg-type]
    read = _read(data, "utf-8-sig")
    assert len(read) == 2001 and read[-1] == ["1999", "行1999"]


def test_iter_and_join_give_the_same_file_as_one_writer() -> None:
    # given: two part files written by chunks (no BOM), joined under one header
    header = ["番号", "氏名"]
    parts = []
    for chunk in ([[1, "=a"]], [[2, "b"]]):
        buf = io.BytesIO()
        CsvWriter(buf, bom=False).writerows(chunk)
        buf.seek(0)
        parts.append(buf)
    joined = io.BytesIO()
    # when
    csv_join(joined, header, parts)
    # then
    whole = csv_bytes(header, [[1, "=a"], [2, "b"]])
    assert joined.getvalue() == whole
    assert b"".join(csv_iter(header, [[1, "=a"], [2, "b"]])) == whole
