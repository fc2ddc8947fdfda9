"""当初賦課 benchmark: the 380,000-person synthetic town with synthetic 給与・公的年金等支払報告書
(COPY), then the 当初賦課 job's chunks (read, calculate, write) with 1 and with 2 worker
processes, as the Celery workers run them (without the broker).

Targets: issue 6, the whole assessment of the 380,000-person city in ≤ 60 s; issue 23,
≤ 20 s with 2 processes and ≤ 2.5 × the law alone (the engine-only CPU seconds, measured
in the same run). Every run prints its CPU seconds (Python and PostgreSQL), the load
average, and a checksum of every assessment, so runs of different code on the same data
(``--keep`` then ``--reuse``) can be compared.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import OUT_DIR, base_parser, kanagawa_common_modules, print_table, run
from bench.provision import provision_many

TARGET_SECONDS = 20.0
#: the whole run against the law alone (issue 23): ≤ 2.5 × the engine-only CPU seconds
RATIO_TARGET = 2.5
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


#: every figure of an assessment the 当初賦課 decides (not its id, job, author or time); the
#: JSON columns as PostgreSQL's canonical ``jsonb`` text, so an equal value stored another
#: way (json text or jsonb, another key order or spacing) hashes the same. The 内訳 is
#: taken in its object form (``fuka_naiyaku``, filled by :func:`_naiyaku_objects` from the
#: compact form of zeimu.rules.naiyaku, the stored text where it is the object form
#: already), so code storing either form compares like with like.
_CHECKSUM_SQL = """
    SELECT count(*), coalesce(sum(gokei_zeigaku), 0), md5(coalesce(string_agg(md5(concat_ws('|',
        atena_id, kind, status, is_current, gokei_shotoku, kazei_shotoku, kyuyo_shotoku,
        nenkin_shotoku, sonota_shotoku, nenkin_shunyu, shotokuwari_shichoson,
        shotokuwari_dofuken, kintowari_shichoson, kintowari_dofuken, shinrin_kankyozei,
        gokei_zeigaku, futsu_choshu_gaku, kyuyo_tokucho_gaku, nenkin_tokucho_gaku,
        tokucho_shitei_no, tokucho_employer_name, kibetsu::jsonb::text,
        coalesce(n.detail, f.detail)::jsonb::text, reason)), '' ORDER BY atena_id, f.id), ''))
    FROM zeimu_fuka f LEFT JOIN fuka_naiyaku n ON n.id = f.id WHERE fiscal_year = %s
