"""国保税 本算定 benchmark: the 380,000-person synthetic town, its 個人住民税 当初賦課 (for
the 所得 that ``zeimu.public`` gives), 国保 資格 for a national-like share of households
(``kokuho.services.iko``'s demo choice), then the ``kokuho_fuka_honsantei`` job's plan and
chunks (read, calculate, write) with 1 and with 2 worker processes, as the Celery workers
run them (without the broker).

Target (issue 15): the 本算定 of the 380,000-person city in ≤ 30 s with 2 processes.
"""

from __future__ import annotations

import hashlib
import os
import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from bench.common import (
    BENCH_DB,
    OUT_DIR,
    base_parser,
    job_in_pool,
    kanagawa_common_modules,
    print_table,
    run,
)
from bench.ledger import ledger_checksum
from bench.provision import provision_many

TARGET_SECONDS = 30.0
FISCAL_YEAR = 2025
ON = date(2025, 10, 1)
IKO_DAY = date(2025, 4, 1)
KIND = "kokuho_fuka_honsantei"

#: 条例 rates of a plausible town (医療分・支援金分・介護分: 所得割 10万分率, 均等割, 平等割)
RATES = {
    "iryo": (7000, 30_000, 20_000),
    "shien": (2500, 10_000, 7_000),
    "kaigo": (2200, 12_000, 6_000),
}

_worker_state: dict[str, Any] = {}

_CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float | None:
    """user + system CPU seconds of a process of this machine (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


@contextmanager
def _backend_cpu(database: str) -> Iterator[dict[str, float]]:
    """The CPU seconds the PostgreSQL backends of ``database`` spend inside the block:
    a thread lists them every 0.2 s (pg_stat_activity) and reads their /proc counters;
    a backend that exits between two samples loses at most its last 0.2 s. Only the
    benchmark's own database is counted, not the other sessions on the shared server."""
    import psycopg

    from bench.common import server_url, url_with_database

    out: dict[str, float] = {"seconds": 0.0}
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    stop = threading.Event()
    conn = psycopg.connect(url_with_database(server_url(), "postgres"), autocommit=True)
    me = conn.info.backend_pid

    def sample(initial: bool = False) -> None:
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                [database, me],
            )
        ]
        for pid in pids:
            cpu = _proc_cpu(pid)
            if cpu is None:
                continue
            if initial:
                first[pid] = cpu
            last[pid] = cpu

    def loop() -> None:
        while not stop.wait(0.2):
            sample()

    sample(initial=True)
    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield out
    finally:
        stop.set()
        thread.join()
        sample()
        conn.close()
        out["seconds"] = sum(v - first.get(pid, 0.0) for pid, v in last.items())


def _rusage() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def _clear_previous_run() -> None:
    """Start each run from no 国保税 賦課: the rows and what the last run posted to the 収納
    ledger (a run over a posted ledger would do the ledger's 更正 work, not the 本算定's)."""
    from django.db import connection as dj

    with dj.cursor() as cur:
        cur.execute("TRUNCATE kokuho_kokuhofuka CASCADE")
        cur.execute(
            "DELETE FROM zeimu_chotei WHERE kibetsu_id IN "
            "(SELECT id FROM zeimu_kibetsu WHERE zeimoku = 'kokuhozei')"
        )
        cur.execute("DELETE FROM zeimu_kibetsu WHERE zeimoku = 'kokuhozei'")


