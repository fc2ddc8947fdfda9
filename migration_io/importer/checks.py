"""Every item of a record against the layout, then its decoding into held values.

What is checked (the layout says type, length, required and code list of each item):

- control characters (``tenants.text``), and in CSV a text starting with ``=`` ``+`` ``-``
  ``@`` that the writer did not neutralise with ``'`` (a formula cell: refused, not run);
- required items present; length; 半角数字 / 半角英数字 / 数値; 日付 a real day in
  YYYYMMDD; 日時 ISO 8601 with its offset; コード in its code list (a 続柄 a chain of
  up to four terms); 区分 1 or 0;
- check digits: 宛名番号 and 世帯番号 (M11W2–7, ``tenants.atena_bango``), 個人番号 and
  住民票コード (``tenants.checkdigits``); the 団体コード is the receiving town's;
- the 和暦 of a date (the 2-digit 年号コード and YYMMDD) is the same day as the date, within
  its era (``tenants.wareki``).

Messages name the item and what is wrong, never the value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from migration_io.layout import Item, Layout, LayoutFile
from tenants.atena_bango import is_valid_number
from tenants.checkdigits import is_valid_juminhyo_code, is_valid_kojin_bango
from tenants.csvout import FORMULA_STARTS
from tenants.text import text_problem
from tenants.wareki import ERAS

#: held items whose value carries a check digit, and the check
CHECK_DIGITS: dict[str, tuple[Callable[[str], bool], str]] = {
    "atena_no": (is_valid_number, "宛名番号の検査数字（M11W2〜7）が正しくありません。"),
    "setai_no": (is_valid_number, "世帯番号の検査数字（M11W2〜7）が正しくありません。"),
    "setainushi_atena_no": (is_valid_number, "宛名番号の検査数字（M11W2〜7）が正しくありません。"),
    "kojin_bango": (is_valid_kojin_bango, "個人番号の検査用数字が正しくありません。"),
    "juminhyo_code": (is_valid_juminhyo_code, "住民票コードの検査数字が正しくありません。"),
}
_ERA_BY_NAME = {e.name: e for e in ERAS}
Report = Callable[[int, str, str], None]


class Invalid(ValueError):
    """An item's text the layout refuses (the message is the report's)."""


Convert = Callable[[str], Any]
_EMPTY = {"日付": None, "日時": None, "数値": None, "区分": False}


def _digits(text: str) -> str:
    if not (text.isascii() and text.isdigit()):
        raise Invalid("半角数字ではありません。")
    return text


def _alnum(text: str) -> str:
    if not (text.isascii() and text.isalnum()):
        raise Invalid("半角英数字ではありません。")
    return text


def _number(text: str) -> int:
    if not _is_digits(text.removeprefix("-")):
        raise Invalid("数値ではありません。")
    return int(text)


def _day(text: str) -> date:
    if len(text) != 8 or not _is_digits(text):
        raise Invalid("日付（西暦8桁 YYYYMMDD）ではありません。")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise Invalid("存在しない日付です。") from None


def _moment(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("日時（ISO 8601）ではありません。") from None
    if parsed.tzinfo is None:
        raise Invalid("日時に時差（+09:00 など）がありません。")
    return parsed


def _converter(layout: Layout, item: Item, dantai_code: str) -> Convert:
    """One function per item: its text → the held value, or Invalid."""
    kind = item.type
    convert: Convert
    if item.const:

        def convert(text: str) -> Any:
            _digits(text)
            if text != dantai_code:
                raise Invalid("取り込む団体の団体コードではありません。")
            return text

        return convert
    if kind in ("コード", "区分"):
        table = layout.code_lists[item.code].to_product
        if kind == "区分":

            def convert(text: str) -> Any:
                if text not in table:
                    raise Invalid("コード一覧にないコードです。")
                return table[text] == "true"

        elif item.chain > 1:
            chain = item.chain

            def convert(text: str) -> Any:
                if len(text) % 2 or len(text) // 2 > chain:
                    raise Invalid("コードの桁数が正しくありません。")
                try:
                    return "".join(table[text[i : i + 2]] for i in range(0, len(text), 2))
                except KeyError:
                    raise Invalid("コード一覧にないコードです。") from None

        else:

            def convert(text: str) -> Any:
                try:
                    return table[text]
                except KeyError:
                    raise Invalid("コード一覧にないコードです。") from None

        return convert if not item.derive else _keep(convert)
    base: Convert = {
        "半角数字": _digits,
        "半角英数字": _alnum,
        "数値": _number,
        "日付": _day,
        "日時": _moment,
    }.get(kind, str)
    if item.source in CHECK_DIGITS:
        check, message = CHECK_DIGITS[item.source]

        def convert(text: str) -> Any:
            value = base(text)
            if not check(text):
                raise Invalid(message)
            return value

        return convert
    return base


def _keep(convert: Convert) -> Convert:
    """A derived item (年号コード) is checked like its type but kept as its text."""

    def keep(text: str) -> str:
        convert(text)
        return text

    return keep


class FileChecks:
    """What checking one file needs, worked out once per file: one plan row per item."""

    def __init__(self, layout: Layout, file: LayoutFile, csv: bool, dantai_code: str) -> None:
        self.layout = layout
        self.file = file
        self.csv = csv
        self.dantai_code = dantai_code
        self.plan = [
            (
                item.id,
                item.source,
                item.name,
                item.required,
                item.length if item.type != "日時" else None,
                _EMPTY.get(item.type, ""),
                _converter(layout, item, dantai_code),
            )
            for item in file.items
        ]
        self.wareki = any(i.derive for i in file.items)
        self._triples: list[tuple[int, int, int]] | None = None

    def wareki_triples(self) -> list[tuple[int, int, int]]:
        """(年号コード, 和暦年月日, the date) of each date written in 和暦, by item place."""
        if self._triples is None:
            items = self.file.items
            places = {id(item): n for n, item in enumerate(items)}
            triples = []
            for gengo in (i for i in items if i.derive == "gengo"):
                wareki = next((i for i in items if i.derive == "wareki" and i.of == gengo.of), None)
                base = next((i for i in items if i.source == gengo.of), None)
                if wareki is None or base is None:
                    continue
                triples.append((places[id(gengo)], places[id(wareki)], places[id(base)]))
            self._triples = triples
        return self._triples


_FORMULA = frozenset(FORMULA_STARTS)


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def wareki_problem(
    layout: Layout, file: LayoutFile, gengo: int, wareki: int, g: str, w: str, d: str
) -> list[tuple[str, str]]:
    """The 年号コード ``g`` (item ``gengo``) and 和暦 YYMMDD ``w`` (item ``wareki``) of one
    record against its date ``d``: (item name, problem) for each problem."""
    if not g and not w:
        return []
    gengo_item, wareki_item = file.items[gengo], file.items[wareki]
    if not (g and w and d):
        return [(gengo_item.name, "年号コードと和暦年月日は、日付とそろえて記入してください。")]
    era = _ERA_BY_NAME.get(layout.code_lists[gengo_item.code].to_product.get(g, ""))
    if era is None or len(w) != 6 or not _is_digits(w):
        return []  # the type check has reported it
    try:
        day = date(era.first_year + int(w[:2]) - 1, int(w[2:4]), int(w[4:]))
    except ValueError:
        return [(wareki_item.name, "存在しない和暦の日付です。")]
    if not era.contains(day) or int(w[:2]) < 1:
        return [(wareki_item.name, "その年号の期間にない和暦の日付です。")]
    if day.strftime("%Y%m%d") != d:
        return [(wareki_item.name, "和暦の日付が西暦の日付と一致しません。")]
    return []


def _wareki_problem(fc: FileChecks, texts: dict[str, str]) -> list[tuple[str, str]]:
    """The 年号コード + 和暦 YYMMDD of each date against the date itself."""
    out: list[tuple[str, str]] = []
    items = fc.file.items
    for gengo, wareki, base in fc.wareki_triples():
        out += wareki_problem(
            fc.layout,
            fc.file,
            gengo,
            wareki,
            texts[items[gengo].id],
            texts[items[wareki].id],
            texts[items[base].id],
        )
    return out


def check_record(
    fc: FileChecks, line: int, texts: dict[str, str], report: Report
) -> dict[str, Any] | None:
    """The held values of a record (by held item name), or None after reporting every
    problem of its items."""
    good = True
    out: dict[str, Any] = {}
    csv = fc.csv
    for item_id, source, name, required, length, empty, convert in fc.plan:
        text = texts[item_id]
        if csv and text and text[0] in _FORMULA:
            report(
                line,
                name,
                "数式として扱われる文字（= + - @）で始まっています。"
                "文字として渡すときは先頭に「'」を付けてください。",
            )
            good = False
            continue
        if csv and text[:1] == "'" and text[1:2] in _FORMULA:
            text = texts[item_id] = text[1:]  # neutralised by the platform's CSV writer
        if not text:
            if required:
                report(line, name, "必須の項目が空です。")
                good = False
            elif source:
                out[source] = empty
            continue
        if not text.isprintable():
            problem = text_problem(text, label=name)
            if problem is not None:
                report(line, name, problem)
                good = False
                continue
        if length is not None and len(text) > length:
            report(line, name, f"{length}桁（文字）を超えています。")
            good = False
            continue
        try:
            value = convert(text)
        except Invalid as exc:
            report(line, name, str(exc))
            good = False
            continue
        if source:
            out[source] = value
    if not good:
        return None
    if fc.wareki:
        for name, problem in _wareki_problem(fc, texts):
            report(line, name, problem)
            good = False
    return out if good else None
