"""中間標準レイアウト benchmark (issue 19): a synthetic town exported in the layout, imported
with full validation into a scratch town (CSV, then XML), exported again and compared
item by item: the round trip of ``migration_io.importer.roundtrip``, phase by phase.

Measured: the export (seconds, records), the import per format (records read per second
over every file: read, every item checked, staged by COPY, the registry's checks, the
set-based load), the re-export and the comparison, and the process's resident memory
during each import (VmRSS sampled every 50 ms by a thread; the figure is the peak minus
the RSS before the import). The import runs at two sizes (the population and a quarter
of it) so the memory can be seen not to grow with the file.

Targets (issue 19): import with full validation ≥ 50,000 records/s for CSV and ≥ 30,000
for XML, RSS flat in file size; export of the 380,000-person town ≤ 30 s; zero
differences.

Each import also gives its CPU seconds by phase (``--profile`` adds cProfile): the
process's (``time.process_time``) and the PostgreSQL backend's (``/proc/PID/stat`` of the
connection's backend), for the read-check-COPY of each file, the registry's checks across
files and the set-based load: the figures a loaded machine does not distort much.
``--keep`` then ``--reuse`` imports again on the town a run left (no provisioning, no
synthetic load: same data, the code of a later commit).

Two further modes:

- ``--export-job``: the export as the product runs it — the ``migration_export`` job
  (plan, chunks in ``--processes`` forked workers as the Celery workers run them, the
  finish that joins the parts and writes the manifest) on a town of ``--population``, with
  the CPU seconds of the processes and of the PostgreSQL backends; the files are checked
  against the manifest's SHA-256 afterwards.
- ``--towns demo``: the round trip of every demo town (``tenants/data/kanagawa_demo.json``:
  14 towns, 304,003 residents) at its own population, CSV and XML, each into a scratch town
  and back; the sum of the differences must be 0.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import OUT_DIR, base_parser, kanagawa_common_modules, print_table, run
from bench.provision import provision_many

TARGET_CSV = 50_000
TARGET_XML = 30_000
TARGET_EXPORT_SECONDS = 30.0
ON = date(2025, 10, 1)
DEMO = Path(__file__).resolve().parent.parent / "tenants" / "data" / "kanagawa_demo.json"


def _rss_mb(pid: int | str = "self") -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # (a child gone meanwhile)
        return 0.0
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


def _children() -> list[int]:
    """This process's children (forked by its main thread: the import's reading child)."""
    try:
        text = Path(f"/proc/self/task/{os.getpid()}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


class _Peak:
    """The highest VmRSS of this process while the block runs, and of its children (the
    import's reading child, ``importer.run._read_two``), sampled every 50 ms. A forked
    child's VmRSS counts the pages it still shares with this process: compare its peak
    between file sizes (its "growth" on this process's ``before`` can be negative)."""

    def __enter__(self) -> _Peak:
        self.before = _rss_mb()
        self.peak = self.before
        self.child_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _rss_mb())
            for pid in _children():
                self.child_peak = max(self.child_peak, _rss_mb(pid))

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())

    @property
    def growth(self) -> float:
        return round(self.peak - self.before, 1)

    @property
    def child_growth(self) -> float | None:
        """The child's peak minus this process's RSS before; None when no child was seen
        (one process read the files)."""
        return round(self.child_peak - self.before, 1) if self.child_peak else None


def _child_text(peak: _Peak) -> str:
    if peak.child_growth is None:
        return "none"
    return f"peak {peak.child_peak:.1f} MB, {peak.child_growth:+.1f} on the process's before"


def _cpu() -> float:
    """User + system CPU seconds of this process and of its children waited for so far
    (the import's file-reading child, ``importer.run._read_two``); the PostgreSQL
    server's are not counted: it is another process."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _child_cpu() -> float:
    """User + system CPU seconds of this process's children waited for so far."""
    t = os.times()
    return t.children_user + t.children_system


