"""介護保険料 本算定 benchmark: the 380,000-person synthetic town, its 個人住民税 当初賦課 (for
the 所得 and 課税状況 that ``zeimu.public`` gives), 介護保険 第1号 資格 for every resident
aged 65 or more (``kaigo.services.iko``), then the ``kaigo_fuka_honsantei`` job's plan
and chunks (read, calculate, write with COPY) with 1 and with 2 worker processes, as the
Celery workers run them (without the broker).

Target (issue 16): the 本算定 of the 380,000-person city in ≤ 30 s with 2 processes.
Its own database by default (``JC_BENCH_DB=jcloud_bench_kaigo``), so it may run beside
another benchmark on the same server.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("JC_BENCH_DB", "jcloud_bench_kaigo")

from bench.common import (
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
KIND = "kaigo_fuka_honsantei"
#: 基準額 of a plausible town (年額; the national 第9期 table's rates are used)
KIJUNGAKU = 74_400


#: every figure of an assessment that the 本算定 decides (not its id, job, author or time),
#: the JSON columns as PostgreSQL's canonical ``jsonb`` text (so a different but equal
#: serialisation on the way in hashes the same)
_CHECKSUM_SQL = """
    SELECT count(*), coalesce(sum(hokenryo), 0), md5(coalesce(string_agg(md5(concat_ws('|',
        atena_id, hihokensha_no, version, santei, is_current, kijun_date, dankai, kijungaku,
        ritsu, gokei_shotoku, kazei_nenkin_shunyu, honnin_jokyo, setai_kazei, nengaku,
        keigengaku, tsukisu, hokenryo, choshu_hoho, kanou, kibetsu::text, detail::jsonb::text,
        input_hash, reason, cause)), '' ORDER BY atena_id, version), ''))
    FROM kaigo_kaigofuka WHERE fiscal_year = %s
"""


def assessment_checksum() -> dict[str, Any]:
    """A checksum of every 介護保険料 賦課 of the year: 保険料, 段階, 期別 and the
    explanation (``detail``), row by row in 宛名 id order."""
    from django.db import connection as dj

    with dj.cursor() as cur:
        cur.execute(_CHECKSUM_SQL, [FISCAL_YEAR])
        n, total, digest = cur.fetchone()
    return {"rows": int(n), "hokenryo": int(total), "md5": digest}


_KAIGO_REFS_SQL = """
    SELECT count(*) FROM zeimu_chotei c JOIN zeimu_kibetsu k ON k.id = c.kibetsu_id
    JOIN kaigo_kaigofuka f ON f.id = split_part(c.ref, ':', 2)::bigint AND f.is_current
    WHERE k.zeimoku = 'kaigo' AND c.ref = 'kaigo_fuka:' || f.id || ':' || k.ki
        AND f.atena_id = k.atena_id