"""


def _naiyaku_objects(cur: Any) -> None:
    """A temporary table ``fuka_naiyaku`` (id, the 内訳 as object-form JSON text) of the
    year's rows whose 内訳 is stored in the compact form (an array)."""
    import orjson

    from tenants.fields import json_text
    from zeimu.rules.naiyaku import naiyaku_expand

    cur.execute("DROP TABLE IF EXISTS fuka_naiyaku")
    cur.execute("CREATE TEMP TABLE fuka_naiyaku (id bigint PRIMARY KEY, detail text)")
    cur.execute(
        "SELECT id, detail FROM zeimu_fuka WHERE fiscal_year = %s AND left(detail, 1) = '['",
        [FISCAL_YEAR],
    )
    rows = [(i, json_text(naiyaku_expand(orjson.loads(d)))) for i, d in cur.fetchall()]
    with cur.copy("COPY fuka_naiyaku (id, detail) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


_LEDGER_SQL = """
    SELECT count(*), coalesce(sum(c.amount), 0), md5(coalesce(string_agg(concat_ws('|',
        k.zeimoku, k.nendo, k.ki, k.ki_label, k.nouki, k.key, k.atena_id,
        c.kind, c.amount, c.on, c.reason, split_part(c.ref, ':', 1), split_part(c.ref, ':', 3)),
        ',' ORDER BY k.key, c.ref), ''))
    FROM zeimu_kibetsu k JOIN zeimu_chotei c ON c.kibetsu_id = k.id
"""


def assessment_checksum() -> dict[str, Any]:
    """A checksum of every 住民税 賦課 of the year, row by row in 宛名 id order: the
    figures, the 期別 and the explanation (``detail``)."""
    from django.db import connection as dj

    with dj.cursor() as cur:
        _naiyaku_objects(cur)
        cur.execute(_CHECKSUM_SQL, [FISCAL_YEAR])
        n, total, digest = cur.fetchone()
        # the 収納 ledger: every 期別 with its 調定 amounts (not the 納付番号 nor the 賦課's id
        # in the 調定's ref: sequences hand them out in the order the workers post)
        cur.execute(_LEDGER_SQL)
        kibetsu_n, kibetsu_sum, ledger = cur.fetchone()
    return {
        "rows": int(n), "gokei_zeigaku": int(total), "md5": digest,
        "ledger_kibetsu": int(kibetsu_n), "ledger_kingaku": int(kibetsu_sum), "ledger_md5": ledger,
    }  # fmt: skip


def _empty() -> None:
    from django.db import connection as dj

    with dj.cursor() as cur:  # (a delete() would collect 356k rows for the self-reference)
        cur.execute("TRUNCATE zeimu_fuka")
        # the 収納 ledger the job posts to (its 普通徴収 期別): each run starts from empty
        cur.execute("TRUNCATE zeimu_chotei, zeimu_kibetsu CASCADE")


def _assess(processes: int, schema: str, *, via_task: bool = False) -> dict[str, Any]:
    """One 当初賦課 through the job's plan, chunks (each in its own transaction, as a
    Celery worker runs it) and finish, with its CPU seconds."""
    from django.db.models import Count

    from bench.common import CpuMeter, job_in_pool
    from tenants.selectors.jobs import job_chunk_counts
    from zeimu.models import Fuka

    _empty()
    with CpuMeter() as cpu:
        run = job_in_pool(
            "zeimu_tosho_fuka", {"fiscal_year": FISCAL_YEAR}, processes=processes,
            schema=schema, via_task=via_task,
        )  # fmt: skip
    counts = dict(
        Fuka.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    total = run.plan + run.chunks + run.finish
    return {
        "processes": processes,
        "via_task": via_task,
        "plan": round(run.plan, 2),
        "chunks": round(run.chunks, 2),
        "finish": round(run.finish, 2),
        "total": round(total, 2),
        "people": run.done,
        "cpu_python": round(cpu.python, 2),
        "cpu_server": round(cpu.server, 2),
        "loadavg": round(cpu.load, 2),
        "counts": counts,
        # what the finish added up (the chunks' counts), to compare with the table's
        "chunk_counts": job_chunk_counts(run.job_id),
        "timeline": run.timeline,
        "checksum": assessment_checksum(),
    }


def _print_timeline(r: dict[str, Any]) -> None:
    """The chunks' wall process by process: set up, first chunk, busy, idle, last end."""
    t = r.get("timeline")
    if not t:
        return
    print(
        f"[fuka] timeline ({r['processes']} process(es)): plan {r['plan']:.2f} s, then the "
        f"pool {t['wall']:.2f} s (the last chunk ended {t['after_last_chunk']:.2f} s before "
        f"the pool closed; one process idle at the end for {t['tail']:.2f} s), finish "
        f"{r['finish']:.2f} s"
    )
    for p in t["processes"]:
        print(
            f"[fuka]   pid {p['pid']}: set up {p['setup'][0]:.2f}–{p['setup'][1]:.2f} s, "
            f"first chunk {p['first_chunk'][0]:.2f}–{p['first_chunk'][1]:.2f} s, "
            f"{p['chunks']} chunks (median {p['chunk_median']:.3f} s), busy {p['busy']:.2f} s, "
            f"idle {p['idle']:.2f} s, last end {p['last_chunk_end']:.2f} s; CPU in chunks "
            f"Python {p['cpu_python']:.2f} s, its backend {p['cpu_server']:.2f} s"
        )


def _engine_only() -> dict[str, Any]:
    """The reference measured in the same run: the law alone for every resident — the
    calculation input (名寄せ), ``juminzei_compute`` and the 徴収方法 split — on the 課税資料
    read beforehand (not timed), in this process: CPU and wall seconds."""
    from juminkiroku import public as juminkiroku_public
    from zeimu.rules.choshu import choshu_bunkatsu
    from zeimu.rules.juminzei import juminzei_compute
    from zeimu.services.fuka import YearContext
    from zeimu.services.kazei_inputs import input_for, kazei_totals, shinkoku_for

    ctx = YearContext.build(FISCAL_YEAR)
    people = [(r.atena_id, r.birth_date) for r in juminkiroku_public.residents_on(ctx.kijun)]
    ids = [a for a, _ in people]
    totals, shinkoku = {}, {}
    for i in range(0, len(ids), 5000):
        totals.update(kazei_totals(ids[i : i + 5000], FISCAL_YEAR - 1))
        shinkoku.update(shinkoku_for(ids[i : i + 5000], FISCAL_YEAR - 1))
    work = [(b, totals.get(a), shinkoku.get(a)) for a, b in people]
    work = [w for w in work if w[1] is not None or w[2] is not None]
    cal = ctx.calendar
    cpu, wall = time.process_time(), time.perf_counter()
    for birth, t, s in work:
        data = input_for(birth_date=birth, settings=ctx.settings, totals=t, shinkoku=s)
        r = juminzei_compute(data, ctx.params)
        choshu_bunkatsu(
            shotokuwari=r.shotokuwari_shichoson + r.shotokuwari_dofuken,
            kintowari=r.kintowari_shichoson + r.kintowari_dofuken + r.shinrin_kankyozei,
            kyuyo_shotoku=r.kyuyo_shotoku_after_chosei, nenkin_shotoku=r.nenkin.shotoku,
            sonota_shotoku=r.sonota_shotoku, kyuyo_tokucho=bool(t and t.tokucho_shitei_no),
            nenkin_tokucho=False, futsu_kibo=False, nenkin_prev=None, calendar=cal,
        )  # fmt: skip
    return {
        "people": len(people),
        "calculated": len(work),
        "cpu": round(time.process_time() - cpu, 2),
        "wall": round(time.perf_counter() - wall, 2),
    }


def _copy_only() -> dict[str, Any]:
    """The other reference of the same run: COPY of the assessments just written (read
    back beforehand, not timed) into a temporary table of the same columns, one
    statement: the server's and psycopg's rate for these rows, with nothing else."""
    from django.db import connection as dj
    from django.db import transaction

    from zeimu.services.fuka import FUKA_COLUMNS

    cols = ", ".join(FUKA_COLUMNS)
    # (the JSON columns read as their text, as the job writes them)
    read = ", ".join(f"{c}::text" if c in ("kibetsu", "detail") else c for c in FUKA_COLUMNS)
    with transaction.atomic(), dj.cursor() as cur:
        cur.execute(f"SELECT {read} FROM zeimu_fuka WHERE fiscal_year = %s", [FISCAL_YEAR])
        rows = cur.fetchall()
        raw = dj.connection
        with raw.cursor() as rc:
            rc.execute(
                f"CREATE TEMP TABLE fuka_copy_ref ON COMMIT DROP AS SELECT {cols} "
                "FROM zeimu_fuka WITH NO DATA"
            )
            # the table's own storage for the JSON columns (lz4 since zeimu 0020)
            rc.execute(
                "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = "
                "'zeimu_fuka'::regclass AND attname IN ('kibetsu', 'detail')"
            )
            for column, method in rc.fetchall():
                if method == "l":
                    rc.execute(
                        f"ALTER TABLE fuka_copy_ref ALTER COLUMN {column} SET COMPRESSION lz4"
                    )
            t = time.perf_counter()
            with rc.copy(f"COPY fuka_copy_ref ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            seconds = time.perf_counter() - t
    return {
        "rows": len(rows),
        "seconds": round(seconds, 2),
        "rows_per_second": round(len(rows) / seconds) if seconds else None,
    }


def _stages(chunks: int) -> dict[str, Any]:
    """Where a chunk's time goes, without a profiler: the first ``chunks`` chunks of a
    fresh 当初賦課 run in this process, each step timed — wall, this process's CPU and the
    server backend's CPU (from /proc) — in µs per person. The steps are those of
    ``ToshoFuka.run_chunk``: the residents, the 課税資料 reads, the calculation with its
    JSON, the write (COPY), the 収納 ledger posting, the commit."""
    from collections import defaultdict

    from django.db import connection as dj
    from django.db import transaction
    from django.utils import timezone

    import zeimu.services.fuka as fuka_services
    from juminkiroku import public as juminkiroku_public
    from tenants.accesslog.services import Actor
    from tenants.jobs.bulk import copy_insert
    from tenants.jobs.models import Job, JobStatus
    from tenants.jobs.registry import get_kind
    from zeimu.models import Fuka
    from zeimu.services.fuka_chotei import juminzei_chotei_post_job

    _empty()
    kind = get_kind("zeimu_tosho_fuka")
    assert kind is not None
    job = Job.objects.create(
        kind=kind.code, gyomu=kind.gyomu, title=kind.title,
        params=kind.validate({"fiscal_year": FISCAL_YEAR}),
    )  # fmt: skip
    plan = kind.plan(job)[:chunks]
    with dj.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        (backend,) = cur.fetchone()
    ticks = os.sysconf("SC_CLK_TCK")

    def server() -> float:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    wall: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    pg: dict[str, float] = defaultdict(float)

    def timed(name: str, fn: Any, *args: Any, **kw: Any) -> Any:
        t, c, g = time.perf_counter(), time.process_time(), server()
        out = fn(*args, **kw)
        wall[name] += time.perf_counter() - t
        cpu[name] += time.process_time() - c
        pg[name] += server() - g
        return out

    reads = ("kazei_totals", "shinkoku_for", "_nenkin_prev")
    originals = {name: getattr(fuka_services, name) for name in reads}
    for name, fn in originals.items():
        setattr(fuka_services, name, lambda *a, _n=name, _f=fn, **k: timed(_n, _f, *a, **k))
    ctx = fuka_services.YearContext.build(FISCAL_YEAR)
    people_n = 0
    actor = Actor(user_id=None, username="bench")
    try:
        for params, _size in plan:
            lo, hi = params["first_id"], params["last_id"]
            with transaction.atomic():
                residents = timed(
                    "residents", juminkiroku_public.residents_on, ctx.kijun, first_id=lo,
                    last_id=hi,
                )  # fmt: skip
                people = [(r.atena_id, r.birth_date) for r in residents]
                rows = timed("calculate", fuka_services.assess_rows, ctx, people, job_id=job.pk)
                timed(
                    "write", copy_insert, Fuka._meta.db_table, fuka_services.FUKA_COLUMNS, rows,
                    on_conflict="(fiscal_year, atena_id) WHERE is_current DO NOTHING",
                    binary=True,
                )  # fmt: skip
                timed(
                    "ledger", juminzei_chotei_post_job, job_id=job.pk, fiscal_year=FISCAL_YEAR,
                    first_id=lo, last_id=hi, on=timezone.localdate(), actor=actor,
                )  # fmt: skip
                t, c, g = time.perf_counter(), time.process_time(), server()
            wall["commit"] += time.perf_counter() - t
            cpu["commit"] += time.process_time() - c
            pg["commit"] += server() - g
            people_n += len(people)
    finally:
        for name, fn in originals.items():
            setattr(fuka_services, name, fn)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    for name in reads:  # (inside "calculate": shown apart, not counted twice)
        wall["calculate"] -= wall[name]
        cpu["calculate"] -= cpu[name]
        pg["calculate"] -= pg[name]
    order = ["residents", *reads, "calculate", "write", "ledger", "commit"]
    per = 1e6 / max(people_n, 1)
    steps = {
        n: {"wall_us": round(wall[n] * per, 1), "cpu_us": round(cpu[n] * per, 1),
            "server_us": round(pg[n] * per, 1)}
        for n in order
    }  # fmt: skip
    print_table(
        f"one process, {len(plan)} chunks, {people_n:,} people: µs a person",
        ["step", "wall", "CPU (this process)", "CPU (server)"],
        [[n, f"{v['wall_us']:.1f}", f"{v['cpu_us']:.1f}", f"{v['server_us']:.1f}"]
         for n, v in steps.items()]
        + [["total", *(f"{sum(v[k] for v in steps.values()):.1f}"
                       for k in ("wall_us", "cpu_us", "server_us"))]],
    )  # fmt: skip
    return {"people": people_n, "chunks": len(plan), "loadavg": os.getloadavg()[0], "steps": steps}


def _profile_chunk(dump: str) -> dict[str, Any]:
    """One chunk of a fresh 当初賦課 in this process under cProfile: the stats go to
    ``dump`` (``python -m pstats``) and the top of the cumulative list is printed."""
    import cProfile
    import io
    import pstats

    from django.db import transaction

    from tenants.jobs.models import Job, JobChunk, JobStatus
    from tenants.jobs.registry import get_kind

    _empty()
    kind = get_kind("zeimu_tosho_fuka")
    assert kind is not None
    params = kind.validate({"fiscal_year": FISCAL_YEAR})
    job = Job.objects.create(kind=kind.code, gyomu=kind.gyomu, title=kind.title, params=params)
    plan = kind.plan(job)
    profiler = cProfile.Profile()
    seconds = 0.0
    done = 0
    for index in (0, 1):  # the first chunk of a process reads the year; the second does not
        p, n = plan[index]
        chunk = JobChunk.objects.create(job=job, index=index, params=p, size=n)
        t = time.perf_counter()
        with transaction.atomic():
            if index:
                profiler.enable()
            done = kind.run_chunk(job, chunk).done
            if index:
                profiler.disable()
        seconds = time.perf_counter() - t
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    Path(dump).parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(dump)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())
    return {"people": done, "seconds_under_profile": round(seconds, 2), "dump": dump}


def _worker_loop(database_url: str, schema: str, job_id: int, queue: Any) -> None:
    """A worker as Celery runs one: each chunk's rows and its 完了 status commit together."""
    _worker_init(database_url, schema)
    from django.db import transaction

    from bench.common import chunk_done
    from tenants.jobs.models import Job, JobChunk
    from tenants.jobs.registry import get_kind

    kind = get_kind("zeimu_tosho_fuka")
    assert kind is not None
    job = Job.objects.get(pk=job_id)
    while (chunk_id := queue.get()) is not None:
        with transaction.atomic():
            # (its DONE mark and counts in the chunk's transaction: a killed chunk leaves
            # neither, and its re-run writes them once)
            chunk_done(chunk_id, kind.run_chunk(job, JobChunk.objects.get(pk=chunk_id)))


def _run_workers(schema: str, job_id: int, chunk_ids: list[int], kill_after: int | None) -> int:
    """Two worker processes over a queue of chunks; with ``kill_after``, the first is
    killed with SIGKILL once that many chunks are done (its chunk in flight is lost, as a
    message of a killed worker without acks_late would be). Returns the chunks killed."""
    import signal

    from tenants.jobs.models import ChunkStatus, JobChunk

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    for cid in chunk_ids:
        queue.put(cid)
    procs = [
        ctx.Process(target=_worker_loop, args=(os.environ["DATABASE_URL"], schema, job_id, queue))
        for _ in range(2)
    ]
    for _ in procs:
        queue.put(None)
    for proc in procs:
        proc.start()
    killed = 0
    if kill_after is not None:
        while JobChunk.objects.filter(job_id=job_id, status=ChunkStatus.DONE).count() < kill_after:
            time.sleep(0.05)
        assert procs[0].pid is not None
        os.kill(procs[0].pid, signal.SIGKILL)
        killed = 1
    for proc in procs:
        proc.join()
    return killed


def _assess_killed(schema: str) -> dict[str, Any]:
    """2 processes, one killed with SIGKILL at 40% of the chunks, then a resume that runs
    every chunk not done; checks exactly one current assessment per resident on 1 January."""
    from django.db import connection as dj

    from juminkiroku.selectors.asof import residents_on
    from tenants.jobs.models import ChunkStatus, Job, JobChunk
    from tenants.jobs.registry import get_kind
    from zeimu.models import Fuka

    _empty()
    kind = get_kind("zeimu_tosho_fuka")
    assert kind is not None
    t0 = time.perf_counter()
    job = Job.objects.create(
        kind=kind.code, gyomu=kind.gyomu, title=kind.title,
        params=kind.validate({"fiscal_year": FISCAL_YEAR}),
    )  # fmt: skip
    plan = kind.plan(job)
    chunks = JobChunk.objects.bulk_create(
        JobChunk(job=job, index=i, params=p, size=n) for i, (p, n) in enumerate(plan)
    )
    dj.close()
    _run_workers(schema, job.pk, [c.pk for c in chunks], kill_after=len(chunks) * 2 // 5)
    t_killed = time.perf_counter() - t0
    left = list(
        JobChunk.objects.filter(job=job)
        .exclude(status=ChunkStatus.DONE)
        .values_list("pk", flat=True)
    )
    dj.close()
    t1 = time.perf_counter()
    _run_workers(schema, job.pk, left, kill_after=None)
    t_resume = time.perf_counter() - t1
    kind.finish(job)
    residents = residents_on(date(FISCAL_YEAR, 1, 1)).count()
    current = Fuka.objects.filter(fiscal_year=FISCAL_YEAR, is_current=True)
    with dj.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM (SELECT atena_id FROM zeimu_fuka WHERE fiscal_year = %s "
            "GROUP BY atena_id HAVING count(*) > 1) d",
            [FISCAL_YEAR],
        )
        (duplicated,) = cur.fetchone()
    missing = (
        residents_on(date(FISCAL_YEAR, 1, 1))
        .exclude(atena_id__in=current.values("atena_id"))
        .count()
    )
    from django.db.models import Count

    from tenants.selectors.jobs import job_chunk_counts

    table_counts = dict(
        current.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {
        "counts": table_counts,
        # the finish's figures after the kill (the killed chunk's counts lost with its
        # transaction, its re-run's written once): equal to the table's, or a chunk counted
        # twice or not at all
        "chunk_counts": job_chunk_counts(job.pk),
        "chunks": len(chunks),
        "chunks_resumed": len(left),
        "until_kill_and_drain": round(t_killed, 2),
        "resume": round(t_resume, 2),
        "total": round(time.perf_counter() - t0, 2),
        "residents": residents,
        "assessed": current.count(),
        "missing": missing,
        "duplicated": duplicated,
    }


def body(
    consortium: Any,
    record: dict[str, Any],
    *,
    population: int,
    seed: int,
    processes: tuple[str, ...],
    profile: bool,
    stages: int = 0,
) -> dict[str, Any]:
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
    record["setup"] = {"residents_load": round(load_seconds, 2), "tax_data": data}
    return measure(record, town["schema"], processes=processes, profile=profile, stages=stages)


def measure(
    record: dict[str, Any],
    schema: str,
    *,
    processes: tuple[str, ...],
    profile: bool,
    stages: int = 0,
) -> dict[str, Any]:
    """The runs, the same run's references, the kill-and-resume and the profile on a town
    set up (a fresh one, or one a --keep run left)."""
    from tenants.db import connection
    from tenants.models import Municipality

    municipality = Municipality.objects.get(schema_name=schema)
    connection.set_tenant(municipality)
    runs = []
    for spec in processes:
        n, via_task = int(spec.rstrip("t")), spec.endswith("t")
        how = " through the Celery task's body" if via_task else ""
        print(f"[fuka] 当初賦課 with {n} process(es){how} …")
        runs.append(_assess(n, schema, via_task=via_task))
        _print_timeline(runs[-1])  # (at once: a later step may be stopped on a loaded machine)
        connection.set_tenant(municipality)
    print("[fuka] references: the law alone, COPY alone …")
    engine = _engine_only()
    copy_ref = _copy_only()
    record["reference"] = {"engine_only": engine, "copy_only": copy_ref}
    print("[fuka] 当初賦課 with 2 processes, one killed (SIGKILL) at 40%, then resumed …")
    killed = _assess_killed(schema)
    connection.set_tenant(municipality)
    if stages:
        record["stages"] = _stages(stages)
    if profile:
        record["profile"] = _profile_chunk(str(OUT_DIR / "fuka_chunk.prof"))
    connection.set_schema_to_public()
    record["kill_resume"] = killed
    record["runs"] = runs
    rows = [
        [f"{r['processes']}{' (task)' if r['via_task'] else ''}", f"{r['people']:,}",
         f"{r['plan']:.2f}", f"{r['chunks']:.2f}",
         f"{r['finish']:.2f}", f"{r['total']:.2f}", f"{r['people'] / r['total']:,.0f}",
         f"{r['cpu_python']:.1f}", f"{r['cpu_server']:.1f}",
         f"{r['total'] / engine['cpu']:.2f}" if engine["cpu"] else "-",
         f"{r['loadavg']:.1f}"]
        for r in runs
    ]  # fmt: skip
    print_table(
        f"当初賦課 {FISCAL_YEAR}年度 (read, calculate, write, post the 普通徴収 期別)",
        ["processes", "people", "plan s", "chunks s", "finish s", "total s", "people/s",
         "CPU py s", "CPU pg s", "× law", "load"],
        rows,
    )  # fmt: skip
    print(
        f"\n[fuka] the law alone (same run, 1 process): {engine['calculated']:,} people "
        f"calculated in {engine['cpu']:.2f} s CPU ({engine['wall']:.2f} s wall); "
        f"COPY alone of the {copy_ref['rows']:,} rows written: {copy_ref['seconds']:.2f} s "
        f"({copy_ref['rows_per_second'] or 0:,} rows/s)"
    )
    for r in runs:
        c = r["checksum"]
        print(f"[fuka] checksum ({r['processes']} process(es)): {c['rows']:,} assessments, "
              f"年税額 {c['gokei_zeigaku']:,}円, md5 {c['md5']}; ledger {c['ledger_kibetsu']:,} "
              f"期別 {c['ledger_kingaku']:,}円 md5 {c['ledger_md5']}")  # fmt: skip
    print(
        f"[fuka] killed and resumed: {killed['chunks_resumed']} of {killed['chunks']} chunks "
        f"ran again; {killed['assessed']:,} assessed of {killed['residents']:,} residents, "
        f"{killed['missing']} missing, {killed['duplicated']} duplicated, "
        f"{killed['total']:.1f} s in all; the chunks' counts "
        f"{'equal' if killed['chunk_counts'] == killed['counts'] else 'NOT equal'} to the table's"
    )
    exact = killed["missing"] == 0 and killed["duplicated"] == 0
    exact = exact and killed["assessed"] == killed["residents"]
    counts_equal = killed["chunk_counts"] == killed["counts"] and all(
        r["chunk_counts"] == r["counts"] for r in runs
    )
    two = [r["total"] for r in runs if r["processes"] == 2]
    best = min(two) if two else min(r["total"] for r in runs)
    same = len({r["checksum"]["md5"] for r in runs}) == 1
    record["results"] = {
        "best_total_2proc": best if two else None,
        "target_met": bool(two) and best <= TARGET_SECONDS,
        "ratio_to_law": round(best / engine["cpu"], 2) if engine["cpu"] else None,
        "ratio_target_met": bool(engine["cpu"]) and best <= RATIO_TARGET * engine["cpu"],
        "kill_resume_exactly_once": exact,
        "checksums_equal": same,
        "chunk_counts_equal_table": counts_equal,
    }
    print(f"\n[fuka] counts: {runs[-1]['counts']}; the chunks' counts (the finish's) "
          f"{'equal' if counts_equal else 'NOT equal'} in every run")  # fmt: skip
    print(f"[fuka] 2 processes {best:.1f} s: target ≤ {TARGET_SECONDS:.0f} s "
          f"{'met' if record['results']['target_met'] else 'NOT met'}; "
          f"{record['results']['ratio_to_law']}× the law alone (target ≤ {RATIO_TARGET}×: "
          f"{'met' if record['results']['ratio_target_met'] else 'NOT met'})")  # fmt: skip
    return record


def _reuse(args: Any) -> int:
    """Measure again on the town a ``--keep`` run left: the same data for the code before
    and after a change."""
    from bench.common import reuse_town, write_json

    schema, record = reuse_town("fuka")
    measure(record, schema, processes=_processes(args), profile=args.profile, stages=args.stages)
    print(f"[fuka] wrote {write_json('fuka_reuse', record)}")
    return 0


def _processes(args: Any) -> tuple[str, ...]:
    """``1,2,2t``: runs with 1 and 2 processes, then 2 through the task's body."""
    specs = tuple(x.strip() for x in args.processes.split(",") if x.strip())
    for x in specs:
        if not x.rstrip("t").isdigit():
            raise SystemExit(f"--processes: {x!r} is not a number of processes (1, 2, 2t …)")
    return specs


def main(argv: list[str]) -> int:
    parser = base_parser("fuka", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--population", type=int, default=380_000, help="default 380,000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--processes",
        default="1,2",
        help="runs, e.g. 2 or 1,2,2t (t: through the Celery task's body; default 1,2)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="then run one chunk under cProfile (bench/out/fuka_chunk.prof)",
    )
    parser.add_argument(
        "--chunk-rows",
        type=int,
        default=0,
        metavar="N",
        help="people a chunk (default: the job kind's, 2,000) — to tune it",
    )
    parser.add_argument(
        "--stages",
        type=int,
        default=0,
        metavar="N",
        help="then time each step of N chunks in this process (µs a person: wall, CPU, server)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database a --keep run left (no new town)",
    )
    args = parser.parse_args(argv)
    if args.chunk_rows:
        from bench.common import django_setup, server_url, url_with_database

        django_setup(url_with_database(server_url(), os.environ.get("JC_BENCH_DB", "jcloud_bench")))
        from tenants.jobs.registry import get_kind

        kind = get_kind("zeimu_tosho_fuka")
        assert kind is not None
        kind.chunk_rows = args.chunk_rows  # type: ignore[attr-defined]
    if args.reuse:
        return _reuse(args)
    return run(
        "fuka",
        lambda consortium, record: body(
            consortium,
            record,
            population=args.population,
            seed=args.seed,
            processes=_processes(args),
            profile=args.profile,
            stages=args.stages,
        ),
        keep=args.keep,
    )