def checksum() -> dict[str, Any]:
    """A fingerprint of every current assessment: the amounts per 区分, the 軽減, the 期別
    and the 内訳 (``detail``) as stored, household by household (job id and timestamps
    left out, so two runs of the same data compare). Equal checksums before and after a
    change to the code = byte-identical assessments."""
    from django.db import connection as dj

    digest = hashlib.sha256()
    totals = {"iryo": 0, "shien": 0, "kaigo": 0, "kodomo": 0, "nengaku": 0}
    n = 0
    with dj.cursor() as cur:
        cur.execute(
            "SELECT md5(concat_ws('|', fiscal_year, setai_id, version, santei, is_current, "
            "nozei_gimusha_id, gisei, kijun_date, hihokensha_su, keigen_wari, hantei_shotoku, "
            "iryo, shien, kaigo, kodomo, nengaku, kanou, kibetsu::text, detail::jsonb::text, "
            "input_hash, reason, cause)), iryo, shien, kaigo, kodomo, nengaku "
            "FROM kokuho_kokuhofuka WHERE is_current ORDER BY fiscal_year, setai_id"
        )
        for row_md5, iryo, shien, kaigo, kodomo, nengaku in cur.fetchall():
            digest.update(row_md5.encode())
            totals["iryo"] += iryo
            totals["shien"] += shien
            totals["kaigo"] += kaigo
            totals["kodomo"] += kodomo
            totals["nengaku"] += nengaku
            n += 1
    return {"rows": n, "sha256": digest.hexdigest(), **totals}


_KOKUHO_REFS_SQL = """
    SELECT count(*) FROM zeimu_chotei c JOIN zeimu_kibetsu k ON k.id = c.kibetsu_id
    JOIN kokuho_kokuhofuka f ON f.id = split_part(c.ref, ':', 2)::bigint AND f.is_current
    WHERE k.zeimoku = 'kokuhozei'
        AND c.ref = 'kokuho_fuka:' || f.id || ':' || k.atena_id || ':' || k.ki
        AND k.key = 'kokuhozei:' || f.fiscal_year || ':' || f.setai_id || ':' || k.atena_id
            || ':' || k.ki
"""


def _honsantei(processes: int, schema: str) -> dict[str, Any]:
    from django.db.models import Count, Sum

    from kokuho.models import KokuhoFuka

    _clear_previous_run()
    cpu0 = _rusage()
    with _backend_cpu(BENCH_DB) as backend:
        run = job_in_pool(
            KIND,
            {"fiscal_year": FISCAL_YEAR, "kijun_date": ON.isoformat()},
            processes=processes,
            schema=schema,
        )
    cpu_python = _rusage() - cpu0
    t_plan, t_chunks, t_finish, done = run.plan, run.chunks, run.finish, run.done
    agg = KokuhoFuka.objects.aggregate(
        n=Count("id"), total=Sum("nengaku"), ins=Sum("hihokensha_su")
    )
    total = t_plan + t_chunks + t_finish
    return {
        "processes": processes,
        "plan": round(t_plan, 2),
        "chunks": round(t_chunks, 2),
        "finish": round(t_finish, 2),
        "total": round(total, 2),
        "households": done,
        "assessed": agg["n"],
        "insured": agg["ins"],
        "nengaku": agg["total"],
        "cpu_python": round(cpu_python, 2),
        "cpu_postgres": round(backend["seconds"], 2),
        "cpu_us_per_insured": round((cpu_python + backend["seconds"]) / (agg["ins"] or 1) * 1e6),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "checksum": checksum(),
        "ledger": ledger_checksum("kokuhozei", _KOKUHO_REFS_SQL),
    }