"""


def _clear_previous_run() -> None:
    """Start each run from no 介護保険料 賦課 and nothing of it in the 収納 ledger (a run
    over a posted ledger would find every 期別 already stated and post nothing)."""
    from django.db import connection as dj

    with dj.cursor() as cur:
        cur.execute("TRUNCATE kaigo_kaigofuka CASCADE")
        cur.execute(
            "DELETE FROM zeimu_chotei WHERE kibetsu_id IN "
            "(SELECT id FROM zeimu_kibetsu WHERE zeimoku = 'kaigo')"
        )
        cur.execute("DELETE FROM zeimu_kibetsu WHERE zeimoku = 'kaigo'")


def _honsantei(processes: int, schema: str) -> dict[str, Any]:
    from django.db.models import Count, Sum

    from bench.common import BENCH_DB, CpuMeter
    from kaigo.models import KaigoFuka

    _clear_previous_run()
    with CpuMeter(BENCH_DB) as cpu:
        run = job_in_pool(
            KIND,
            {"fiscal_year": FISCAL_YEAR, "kijun_date": ON.isoformat()},
            processes=processes,
            schema=schema,
        )
    load, python, server = cpu.load, cpu.python, cpu.server
    t_plan, t_chunks, t_finish, done = run.plan, run.chunks, run.finish, run.done
    agg = KaigoFuka.objects.aggregate(n=Count("id"), total=Sum("hokenryo"))
    tokucho = KaigoFuka.objects.filter(choshu_hoho="tokucho").count()
    return {
        "processes": processes,
        "plan": round(t_plan, 2),
        "chunks": round(t_chunks, 2),
        "finish": round(t_finish, 2),
        "total": round(t_plan + t_chunks + t_finish, 2),
        "cpu_python": round(python, 2),
        "cpu_server": round(server, 2),
        "loadavg": round(load, 2),
        "persons": done,
        "assessed": agg["n"],
        "tokucho": tokucho,
        "hokenryo": agg["total"],
        "checksum": assessment_checksum(),
        "ledger": ledger_checksum("kaigo", _KAIGO_REFS_SQL),
    }


def _rules_only() -> dict[str, Any]:
    """The reference measured in the same run: the rules alone (``calculate`` of every
    第1号's 保険料, in this process, on inputs read beforehand and not timed), CPU seconds
    and wall."""
    from kaigo.fuka_jobs import plan_ids
    from kaigo.services.fuka import FukaYear, calculate
    from kaigo.services.fuka_inputs import person_inputs

    year = FukaYear.build(FISCAL_YEAR)
    ids = plan_ids(FISCAL_YEAR)
    inputs = [
        pi for i in range(0, len(ids), 2000) for pi in person_inputs(FISCAL_YEAR, ids[i : i + 2000])
    ]
    cpu, wall = time.process_time(), time.perf_counter()
    for pi in inputs:
        calculate(pi, year.params)
    return {
        "persons": len(inputs),
        "cpu": round(time.process_time() - cpu, 2),
        "wall": round(time.perf_counter() - wall, 2),
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
    Path(dump).parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(dump)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    print(out.getvalue())
    return {"persons": done, "seconds_under_profile": round(seconds, 2), "dump": dump}


def _tokucho(share_percent: int) -> int:
    """特別徴収対象者 for ``share_percent`` % of the 第1号 (by 宛名 id), as the pension
    insurer's 通知 would list them (synthetic: the real share is about 9 in 10)."""
    from kaigo.models import Shikaku, TokuchoTaisho

    ids = list(Shikaku.objects.values_list("atena_id", flat=True).order_by("atena_id"))
    chosen = [a for a in ids if a % 100 < share_percent]
    TokuchoTaisho.objects.bulk_create(
        TokuchoTaisho(
            fiscal_year=FISCAL_YEAR, atena_id=a, nenkin_hokensha="001",
            kiso_nenkin_no=f"{a:010d}"[-10:], nenkin_code="1150", nenkin_gaku=1_200_000,
            tsuchi_month=5, file_name="bench", created_by="bench",
        )
        for a in chosen
    )  # fmt: skip
    return len(chosen)


def body(
    consortium: Any, record: dict[str, Any], *, population: int, seed: int, profile: bool = False
) -> dict[str, Any]:
    from bench.fuka import _assess, _tax_data
    from juminkiroku.synth.load import residents_load
    from kaigo.rules.hokenryo_params import P
    from kaigo.services.iko import shikaku_iko_load
    from tenants.accesslog.services import Actor
    from tenants.db import connection
    from tenants.models import Municipality
    from tenants.params.services import law_parameters_load
    from tenants.params.tenant.models import MunicipalParameter

    law_parameters_load()
    record["params"] = {
        "population": population, "seed": seed, "fiscal_year": FISCAL_YEAR,
        "kijungaku": KIJUNGAKU,
    }  # fmt: skip
    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    municipality = Municipality.objects.get(schema_name=town["schema"])
    connection.set_tenant(municipality)
    print(f"[kaigo_fuka] loading {population:,} residents …")
    t = time.perf_counter()
    residents_load(population=population, seed=seed, on=ON)
    load_seconds = time.perf_counter() - t
    for key, value in (("zeimu.kojin_juminzei.kyuchi", 2), (f"{P}kijungaku", KIJUNGAKU)):
        MunicipalParameter.objects.create(
            key=key, fiscal_year_from=2000, value=value, source="ベンチマーク", created_by="bench"
        )
    _tax_data(seed)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print("[kaigo_fuka] 個人住民税 当初賦課 (the 所得 and 課税状況) with 2 processes …")
    zeimu_run = _assess(2, town["schema"])
    connection.set_tenant(municipality)
    t = time.perf_counter()
    insured = shikaku_iko_load(day=IKO_DAY, actor=Actor(user_id=None, username="bench"))
    iko_seconds = time.perf_counter() - t
    tokucho = _tokucho(90)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"[kaigo_fuka] {insured:,} 第1号 from {IKO_DAY} ({iko_seconds:.1f} s), "
          f"{tokucho:,} 特別徴収対象者")  # fmt: skip
    record["setup"] = {
        "residents_load": round(load_seconds, 2),
        "zeimu_tosho_fuka": zeimu_run["total"],
        "dai1": insured,
        "tokucho": tokucho,
    }
    return measure(record, town["schema"], population=population, profile=profile)