def _backend_cpu(pid: int) -> float:
    """User + system CPU seconds so far of the PostgreSQL backend ``pid`` (same machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Phases:
    """CPU seconds of the process and of the connection's PostgreSQL backend in each phase
    of an import: ``copy`` (the files read, checked and staged: the staging parts' COPY
    blocks), ``checks`` (``IkoStaging.problems``: the registry's checks across files),
    ``load`` (``IkoStaging.load``), ``commit`` (the deferred foreign-key checks that the
    commit of the import runs, fired by ``SET CONSTRAINTS ALL IMMEDIATE``: the bench's
    scratch town is rolled back) and ``other`` (the rest: staging tables, the savepoint).
    The staging's methods are wrapped for the block only (nothing else changes)."""

    PHASES = ("copy", "checks", "load", "commit")

    def __init__(self) -> None:
        self.process = dict.fromkeys((*self.PHASES, "total"), 0.0)
        self.server = dict.fromkeys((*self.PHASES, "total"), 0.0)

    def _measure(self, phase: str) -> Any:
        from contextlib import contextmanager

        @contextmanager
        def block() -> Any:
            p, s = time.process_time(), _backend_cpu(self.pid)
            try:
                yield
            finally:
                self.process[phase] += time.process_time() - p
                self.server[phase] += _backend_cpu(self.pid) - s

        return block()

    def __enter__(self) -> _Phases:
        from contextlib import contextmanager

        from django.db import connection as dj

        from juminkiroku.services.iko_load import IkoStaging

        dj.ensure_connection()
        self.pid = dj.connection.info.backend_pid
        self._saved = {name: getattr(IkoStaging, name) for name in ("part", "problems", "load")}
        part, problems, load = self._saved["part"], self._saved["problems"], self._saved["load"]
        phases = self

        @contextmanager
        def timed_part(staging: Any, *args: Any, **kwargs: Any) -> Any:
            with phases._measure("copy"), part(staging, *args, **kwargs) as writer:
                yield writer

        def timed_problems(staging: Any, *args: Any, **kwargs: Any) -> Any:
            with phases._measure("checks"):
                return problems(staging, *args, **kwargs)

        def timed_load(staging: Any, *args: Any, **kwargs: Any) -> Any:
            with phases._measure("load"):
                return load(staging, *args, **kwargs)

        for name, method in (
            ("part", timed_part),
            ("problems", timed_problems),
            ("load", timed_load),
        ):
            setattr(IkoStaging, name, method)
        self._start = (time.process_time(), _backend_cpu(self.pid))
        return self

    def __exit__(self, *exc: Any) -> None:
        from juminkiroku.services.iko_load import IkoStaging

        self.process["total"] = time.process_time() - self._start[0]
        self.server["total"] = _backend_cpu(self.pid) - self._start[1]
        for name, method in self._saved.items():
            setattr(IkoStaging, name, method)

    def figures(self) -> dict[str, dict[str, float]]:
        out = {}
        for side, values in (("process", self.process), ("server", self.server)):
            other = values["total"] - sum(values[p] for p in self.PHASES)
            out[side] = {k: round(v, 2) for k, v in {**values, "other": other}.items()}
        return out


class _Statements:
    """With ``--statements``: each SQL statement the import sends through Django's
    connection (the staging, the checks across files, the load; not the COPY blocks) with
    its wall and its backend's CPU seconds (``/proc/PID/stat`` before and after), summed by
    the statement's first words; the top ones printed."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.by_label: dict[str, list[float]] = {}

    def __enter__(self) -> _Statements:
        from django.db import connection as dj

        if not self.enabled:
            return self
        dj.ensure_connection()
        pid = dj.connection.info.backend_pid
        by_label = self.by_label

        def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            w, s = time.perf_counter(), _backend_cpu(pid)
            try:
                return execute(sql, params, many, context)
            finally:
                text = sql.as_string(dj.connection) if hasattr(sql, "as_string") else str(sql)
                label = " ".join(text.split())[:150]
                row = by_label.setdefault(label, [0, 0.0, 0.0])
                row[0] += 1
                row[1] += time.perf_counter() - w
                row[2] += _backend_cpu(pid) - s

        self._block = dj.execute_wrapper(wrapper)
        self._block.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self.enabled:
            return
        self._block.__exit__(*exc)
        top = sorted(self.by_label.items(), key=lambda kv: -kv[1][2])[:30]
        print("[migration_io]   statements by backend CPU (count, wall s, CPU s):")
        for label, (count, wall, cpu) in top:
            print(f"    {int(count):>3} {wall:7.3f} {cpu:6.2f}  {label}")

    def figures(self) -> list[dict[str, Any]]:
        return [
            {"statement": k, "count": int(v[0]), "wall": round(v[1], 3), "cpu": round(v[2], 2)}
            for k, v in sorted(self.by_label.items(), key=lambda kv: -kv[1][2])
        ]


def _profiled(enabled: bool, dump: Path, lines: int = 30) -> Any:
    """cProfile of the block (timer: this process's CPU time, so waiting for the server
    costs nothing), its top ``lines`` by own time printed and the stats dumped."""
    import cProfile
    import io
    import pstats
    from contextlib import contextmanager, nullcontext

    if not enabled:
        return nullcontext()

    @contextmanager
    def block() -> Any:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        try:
            yield
        finally:
            profiler.disable()
            dump.parent.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(str(dump))
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(lines)
            print(out.getvalue())

    return block()


def _reference(directory: Path) -> tuple[float, float]:
    """The reference measured in the same run: every CSV file of ``directory`` read by
    ``csv.reader`` and nothing else (wall s, CPU s), so the import's figures can be judged
    against the machine's load at the time."""
    t, c = time.perf_counter(), _cpu()
    for path in sorted(directory.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for _row in csv.reader(handle):
                pass
    return time.perf_counter() - t, _cpu() - c


def _source(path: Path) -> Any:
    from migration_io.importer.run import Source

    return Source(open=lambda: path.open("rb"), size=path.stat().st_size)


def _one_size(
    municipality: Any,
    population: int,
    tmp: Path,
    formats: tuple[str, ...],
    *,
    profile: bool = False,
    load_residents: bool = True,
    show_statements: bool = False,
) -> dict:
    from juminkiroku.synth.load import residents_load
    from migration_io.importer.roundtrip import (
        ROUNDTRIP_ACTOR,
        RoundtripResult,
        compare_dirs,
        export_to_dir,
        scratch_town,
    )
    from migration_io.importer.run import import_run
    from migration_io.layout import LAYOUTS, layout_load
    from tenants.db import connection

    layout = layout_load(LAYOUTS[0])
    connection.set_tenant(municipality)
    if load_residents:
        residents_load(population=population, seed=19, on=ON, replace=True)
    first = tmp / f"source_{population}"
    first.mkdir()
    export_seconds: dict[str, float] = {}
    export_cpu: dict[str, float] = {}
    for fmt in formats:
        t, c = time.perf_counter(), _cpu()
        counts = export_to_dir(
            layout,
            first,
            formats=(fmt,),
            encoding="utf-8-sig",
            dantai_code=municipality.dantai_code,
            actor=ROUNDTRIP_ACTOR,
        )
        export_seconds[fmt] = round(time.perf_counter() - t, 2)
        export_cpu[fmt] = round(_cpu() - c, 2)
    connection.set_schema_to_public()
    records = sum(counts.values())
    out: dict[str, Any] = {
        "population": population,
        "records": counts,
        "records_total": records,
        "export_seconds": export_seconds,
        "export_cpu_seconds": export_cpu,
        "bytes": {p.name: p.stat().st_size for p in sorted(first.iterdir())},
        "formats": {},
    }
    if "csv" in formats:
        ref_wall, ref_cpu = _reference(first)
        out["reference_csv_reader"] = {
            "seconds": round(ref_wall, 2),
            "cpu_seconds": round(ref_cpu, 2),
        }
    for fmt in formats:
        second = tmp / f"again_{population}_{fmt}"
        second.mkdir()
        result = RoundtripResult(formats=(fmt,))
        with scratch_town(municipality):
            dump = OUT_DIR / f"migration_io_import_{population}_{fmt}.prof"
            statements = _Statements(show_statements)
            with _Peak() as peak, _Phases() as phases, _profiled(profile, dump), statements:
                t, c, child = time.perf_counter(), _cpu(), _child_cpu()
                report = import_run(
                    layout=layout,
                    sources={f.id: _source(first / f"{f.id}.{fmt}") for f in layout.files},
                    fmt=fmt,
                    encoding="utf-8-sig",
                    dantai_code=municipality.dantai_code,
                    dry_run=False,
                    actor=ROUNDTRIP_ACTOR,
                )
                # the scratch town is rolled back, never committed: the checks a commit
                # would run (the deferred foreign keys of the rows loaded) run here
                with phases._measure("commit"), connection.cursor() as cur:
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                import_seconds = time.perf_counter() - t
                import_cpu = _cpu() - c
                child_cpu = _child_cpu() - child
                load = os.getloadavg()[0]
            assert report.loaded, report.summary
            t = time.perf_counter()
            export_to_dir(
                layout,
                second,
                formats=(fmt,),
                encoding="utf-8-sig",
                dantai_code=municipality.dantai_code,
                actor=ROUNDTRIP_ACTOR,
            )
            again_seconds = time.perf_counter() - t
        t = time.perf_counter()
        compare_dirs(layout, first, second, fmt=fmt, encoding="utf-8-sig", result=result)
        compare_seconds = time.perf_counter() - t
        read = sum(report.counts.values())
        out["formats"][fmt] = {
            "import_seconds": round(import_seconds, 2),
            "import_cpu_seconds": round(import_cpu, 2),
            "import_child_cpu_seconds": round(child_cpu, 2),
            "loadavg_1min": round(load, 2),
            "records_read": read,
            "records_per_second": round(read / import_seconds),
            "cpu_by_phase": phases.figures(),
            "cpu_server_seconds": round(phases.server["total"], 2),
            "cpu_per_100k_records": round(
                (import_cpu + phases.server["total"]) * 100_000 / max(read, 1), 2
            ),
            "profiled": profile,
            "statements": statements.figures(),
            "rss_before_mb": round(peak.before, 1),
            "rss_growth_mb": peak.growth,
            "reading_child_rss_peak_mb": round(peak.child_peak, 1) or None,
            "reading_child_rss_growth_mb": peak.child_growth,
            "export_again_seconds": round(again_seconds, 2),
            "compare_seconds": round(compare_seconds, 2),
            "items_compared": result.items_compared.get(fmt, 0),
            "differences": result.difference_count,
        }
        server = phases.server["total"]
        print(
            f"[migration_io] {population:,} residents {fmt}: {read:,} records in "
            f"{import_seconds:.1f} s ({read / import_seconds:,.0f}/s), CPU {import_cpu:.1f} s "
            f"(reading child {child_cpu:.1f}) "
            f"({read / max(import_cpu, 0.01):,.0f}/CPU s) + PostgreSQL {server:.1f} s "
            f"= {(import_cpu + server) * 100_000 / max(read, 1):.2f} CPU s per 100,000 records"
            f"{' (under cProfile)' if profile else ''}, load {load:.1f}, RSS +{peak.growth} MB "
            f"(reading child {_child_text(peak)}), "
            f"differences {result.difference_count}"
        )
        figures = phases.figures()
        print(
            "[migration_io]   CPU s by phase (process / PostgreSQL): "
            + ", ".join(
                f"{k} {figures['process'][k]:.2f} / {figures['server'][k]:.2f}"
                for k in (*_Phases.PHASES, "other")
            )
        )
    return out


def export_job_body(
    consortium: Any, record: dict[str, Any], *, population: int, formats: str, processes: str
) -> dict:
    """The ``migration_export`` job on a town of ``population``, once per process count."""
    import hashlib

    from django.core.files.storage import default_storage

    from bench.common import BENCH_DB, CpuMeter, job_in_pool
    from juminkiroku.synth.load import residents_load
    from migration_io.jobkinds import EXPORT, bundle_open, export_dir
    from tenants.db import connection
    from tenants.jobs.models import Job
    from tenants.models import Municipality

    chosen = [f for f in ("csv", "xml") if f in formats.split(",")]
    counts = [int(p) for p in processes.split(",")]
    record["params"] = {"population": population, "formats": chosen, "processes": counts}
    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    municipality = Municipality.objects.get(schema_name=town["schema"])
    connection.set_tenant(municipality)
    t = time.perf_counter()
    residents_load(population=population, seed=19, on=ON, replace=True)
    record["load_seconds"] = round(time.perf_counter() - t, 2)
    print(f"[migration_io] {population:,} residents loaded in {record['load_seconds']:.1f} s")
    runs = []
    for n in counts:
        with CpuMeter(BENCH_DB) as cpu:
            pool = job_in_pool(
                EXPORT.code,
                {"formats": chosen, "encoding": "utf-8-sig"},
                processes=n,
                schema=municipality.schema_name,
                via_task=True,
            )
        connection.set_tenant(municipality)
        job = Job.objects.order_by("-pk").first()
        assert job is not None
        manifest = json.loads(bundle_open(job, "manifest.json").read().decode("utf-8"))
        checked = 0
        records = 0
        for entry in manifest["files"]:
            sha = hashlib.sha256()
            with bundle_open(job, entry["name"]) as handle:
                while block := handle.read(1 << 20):
                    sha.update(block)
            assert sha.hexdigest() == entry["sha256"], entry["name"]
            checked += 1
            if entry["personal"]:
                records += entry["records"]
        run_ = {
            "processes": n,
            "plan_seconds": round(pool.plan, 2),
            "chunks_seconds": round(pool.chunks, 2),
            "finish_seconds": round(pool.finish, 2),
            "total_seconds": round(pool.total, 2),
            "cpu_python_seconds": round(cpu.python, 2),
            "cpu_postgres_seconds": round(cpu.server, 2),
            "loadavg_1min_start": round(cpu.load, 2),
            "files_checked": checked,
            "records_written": records,
            "bytes": sum(e["bytes"] for e in manifest["files"]),
        }
        runs.append(run_)
        print(
            f"[migration_io] export job, {n} process(es): {pool.total:.1f} s "
            f"(plan {pool.plan:.1f}, chunks {pool.chunks:.1f}, finish {pool.finish:.1f}); "
            f"CPU Python {cpu.python:.1f} s, PostgreSQL {cpu.server:.1f} s; load {cpu.load:.1f}; "
            f"{records:,} records in {checked} files, checksums OK"
        )
        for path in default_storage.listdir(export_dir(job))[1]:
            default_storage.delete(f"{export_dir(job)}/{path}")
    record["runs"] = runs
    print_table(
        "中間標準レイアウト: the export job",
        ["processes", "total s", "plan s", "chunks s", "finish s", "CPU py s", "CPU pg s", "load"],
        [
            [
                r["processes"],
                r["total_seconds"],
                r["plan_seconds"],
                r["chunks_seconds"],
                r["finish_seconds"],
                r["cpu_python_seconds"],
                r["cpu_postgres_seconds"],
                r["loadavg_1min_start"],
            ]
            for r in runs
        ],
    )
    record["targets"] = {
        "export_seconds_380k": TARGET_EXPORT_SECONDS,
        "met": population >= 380_000
        and min(r["total_seconds"] for r in runs) <= TARGET_EXPORT_SECONDS,
    }
    return record


def demo_towns_body(consortium: Any, record: dict[str, Any], *, formats: str) -> dict:
    """The round trip of every demo town at its own population."""
    from tenants.models import Municipality

    members = json.loads(DEMO.read_text(encoding="utf-8"))["members"]
    chosen = tuple(f for f in ("csv", "xml") if f in formats.split(","))
    record["params"] = {"towns": len(members), "formats": list(chosen)}
    provisioned = provision_many(
        consortium, len(members), modules=kanagawa_common_modules(), progress=False
    )
    runs = []
    t0 = time.perf_counter()
    for member, town in zip(members, provisioned, strict=True):
        municipality = Municipality.objects.get(schema_name=town["schema"])
        with tempfile.TemporaryDirectory() as tmp:
            one = _one_size(municipality, member["population"], Path(tmp), chosen)
        one["town"] = member["name"]
        runs.append(one)
    record["runs"] = runs
    record["wall_seconds_round_trips"] = round(time.perf_counter() - t0, 1)
    rows = [
        [r["town"], f"{r['population']:,}", f"{r['records_total']:,}"]
        + [
            f"{r['formats'][f]['items_compared']:,} / {r['formats'][f]['differences']}"
            for f in chosen
        ]
        for r in runs
    ]
    total_pop = sum(r["population"] for r in runs)
    total_rec = sum(r["records_total"] for r in runs)
    diffs = {f: sum(r["formats"][f]["differences"] for r in runs) for f in chosen}
    items = {f: sum(r["formats"][f]["items_compared"] for r in runs) for f in chosen}
    rows.append(
        ["計", f"{total_pop:,}", f"{total_rec:,}"] + [f"{items[f]:,} / {diffs[f]}" for f in chosen]
    )
    print_table(
        "中間標準レイアウト: the round trip of every demo town",
        ["town", "residents", "records"] + [f"{f} items / differences" for f in chosen],
        rows,
    )
    record["totals"] = {
        "residents": total_pop,
        "records": total_rec,
        "items": items,
        "differences": diffs,
    }
    record["targets"] = {"zero_differences": all(v == 0 for v in diffs.values())}
    return record


def body(
    consortium: Any,
    record: dict[str, Any],
    *,
    population: int,
    formats: str,
    single: bool = False,
    profile: bool = False,
) -> dict:
    from tenants.models import Municipality

    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    municipality = Municipality.objects.get(schema_name=town["schema"])
    sizes = [population] if single else sorted({max(population // 4, 1), population})
    return measure(municipality, record, sizes=sizes, formats=formats, profile=profile)


def reuse(*, formats: str, profile: bool, statements: bool = False) -> int:
    """Import again on the town a ``--keep`` run left (its residents as they are)."""
    from bench.common import reuse_town, write_json

    schema, record = reuse_town("migration_io")
    from juminkiroku.models import Atena  # (after the Django set-up)
    from tenants.db import connection
    from tenants.models import Municipality

    municipality = Municipality.objects.get(schema_name=schema)
    connection.set_tenant(municipality)
    population = Atena.objects.count()
    connection.set_schema_to_public()
    measure(
        municipality,
        record,
        sizes=[population],
        formats=formats,
        profile=profile,
        load_residents=False,
        statements=statements,
    )
    record["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"[migration_io] wrote {write_json('migration_io_reuse', record)}")
    return 0


def measure(
    municipality: Any,
    record: dict[str, Any],
    *,
    sizes: list[int],
    formats: str,
    profile: bool,
    load_residents: bool = True,
    statements: bool = False,
) -> dict:
    chosen = tuple(f for f in ("csv", "xml") if f in formats.split(","))
    record["params"] = {"sizes": sizes, "formats": list(chosen), "profile": profile}
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            runs.append(
                _one_size(
                    municipality,
                    size,
                    Path(tmp),
                    chosen,
                    profile=profile,
                    load_residents=load_residents,
                    show_statements=statements,
                )
            )
    record["runs"] = runs
    rows = []
    for r in runs:
        for fmt, sec in r["export_seconds"].items():
            cpu = r["export_cpu_seconds"][fmt]
            rows.append([f"{r['population']:,}", f"export {fmt}", f"{r['records_total']:,}",
                         f"{sec:.1f} (CPU {cpu:.1f})", "", "", ""])  # fmt: skip
        for fmt, f in r["formats"].items():
            rows.append([f"{r['population']:,}", f"import {fmt}", f"{f['records_read']:,}",
                         f"{f['import_seconds']:.1f} (CPU {f['import_cpu_seconds']:.1f}"
                         f" + pg {f['cpu_server_seconds']:.1f})",
                         f"{f['records_per_second']:,}",
                         f"+{f['rss_growth_mb']}", f"{f['differences']}"])  # fmt: skip
    print_table(
        "中間標準レイアウト: export, import with full validation, round trip",
        ["residents", "phase", "records", "seconds", "records/s", "RSS MB", "differences"],
        rows,
    )
    big = runs[-1]["formats"]
    record["targets"] = {
        "csv_records_per_second": TARGET_CSV,
        "xml_records_per_second": TARGET_XML,
        "export_seconds_380k": TARGET_EXPORT_SECONDS,
        "csv_met": big.get("csv", {}).get("records_per_second", 0) >= TARGET_CSV,
        "xml_met": big.get("xml", {}).get("records_per_second", 0) >= TARGET_XML,
        "zero_differences": all(f["differences"] == 0 for r in runs for f in r["formats"].values()),
    }
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("migration_io", __doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=380_000)
    parser.add_argument("--formats", default="csv,xml")
    parser.add_argument(
        "--export-job", action="store_true", help="the export job at --population, timed"
    )
    parser.add_argument("--processes", default="2,1", help="with --export-job (2,1)")
    parser.add_argument("--towns", choices=["demo"], help="the round trip of every demo town")
    parser.add_argument(
        "--single", action="store_true", help="import at --population only (not also a quarter)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="each import under cProfile (CPU time): top lines printed, "
        "bench/out/migration_io_import_SIZE_FORMAT.prof",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="import again on the town a --keep run left (its residents as they are)",
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="with --reuse: each SQL statement of the import with its backend CPU, top printed",
    )
    args = parser.parse_args(argv)
    if args.reuse:
        return reuse(formats=args.formats, profile=args.profile, statements=args.statements)
    if args.export_job or args.towns:
        # the job's bundle files go to a media root of the run's own, removed afterwards
        media = tempfile.mkdtemp(prefix="jc_bench_mio_")
        os.environ["JC_MEDIA_ROOT"] = media
        try:
            if args.export_job:
                return run(
                    "migration_io",
                    lambda consortium, record: export_job_body(
                        consortium,
                        record,
                        population=args.population,
                        formats=args.formats,
                        processes=args.processes,
                    ),
                    keep=args.keep,
                    output_name="migration_io_export_job",
                )
            return run(
                "migration_io",
                lambda consortium, record: demo_towns_body(
                    consortium, record, formats=args.formats
                ),
                keep=args.keep,
                output_name="migration_io_demo_towns",
            )
        finally:
            shutil.rmtree(media, ignore_errors=True)
    return run(
        "migration_io",
        lambda consortium, record: body(
            consortium,
            record,
            population=args.population,
            formats=args.formats,
            single=args.single,
            profile=args.profile,
        ),
        keep=args.keep,
    )
