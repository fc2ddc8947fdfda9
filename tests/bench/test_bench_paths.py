"""The benchmarks run the product's own code paths; a change in those paths must not leave
a benchmark that no longer runs (found once: the notices benchmark built its notices from
a model the print path stopped reading). Tiny sizes, no database."""

from __future__ import annotations

import hashlib
import random
import subprocess
from pathlib import Path

import pytest

from bench.engine import yaml_lookup
from bench.notices import FISCAL_YEAR, TSUCHI_DATE, synthetic_fuka, text_checksum
from tenants.testing.pdf import pdf_pages
from zeimu.forms.notices import Issuer, futsu_notice, futsu_render


def test_the_notices_benchmark_renders_through_the_print_path(tmp_path: Path) -> None:
    # given: three synthetic assessments as the benchmark makes them
    rng = random.Random(1)
    lookup = yaml_lookup()
    fukas = [synthetic_fuka(i, rng, lookup) for i in (1, 2, 3)]
    # when: rendered as one chunk of the print job renders them
    notices = [futsu_notice(f) for f in fukas]
    pdf = futsu_render(
        notices,
        issuer=Issuer(name="葉山町", prefecture="神奈川県"),
        fiscal_year=FISCAL_YEAR,
        tsuchi_date=TSUCHI_DATE,
    )
    # then: one page each, with each notice's own 宛名番号
    pages = pdf_pages(pdf)
    assert len(pages) == 3
    for page, fuka in zip(pages, fukas, strict=True):
        assert f"{fuka.atena_id:010d}" in page
    # and: the benchmark's checksum is over every page's text by position (pdftotext
    # -layout), and a PDF with a page missing or too many is refused
    path = tmp_path / "chunk.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout
    expected = hashlib.sha256(b"".join(p + b"\f" for p in text.split(b"\f")[:3])).hexdigest()
    assert text_checksum([str(path)], [3]) == (expected, 3)
    with pytest.raises(AssertionError, match="3 pages, expected 4"):
        text_checksum([str(path)], [4])
