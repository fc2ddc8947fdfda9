"""Shared plumbing of the benchmarks: the throw-away database, Django setup, the
platform rows every benchmark needs, machine facts, statistics and output.

Nothing here touches the database named by DATABASE_URL itself: only the server is
taken from it, and every benchmark works in its own database ``jcloud_bench``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = Path(__file__).resolve().parent / "out"
# another benchmark may run beside this one on the same server: JC_BENCH_DB names its own
BENCH_DB = os.environ.get("JC_BENCH_DB", "jcloud_bench")
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/jcloud"
SETTINGS_MODULE = "config.settings.dev"


# --- database -----------------------------------------------------------------------


def server_url() -> str:
    """The server to benchmark on: DATABASE_URL (its database name is not used)."""
    return os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL


def url_with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme}://")
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin_execute(url: str, statements: Iterable[Any]) -> None:
    """Run statements in the server's maintenance database (autocommit: CREATE/DROP
    DATABASE cannot run in a transaction)."""
    import psycopg

    with psycopg.connect(url_with_database(url, "postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def database_recreate(url: str, name: str = BENCH_DB) -> None:
    from psycopg import sql

    ident = sql.Identifier(name)
    _admin_execute(
        url,
        [
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident),
            sql.SQL("CREATE DATABASE {}").format(ident),
        ],
    )


def database_drop(url: str, name: str = BENCH_DB) -> None:
    from psycopg import sql

    _admin_execute(
        url, [sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))]
    )


# --- Django -------------------------------------------------------------------------


def django_setup(database_url: str) -> None:
    """Point this process (and the subprocesses it starts) at the bench database."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()


def platform_prepare() -> tuple[Any, dict[str, float]]:
    """migrate_schemas --shared, the module catalogue and one Consortium.

    Returns (consortium, seconds per step)."""
    from django.core.management import call_command

    from tenants.models import Consortium
    from tenants.services.catalogue import catalogue_load

    timings: dict[str, float] = {}
    t = time.perf_counter()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    timings["migrate_shared"] = time.perf_counter() - t
    t = time.perf_counter()
    modules = catalogue_load()
    timings["catalogue_load"] = time.perf_counter() - t
    timings["catalogue_modules"] = modules
    consortium = Consortium.objects.create(
        name="ベンチマーク共同利用団体", kind="ichibu_jimu_kumiai"
    )
    return consortium, timings


def kanagawa_common_modules() -> list[str]:
    from tenants.models import Gyomu

    return list(
        Gyomu.objects.filter(kanagawa_common=True)
        .order_by("sort", "code")
        .values_list("code", flat=True)
    )


def dantai_codes(count: int, *, start: int = 14001) -> Iterator[str]:
    """``count`` valid 全国地方公共団体コード not yet registered, from first-five-digit
    strings ``start``, ``start + 1``, ... (the check digit from tenants.checkdigits)."""
    from tenants.checkdigits import dantai_code_check_digit, is_valid_dantai_code
    from tenants.models import Municipality

    taken = set(Municipality.objects.values_list("dantai_code", flat=True))
    produced = 0
    first5 = start
    while produced < count:
        if first5 > 99999:
            raise RuntimeError("ran out of five-digit prefixes")
        prefix = f"{first5:05d}"
        first5 += 1
        code = f"{prefix}{dantai_code_check_digit(prefix)}"
        assert is_valid_dantai_code(code)
        if code in taken:
            continue
        taken.add(code)
        produced += 1
        yield code


# --- machine ------------------------------------------------------------------------