def law_alone(sample: int) -> dict[str, Any]:
    """The reference measured in the same run: the first ``sample`` households' inputs
    read as the job reads them (chunks of 1,000), then the law alone
    (``hokenzei_calculate``) and the 内訳 alone (``detail_json``) over them in this
    process, best of three passes, CPU time (``time.process_time``)."""
    from kokuho.fuka_jobs import Honsantei
    from kokuho.rules.hokenzei import hokenzei_calculate
    from kokuho.selectors.fuka import plan_setai
    from kokuho.services.fuka import FukaYear, detail_json

    year = FukaYear.build(FISCAL_YEAR)
    plans, _ = plan_setai(FISCAL_YEAR, ON)
    plans = plans[:sample]
    size = Honsantei.chunk_setai
    t = time.process_time()
    inputs = [si for i in range(0, len(plans), size) for si in year.inputs(plans[i : i + size], ON)]
    read_cpu = time.process_time() - t
    insured = sum(1 for si in inputs for m in si.inp.members if m.insured)
    law, expl = [], []
    for _ in range(3):
        t = time.process_time()
        results = [hokenzei_calculate(si.inp, year.params) for si in inputs]
        law.append(time.process_time() - t)
        t = time.process_time()
        for si, r in zip(inputs, results, strict=True):
            detail_json(si, r)
        expl.append(time.process_time() - t)
    return {
        "households": len(inputs),
        "insured_members": insured,
        "read_cpu_s": round(read_cpu, 3),
        "law_cpu_s": round(min(law), 3),
        "detail_json_cpu_s": round(min(expl), 3),
        "read_us_per_household": round(read_cpu / len(inputs) * 1e6, 1),
        "law_us_per_household": round(min(law) / len(inputs) * 1e6, 1),
        "law_us_per_insured": round(min(law) / insured * 1e6, 1),
        "detail_json_us_per_household": round(min(expl) / len(inputs) * 1e6, 1),
    }


def _profile_chunk(dump: str) -> dict[str, Any]:
    """One chunk of a fresh 本算定 in this process under cProfile: the stats go to ``dump``
    (read them with ``python -m pstats`` or snakeviz) and the top of the cumulative list
    is printed."""
    import cProfile
    import io
    import pstats

    from django.db import transaction

    from tenants.jobs.models import Job, JobChunk, JobStatus
    from tenants.jobs.registry import get_kind

    _clear_previous_run()
    Job.objects.filter(kind=KIND).update(status=JobStatus.SUCCEEDED)
    kind = get_kind(KIND)
    assert kind is not None
    params = kind.validate({"fiscal_year": FISCAL_YEAR, "kijun_date": ON.isoformat()})
    job = Job.objects.create(kind=kind.code, gyomu=kind.gyomu, title=kind.title, params=params)
    p, n = kind.plan(job)[0]
    chunk = JobChunk.objects.create(job=job, index=0, params=p, size=n)
    profiler = cProfile.Profile()
    t = time.perf_counter()
    with transaction.atomic():
        profiler.enable()
        done = kind.run_chunk(job, chunk).done
        profiler.disable()
    seconds = time.perf_counter() - t
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    os.makedirs(os.path.dirname(dump), exist_ok=True)
    profiler.dump_stats(dump)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue())
    return {"households": done, "seconds_under_profile": round(seconds, 2), "dump": dump}


def _setup(consortium: Any, *, population: int, seed: int) -> tuple[Any, dict[str, Any]]:
    """The town, its residents, 所得 (the 住民税 当初賦課) and 国保 資格; returns the
    municipality and the setup figures."""
    from bench.fuka import _assess, _tax_data
    from juminkiroku.synth.load import residents_load
    from kokuho.rules.hokenzei_params import P
    from kokuho.services.iko import shikaku_iko_load
    from tenants.accesslog.services import Actor
    from tenants.db import connection
    from tenants.models import Municipality
    from tenants.params.services import law_parameters_load
    from tenants.params.tenant.models import MunicipalParameter

    law_parameters_load()
    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    municipality = Municipality.objects.get(schema_name=town["schema"])
    connection.set_tenant(municipality)
    print(f"[kokuho_fuka] loading {population:,} residents …")
    t = time.perf_counter()
    residents_load(population=population, seed=seed, on=ON)
    load_seconds = time.perf_counter() - t
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi", fiscal_year_from=2000, value=2,
        source="ベンチマーク", created_by="bench",
    )  # fmt: skip
    for kubun, (shotokuwari, kintowari, byodowari) in RATES.items():
        for key, value in (
            ("shotokuwari", shotokuwari), ("kintowari", kintowari), ("byodowari", byodowari)
        ):  # fmt: skip
            MunicipalParameter.objects.create(
                key=f"{P}{kubun}.{key}", fiscal_year_from=2000, value=value,
                source="ベンチマーク", created_by="bench",
            )  # fmt: skip
    _tax_data(seed)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print("[kokuho_fuka] 個人住民税 当初賦課 (the 所得 for 国保) with 2 processes …")
    zeimu_run = _assess(2, town["schema"])
    connection.set_tenant(municipality)
    t = time.perf_counter()
    insured = shikaku_iko_load(day=IKO_DAY, actor=Actor(user_id=None, username="bench"))
    iko_seconds = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"[kokuho_fuka] {insured:,} insured from {IKO_DAY} ({iko_seconds:.1f} s)")
    return municipality, {
        "residents_load": round(load_seconds, 2),
        "zeimu_tosho_fuka": zeimu_run["total"],
        "insured": insured,
    }


