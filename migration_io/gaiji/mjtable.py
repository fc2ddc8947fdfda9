"""The 文字情報基盤 MJ table (MJ文字情報一覧表 + MJ縮退マップ), read at run time.

The data are a compact file, ``migration_io/data/mj/mj_table.tsv.gz`` (UTF-8, tab-separated, one row
per MJ文字図形名 that has a UCS; columns ``HEADER``), built by ``manage.py mj_table_build``
from the published files. What the shipped file holds and lacks, and its licence, is in
``migration_io/data/mj/README.md``. It is the same for every town (public data), so it is a
file and not a table in each schema; it is read once per process, on first use (≈60,000
rows, a fraction of a second), by the 外字 screens, the import check and 縮退 only.
"""

from __future__ import annotations

import bisect
import gzip
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "mj"
TABLE_FILE = DATA_DIR / "mj_table.tsv.gz"
HEADER = ("mj", "moji", "kakusu", "yomi", "bushu", "jisx0213", "shukutai")
#: the Moji_Joho collection's IVS selectors (and every other IVS) are U+E0100–U+E01EF;
#: U+FE00–U+FE0F are the standardized variation selectors (SVS, CJK compatibility forms)
IVS_RANGE = range(0xE0100, 0xE01F0)
SVS_RANGE = range(0xFE00, 0xFE10)
MJ_NAME = re.compile(r"^MJ[0-9]{6}$")
SEARCH_LIMIT = 60


def is_selector(ch: str) -> bool:
    code = ord(ch)
    return code in IVS_RANGE or code in SVS_RANGE


def graphemes(text: str) -> Iterator[str]:
    """Each character of ``text`` with the variation selector that follows it, if any."""
    current = ""
    for ch in text:
        if is_selector(ch) and current:
            current += ch
            continue
        if current:
            yield current
        current = ch
    if current:
        yield current


def codes(seq: str) -> str:
    """ "U+845B U+E0102" for a character and its selector."""
    return " ".join(f"U+{ord(c):04X}" for c in seq)


def mj_name(number: int) -> str:
    return f"MJ{number:06d}"


@dataclass(frozen=True, slots=True)
class MjMoji:
    """One MJ character: its name, the characters that draw it (the implemented UCS and,
    where the glyph needs one, its Moji_Joho IVS), and the reference items."""

    mj: str  # MJ文字図形名, "MJ022335"
    moji: str  # 実装したUCS (+ 実装したMoji_JohoコレクションIVS)
    kakusu: int | None  # 総画数（参考）
    yomi: str  # 読み（参考）, "カツ・くず"
    bushu: str  # 部首（参考）; "" where the data do not hold it
    jisx0213: str  # JIS X 0213 面区点 ("1-19-75"), "" when not in JIS X 0213
    shukutai: str  # MJ縮退マップ: the JIS X 0213 characters it may be reduced to, in order

    @property
    def ucs(self) -> str:
        return f"U+{ord(self.moji[0]):04X}"

    @property
    def ivs(self) -> str:
        return codes(self.moji[1:]) if len(self.moji) > 1 else ""

    @property
    def yomi_list(self) -> list[str]:
        return [y for y in self.yomi.split("・") if y]


def _kata(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def _hira(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def parse_ucs(text: str) -> str | None:
    """The character named by "U+845B", "845B", "u+20bb7" or the character itself."""
    t = text.strip()
    if not t:
        return None
    m = re.fullmatch(r"(?:[Uu]\+?)?([0-9A-Fa-f]{4,6})", t)
    if m:
        code = int(m.group(1), 16)
        return chr(code) if code <= 0x10FFFF else None
    first = next(graphemes(t), "")
    return first[0] if first else None


class MjTable:
    """The rows, indexed by name, by their characters and by base character."""

    def __init__(self, rows: Iterable[MjMoji]) -> None:
        self.rows = list(rows)
        self.by_name: dict[str, MjMoji] = {}
        self.by_moji: dict[str, MjMoji] = {}
        self.by_base: dict[str, list[MjMoji]] = {}
        for row in self.rows:
            self.by_name[row.mj] = row
            self.by_moji.setdefault(row.moji, row)
            self.by_base.setdefault(row.moji[0], []).append(row)
        self.has_bushu = any(r.bushu for r in self.rows)
        # readings, sorted, each with the rows that have it: a prefix is a bisect range
        readings: dict[str, list[int]] = {}
        for i, row in enumerate(self.rows):
            for y in row.yomi_list:
                readings.setdefault(y, []).append(i)
        self._yomi = sorted(readings)
        self._yomi_rows = [readings[y] for y in self._yomi]

    def _rows_reading(self, prefix: str) -> set[int]:
        found: set[int] = set()
        start = bisect.bisect_left(self._yomi, prefix)
        for j in range(start, len(self._yomi)):
            if not self._yomi[j].startswith(prefix):
                break
            found.update(self._yomi_rows[j])
        return found

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, name: str) -> MjMoji | None:
        return self.by_name.get(name.strip().upper())

    def of_moji(self, seq: str) -> MjMoji | None:
        """The MJ character drawn by ``seq`` (a character and its IVS, if any)."""
        return self.by_moji.get(seq)

    def search(
        self,
        *,
        yomi: str = "",
        kakusu: int | None = None,
        bushu: str = "",
        ucs: str = "",
        limit: int = SEARCH_LIMIT,
    ) -> list[MjMoji]:
        """Candidates matching every criterion given: a reading (ひらがな or カタカナ, the
        beginning of one of the readings), the stroke count, the radical, the character
        (or its code: every MJ glyph of that UCS). No criterion: nothing."""
        base = parse_ucs(ucs) if ucs else None
        if ucs and base is None:
            return []
        if not (yomi.strip() or kakusu is not None or bushu.strip() or base):
            return []
        rows: Iterable[MjMoji] = self.by_base.get(base, []) if base else self.rows
        want_yomi = yomi.strip()
        if want_yomi:
            hits: set[int] = set()
            for key in {want_yomi, _kata(want_yomi), _hira(want_yomi)}:
                hits |= self._rows_reading(key)
            by_reading = [self.rows[i] for i in sorted(hits)]
            rows = [r for r in by_reading if r.moji[0] == base] if base else by_reading
        out: list[MjMoji] = []
        for row in rows:
            if kakusu is not None and row.kakusu != kakusu:
                continue
            if bushu.strip() and row.bushu != bushu.strip():
                continue
            out.append(row)
            if len(out) >= limit:
                break
        return out


def read_rows(stream: Iterable[str]) -> Iterator[MjMoji]:
    lines = iter(stream)
    header = tuple(next(lines, "").rstrip("\n").split("\t"))
    if header != HEADER:
        raise ValueError(f"MJ table header is {header!r}, expected {HEADER!r}")
    for line in lines:
        number, moji, kakusu, yomi, bushu, jis, shukutai = line.rstrip("\n").split("\t")
        yield MjMoji(
            mj=mj_name(int(number)),
            moji=moji,
            kakusu=int(kakusu) if kakusu else None,
            yomi=yomi,
            bushu=bushu,
            jisx0213=jis,
            shukutai=shukutai,
        )


def load(path: Path = TABLE_FILE) -> MjTable:
    with gzip.open(path, "rb") as raw:
        return MjTable(read_rows(io.TextIOWrapper(raw, encoding="utf-8", newline="\n")))


@lru_cache(maxsize=1)
def mj_table() -> MjTable:
    """The shipped table (once per process)."""
    return load()
