"""当初賦課 benchmark: the 380,000-person synthetic town with synthetic 給与・公的年金等支払報告書
(COPY), then the 当初賦課 job's chunks (read, calculate, write) with 1 and with 2 worker
processes, as the Celery workers run them (without the broker).

Target (issue 6): the whole assessment of the 380,000-person city in ≤ 60 s.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from datetime import date
from typing import Any

from bench.common import base_parser, kanagawa_common_modules, print_table, run
from bench.provision import provision_many

TARGET_SECONDS = 60.0
FISCAL_YEAR = 2025
ON = date(2025, 10, 1)


def _tax_data(seed: int) -> dict[str, int]:
    from zeimu.synth import tax_data_load

    return tax_data_load(income_year=FISCAL_YEAR - 1, seed=seed)


_worker_state: dict[str, Any] = {}


def _worker_init(database_url: str, schema: str) -> None:
    from bench.common import django_setup

    django_setup(database_url)
    from tenants.db import connection
    from tenants.models import Municipality

    connection.set_tenant(Municipality.objects.get(schema_name=schema))


def _worker_run(args: tuple[int, int]) -> int:
    from tenants.jobs.models import Job, JobChunk
    from tenants.jobs.registry import get_kind

    job_id, chunk_id = args
    kind = get_kind("zeimu_tosho_fuka")
    assert kind is not None
    job = Job.objects.get(pk=job_id)
    return kind.run_chunk(job, JobChunk.objects.get(pk=chunk_id)).done


def _assess(processes: int, schema: str) -> dict[str, Any]:
    from django.db import connection as dj
    from django.db.models import Count

    from tenants.jobs.models import Job, JobChunk
    from tenants.jobs.registry import get_kind
    from zeimu.models import Fuka

    Fuka.objects.all().delete()
    kind = get_kind("zeimu_tosho_fuka")
    assert kind is not None
    t0 = time.perf_counter()
    params = kind.validate({"fiscal_year": FISCAL_YEAR})
    job = Job.objects.create(kind=kind.code, gyomu=kind.gyomu, title=kind.title, params=params)
    plan = kind.plan(job)
    chunks = JobChunk.objects.bulk_create(
        JobChunk(job=job, index=i, params=p, size=n) for i, (p, n) in enumerate(plan)
    )
    job.total = sum(n for _, n in plan)
    job.save(update_fields=["total"])
    t_plan = time.perf_counter() - t0
    dj.close()  # the children open their own connections
    url = os.environ["DATABASE_URL"]
    t1 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(
        processes, initializer=_worker_init, initargs=(url, schema)
    ) as pool:
        done = sum(pool.map(_worker_run, [(job.pk, c.pk) for c in chunks], chunksize=1))
    t_chunks = time.perf_counter() - t1
    t2 = time.perf_counter()
    kind.finish(job)
    t_finish = time.perf_counter() - t2
    counts = dict(
        Fuka.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {
        "processes": processes,
        "plan": round(t_plan, 2),
        "chunks": round(t_chunks, 2),
        "finish": round(t_finish, 2),
        "total": round(t_plan + t_chunks + t_finish, 2),
        "people": done,
        "counts": counts,
    }


def body(consortium: Any, record: dict[str, Any], *, population: int, seed: int) -> dict[str, Any]:
    from juminkiroku.synth.load import residents_load
    from tenants.db import connection
    from tenants.models import Municipality
    from tenants.params.services import law_parameters_load
    from tenants.params.tenant.models import MunicipalParameter

    law_parameters_load()
    record["params"] = {"population": population, "seed": seed, "fiscal_year": FISCAL_YEAR}
    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    municipality = Municipality.objects.get(schema_name=town["schema"])
    connection.set_tenant(municipality)
    print(f"[fuka] loading {population:,} residents …")
    t = time.perf_counter()
    residents_load(population=population, seed=seed, on=ON)
    load_seconds = time.perf_counter() - t
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi", fiscal_year_from=2000, value=2,
        source="ベンチマーク", created_by="bench",
    )  # fmt: skip
    t = time.perf_counter()
    data = _tax_data(seed)
    data_seconds = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"[fuka] {data['kyuyo']:,} 給与 + {data['nenkin']:,} 年金 reports in {data_seconds:.1f} s"
    )
    runs = []
    for processes in (1, 2):
        print(f"[fuka] 当初賦課 with {processes} process(es) …")
        runs.append(_assess(processes, town["schema"]))
        connection.set_tenant(municipality)
    connection.set_schema_to_public()
    record["setup"] = {"residents_load": round(load_seconds, 2), "tax_data": data}
    record["runs"] = runs
    rows = [
        [f"{r['processes']}", f"{r['people']:,}", f"{r['plan']:.2f}", f"{r['chunks']:.2f}",
         f"{r['finish']:.2f}", f"{r['total']:.2f}", f"{r['people'] / r['total']:,.0f}"]
        for r in runs
    ]  # fmt: skip
    print_table(
        f"当初賦課 {FISCAL_YEAR}年度 over {population:,} residents (read, calculate, write)",
        ["processes", "people", "plan s", "chunks s", "finish s", "total s", "people/s"],
        rows,
    )
    best = min(r["total"] for r in runs)
    record["results"] = {"best_total": best, "target_met": best <= TARGET_SECONDS}
    print(f"\n[fuka] counts: {runs[-1]['counts']}")
    print(f"[fuka] best {best:.1f} s (target ≤ {TARGET_SECONDS:.0f} s: "
          f"{'met' if best <= TARGET_SECONDS else 'NOT met'})")  # fmt: skip
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("fuka", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--population", type=int, default=380_000, help="default 380,000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return run(
        "fuka",
        lambda consortium, record: body(
            consortium, record, population=args.population, seed=args.seed
        ),
        keep=args.keep,
    )