def measure(
    municipality: Any,
    record: dict[str, Any],
    *,
    profile: bool,
    processes: tuple[int, ...],
    law_sample: int,
) -> dict[str, Any]:
    """The 本算定 runs, the law-alone reference and the checksums, in ``municipality``."""
    from tenants.db import connection

    connection.set_tenant(municipality)
    runs = []
    for n in processes:
        print(f"[kokuho_fuka] 本算定 with {n} process(es) …")
        runs.append(_honsantei(n, municipality.schema_name))
        connection.set_tenant(municipality)
    if law_sample:
        print(f"[kokuho_fuka] the law alone over {law_sample:,} households (reference) …")
        record["law_alone"] = law_alone(law_sample)
        connection.set_tenant(municipality)
    if profile:
        print("[kokuho_fuka] one chunk under cProfile …")
        record["profile"] = _profile_chunk(str(OUT_DIR / "kokuho_fuka_chunk.prof"))
        connection.set_tenant(municipality)
    connection.set_schema_to_public()
    record["runs"] = runs
    rows = [
        [f"{r['processes']}", f"{r['households']:,}", f"{r['insured']:,}", f"{r['plan']:.2f}",
         f"{r['chunks']:.2f}", f"{r['finish']:.2f}", f"{r['total']:.2f}",
         f"{r['households'] / r['total']:,.0f}", f"{r['cpu_python']:.1f}",
         f"{r['cpu_postgres']:.1f}", f"{r['cpu_us_per_insured']:,}",
         " ".join(f"{x:.1f}" for x in r["loadavg"])]
        for r in runs
    ]  # fmt: skip
    print_table(
        f"国保税 本算定 {FISCAL_YEAR}年度 (plan, calculate, write)",
        ["processes", "households", "insured", "plan s", "chunks s", "finish s", "total s",
         "households/s", "CPU s python", "CPU s postgres", "CPU µs/insured", "load"],
        rows,
    )  # fmt: skip
    law = record.get("law_alone")
    if law:
        print(
            f"[kokuho_fuka] reference, same run, {law['households']:,} households "
            f"({law['insured_members']:,} insured): reading {law['read_us_per_household']} µs, "
            f"the law {law['law_us_per_household']} µs ({law['law_us_per_insured']} µs an "
            f"insured person), the 内訳 JSON {law['detail_json_us_per_household']} µs a "
            "household (CPU)"
        )
        for r in runs:
            r["ratio_to_law"] = round(r["cpu_us_per_insured"] / law["law_us_per_insured"], 1)
            print(
                f"[kokuho_fuka] {r['processes']} process(es): CPU per insured "
                f"{r['cpu_us_per_insured']:,} µs = {r['ratio_to_law']}× the law alone"
            )
    sums = {r["checksum"]["sha256"] for r in runs}
    for r in runs:
        c = r["checksum"]
        print(
            f"[kokuho_fuka] checksum ({r['processes']} process(es)): {c['rows']:,} rows, "
            f"医療分 {c['iryo']:,} 支援金分 {c['shien']:,} 介護分 {c['kaigo']:,} 子ども分 "
            f"{c['kodomo']:,} 年税額 {c['nengaku']:,} 円, sha256 {c['sha256']}"
        )
        g = r["ledger"]
        print(
            f"[kokuho_fuka] ledger ({r['processes']} process(es)): {g['kibetsu']:,} 期別, "
            f"{g['entries']:,} entries, 調定 {g['amount']:,}円, md5 {g['md5']}, 納付番号 ok "
            f"{g['nofu_bango_ok']:,}, refs ok {g['refs_ok']:,}"
        )
    if len(sums) > 1:
        print("[kokuho_fuka] WARNING: the runs' checksums differ")
    best = min((r["total"] for r in runs if r["processes"] == 2), default=float("inf"))
    record["results"] = {
        "best_total_2proc": best,
        "target_met": best <= TARGET_SECONDS,
        "checksums_equal": len(sums) == 1,
    }
    print(f"[kokuho_fuka] 2 processes {best:.1f} s (target ≤ {TARGET_SECONDS:.0f} s: "
          f"{'met' if best <= TARGET_SECONDS else 'NOT met'})")  # fmt: skip
    return record