def _meminfo_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """Facts that decide the figures; needs Django set up (asks the server)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        pg_full = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        cursor.execute("SHOW fsync")
        fsync = cursor.fetchone()[0]
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _meminfo_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg_version,
        "postgresql_full": pg_full,
        "postgresql_shared_buffers": shared_buffers,
        "postgresql_fsync": fsync,
        "django": _version("Django"),
        "django_tenants": _version("django-tenants"),
        "psycopg": _version("psycopg"),
        # The machine is shared: a high load average means noisy figures.
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- statistics and output ----------------------------------------------------------


def summary(values: list[float]) -> dict[str, float | int | None]:
    """n, min, median, p90 (nearest rank), max, mean, in seconds rounded to ms."""
    if not values:
        return {"n": 0, "min": None, "median": None, "p90": None, "max": None, "mean": None}
    ordered = sorted(values)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return {
        "n": len(ordered),
        "min": round(ordered[0], 3),
        "median": round(statistics.median(ordered), 3),
        "p90": round(p90, 3),
        "max": round(ordered[-1], 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


def fmt_seconds(value: float | int | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def print_table(title: str, headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(_display_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell + " " * (widths[i] - _display_width(cell))
            if i == 0
            else " " * (widths[i] - _display_width(cell)) + cell
            for i, cell in enumerate(row)
        ).rstrip()

    print(f"\n{title}")
    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1 for ch in text)


def print_machine(machine: dict[str, Any]) -> None:
    print(
        f"machine: {machine['nproc']} CPUs ({machine['cpu_model']}), "
        f"{machine['memory_gib']} GiB, PostgreSQL {machine['postgresql']}, "
        f"Python {machine['python']}, Django {machine['django']}, "
        f"django-tenants {machine['django_tenants']}; load average {machine['loadavg_start']}"
    )


def write_json(name: str, data: dict[str, Any]) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# --- running ------------------------------------------------------------------------


def base_parser(name: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m bench {name}", description=description)
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"leave the {BENCH_DB} database in place afterwards (default: drop it)",
    )
    return parser


def _raise_on_signal(signum: int, _frame: FrameType | None) -> None:
    # Turn SIGTERM/SIGHUP into an exception so every ``finally`` runs (database drop,
    # temporary files).
    raise SystemExit(128 + signum)


def run(
    name: str,
    body: Callable[[Any, dict[str, Any]], dict[str, Any]],
    *,
    keep: bool,
    output_name: str | None = None,
) -> int:
    """Recreate the bench database, set Django up on it, prepare the platform rows, call
    ``body(consortium, record)`` (which fills ``record`` and returns it) and write the
    JSON. The database is dropped at the end unless ``keep``."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_on_signal)
    server = server_url()
    bench_url = url_with_database(server, BENCH_DB)
    started = time.perf_counter()
    record: dict[str, Any] = {"benchmark": name, "started_at": now_iso()}
    print(f"[{name}] recreating database {BENCH_DB} on {urlsplit(server).hostname}")
    database_recreate(server)
    try:
        django_setup(bench_url)
        record["machine"] = machine_info()
        print_machine(record["machine"])
        consortium, prep = platform_prepare()
        record["setup"] = {k: round(v, 3) for k, v in prep.items()}
        print(
            f"[{name}] migrate_schemas --shared {prep['migrate_shared']:.2f} s, "
            f"catalogue {int(prep['catalogue_modules'])} modules"
        )
        body(consortium, record)
        record["finished_at"] = now_iso()
        record["wall_seconds"] = round(time.perf_counter() - started, 1)
        record["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        path = write_json(output_name or name, record)
        print(f"\n[{name}] done in {record['wall_seconds']} s; wrote {path.relative_to(REPO)}")
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception as exc:  # best effort before the drop
            print(f"[{name}] closing connections: {exc}", file=sys.stderr)
        if keep:
            print(f"[{name}] kept database {BENCH_DB} (--keep)")
        else:
            database_drop(server)
            print(f"[{name}] dropped database {BENCH_DB}")
    return 0


# --- a job kind run as the Celery workers would run it (forked workers, no broker) ----------

_pool_kind: dict[str, str] = {}


def _pool_init(database_url: str, schema: str, kind_code: str) -> None:
    started = time.perf_counter()
    django_setup(database_url)
    from tenants.db import connection
    from tenants.models import Municipality

    _pool_kind["code"] = kind_code
    connection.set_tenant(Municipality.objects.get(schema_name=schema))
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        (backend,) = cur.fetchone()
    _pool_kind["backend"] = str(backend)
    _pool_kind["init"] = f"{started} {time.perf_counter()}"


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user+sys) so far of process ``pid`` (0: none)."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _pool_run(args: tuple[int, int, bool]) -> tuple[int, dict[str, Any]]:
    """One chunk in a pool worker: its count done and its timeline entry — the worker's
    pid, when the worker was set up, the chunk's start and end (``perf_counter``: the
    system-wide monotonic clock, so comparable across the forked workers), this process's
    and its PostgreSQL backend's CPU seconds for the chunk."""
    from django.db import transaction

    from tenants.jobs.models import Job, JobChunk
    from tenants.jobs.registry import get_kind

    job_id, chunk_id, via_task = args
    backend = int(_pool_kind.get("backend", "0"))
    init_start, init_end = (float(x) for x in _pool_kind["init"].split())
    start, cpu, server = time.perf_counter(), time.process_time(), _proc_cpu(backend)
    if via_task:
        # the worker's own task body (status, attempt, heartbeat thread, the fenced
        # result, the finish), without the broker
        from tenants.jobs.tasks import run_job_chunk

        run_job_chunk.run(job_id, chunk_id)
        done = int(JobChunk.objects.values_list("done", flat=True).get(pk=chunk_id))
    else:
        kind = get_kind(_pool_kind["code"])
        assert kind is not None
        job = Job.objects.get(pk=job_id)
        with transaction.atomic():
            result = kind.run_chunk(job, JobChunk.objects.get(pk=chunk_id))
            # its result with its rows, as the task's body records it (the finish may add
            # up the chunks' counts)
            chunk_done(chunk_id, result)
        done = result.done
    return done, {
        "pid": os.getpid(), "init": (init_start, init_end), "start": start,
        "end": time.perf_counter(), "cpu": time.process_time() - cpu,
        "server": _proc_cpu(backend) - server,
    }  # fmt: skip


