"""The application's PostgreSQL sessions run without the JIT compiler (config/settings/base.py,
PG_SESSION_OPTIONS): compiling a batch statement that the planner over-costs on stale
statistics took 200–300 ms for a 10 ms query (issue 17, docs/benchmarks.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_application_session_has_jit_off() -> None:
    with connection.cursor() as cur:
        cur.execute("SHOW jit")
        assert cur.fetchone() == ("off",)


def test_every_configured_database_passes_the_session_options() -> None:
    databases: dict[str, dict[str, Any]] = settings.DATABASES
    for alias, db in databases.items():
        assert "-c jit=off" in db.get("OPTIONS", {}).get("options", ""), alias
