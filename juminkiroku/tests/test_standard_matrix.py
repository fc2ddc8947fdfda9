"""docs/standard/juminkiroku.md lists every section of chapter 3 of the 住民記録システム標準
仕様書 (juminkiroku/standard/sections.json), once, with a known status."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ROOT / "juminkiroku" / "standard" / "sections.json"
MATRIX = ROOT / "docs" / "standard" / "juminkiroku.md"
STATUSES = {"実装済", "一部", "未実装", "対象外", "未評価"}
ROW = re.compile(r"^\| (\d+(?:\.\d+)+) \| (.+?) \| (あり|なし) \| (\S+?) \| (.*)\|$")


def _rows() -> dict[str, list[tuple[str, str, str, str]]]:
    rows: dict[str, list[tuple[str, str, str, str]]] = {}
    for line in MATRIX.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            rows.setdefault(m.group(1), []).append(
                (m.group(2), m.group(3), m.group(4), m.group(5).strip())
            )
    return rows


def test_every_section_of_the_standard_is_in_the_matrix_once():
    sections = json.loads(SECTIONS.read_text(encoding="utf-8"))["sections"]
    rows = _rows()
    assert len(sections) == 143  # chapter 3 as published (1.0版)
    for s in sections:
        found = rows.get(s["section"], [])
        assert len(found) == 1, f"{s['section']} {s['title']}: {len(found)} rows"
        title, mandatory, status, _ = found[0]
        assert title == s["title"]
        assert mandatory == ("あり" if s["mandatory"] else "なし"), s["section"]
        assert status in STATUSES, (s["section"], status)
    assert set(rows) == {s["section"] for s in sections}


def test_a_status_other_than_unassessed_names_its_evidence():
    for section, found in _rows().items():
        _, _, status, evidence = found[0]
        if status in {"実装済", "一部", "対象外"}:
            assert evidence, f"{section}: {status} without code, tests or a reason"


REF = re.compile(r"`([\w./-]+\.(?:py|html|md|json|typ|toml))(?:::(\w+))?`")
SHORT_REF = re.compile(r"`::(\w+)`")


def test_the_code_and_tests_the_matrix_names_exist():
    """Every `path` and `path::name` in the evidence column is a file of this repository
    (and a function or class in it), so a row cannot cite work that is not there. A bare
    `::name` refers to the last path named before it in the same row."""
    missing = []
    for section, found in _rows().items():
        evidence = found[0][3]
        last: Path | None = None
        for m in re.finditer(REF.pattern + "|" + SHORT_REF.pattern, evidence):
            path, name, short = m.group(1), m.group(2), m.group(3)
            if path:
                last = ROOT / path
                if not last.exists():
                    missing.append(f"{section}: {path}")
                    continue
            else:
                name = short
            if name and last is not None and last.suffix == ".py" and last.exists():
                text = last.read_text(encoding="utf-8")
                if not re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b", text, re.M):
                    missing.append(f"{section}: {last.relative_to(ROOT)}::{name}")
    assert not missing, "\n".join(missing)