def body(
    consortium: Any,
    record: dict[str, Any],
    *,
    population: int,
    seed: int,
    profile: bool = False,
    processes: tuple[int, ...] = (1, 2),
    law_sample: int = 5000,
) -> dict[str, Any]:
    record["params"] = {"population": population, "seed": seed, "fiscal_year": FISCAL_YEAR}
    municipality, setup = _setup(consortium, population=population, seed=seed)
    record["setup"] = {**record.get("setup", {}), **setup}
    return measure(
        municipality, record, profile=profile, processes=processes, law_sample=law_sample
    )


def reuse(*, profile: bool, processes: tuple[int, ...], law_sample: int) -> int:
    """Measure again on the database a ``--keep`` run left (same data: before/after
    comparisons of the code without rebuilding the town)."""
    from bench.common import (
        BENCH_DB,
        django_setup,
        machine_info,
        now_iso,
        print_machine,
        server_url,
        url_with_database,
        write_json,
    )

    django_setup(url_with_database(server_url(), BENCH_DB))
    from tenants.models import Municipality

    record: dict[str, Any] = {"benchmark": "kokuho_fuka", "started_at": now_iso(), "reuse": True}
    record["machine"] = machine_info()
    print_machine(record["machine"])
    municipality = Municipality.objects.exclude(schema_name="public").get()
    measure(municipality, record, profile=profile, processes=processes, law_sample=law_sample)
    record["finished_at"] = now_iso()
    record["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"[kokuho_fuka] wrote {write_json('kokuho_fuka_reuse', record)}")
    return 0


def main(argv: list[str]) -> int:
    parser = base_parser("kokuho_fuka", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--population", type=int, default=380_000, help="default 380,000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--processes", default="1,2", help="worker counts to run, comma-separated (default 1,2)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="then run one chunk under cProfile (bench/out/kokuho_fuka_chunk.prof)",
    )
    parser.add_argument(
        "--law-sample",
        type=int,
        default=5000,
        help="households over which the law alone is timed as the reference (default 5,000)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"measure again on the database a --keep run left ({BENCH_DB}), no setup",
    )
    args = parser.parse_args(argv)
    processes = tuple(int(x) for x in args.processes.split(",") if x)
    if args.reuse:
        return reuse(profile=args.profile, processes=processes, law_sample=args.law_sample)
    return run(
        "kokuho_fuka",
        lambda consortium, record: body(
            consortium,
            record,
            population=args.population,
            seed=args.seed,
            profile=args.profile,
            processes=processes,
            law_sample=args.law_sample,
        ),
        keep=args.keep,
    )
