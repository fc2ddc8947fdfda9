"""The health probe: once a minute (beat → a worker), up or down for each component.

- worker: the probe ran, so a worker took it from the queue;
- db: ``SELECT 1``; redis: ``PING``;
- web: GET of settings.JC_SLA_WEB_PROBE_URL (the /healthz the data centre's monitor
  reaches), 5 s timeout, 200 = up; with no URL set, the health view run in-process.

A minute with no rows (the worker, beat or the database itself was down, so nothing
could be written) counts as down for every component: availability is never flattered
by a gap in the monitoring (tenants/sla/figures.py).
"""

from __future__ import annotations

import contextlib
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError
from django.test import RequestFactory
from django.utils import timezone

from tenants.db import connection
from tenants.models.sla import Component, HealthProbe
from tenants.sla.metrics import _client


def _timed(check: Callable[[], bool]) -> tuple[bool, int]:
    started = time.perf_counter()
    try:
        ok = check()
    except Exception:  # any failure of a probe means "down"
        ok = False
    return ok, round((time.perf_counter() - started) * 1000)


def _db() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _redis() -> bool:
    return bool(_client().ping())


def _web() -> bool:
    url = settings.JC_SLA_WEB_PROBE_URL
    if url:
        if not url.startswith(("http://", "https://")):
            return False
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - scheme checked
            return bool(response.status == 200)
    from tenants.views.home import healthz

    return healthz(RequestFactory().get("/healthz")).status_code == 200


CHECKS: dict[str, Callable[[], bool]] = {
    Component.WEB: _web,
    Component.DB: _db,
    Component.REDIS: _redis,
    Component.WORKER: lambda: True,
}


def probe_minute(at: datetime) -> datetime:
    return timezone.localtime(at).replace(second=0, microsecond=0)


def health_probe(*, now: datetime | None = None) -> dict[str, bool]:
    """Probe every component and record the minute (once: a second probe in the same
    minute keeps the first's rows)."""
    minute = probe_minute(now or timezone.now())
    results = {}
    rows = []
    for component, check in CHECKS.items():
        up, ms = _timed(check)
        results[component] = up
        rows.append(HealthProbe(minute=minute, component=component, up=up, latency_ms=ms))
    # the database is down: the minute stays empty, which counts as down
    with contextlib.suppress(DatabaseError):
        HealthProbe.objects.bulk_create(rows, ignore_conflicts=True)
    return results
