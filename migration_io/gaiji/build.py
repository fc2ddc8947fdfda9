"""Building the compact MJ table (``mjtable.TABLE_FILE``) from published files.

Two sources are read:

- **official**: the MJ文字情報一覧表 saved as CSV (UTF-8; the workbook's own header row:
  ``MJ文字図形名``, ``実装したUCS``, ``実装したMoji_JohoコレクションIVS``, ``X0213``,
  ``総画数(参考)``, ``読み(参考)``, ``部首1(参考)`` …) and, optionally, the MJ縮退マップ JSON
  (``{"content": [{"MJ文字図形名": …, "JIS包摂規準・UCS統合規則": [{"JIS X 0213": …,
  "UCS": "U+…"}], …}]}``). Rows without an implemented UCS are left out (they cannot
  be written as text).
- **mojikiban**: the derived ``data/moji.csv`` of code4fukui/mojikiban (columns ``mj,
  kanji, lines, yomi, shrink, jis``), built by that project from the same two files; it
  has no 部首. The shipped file was made from it (see ``data/mj/README.md``).

The 縮退 candidates keep the map's order of rules (``SHUKUTAI_RULES``), so the first is the
one the strongest rule gives.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from migration_io.gaiji.mjtable import HEADER, TABLE_FILE

SHUKUTAI_RULES = (
    "JIS包摂規準・UCS統合規則",
    "法務省戸籍法関連通達・通知",
    "法務省告示582号別表第四",
    "辞書類等による関連字",
    "読み・字形による類推",
)

Row = tuple[int, str, str, str, str, str, str]


def _chars(code: str) -> str:
    """ "U+845B" → 葛; "845B_E0102" → 葛 + U+E0102."""
    code = code.strip()
    if not code:
        return ""
    if code.upper().startswith("U+"):
        code = code[2:]
    return "".join(chr(int(part, 16)) for part in code.split("_"))


def _header_key(name: str) -> str:
    return name.strip().replace("（", "(").replace("）", ")").replace(" ", "")


def shukutai_map(path: Path) -> dict[int, str]:
    """MJ number → its 縮退 candidates (characters, the rules' order, no repeats)."""
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    out: dict[int, str] = {}
    for record in data["content"]:
        seen: list[str] = []
        for rule in SHUKUTAI_RULES:
            for target in record.get(rule) or ():
                ch = _chars(target.get("UCS", ""))
                if ch and ch not in seen:
                    seen.append(ch)
        if seen:
            out[int(record["MJ文字図形名"][2:])] = "".join(seen)
    return out


def from_official(mji_csv: Path, shukutai_json: Path | None = None) -> Iterator[Row]:
    shrink = shukutai_map(shukutai_json) if shukutai_json else {}
    with mji_csv.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [_header_key(h) for h in next(reader)]

        def col(*names: str, prefix: str = "") -> int | None:
            for n in names:
                if n in header:
                    return header.index(n)
            if prefix:
                for i, h in enumerate(header):
                    if h.startswith(prefix):
                        return i
            return None

        i_mj = col("MJ文字図形名")
        i_ucs = col("実装したUCS")
        i_ivs = col("実装したMoji_JohoコレクションIVS")
        if i_mj is None or i_ucs is None:
            raise ValueError("MJ文字情報一覧表の見出し（MJ文字図形名・実装したUCS）がありません。")
        i_jis = col("X0213")
        i_kakusu = col("総画数(参考)", prefix="総画数")
        i_yomi = col("読み(参考)", prefix="読み")
        i_bushu = col("部首1(参考)", prefix="部首")

        def get(line: list[str], i: int | None) -> str:
            return line[i].strip() if i is not None and i < len(line) else ""

        for line in reader:
            name = get(line, i_mj)
            moji = _chars(get(line, i_ivs)) or _chars(get(line, i_ucs))
            if not name.startswith("MJ") or not moji:
                continue
            number = int(name[2:])
            yield (
                number,
                moji,
                get(line, i_kakusu),
                get(line, i_yomi),
                get(line, i_bushu),
                get(line, i_jis),
                shrink.get(number, ""),
            )


def from_mojikiban(moji_csv: Path) -> Iterator[Row]:
    with moji_csv.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        for line in reader:
            yield (
                int(line["mj"]),
                line["kanji"],
                line["lines"],
                line["yomi"],
                "",
                line["jis"],
                line["shrink"],
            )


def write(rows: Iterable[Row], path: Path = TABLE_FILE) -> int:
    """Write the compact file: tab-separated UTF-8 lines under the header, sorted by MJ
    number, gzip with a fixed time so the same input gives the same bytes (it is a data
    file, not an export: no quoting, so a value may hold no tab or line break). Returns the
    number of rows."""
    ordered = sorted(rows)
    text = io.StringIO()
    text.write("\t".join(HEADER) + "\n")
    for row in ordered:
        cells = [str(v) for v in row]
        if any(("\t" in c or "\n" in c or "\r" in c) for c in cells):
            raise ValueError(f"MJ{row[0]:06d}: a value holds a tab or a line break")
        text.write("\t".join(cells) + "\n")
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    return len(ordered)
