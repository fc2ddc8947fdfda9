"""The import check: private-use characters in incoming text, through the town's table.

An old system writes its 外字 as private-use code points (U+E000–U+F8FF). Before a name
or an address is loaded, each such character is replaced by the characters its decision
gave (UCS and IVS); one without a decision stops the import with the list of them. For an
import (migration_io's import job)::

    check = gaiji_check(vendor="旧住基（A社）")          # one query: the town's table
    for line_no, row in rows:
        row["shimei"] = check.convert(row["shimei"], where=f"JUMIN.csv {line_no}行目 氏名")
    check.finish()   # raises GaijiUnmapped listing every 外字 without an MJ decision

``where`` names a file, line and item, never the text (it reaches the report and the job
log). ``convert`` leaves an unmapped character in place, so the check can read the whole
file and report every 外字 at once before refusing; nothing converted is loaded when
``finish`` raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from migration_io.gaiji.models import Gaiji

PUA = re.compile("[\ue000-\uf8ff]")
#: at most this many places are kept per unmapped 外字 (the count goes on)
MAX_PLACES = 5


@dataclass
class Miketsu:
    """An unmapped 外字 as found: its code point, whether the town registered it, how
    many times and where it was met."""

    pua: int
    registered: bool
    count: int = 0
    places: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return f"U+{self.pua:04X}"

    def describe(self) -> str:
        state = "対応未決定" if self.registered else "未登録"
        where = "、".join(self.places)
        more = "ほか" if self.count > len(self.places) else ""
        return f"{self.code}（{state}、{self.count}件: {where}{more}）"


class GaijiUnmapped(Exception):
    """The text holds 外字 with no MJ decision; ``miketsu`` lists them in code order."""

    def __init__(self, miketsu: list[Miketsu]) -> None:
        self.miketsu = miketsu
        super().__init__(
            f"文字情報基盤（MJ）への対応が決まっていない外字が{len(miketsu)}字あります: "
            + "、".join(m.describe() for m in miketsu)
        )


class GaijiCheck:
    def __init__(self, vendor: str, mapping: dict[int, str], registered: set[int]) -> None:
        self.vendor = vendor
        self.mapping = mapping
        self.registered = registered
        self.unmapped: dict[int, Miketsu] = {}
        self.converted = 0

    def convert(self, text: str, *, where: str = "") -> str:
        """``text`` with every decided 外字 replaced; undecided ones are noted."""
        if not text or not PUA.search(text):
            return text

        def replace(m: re.Match[str]) -> str:
            code = ord(m.group(0))
            moji = self.mapping.get(code)
            if moji:
                self.converted += 1
                return moji
            entry = self.unmapped.setdefault(code, Miketsu(code, code in self.registered))
            entry.count += 1
            if where and len(entry.places) < MAX_PLACES and where not in entry.places:
                entry.places.append(where)
            return m.group(0)

        return PUA.sub(replace, text)

    @property
    def ok(self) -> bool:
        return not self.unmapped

    def miketsu(self) -> list[Miketsu]:
        return [self.unmapped[k] for k in sorted(self.unmapped)]

    def finish(self) -> None:
        """Raise :class:`GaijiUnmapped` if any 外字 met had no decision."""
        if self.unmapped:
            raise GaijiUnmapped(self.miketsu())


def gaiji_check(*, vendor: str) -> GaijiCheck:
    """The check for files of ``vendor``'s system, with the town's decisions (one query;
    call it inside the town's schema)."""
    mapping: dict[int, str] = {}
    registered: set[int] = set()
    for pua, moji in Gaiji.objects.filter(vendor=vendor).values_list("pua", "moji"):
        registered.add(pua)
        if moji:
            mapping[pua] = moji
    return GaijiCheck(vendor, mapping, registered)


def gaiji_convert(text: str, *, vendor: str, where: str = "") -> str:
    """One text at once: converted, or :class:`GaijiUnmapped`."""
    check = gaiji_check(vendor=vendor)
    out = check.convert(text, where=where)
    check.finish()
    return out
