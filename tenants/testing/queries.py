"""Counting the SQL a block of code runs, in tests that pin query counts."""

from __future__ import annotations

from types import TracebackType

from django.db import connection
from django.test.utils import CaptureQueriesContext


class SqlCount:
    """``with SqlCount() as sql: ...`` then ``sql.count``: the statements run inside the
    block, leaving out django-tenants' ``SET search_path`` (a schema switch, not a query
    of the code under test)."""

    def __enter__(self) -> SqlCount:
        self._ctx = CaptureQueriesContext(connection)
        self._ctx.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._ctx.__exit__(exc_type, exc, tb)

    @property
    def count(self) -> int:
        return sum(
            1 for q in self._ctx.captured_queries if not q["sql"].startswith("SET search_path")
        )
