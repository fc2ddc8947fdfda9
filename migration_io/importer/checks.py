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
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from migration_io.codec import decode
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


@dataclass(frozen=True)
class FileChecks:
    """What checking one file needs, worked out once per file."""

    layout: Layout
    file: LayoutFile
    csv: bool
    dantai_code: str


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _type_problem(layout: Layout, item: Item, text: str) -> str | None:
    kind = item.type
    if kind == "半角数字" and not _is_digits(text):
        return "半角数字ではありません。"
    if kind == "半角英数字" and not (text.isascii() and text.isalnum()):
        return "半角英数字ではありません。"
    if kind == "数値" and not _is_digits(text.removeprefix("-")):
        return "数値ではありません。"
    if kind == "日付":
        if len(text) != 8 or not _is_digits(text):
            return "日付（西暦8桁 YYYYMMDD）ではありません。"
        try:
            datetime.strptime(text, "%Y%m%d")  # noqa: DTZ007 (a day, no time)
        except ValueError:
            return "存在しない日付です。"
    if kind == "日時":
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return "日時（ISO 8601）ではありません。"
        if parsed.tzinfo is None:
            return "日時に時差（+09:00 など）がありません。"
    if kind in ("コード", "区分"):
        table = layout.code_lists[item.code].to_product
        if item.chain > 1:
            if len(text) % 2 or len(text) // 2 > item.chain:
                return "コードの桁数が正しくありません。"
            terms = [text[i : i + 2] for i in range(0, len(text), 2)]
            if any(t not in table for t in terms):
                return "コード一覧にないコードです。"
        elif text not in table:
            return "コード一覧にないコードです。"
    return None


def _wareki_problem(
    layout: Layout, file: LayoutFile, texts: dict[str, str]
) -> list[tuple[str, str]]:
    """The 年号コード + 和暦 YYMMDD of each date against the date itself."""
    out: list[tuple[str, str]] = []
    for gengo in (i for i in file.items if i.derive == "gengo"):
        wareki = next((i for i in file.items if i.derive == "wareki" and i.of == gengo.of), None)
        base = next((i for i in file.items if i.source == gengo.of), None)
        if wareki is None or base is None:
            continue
        g, w, d = texts[gengo.id], texts[wareki.id], texts[base.id]
        if not g and not w:
            continue
        if not (g and w and d):
            out.append((gengo.name, "年号コードと和暦年月日は、日付とそろえて記入してください。"))
            continue
        era = _ERA_BY_NAME.get(layout.code_lists[gengo.code].to_product.get(g, ""))
        if era is None or len(w) != 6 or not _is_digits(w):
            continue  # the type check has reported it
        try:
            day = date(era.first_year + int(w[:2]) - 1, int(w[2:4]), int(w[4:]))
        except ValueError:
            out.append((wareki.name, "存在しない和暦の日付です。"))
            continue
        if not era.contains(day) or int(w[:2]) < 1:
            out.append((wareki.name, "その年号の期間にない和暦の日付です。"))
        elif day.strftime("%Y%m%d") != d:
            out.append((wareki.name, "和暦の日付が西暦の日付と一致しません。"))
    return out


def check_record(
    fc: FileChecks, line: int, texts: dict[str, str], report: Report
) -> dict[str, Any] | None:
    """The held values of a record (by held item name), or None after reporting every
    problem of its items."""
    layout, file = fc.layout, fc.file
    good = True
    for item in file.items:
        text = texts[item.id]
        if fc.csv and len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
            text = texts[item.id] = text[1:]  # neutralised by the platform's CSV writer
        elif fc.csv and text.startswith(FORMULA_STARTS):
            report(
                line,
                item.name,
                "数式として扱われる文字（= + - @）で始まっています。"
                "文字として渡すときは先頭に「'」を付けてください。",
            )
            good = False
            continue
        if not text.isprintable():
            problem = text_problem(text, label=item.name)
            if problem is not None:
                report(line, item.name, problem)
                good = False
                continue
        if text == "":
            if item.required:
                report(line, item.name, "必須の項目が空です。")
                good = False
            continue
        if item.length is not None and item.type != "日時" and len(text) > item.length:
            report(line, item.name, f"{item.length}桁（文字）を超えています。")
            good = False
            continue
        problem = _type_problem(layout, item, text)
        if problem is None and item.const == "dantai_code" and text != fc.dantai_code:
            problem = "取り込む団体の団体コードではありません。"
        if problem is None and item.source in CHECK_DIGITS:
            check, message = CHECK_DIGITS[item.source]
            if not check(text):
                problem = message
        if problem is not None:
            report(line, item.name, problem)
            good = False
    if not good:
        return None
    for name, problem in _wareki_problem(layout, file, texts):
        report(line, name, problem)
        good = False
    if not good:
        return None
    return {item.source: decode(layout, item, texts[item.id]) for item in file.items if item.source}
