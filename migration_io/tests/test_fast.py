"""The import's fast path (``importer.fast``) against the exact per-record check: on a
clean bundle it gives, column by column, exactly the held values ``check_record`` gives;
on a batch with any problem it gives the batch back (None), so that ``check_record``
reports it by line and item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migration_io.importer.checks import CHECK_DIGITS, FileChecks, check_record
from migration_io.importer.fast import MODULUS11, BatchChecks, _pg, modulus11_column
from migration_io.importer.readers import read_csv_rows, read_xml_rows
from migration_io.layout import layout_load
from migration_io.tests.test_import import LAYOUT, _bundle

pytestmark = pytest.mark.django_db


def _file_rows(directory: Path, file: Any, fmt: str) -> list[tuple[int, list[str]]]:
    layout = layout_load(LAYOUT)
    problems: list[Any] = []
    with (directory / f"{file.id}.{fmt}").open("rb") as stream:
        if fmt == "csv":
            rows = list(
                read_csv_rows(
                    stream, file, encoding="utf-8-sig", report=lambda *a: problems.append(a)
                )
            )
        else:
            rows = list(read_xml_rows(stream, layout, file, report=lambda *a: problems.append(a)))
    assert problems == []
    return rows


@pytest.mark.parametrize("fmt", ["csv", "xml"])
def test_a_clean_bundle_gives_the_exact_checks_values_column_by_column(
    alpha: Any, beta: Any, tmp_path: Path, fmt: str
) -> None:
    # given 葉山町's registry as a bundle for 寒川町
    directory = _bundle(alpha, beta, tmp_path, fmt)
    layout = layout_load(LAYOUT)
    compared = 0
    for file in layout.files:
        fc = FileChecks(layout, file, fmt == "csv", beta.municipality.dantai_code)
        rows = _file_rows(directory, file, fmt)
        quoted = [r for r in rows if any(t.startswith("'") for t in r[1])]
        if quoted:
            # a cell the platform's writer neutralised ('-101号室) is left to the exact check
            assert fmt == "csv"
            assert BatchChecks(fc).batch([texts for _, texts in rows]) is None
            rows = [r for r in rows if r not in quoted]
        # when the fast path checks the whole file as one batch
        columns = BatchChecks(fc).batch([texts for _, texts in rows])
        # then it proves it clean and its columns are the exact check's values
        assert columns is not None, file.id
        ids = [i.id for i in file.items]
        for n, (line, texts) in enumerate(rows):
            values = check_record(fc, line, dict(zip(ids, texts, strict=True)), _fail)
            assert values is not None
            for source, column in columns.items():
                assert column[n] == _pg(values[source]), (file.id, line, source)
                compared += 1
    assert compared > 500


def _fail(line: int, item: str, message: str) -> None:
    raise AssertionError((line, item, message))


BROKEN = [
    ("KOJIN_BANGO", lambda t: "123456789010"),  # check digit (8 is right)
    ("SHIMEI", lambda t: "=cmd|' /C calc'!A0"),  # formula
    ("SHIMEI", lambda t: t + "\x07"),  # control character
    ("SHIMEI", lambda t: ""),  # required
    ("SEINENGAPPI", lambda t: t[:4] + "0230"),  # no such day
    ("SEIBETSU", lambda t: "9"),  # not in the code list
    ("ATENA_NO", lambda t: t + "1"),  # too long
    ("ATENA_NO", lambda t: t[:-1] + str((int(t[-1]) + 1) % 10)),  # check digit
    ("SETAI_NO", lambda t: t[:-1] + str((int(t[-1]) + 1) % 10)),  # check digit
    ("JUMINHYO_CODE", lambda t: "12345678901"),  # check digit (3 is right)
    ("KOJIN_BANGO", lambda t: "12345678901"),  # 11 digits
    ("DANTAI_CODE", lambda t: "131016"),  # another town's
    ("SEINENGAPPI_WAREKI", lambda t: t[:4] + ("02" if t[4:] != "02" else "03")),  # 和暦 off
]


@pytest.mark.parametrize(
    ("item", "change"), BROKEN, ids=[f"{i}-{n}" for n, (i, _) in enumerate(BROKEN)]
)
def test_a_batch_with_one_problem_goes_to_the_exact_check(
    alpha: Any, beta: Any, tmp_path: Path, item: str, change: Any
) -> None:
    # given the 住民情報 file of a bundle with one item of one record broken
    directory = _bundle(alpha, beta, tmp_path)
    layout = layout_load(LAYOUT)
    file = layout.file("JUMIN")
    fc = FileChecks(layout, file, True, beta.municipality.dantai_code)
    rows = [t for _, t in _file_rows(directory, file, "csv") if not any(c[:1] == "'" for c in t)]
    at = [i.id for i in file.items].index(item)
    broken = [list(r) for r in rows]
    target = next((r for r in broken if r[at]), broken[0])  # (one that has the item)
    target[at] = change(target[at])
    found: list[Any] = []
    assert (
        check_record(
            fc,
            2,
            dict(zip([i.id for i in file.items], target, strict=True)),
            lambda *a: found.append(a),
        )
        is None
    )
    # when / then: the clean batch is proved, the broken one is given back
    assert BatchChecks(fc).batch(rows) is not None
    assert BatchChecks(fc).batch(broken) is None
    assert found


@pytest.mark.parametrize("source", sorted(MODULUS11))
def test_the_column_check_digit_is_the_platforms_on_every_kind_of_number(source: str) -> None:
    """The fast path's modulus 11 (digits summed as bytes) against the platform's
    ``is_valid_*`` of the item, on numbers with every last digit (one right, nine wrong) and
    of the wrong length, one at a time and as a column."""
    import random

    exact = CHECK_DIGITS[source][0]
    fast = modulus11_column(MODULUS11[source])
    digits = len(MODULUS11[source]) + 1
    rng = random.Random(19)
    seen = {True: 0, False: 0}
    for _ in range(300):
        body = "".join(rng.choice("0123456789") for _ in range(digits - 1))
        for last in "0123456789":
            for text in (body + last, body + last + "0", body[1:] + last):
                expected = exact(text)
                assert fast([text]) is expected, (source, text)
                seen[expected] += 1
    assert seen[True] >= 300 and seen[False] >= 2700
    good = [
        t for t in (f"{n:0{digits - 1}d}" + d for n in range(200) for d in "0123456789") if exact(t)
    ]
    assert len(good) == 200 and fast(good) is True
    assert fast([*good, good[0][:-1] + str((int(good[0][-1]) + 1) % 10)]) is False