def measure(
    record: dict[str, Any],
    schema: str,
    *,
    population: int,
    profile: bool,
    processes_list: tuple[int, ...] = (1, 2),
) -> dict[str, Any]:
    """The 本算定 runs, the reference, the checksums and the profile on a town set up."""
    from tenants.db import connection
    from tenants.models import Municipality

    municipality = Municipality.objects.get(schema_name=schema)
    connection.set_tenant(municipality)
    runs = []
    for processes in processes_list:
        print(f"[kaigo_fuka] 本算定 with {processes} process(es) …")
        runs.append(_honsantei(processes, schema))
        print(f"[kaigo_fuka] {runs[-1]}")
        connection.set_tenant(municipality)
    reference = _rules_only()
    print(f"[kaigo_fuka] reference, the rules alone: {reference}")
    if profile:
        print("[kaigo_fuka] one chunk under cProfile …")
        record["profile"] = _profile_chunk(str(OUT_DIR / "kaigo_fuka_chunk.prof"))
        connection.set_tenant(municipality)
    connection.set_schema_to_public()
    record["runs"] = runs
    record["reference_rules_only"] = reference
    rows = [
        [f"{r['processes']}", f"{r['persons']:,}", f"{r['tokucho']:,}", f"{r['plan']:.2f}",
         f"{r['chunks']:.2f}", f"{r['finish']:.2f}", f"{r['total']:.2f}",
         f"{r['cpu_python']:.2f}", f"{r['cpu_server']:.2f}", f"{r['loadavg']:.1f}",
         f"{r['persons'] / r['total']:,.0f}",
         f"{(r['cpu_python'] + r['cpu_server']) / reference['cpu']:.1f}"
         if reference["cpu"] else "-"]
        for r in runs
    ]  # fmt: skip
    print_table(
        f"介護保険料 本算定 {FISCAL_YEAR}年度 over {population:,} residents",
        ["processes", "第1号", "特別徴収", "plan s", "chunks s", "finish s", "total s",
         "CPU py s", "CPU pg s", "load", "persons/s", "CPU × rules"],
        rows,
    )  # fmt: skip
    print(f"reference: the rules alone for {reference['persons']:,} persons "
          f"{reference['wall']:.2f} s wall, {reference['cpu']:.2f} s CPU")  # fmt: skip
    for r in runs:
        c = r["checksum"]
        print(f"checksum ({r['processes']} process(es)): {c['rows']:,} assessments, "
              f"保険料 {c['hokenryo']:,}円, md5 {c['md5']}")  # fmt: skip
        g = r["ledger"]
        print(f"ledger ({r['processes']} process(es)): {g['kibetsu']:,} 期別, {g['entries']:,} "
              f"entries, 調定 {g['amount']:,}円, md5 {g['md5']}, 納付番号 ok "
              f"{g['nofu_bango_ok']:,}, refs ok {g['refs_ok']:,}")  # fmt: skip
    two = [r["total"] for r in runs if r["processes"] == 2]
    if two:
        best = min(two)
        record["results"] = {"best_total_2proc": best, "target_met": best <= TARGET_SECONDS}
        met = "met" if best <= TARGET_SECONDS else "NOT met"
        print(f"[kaigo_fuka] 2 processes {best:.1f} s (target ≤ {TARGET_SECONDS:.0f} s at "
              f"380,000: {met} at this size)")  # fmt: skip
    return record


def _reuse(args: Any) -> int:
    """Measure again on the town a ``--keep`` run left: the same data for the code before
    and after a change."""
    from bench.common import reuse_town, write_json

    schema, record = reuse_town("kaigo_fuka")
    processes = tuple(int(x) for x in args.processes.split(","))
    measure(record, schema, population=args.population, profile=args.profile,
            processes_list=processes)  # fmt: skip
    print(f"[kaigo_fuka] wrote {write_json('kaigo_fuka_reuse', record)}")
    return 0


def main(argv: list[str]) -> int:
    parser = base_parser("kaigo_fuka", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--population", type=int, default=380_000, help="default 380,000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="then run one chunk under cProfile (bench/out/kaigo_fuka_chunk.prof)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database a --keep run left (no new town)",
    )
    parser.add_argument("--processes", default="1,2", help="with --reuse: e.g. 2 or 1,2,2")
    args = parser.parse_args(argv)
    if args.reuse:
        return _reuse(args)
    return run(
        "kaigo_fuka",
        lambda consortium, record: body(
            consortium, record, population=args.population, seed=args.seed, profile=args.profile
        ),
        keep=args.keep,
    )
