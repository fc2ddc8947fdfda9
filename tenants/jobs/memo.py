"""What every chunk of one job reads the same: read once per worker process and job.

An annual run's chunks all need the same year's law parameters, the town's settings and
its calendar; reading them again for every chunk of 2,000 people cost ≈ 0.1 s a chunk
(≈ 50 µs a person, more than the calculation: docs/benchmarks.md, issue 23). A value
kept here belongs to one job of one municipality: the key holds the schema and the job's
id, so another town or another job never sees it, and the values of a job stay the same
for all its chunks that run in this process (a parameter changed while the job runs is
taken by the next job, not halfway through this one)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from tenants.db import connection

T = TypeVar("T")

#: jobs remembered per process (a worker runs the chunks of a few jobs at a time)
KEEP = 8

_memo: OrderedDict[tuple[str, int, str], Any] = OrderedDict()


def job_memo(job_id: int, name: str, build: Callable[[], T]) -> T:
    """``build()`` the first time this process asks for ``name`` in job ``job_id`` of
    the current municipality; the same value after that."""
    key = (connection.schema_name, job_id, name)
    try:
        value = _memo[key]
    except KeyError:
        value = build()
        _memo[key] = value
        while len({k[:2] for k in _memo}) > KEEP:
            _memo.popitem(last=False)
        return value
    _memo.move_to_end(key)
    return value


def job_memo_clear() -> None:
    """Forget everything (tests)."""
    _memo.clear()
