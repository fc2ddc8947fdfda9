"""Every traceability matrix under docs/standard/ cites only code and tests that exist.

juminkiroku's matrix has its own, stricter test (juminkiroku/tests/test_standard_matrix.py:
every section of the standard, statuses). This one covers every matrix: each `path` and
`path::name` in a table row is a file of this repository, and the name a function, class
or module-level name in it; a bare `::name` refers to the last path named before it in the
same row. So a row cannot claim work that is not there, or that a merge moved away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MATRICES = sorted((ROOT / "docs" / "standard").glob("*.md"))
REF = re.compile(r"`([\w./-]+\.(?:py|html|md|json|typ|toml|yaml))(?:::(\w+))?`")
SHORT_REF = re.compile(r"`::(\w+)`")


def _defined(text: str, name: str) -> bool:
    return bool(
        re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b", text, re.M)
        or re.search(rf"^{name}\s*[:=]", text, re.M)
    )


@pytest.mark.parametrize("matrix", MATRICES, ids=[m.name for m in MATRICES])
def test_the_code_and_tests_a_matrix_names_exist(matrix: Path) -> None:
    missing = []
    for n, line in enumerate(matrix.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("| "):
            continue
        last: Path | None = None
        for m in re.finditer(REF.pattern + "|" + SHORT_REF.pattern, line):
            path, name, short = m.group(1), m.group(2), m.group(3)
            if path:
                if "/" not in path:  # a bare file name in prose, not a citation
                    last = None
                    continue
                last = ROOT / path
                if not last.exists():
                    missing.append(f"{matrix.name}:{n}: {path}")
                    continue
            else:
                name = short
            if (
                name
                and last is not None
                and last.suffix == ".py"
                and last.exists()
                and not _defined(last.read_text(encoding="utf-8"), name)
            ):
                missing.append(f"{matrix.name}:{n}: {last.relative_to(ROOT)}::{name}")
    assert not missing, "\n".join(missing)