def chunk_done(chunk_id: int, result: Any) -> None:
    """Mark a chunk done with its ``ChunkResult`` (count and counts), in the caller's
    transaction — the chunk's own, as ``tenants.jobs.tasks`` records it, without the fence
    the benchmark's pool does not need (no chunk is sent twice here)."""
    from tenants.jobs.models import ChunkStatus, JobChunk

    JobChunk.objects.filter(pk=chunk_id).update(
        status=ChunkStatus.DONE,
        done=result.done,
        failed=result.failed,
        counts=dict(result.counts) if result.counts is not None else None,
    )


def pool_timeline(
    pool_start: float, pool_end: float, entries: list[dict[str, Any]]
) -> dict[str, Any]:
    """Where the wall of a pool's chunks went, process by process (seconds from the pool's
    start): its setup, its first and last chunk, its busy time (inside chunks) and its idle
    time (the pool's wall less busy: waiting to start, between chunks, after its last).
    ``tail`` is the wall from the first worker's last chunk end to the pool's last."""

    def at(t: float) -> float:
        return round(t - pool_start, 3)

    per: dict[int, list[dict[str, Any]]] = {}
    for e in entries:
        per.setdefault(int(e["pid"]), []).append(e)
    wall = pool_end - pool_start
    procs = []
    for pid, es in sorted(per.items()):
        es.sort(key=lambda e: e["start"])
        busy = sum(e["end"] - e["start"] for e in es)
        procs.append({
            "pid": pid, "chunks": len(es),
            "setup": [at(es[0]["init"][0]), at(es[0]["init"][1])],
            "first_chunk": [at(es[0]["start"]), at(es[0]["end"])],
            "last_chunk_end": at(es[-1]["end"]),
            "busy": round(busy, 3), "idle": round(wall - busy, 3),
            "cpu_python": round(sum(e["cpu"] for e in es), 3),
            "cpu_server": round(sum(e["server"] for e in es), 3),
            "chunk_median": round(sorted(e["end"] - e["start"] for e in es)[len(es) // 2], 3),
        })  # fmt: skip
    ends = sorted(p["last_chunk_end"] for p in procs)
    return {
        "wall": round(wall, 3),
        "processes": procs,
        "tail": round(ends[-1] - ends[0], 3) if ends else 0.0,
        "after_last_chunk": round(wall - ends[-1], 3) if ends else 0.0,
    }


@dataclass(frozen=True)
class PoolRun:
    plan: float
    chunks: float
    finish: float
    done: int
    #: where the chunks' wall went, process by process (``pool_timeline``)
    timeline: dict[str, Any] | None = None
    #: the job's id (to read what it left: its log, its chunks' counts)
    job_id: int = 0

    @property
    def total(self) -> float:
        return self.plan + self.chunks + self.finish


def job_in_pool(
    kind_code: str,
    params: dict[str, Any],
    *,
    processes: int,
    schema: str,
    via_task: bool = False,
) -> PoolRun:
    """Plan a job of ``kind_code`` in this process, run its chunks in ``processes`` forked
    workers (each chunk in its own transaction, as a Celery worker would), then finish it
    and mark it succeeded so the next run's plan is not refused. Times in seconds.
    ``via_task``: each chunk through the Celery task's body (``run_job_chunk``: its
    bookkeeping, heartbeat and fence) instead of the kind's ``run_chunk`` alone."""
    import multiprocessing

    from django.db import connection as dj

    from tenants.jobs.models import Job, JobChunk, JobStatus
    from tenants.jobs.registry import get_kind

    kind = get_kind(kind_code)
    assert kind is not None
    t0 = time.perf_counter()
    job = Job.objects.create(
        kind=kind.code, gyomu=kind.gyomu, title=kind.title, params=kind.validate(params)
    )
    chunks = JobChunk.objects.bulk_create(
        JobChunk(job=job, index=i, params=p, size=n) for i, (p, n) in enumerate(kind.plan(job))
    )
    t_plan = time.perf_counter() - t0
    dj.close()
    t1 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(
        processes, initializer=_pool_init, initargs=(os.environ["DATABASE_URL"], schema, kind_code)
    ) as pool:
        results = pool.map(_pool_run, [(job.pk, c.pk, via_task) for c in chunks], chunksize=1)
    t_end = time.perf_counter()
    t_chunks = t_end - t1
    done = sum(n for n, _ in results)
    timeline = pool_timeline(t1, t_end, [e for _, e in results])
    t2 = time.perf_counter()
    if not via_task:  # (the task finished it after its last chunk)
        kind.finish(job)
    t_finish = time.perf_counter() - t2
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    return PoolRun(t_plan, t_chunks, t_finish, done, timeline, job.pk)


# --- CPU seconds of a run (for figures a loaded machine cannot distort much) ----------

_TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(dbname: str) -> dict[int, float]:
    """CPU seconds (user+sys) so far of each PostgreSQL backend connected to ``dbname``
    (read from /proc: the server runs on this machine)."""
    out: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            if not cmd.startswith(b"postgres: ") or f" {dbname} ".encode() not in cmd:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICKS
    return out


class CpuMeter:
    """CPU seconds of a run: this process and its (finished) children — the forked
    workers — from ``getrusage``, and the bench database's backends sampled from /proc
    every 0.1 s (a backend's last 0.1 s may be missed). Use as a context manager; read
    ``python``, ``server`` and ``load`` (the 1-minute load average at the start) after."""

    def __init__(self, dbname: str | None = None) -> None:
        self.dbname = dbname or BENCH_DB
        self.python = 0.0
        self.server = 0.0
        self.load = 0.0
        #: CPU seconds of the sampling thread itself (not counted in ``python``)
        self.sampler = 0.0

    def __enter__(self) -> CpuMeter:
        import resource
        import threading

        self.load = os.getloadavg()[0]
        self._rusage = [
            resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        ]
        self._start = backend_cpu(self.dbname)
        self._last = dict(self._start)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        # (this thread's own CPU — a walk of /proc every 0.1 s, ≈ 25 s in an 840 s run on
        # a machine with many processes — is not the run's: taken out in __exit__)
        start = time.thread_time()
        while not self._stop.wait(0.1):
            self._last.update(backend_cpu(self.dbname))
        self.sampler = time.thread_time() - start

    def __exit__(self, *exc: object) -> None:
        import resource

        self._stop.set()
        self._thread.join()
        self._last.update(backend_cpu(self.dbname))
        self.server = sum(v - self._start.get(pid, 0.0) for pid, v in self._last.items())
        after = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        self.python = sum(
            (a.ru_utime + a.ru_stime) - (b.ru_utime + b.ru_stime)
            for a, b in zip(after, self._rusage, strict=True)
        )
        self.python -= self.sampler


def reuse_town(name: str) -> tuple[str, dict[str, Any]]:
    """For ``--reuse``: open the database a ``--keep`` run of benchmark ``name`` left,
    bring its migrations up to date (so the code of a later commit runs on the same data)
    and print the machine. Returns the town's schema and the record to fill."""
    from django.core.management import call_command

    django_setup(url_with_database(server_url(), BENCH_DB))
    from tenants.models import Municipality  # (after the setup)

    t = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    print(f"[{name}] migrate_schemas (migrations not yet applied) {time.perf_counter() - t:.1f} s")
    (town,) = Municipality.objects.exclude(schema_name="public")
    record: dict[str, Any] = {"benchmark": name, "reused": BENCH_DB, "machine": machine_info()}
    print_machine(record["machine"])
    return town.schema_name, record
