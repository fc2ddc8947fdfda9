"""不詳日 and dates that are not calendar days (標準仕様書 1.1.8 年月日の管理, 1.1.9 表示).

1.1.8 asks to accept, for 生年月日, 住民となった年月日, 住所を定めた年月日 and the dates of
出生・死亡・失踪 (here: the 消除日), a date that is not known exactly (its 不詳日入力一覧:
"令和2年頃", "推定令和2年3月", "令和2年春", "年月日不詳", "令和2年3月1日から3月5日頃までの
間" …) and days that are not on the calendar (29 February of a common year) or that name
the old era on the day of an era change (明治45年7月30日, 大正15年12月25日); other systems
receive the 不詳 form, and the system keeps a date internally as well.

The model keeps both: the ``DateField`` (``birth_date`` …) for computation (age, sort,
as-of queries) and, next to it, ``<field>_fusho``: the text as the standard writes it,
empty for an ordinary day. ``display_date`` is what every screen and certificate shows
(1.1.9: 和暦, except a foreign resident's 生年月日 and 在留期間の満了日 in 西暦).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from juminkiroku.codes import JuminShubetsu
from tenants.wareki import ERAS, format_wareki

# The DateFields that may carry a 不詳 form (1.1.8), with their text column.
FUSHO_FIELDS: dict[str, str] = {
    "birth_date": "birth_date_fusho",
    "jumin_date": "jumin_date_fusho",
    "jutei_date": "jutei_date_fusho",
    "shojo_date": "shojo_date_fusho",
}
# 1.1.9: shown in 西暦 for a foreign resident (外国人住民), 和暦 for everything else.
SEIREKI_FOR_FOREIGNERS = ("birth_date", "zairyu_kikan_to")

# Last year of each era as written on the day it ended (明治45年7月30日 is 大正元年).
_ERA_LAST_YEAR = {"明治": 45, "大正": 15, "昭和": 64, "平成": 31}
_ERA_FIRST = {e.name: e.first_year for e in ERAS}

_Y = r"(?:(?P<era>明治|大正|昭和|平成|令和)(?P<ey>元|\d{1,2})|(?P<sy>\d{4}))年"
_M = r"(?P<m>\d{1,2})月"
_D = r"(?P<d>\d{1,2})日"
_M2 = r"(?:\d{1,2})月"
_D2 = r"(?:\d{1,2})日"
# The 不詳日入力一覧 of 1.1.8, one pattern per line of the list (with the obvious variants:
# 上旬/中旬/下旬 with or without 頃, the four seasons).
_PATTERNS: tuple[str, ...] = (
    rf"{_Y}頃",
    rf"{_Y}{_M}頃",
    rf"{_Y}{_M}{_D}頃",
    rf"推定{_Y}{_M}{_D}",
    rf"推定{_Y}{_M}",
    rf"{_Y}(?:春|夏|秋|冬)",
    rf"{_Y}{_M}(?:上旬|中旬|下旬)頃?",
    r"年月日不詳",
    rf"{_Y}月日不詳",
    rf"{_Y}{_M}日不詳",
    rf"{_Y}{_M}{_D}から{_M2}{_D2}頃までの間",
    rf"{_Y}{_M}推定{_D}から{_D2}までの間",
    rf"{_Y}{_M}{_D}頃から{_D2}頃までの間",
)
_COMPILED = tuple(re.compile(p) for p in _PATTERNS)
_EXACT = re.compile(rf"{_Y}{_M}{_D}")
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class Fusho:
    text: str  # as stored and shown
    internal: date | None  # the date kept for computation; None for 年月日不詳


def _year(m: re.Match[str]) -> int:
    if m.group("sy"):
        return int(m.group("sy"))
    era, ey = m.group("era"), m.group("ey")
    n = 1 if ey == "元" else int(ey)
    if n < 1 or n > _ERA_LAST_YEAR.get(era, 99):
        raise ValueError(f"{era}{ey}年はありません。")
    return _ERA_FIRST[era] + n - 1


def _group(m: re.Match[str], name: str) -> int | None:
    value = m.groupdict().get(name)
    return int(value) if value else None


def _internal(m: re.Match[str]) -> date:
    """The first day the text allows, a non-calendar day moved to the month's last day."""
    year = _year(m)
    month = _group(m, "m") or 1
    if not 1 <= month <= 12:
        raise ValueError("月は1から12までで入力してください。")
    day = _group(m, "d") or 1
    if not 1 <= day <= 31:
        raise ValueError("日は1から31までで入力してください。")
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def normalise(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).replace("〇", "0")


def parse_fusho(text: str) -> Fusho:
    """Read a 不詳日 or a non-calendar day; ValueError with a Japanese message otherwise."""
    s = normalise(text)
    for pattern in _COMPILED:
        m = pattern.fullmatch(s)
        if m:
            return Fusho(s, None if s == "年月日不詳" else _internal(m))
    m = _EXACT.fullmatch(s)
    if m:
        internal = _internal(m)
        if not _is_ordinary(m, internal):
            return Fusho(s, internal)
        raise ValueError("暦どおりの日付は、不詳日の欄ではなく日付の欄に入力してください。")
    raise ValueError(
        "不詳日は「令和2年頃」「推定令和2年3月」「令和2年3月上旬」「年月日不詳」"
        "「令和2年3月日不詳」などの形で入力してください。"
    )


def _is_ordinary(m: re.Match[str], internal: date) -> bool:
    """Whether the text names a calendar day the usual way (then it needs no 不詳 form)."""
    if internal.day != _group(m, "d"):
        return False  # 2月29日 of a common year, 4月31日 …
    if m.group("sy"):
        return True
    try:
        return format_wareki(internal).replace("元年", "1年") == (
            f"{m.group('era')}{1 if m.group('ey') == '元' else int(m.group('ey'))}年"
            f"{internal.month}月{internal.day}日"
        )
    except ValueError:
        return False


def uses_seireki(text: str) -> bool:
    return bool(re.search(r"\d{4}年", text))


def _seireki(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def display_date(person: Any, field: str) -> str:
    """How a date of a person is written on a screen or a certificate (1.1.8, 1.1.9).

    The 不詳 form when there is one; otherwise 和暦 ("昭和55年5月5日"), or 西暦
    ("1980年5月5日") for a foreign resident's 生年月日 and 在留期間の満了日; "" when
    the date is not set. ``person`` is an ``Atena``, an ``AtenaRireki`` or anything with
    the same attributes."""
    fusho_field = FUSHO_FIELDS.get(field)
    text = getattr(person, fusho_field, "") if fusho_field else ""
    if text:
        return str(text)
    value = getattr(person, field, None)
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if (
        field in SEIREKI_FOR_FOREIGNERS
        and getattr(person, "shubetsu", "") == JuminShubetsu.GAIKOKUJIN
    ):
        return _seireki(value)
    try:
        return format_wareki(value)
    except ValueError:  # before 明治6年 (lunar calendar): no 和暦 by arithmetic
        return _seireki(value)
