"""税率の試算 benchmark: the 380,000-person synthetic town, its 当初賦課 (the 所得 the what-if
reads through zeimu.public), 国保 資格 for the households whose 世帯主 has no salary (under
75), the town's 令和7年度 rates, then the what-if job (plan, chunks, finish) with 1 and 2
worker processes, as the Celery workers run them (without the broker). Checks that the
real tables (kokuho_shikaku, zeimu_fuka) hash the same before and after.

Target (issue 15): the what-if over the 380,000-person city in ≤ 60 s.
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
#: a realistic set of a town's 令和7年度 rates (10万分率 and 円)
GENKO = {
    "iryo.shotokuwari": 7_000,
    "iryo.kintowari": 30_000,
    "iryo.byodowari": 20_000,
    "shien.shotokuwari": 2_500,
    "shien.kintowari": 10_000,
    "shien.byodowari": 6_000,
    "kaigo.shotokuwari": 2_000,
    "kaigo.kintowari": 12_000,
}
SHISAN = {**GENKO, "iryo.shotokuwari": 7_200, "iryo.kintowari": 24_000}

_state: dict[str, Any] = {}


def _worker_init(database_url: str, schema: str) -> None:
    from bench.common import django_setup

    django_setup(database_url)
    from tenants.db import connection
    from tenants.models import Municipality

    connection.set_tenant(Municipality.objects.get(schema_name=schema))


def _worker_run(args: tuple[int, int]) -> int:
    from django.db import transaction

    from tenants.jobs.models import Job, JobChunk
    from tenants.jobs.registry import get_kind

    job_id, chunk_id = args
    kind = get_kind("kokuho_whatif")
    assert kind is not None
    job = Job.objects.get(pk=job_id)
    with transaction.atomic():  # the framework's transaction around a chunk
        return kind.run_chunk(job, JobChunk.objects.get(pk=chunk_id)).done


def _insure() -> dict[str, int]:
    """国保 資格 from 2020-04-01 for every member under 75 of each household whose 世帯主
    has no 給与所得 in the 令和7年度 assessment (retired, self-employed, not working)."""
    from django.db import connection

    from juminkiroku.public import residents_on
    from zeimu.public import person_kazei_many

    people = residents_on(date(FISCAL_YEAR, 4, 1))
    heads = {r.setai_id: r.atena_id for r in people if r.is_setainushi and r.setai_id}
    kazei = person_kazei_many(heads.values(), FISCAL_YEAR)
    insured_setai = {
        s for s, a in heads.items() if a not in kazei or kazei[a].shotoku.kyuyo_shotoku == 0
    }
    rows = [
        (r.atena_id, r.setai_id)
        for r in people
        if r.setai_id in insured_setai and r.birth_date > date(FISCAL_YEAR - 75, 4, 1)
    ]
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(
            "COPY kokuho_shikaku (atena_id, setai_id, edaban, shutoku_date, shutoku_jiyu, "
            "soshitsu_jiyu, torikeshi, created_at, updated_at) FROM STDIN"
        ) as copy:
            for atena_id, setai_id in rows:
                copy.write_row(
                    (atena_id, setai_id, 1, date(2020, 4, 1), "sonota", "", False,
                     "2020-04-01T00:00:00Z", "2020-04-01T00:00:00Z")
                )  # fmt: skip
        cur.execute("ANALYZE kokuho_shikaku")
    return {"residents": len(people), "insured": len(rows), "households": len(insured_setai)}


def _digest() -> dict[str, str]:
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for table in ("kokuho_shikaku", "zeimu_fuka"):
            cur.execute(f"SELECT md5(string_agg(md5(t::text), '' ORDER BY t.id)) FROM {table} t")
            out[table] = cur.fetchone()[0]
    return out


def _whatif(processes: int, schema: str, scenario_id: int) -> dict[str, Any]:
    from django.db import connection as dj

    from kokuho.models import WhatifRun
    from tenants.jobs.models import Job, JobChunk
    from tenants.jobs.registry import get_kind

    kind = get_kind("kokuho_whatif")
    assert kind is not None
    t0 = time.perf_counter()
    params = kind.validate({"scenario_id": scenario_id})
    job = Job.objects.create(kind=kind.code, gyomu=kind.gyomu, title=kind.title, params=params)
    plan = kind.plan(job)
    chunks = JobChunk.objects.bulk_create(
        JobChunk(job=job, index=i, params=p, size=n) for i, (p, n) in enumerate(plan)
    )
    t_plan = time.perf_counter() - t0
    dj.close()
    t1 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(
        processes, initializer=_worker_init, initargs=(os.environ["DATABASE_URL"], schema)
    ) as pool:
        done = sum(pool.map(_worker_run, [(job.pk, c.pk) for c in chunks], chunksize=1))
    t_chunks = time.perf_counter() - t1
    t2 = time.perf_counter()
    kind.finish(job)
    t_finish = time.perf_counter() - t2
    result = WhatifRun.objects.get(job_id=job.pk).result or {}
    return {
        "processes": processes,
        "plan": round(t_plan, 2),
        "chunks": round(t_chunks, 2),
        "finish": round(t_finish, 2),
        "total": round(t_plan + t_chunks + t_finish, 2),
        "households": done,
        "chunk_count": len(chunks),
        "result": result,
    }


def body(consortium: Any, record: dict[str, Any], *, population: int, seed: int) -> dict[str, Any]:
    from bench.fuka import _assess, _tax_data
    from juminkiroku.synth.load import residents_load
    from kokuho.services.whatif import whatif_scenario_create
    from tenants.accesslog.services import Actor
    from tenants.db import connection
    from tenants.models import Municipality
    from tenants.params.services import law_parameters_load
    from tenants.params.tenant.models import MunicipalParameter

    law_parameters_load()
    record["params"] = {"population": population, "seed": seed, "fiscal_year": FISCAL_YEAR}
    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    municipality = Municipality.objects.get(schema_name=town["schema"])
    connection.set_tenant(municipality)
    print(f"[whatif] loading {population:,} residents, their tax data and 当初賦課 …")
    residents_load(population=population, seed=seed, on=ON)
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi", fiscal_year_from=2000, value=2,
        source="ベンチマーク", created_by="bench",
    )  # fmt: skip
    for key, value in GENKO.items():
        MunicipalParameter.objects.create(
            key=f"kokuho.hokenzei.{key}", fiscal_year_from=FISCAL_YEAR, value=value,
            source="ベンチマーク", created_by="bench",
        )  # fmt: skip
    _tax_data(seed)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    fuka = _assess(2, town["schema"])
    connection.set_tenant(municipality)
    insured = _insure()
    print(
        f"[whatif] {fuka['people']:,} assessed in {fuka['total']:.1f} s; "
        f"{insured['insured']:,} insured in {insured['households']:,} households"
    )
    scenario = whatif_scenario_create(
        name="医療分 7.2%・均等割24,000円",
        nendo=FISCAL_YEAR,
        genko_nendo=FISCAL_YEAR,
        shotoku_nendo=FISCAL_YEAR,
        values={f"kokuho.hokenzei.{k}": v for k, v in SHISAN.items()}
        | {"kokuho.hokenzei.rounding.kubun": 100},
        actor=Actor(user_id=None, username="bench"),
    )
    before = _digest()
    runs = []
    for processes in (1, 2):
        print(f"[whatif] what-if with {processes} process(es) …")
        runs.append(_whatif(processes, town["schema"], scenario.pk))
        connection.set_tenant(municipality)
    after = _digest()
    connection.set_schema_to_public()
    record["setup"] = {"fuka": {k: v for k, v in fuka.items() if k != "counts"}, **insured}
    record["runs"] = [{k: v for k, v in r.items() if k != "result"} for r in runs]
    record["result"] = runs[-1]["result"]
    rows = [
        [f"{r['processes']}", f"{r['households']:,}", f"{r['plan']:.2f}", f"{r['chunks']:.2f}",
         f"{r['finish']:.2f}", f"{r['total']:.2f}", f"{r['households'] / r['total']:,.0f}"]
        for r in runs
    ]  # fmt: skip
    print_table(
        f"税率の試算 {FISCAL_YEAR}年度 over {population:,} residents "
        f"({insured['insured']:,} insured): both rate sets per household",
        ["processes", "households", "plan s", "chunks s", "finish s", "total s", "households/s"],
        rows,
    )
    t = runs[-1]["result"]["total"]
    print(f"[whatif] 年税額の合計 現行 {t['genko']:,}円 → 試算 {t['shisan']:,}円")
    for b in runs[-1]["result"]["bands"]:
        print(f"[whatif]   {b['label']}: {b['count']:,}世帯")
    best = min(r["total"] for r in runs)
    identical = before == after
    same = runs[0]["result"] == runs[1]["result"]
    record["results"] = {
        "best_total": best,
        "target_met": best <= TARGET_SECONDS,
        "real_tables_identical": identical,
        "both_runs_same_result": same,
    }
    print(
        f"[whatif] best {best:.1f} s (target ≤ {TARGET_SECONDS:.0f} s: "
        f"{'met' if best <= TARGET_SECONDS else 'NOT met'}); real tables identical: "
        f"{identical}; 1- and 2-process results equal: {same}"
    )
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("whatif", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--population", type=int, default=380_000, help="default 380,000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return run(
        "whatif",
        lambda consortium, record: body(
            consortium, record, population=args.population, seed=args.seed
        ),
        keep=args.keep,
    )
