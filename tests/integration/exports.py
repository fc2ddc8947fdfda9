"""Reading back the access-log export a kill test's job wrote."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any


def export_rows_and_filler(job: Any, media_root: Path, schema: str) -> tuple[int, Counter[str]]:
    """(data rows in the job's one CSV file, how often each filler row's id appears)."""
    job_file = job.files.get()
    text = (media_root / schema / job_file.path).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    return len(rows), Counter(row[10] for row in rows if row[8] == "integration-filler")
