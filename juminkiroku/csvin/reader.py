"""Read an uploaded CSV against one of the layouts: every cell checked, every error kept.

The result is either the records (one dict per data line, keyed by the items' ``key``,
values already our codes, ``date``s and ``bool``s) or the errors, each naming the file,
the line and the item, in Japanese, never the cell's text (it may be personal data).
Nothing is written anywhere; the caller reads the file from the upload's temporary file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from juminkiroku.csvin.layouts import Item, Kind, Layout
from juminkiroku.rules.zokugara import parse_zokugara
from tenants.checkdigits import (
    is_valid_juminhyo_code,
    is_valid_kojin_bango,
    normalise_postal_code,
)
from tenants.text import text_problem
from tenants.wareki import parse_wareki

ENCODINGS = {
    "auto": "自動判定（UTF-8 / Shift_JIS）",
    "utf-8": "UTF-8",
    "cp932": "Shift_JIS（cp932）",
}
#: errors shown at most; the count says how many there were
MAX_ERRORS = 100
_FLAG_TRUE = {"要", "有", "あり", "する", "1", "○", "〇"}
_FLAG_FALSE = {"", "不要", "無", "なし", "しない", "0"}
_KANA = re.compile(r"[\u30a0-\u30ff\u3000 ]+")  # カタカナ, 長音, 全角・半角スペース


@dataclass(frozen=True)
class CsvError:
    file: str
    line: int  # 0: the file as a whole
    item: str
    message: str

    def __str__(self) -> str:
        where = f"{self.line}行目" if self.line else "ファイル全体"
        item = f"「{self.item}」" if self.item else ""
        return f"{self.file} {where}{item}: {self.message}"


@dataclass
class CsvRead:
    layout: Layout
    file: str
    records: list[dict[str, Any]] = field(default_factory=list)
    #: the data line of each record (to name it in a later error)
    lines: list[int] = field(default_factory=list)
    errors: list[CsvError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count and bool(self.records)

    def error(self, line: int, item: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CsvError(self.file, line, item, message))


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _decode(data: bytes, encoding: str, read: CsvRead) -> str | None:
    tries = ["utf-8-sig", "cp932"] if encoding == "auto" else [encoding]
    last: UnicodeDecodeError | None = None
    for enc in tries:
        try:
            return data.decode("utf-8-sig" if enc == "utf-8" else enc)
        except UnicodeDecodeError as exc:
            last = exc
    line = data[: last.start].count(b"\n") + 1 if last is not None else 0
    names = "UTF-8 でも Shift_JIS でも" if encoding == "auto" else f"{ENCODINGS[encoding]}として"
    read.error(line, "", f"{names}読めない文字があります。文字コードを確かめてください。")
    return None


def _cell(item: Item, raw: str) -> tuple[Any, str | None]:
    """The value of one cell, or the message refusing it."""
    text = raw.strip()
    if not text:
        if item.required:
            return None, "必須の項目が空欄です。"
        return (False if item.kind == Kind.FLAG else None), None
    if item.kind == Kind.TEXT:
        if item.max_length and len(text) > item.max_length:
            return None, f"{item.max_length}文字以内にしてください（{len(text)}文字あります）。"
        return text, None
    if item.kind == Kind.KANA:
        # 半角カナ → 全角; a space between 氏 and 名 as the registry keeps it (全角)
        kana = unicodedata.normalize("NFKC", text).replace(" ", "\u3000")
        kana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in kana)
        if not _KANA.fullmatch(kana):
            return None, "フリガナはカタカナで書いてください。"
        if item.max_length and len(kana) > item.max_length:
            return None, f"{item.max_length}文字以内にしてください。"
        return kana, None
    if item.kind == Kind.DATE:
        try:
            return parse_wareki(text), None
        except ValueError:
            return None, "日付として読めません（例: 昭和55年5月5日、S55.5.5、1980-05-05）。"
    if item.kind == Kind.CODE:
        code = item.codes.get(text) or item.codes.get(_nfkc(text))
        if code is None:
            words = "、".join(k for k in item.codes if not k.isascii())
            return None, f"次のいずれかで書いてください: {words}。"
        return code, None
    if item.kind == Kind.FLAG:
        value = _nfkc(text)
        if value in _FLAG_TRUE:
            return True, None
        if value in _FLAG_FALSE:
            return False, None
        return None, "「要」か「不要」で書いてください。"
    if item.kind == Kind.COUNT:
        value = _nfkc(text).removesuffix("通")
        if not value.isdigit() or not 1 <= int(value) <= item.max_value:
            return None, f"1から{item.max_value}までの数にしてください。"
        return int(value), None
    digits = _nfkc(text).replace("-", "").replace(" ", "")
    if item.kind == Kind.DIGITS:
        if not (digits.isascii() and digits.isdigit()) or len(digits) > item.length:
            return None, f"{item.length}桁までの数字にしてください。"
        return digits, None
    if item.kind == Kind.KOJIN_BANGO:
        if not is_valid_kojin_bango(digits):
            return None, "個人番号は12桁の数字で、検査用数字が一致するものにしてください。"
        return digits, None
    if item.kind == Kind.JUMINHYO_CODE:
        if not is_valid_juminhyo_code(digits):
            return None, "住民票コードは11桁の数字で、検査数字が一致するものにしてください。"
        return digits, None
    if item.kind == Kind.POSTAL:
        try:
            return normalise_postal_code(text), None
        except ValueError:
            return None, "郵便番号は7桁の数字にしてください（例: 240-0112）。"
    if item.kind == Kind.ZOKUGARA:
        try:
            return parse_zokugara(text), None
        except ValueError as exc:
            return None, str(exc)
    raise AssertionError(item.kind)


def _columns(header: list[str], layout: Layout, read: CsvRead) -> list[Item | None] | None:
    by_label = {_nfkc(i.label): i for i in layout.items}
    columns: list[Item | None] = []
    for n, name in enumerate(header, start=1):
        problem = text_problem(name, label=f"見出しの{n}列目")
        if problem is not None:
            read.error(1, "", problem)
            return None
        key = _nfkc(name)
        if not key:
            columns.append(None)  # an empty column (a trailing comma)
            continue
        if key not in by_label:
            read.error(1, "", f"見出しの{n}列目は{layout.label}の項目名ではありません。")
            return None
        if by_label[key] in columns:
            read.error(1, by_label[key].label, "見出しに2回あります。")
            return None
        columns.append(by_label[key])
    for item in layout.items:
        if item.required and item not in columns:
            read.error(1, item.label, "必須の項目が見出しにありません。")
    return None if read.error_count else columns


def read_csv(
    upload: IO[bytes], *, layout: Layout, file_name: str, encoding: str, header: bool
) -> CsvRead:
    """Every line of the file checked against ``layout``. ``encoding`` is ``auto``,
    ``utf-8`` or ``cp932``; ``header`` says the first line holds the item names."""
    # the name is the clerk's own file's: shown back to them only, never logged
    shown_name = file_name.replace("\x00", "")[:80] or "CSVファイル"
    if text_problem(shown_name, label="ファイル名") is not None:
        shown_name = "CSVファイル"
    read = CsvRead(layout=layout, file=shown_name)
    if encoding not in ENCODINGS:
        read.error(0, "", "文字コードを選んでください。")
        return read
    text = _decode(upload.read(), encoding, read)
    if text is None:
        return read
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns: list[Item | None] | None = list(layout.items) if not header else None
    data_lines = 0
    try:
        for row in rows:
            line = rows.line_num
            if columns is None:  # the header line
                columns = _columns(row, layout, read)
                if columns is None:
                    return read
                continue
            if not any(c.strip() for c in row):
                continue
            data_lines += 1
            if data_lines > layout.max_rows:
                read.error(line, "", f"{layout.label}は{layout.max_rows}行までです。")
                return read
            _row(row, line, columns, read)
    except csv.Error:
        read.error(
            rows.line_num, "", 'CSVとして読めません（引用符「"」の対応を確かめてください）。'
        )
        return read
    if not read.records and not read.error_count:
        read.error(0, "", "データの行がありません。")
    return read


def _row(row: list[str], line: int, columns: list[Item | None], read: CsvRead) -> None:
    if len(row) > len(columns) and any(c.strip() for c in row[len(columns) :]):
        read.error(line, "", f"項目が{len(columns)}個より多くあります。")
        return
    record: dict[str, Any] = {}
    bad = False
    cells = dict(zip(range(len(row)), row, strict=False))
    for n, item in enumerate(columns):
        if item is None:
            continue
        raw = cells.get(n, "")
        problem = text_problem(raw, label=item.label)
        if problem is not None:
            read.error(line, item.label, problem)
            bad = True
            continue
        value, message = _cell(item, raw)
        if message is not None:
            read.error(line, item.label, message)
            bad = True
            continue
        record[item.key] = value
    for item in read.layout.items:  # an optional column left out of the header
        record.setdefault(item.key, False if item.kind == Kind.FLAG else None)
    if not bad:
        read.records.append(record)
        read.lines.append(line)


def same_on_every_row(read: CsvRead, keys: tuple[str, ...]) -> None:
    """The items that belong to the whole 届 or 申請 (one 異動, one request) must be the
    same on every row: an error on the first row that differs."""
    if not read.records:
        return
    first = read.records[0]
    for record, line in zip(read.records[1:], read.lines[1:], strict=True):
        for key in keys:
            if record.get(key) != first.get(key):
                label = read.layout.item(key).label
                read.error(line, label, "1行目と同じ値にしてください（届・申請で1つの項目です）。")


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
