"""Where PostgreSQL's time goes in one 本算定 chunk and its ledger posting, statement by
statement (pg_stat_statements is not installed here): on a town a ``--keep`` run of
``kaigo_fuka`` or ``kokuho_fuka`` left, this session turns on ``log_min_duration_statement
= 0`` and ``log_statement_stats`` (superuser; bind parameters not logged), runs the job's
first chunks and its ``finish`` as a worker does, then reads the server log's lines of its
own backend: wall ms and backend CPU (user + system) per statement kind.

    JC_BENCH_DB=jcb_ledger python -m bench.pg_statements kaigo|kokuho|kotei [--chunks 3] [--warm N]

``--warm N`` first runs N chunks without logging, so the logged chunks meet the tables as
they are late in a run (how a statement's cost grows with what the run has written).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from typing import Any

from bench.common import BENCH_DB, django_setup, server_url, url_with_database

KINDS = {
    "kaigo": "kaigo_fuka_honsantei",
    "kokuho": "kokuho_fuka_honsantei",
    "kotei": "zeimu_kotei_tosho",
}
LOG = "/var/log/postgresql/postgresql-15-main.log"

_HEADER = re.compile(r"^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[(\d+)\] \S* ?(\w+):  (.*)")
_DURATION = re.compile(r"duration: ([\d.]+) ms  (?:statement|execute [^:]*): (.*)")
_CPU = re.compile(r"!\s+([\d.]+) s user, ([\d.]+) s system, ([\d.]+) s elapsed")


def _label(sql: str) -> str:
    """A statement's kind: its first words and the table it writes or reads first."""
    words = " ".join(sql.split())
    m = re.match(
        r"(?i)(copy|insert into|update|delete from|create temp table|select|with|set|savepoint|"
        r"release savepoint|drop table)\s*(?:if not exists\s+)?\"?([\w.]*)",
        words,
    )
    if not m:
        return words[:60]
    verb = m.group(1).upper()
    if verb in {"SELECT", "WITH"}:
        table = re.search(r"(?i)\bfrom\s+\"?([\w.]+)", words)
        return f"SELECT … FROM {table.group(1) if table else '?'}: {words[7:40]}"
    return f"{verb} {m.group(2)}"[:60]


def _read_log(path: str, offset: int, pid: int) -> list[tuple[str, float, float]]:
    """(statement kind, wall ms, CPU s) of each statement ``pid`` logged after ``offset``:
    a duration message (its statement may go on over the next lines) and the statistics
    message after it (the backend's user + system seconds of that statement)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        f.seek(offset)
        lines = f.read().splitlines()
    out: list[list[Any]] = []
    mine = False
    in_statement = False
    for line in lines:
        h = _HEADER.match(line)
        if h:
            mine = int(h.group(1)) == pid
            in_statement = False
            d = _DURATION.match(h.group(3)) if mine and h.group(2) == "LOG" else None
            if d:
                out.append([d.group(2), float(d.group(1)), 0.0])
                in_statement = True
            continue
        if not mine or not out:
            continue
        if in_statement:
            out[-1][0] += " " + line.strip()
            continue
        c = _CPU.search(line)
        if c:
            out[-1][2] = float(c.group(1)) + float(c.group(2))
    return [(_label(sql), ms, cpu) for sql, ms, cpu in out]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench pg_statements")
    parser.add_argument("module", choices=sorted(KINDS))
    parser.add_argument("--chunks", type=int, default=3)
    parser.add_argument(
        "--warm",
        type=int,
        default=0,
        help="first run this many chunks unlogged (a fuller ledger: the cost late in a run)",
    )
    parser.add_argument("--log", default=LOG)
    parser.add_argument(
        "--explain-over-ms",
        type=float,
        default=0,
        help="also log the plan (auto_explain, ANALYZE) of statements slower than this",
    )
    args = parser.parse_args(argv)
    django_setup(url_with_database(server_url(), BENCH_DB))

    from django.db import connection as dj
    from django.db import transaction

    from tenants.db import connection
    from tenants.jobs.models import Job, JobChunk, JobStatus
    from tenants.jobs.registry import get_kind
    from tenants.models import Municipality

    connection.set_tenant(Municipality.objects.exclude(schema_name="public").get())
    if args.module == "kotei":
        from bench.kotei import FISCAL_YEAR as KOTEI_YEAR
        from bench.kotei import _empty

        _empty()
        raw_params: dict[str, Any] = {"fiscal_year": KOTEI_YEAR}
    else:
        if args.module == "kaigo":
            from bench.kaigo_fuka import ON, _clear_previous_run
        else:
            from bench.kokuho_fuka import ON, _clear_previous_run
        from bench.kaigo_fuka import FISCAL_YEAR

        _clear_previous_run()
        raw_params = {"fiscal_year": FISCAL_YEAR, "kijun_date": ON.isoformat()}
    code = KINDS[args.module]
    Job.objects.filter(kind=code).update(status=JobStatus.SUCCEEDED)
    kind: Any = get_kind(code)
    params = kind.validate(raw_params)
    job = Job.objects.create(kind=kind.code, gyomu=kind.gyomu, title=kind.title, params=params)
    with transaction.atomic():
        plan = kind.plan(job)
    for index, (p, _n) in enumerate(plan[: args.warm]):
        chunk = JobChunk.objects.create(job=job, index=index, params=p, size=_n)
        with transaction.atomic():
            kind.run_chunk(job, chunk)
    with dj.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        (pid,) = cur.fetchone()
        cur.execute("SET log_parameter_max_length = 0")
        cur.execute("SET log_min_duration_statement = 0")
        cur.execute("SET log_statement_stats = on")
        if args.explain_over_ms:
            cur.execute("LOAD 'auto_explain'")
            cur.execute(f"SET auto_explain.log_min_duration = {float(args.explain_over_ms)}")
            cur.execute("SET auto_explain.log_analyze = on")
            cur.execute("SET auto_explain.log_buffers = on")
    offset = os.path.getsize(args.log)
    t = time.perf_counter()
    persons = 0
    for index, (p, n) in enumerate(plan[args.warm : args.warm + args.chunks], start=args.warm):
        chunk = JobChunk.objects.create(job=job, index=index, params=p, size=n)
        with transaction.atomic():
            persons += kind.run_chunk(job, chunk).done
    with transaction.atomic():
        kind.finish(job)
    wall = time.perf_counter() - t
    with dj.cursor() as cur:
        cur.execute("RESET log_statement_stats")
        cur.execute("RESET log_min_duration_statement")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    time.sleep(0.5)
    rows = _read_log(args.log, offset, pid)
    by: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for label, ms, cpu in rows:
        acc = by[label]
        acc[0] += 1
        acc[1] += ms
        acc[2] += cpu
    total_ms = sum(v[1] for v in by.values())
    total_cpu = sum(v[2] for v in by.values())
    print(f"{args.module}: {args.chunks} chunk(s) + finish, {persons:,} persons, {wall:.2f} s "
          f"wall in Python; the server: {total_ms / 1000:.2f} s in statements, "
          f"{total_cpu:.2f} s backend CPU; load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'statement':72}  {'n':>5}  {'ms':>9}  {'CPU ms':>9}  {'share':>6}")
    for label, (n, ms, cpu) in sorted(by.items(), key=lambda kv: -kv[1][1]):
        share = ms / total_ms * 100 if total_ms else 0
        print(f"{label:72}  {int(n):>5}  {ms:>9.1f}  {cpu * 1000:>9.1f}  {share:>5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
