"""The soak harness (bench/soak.py) itself, for ~15 s against the integration servers
(gunicorn and a prefork Celery worker as subprocesses): two towns of its own, a few
staff logged in with their TOTP codes, searches, 住民票の写し and API lookups while a
当初賦課 and mass prints run as jobs. It must report no error, every kind measured, both
batches ended well and the RSS of every gunicorn and Celery process at start and end.

The full run (10 minutes, 3 towns of 3,000) is ``make soak``; its figures are in
docs/benchmarks.md."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

from bench.soak import KINDS, PRINT_KIND, TOSHO_KIND, TownTarget, run_soak, towns_prepare
from tenants.db import connection
from tenants.models import Consortium, Municipality, StaffUser
from tenants.services.municipality import municipality_drop
from tests.personas import alpha_modules

if TYPE_CHECKING:
    from tests.integration.conftest import CeleryWorker, WebServer

SECONDS = 15.0
CLIENTS = 4


@pytest.fixture
def soak_towns(committed: None) -> Iterator[list[TownTarget]]:
    """Two small towns in a consortium of their own, dropped afterwards with their
    schemas, staff and keys (the shared test world is not touched)."""
    consortium = Consortium.objects.create(
        name=f"負荷試験組合{uuid.uuid4().hex[:6]}", kind="ichibu_jimu_kumiai"
    )
    try:
        yield towns_prepare(
            consortium,
            towns=2,
            population=120,
            staff_per_town=CLIENTS // 2,
            seed=3,
            modules=alpha_modules(),
            subdomain_prefix=f"sk{uuid.uuid4().hex[:6]}x",
            dantai_start=47950,
            base_domain=str(settings.JC_BASE_DOMAIN),
            progress=False,
        )
    finally:
        connection.set_schema_to_public()
        towns = list(Municipality.objects.filter(consortium=consortium))
        StaffUser.objects.filter(home_municipality__in=towns).delete()
        for town in towns:
            municipality_drop(municipality=town, acting_user=None)  # schema, rows, keys, files
        consortium.delete()


def test_the_soak_harness_runs_clean(
    celery_worker: CeleryWorker, web_server: WebServer, soak_towns: list[TownTarget]
) -> None:
    # when: 15 s of load with both batches
    report: dict[str, Any] = run_soak(
        port=web_server.port,
        targets=soak_towns,
        seconds=SECONDS,
        clients=CLIENTS,
        think=0.05,
        processes={"gunicorn": web_server.process.pid, "celery": celery_worker.process.pid},
        seed=5,
        print_interval=2.0,
        batch_timeout=60.0,
    )

    # then: no error at all, and every kind measured with its percentiles
    assert report["error_count"] == 0, report["errors"]
    assert report["errors"] == []
    assert report["clients"] == CLIENTS
    assert SECONDS <= report["seconds"] < SECONDS + 5
    for kind in KINDS:
        row = report["kinds"][kind]
        assert row["ok"] == row["requests"] > 0, (kind, row)
        assert row["per_second"] > 0
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]

    assert report["loadavg_1min_during"]["samples"] >= 1  # the shared machine's load

    # then: the 当初賦課 once and at least one mass print, each ended well and whole
    kinds = [b["kind"] for b in report["batches"]]
    assert kinds.count(TOSHO_KIND) == 1 and PRINT_KIND in kinds
    for batch in report["batches"]:
        assert batch["status"] == "succeeded", batch
        assert batch["done"] == batch["total"] > 0
        assert batch["seconds"] is not None

    # then: the RSS of gunicorn and of the worker, their children included, start to end
    roles = {m["role"] for m in report["memory"]}
    assert {"gunicorn main", "gunicorn child", "celery main", "celery child"} <= roles
    mains = [m for m in report["memory"] if m["role"].endswith("main")]
    assert len(mains) == 2
    for row in mains:
        assert row["rss_start_kib"] > 0 and row["rss_mid_kib"] > 0 and row["rss_end_kib"] > 0
        assert row["delta_kib"] == row["rss_end_kib"] - row["rss_start_kib"]
