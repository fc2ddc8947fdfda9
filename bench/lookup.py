"""Lookup benchmark: person lookup (GET) and kana search (POST) through the real API,
under gunicorn, at a fixed request rate, with the access log on.

A scratch municipality gets ``--population`` synthetic residents
(``juminkiroku.synth.residents_load``). gunicorn (``--workers`` processes, production
settings) serves it; an open-loop load generator sends requests on a fixed schedule
(request *i* is due at ``t0 + i / rate`` whatever happened to the ones before) and
measures each latency from its *scheduled* time, so a stalled server shows up as
latency instead of silently lowering the rate (no coordinated omission).

Targets (issue): person lookup p99 ≤ 50 ms at 100 req/s and kana search p99 ≤ 100 ms
at 50 req/s, at 380,000 residents. Works in its own database (``--database``), which
is dropped afterwards unless ``--keep``.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import math
import os
import queue
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import (
    REPO,
    base_parser,
    database_drop,
    database_recreate,
    django_setup,
    machine_info,
    now_iso,
    platform_prepare,
    print_machine,
    print_table,
    server_url,
    url_with_database,
    write_json,
)

DEFAULT_DATABASE = "jcloud_bench_lookup"
SUBDOMAIN = "benchlookup"
DANTAI_CODE_PREFIX = 14999
TARGETS_MS = {"lookup": 50.0, "search": 100.0}
STARTUP_TIMEOUT = 60.0

# (method, path, body, headers) for request number i
RequestMaker = Callable[[int], tuple[str, str, bytes | None, dict[str, str]]]
Loader = Callable[..., Any]


# --- open-loop load generator -------------------------------------------------------


@dataclass
class Shot:
    scheduled: float
    started: float
    ended: float
    status: int

    @property
    def latency(self) -> float:
        """From the time the request was due to the end of the response."""
        return self.ended - self.scheduled


def open_loop(
    make: RequestMaker,
    *,
    port: int,
    rate: float,
    duration: float,
    concurrency: int = 64,
    timeout: float = 30.0,
) -> tuple[list[Shot], float]:
    """Send ``rate × duration`` requests on a fixed schedule; returns the shots and t0.

    A dispatcher hands each request to a pool of client threads at its due time; each
    thread keeps one HTTP/1.1 connection open while the server allows it."""
    total = round(rate * duration)
    due: queue.Queue[tuple[int, float] | None] = queue.Queue()
    shots: list[Shot] = []
    lock = threading.Lock()

    def client() -> None:
        conn: http.client.HTTPConnection | None = None
        while True:
            item = due.get()
            if item is None:
                break
            index, scheduled = item
            method, path, body, headers = make(index)
            started = time.perf_counter()
            status = 0
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
            ended = time.perf_counter()
            with lock:
                shots.append(Shot(scheduled, started, ended, status))
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    t0 = time.perf_counter() + 0.05
    for index in range(total):
        at = t0 + index / rate
        delay = at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        due.put((index, at))
    for _ in threads:
        due.put(None)
    for t in threads:
        t.join()
    return shots, t0


def percentile(ordered: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def shot_summary(shots: list[Shot], *, t0: float, rate: float) -> dict[str, Any]:
    ok = [s for s in shots if 200 <= s.status < 300]
    lat = sorted(s.latency * 1000 for s in ok)
    service = sorted((s.ended - s.started) * 1000 for s in ok)
    span = (max(s.ended for s in shots) - t0) if shots else 0.0
    statuses: dict[str, int] = {}
    for s in shots:
        statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1

    def ms(v: float | None) -> float | None:
        return None if v is None else round(v, 1)

    return {
        "requests": len(shots),
        "ok": len(ok),
        "statuses": statuses,
        "target_rate": rate,
        "achieved_rate": round(len(ok) / span, 1) if span else 0.0,
        "latency_ms": {
            "p50": ms(percentile(lat, 50)),
            "p95": ms(percentile(lat, 95)),
            "p99": ms(percentile(lat, 99)),
            "max": ms(lat[-1] if lat else None),
        },
        "service_ms": {"p50": ms(percentile(service, 50)), "p99": ms(percentile(service, 99))},
    }


# --- the server -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn_start(
    database_url: str, *, workers: int, threads: int, log_path: Path
) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        JC_HTTPS="0",
        JC_DB_CONN_MAX_AGE="600",
        JC_LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    argv = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(
        argv,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    return process, port


def gunicorn_wait(process: subprocess.Popen[bytes], port: int, host: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": host})
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not answer in {STARTUP_TIMEOUT:.0f} s")
        time.sleep(0.3)


def gunicorn_stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- data ---------------------------------------------------------------------------


def town_prepare(consortium: Any) -> Any:
    from bench.common import dantai_codes
    from tenants.services.municipality import municipality_provision

    code = next(dantai_codes(1, start=DANTAI_CODE_PREFIX))
    result = municipality_provision(
        consortium=consortium,
        dantai_code=code,
        name="ベンチ町（照会）",
        name_kana="べんちまち",
        prefecture="神奈川県",
        population=380_000,
        population_date=None,
        go_live=date(2011, 10, 1),
        subdomain=SUBDOMAIN,
        gyomu_codes=["juminkiroku"],
        networks=["127.0.0.0/8"],
        admin_username=None,
        acting_user=None,
        status="active",
    )
    return result.municipality


def default_loader(*, population: int, seed: int, on: date) -> Any:
    from juminkiroku.synth import residents_load

    return residents_load(population=population, seed=seed, on=on, analyze=True)


def _to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def samples(seed: int, n: int = 2000) -> tuple[list[int], list[dict[str, str]], dict[str, Any]]:
    """Random residents to look up, and search bodies typed the way clerks type them:
    the reading in ひらがな, 氏 and 名 with a space (4 in 5) or 氏 alone (1 in 5)."""
    from django.db import connection

    from juminkiroku.models import Atena
    from juminkiroku.selectors.search import shokai_flags_for

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id), count(*) FROM juminkiroku_atena")
        lo, hi, count = cursor.fetchone()
    rng = random.Random(seed)
    picked = list(
        Atena.objects.filter(jotai="1", kubun="1", id__in=[rng.randint(lo, hi) for _ in range(n)])
        .values_list("id", "shimei_kana")
        .order_by("id")
    )
    rng.shuffle(picked)
    # Persons under 照会抑止 answer 403 by design; they are not what is being timed.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, setai_id FROM juminkiroku_atena WHERE id = ANY(%s)",
            [[pk for pk, _ in picked]],
        )
        flags = shokai_flags_for(list(cursor.fetchall()))
    picked = [(pk, kana) for pk, kana in picked if pk not in flags.error]
    ids = [pk for pk, _ in picked]
    bodies: list[dict[str, str]] = []
    for _, kana in picked:
        parts = kana.replace("\u3000", " ").split()
        if not parts:
            continue
        if len(parts) > 1 and rng.random() < 0.8:
            bodies.append({"kana": _to_hiragana(f"{parts[0]} {parts[1]}")})
        else:
            bodies.append({"kana": _to_hiragana(parts[0])})
    return ids, bodies, {"atena_rows": count}


def explain_search(body: dict[str, str]) -> str:
    from django.db import connection

    from juminkiroku.selectors.search import atena_search, criteria_from_data

    qs = atena_search(criteria_from_data(body))[:20]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(r[0] for r in cursor.fetchall())


# --- the benchmark ------------------------------------------------------------------


def body(
    consortium: Any,
    record: dict[str, Any],
    *,
    args: Any,
    database_url: str,
    loader: Loader,
) -> dict[str, Any]:
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenants.accesslog.models import AccessLog
    from tenants.api.authentication import apiclient_create

    town = town_prepare(consortium)
    host = f"{SUBDOMAIN}.{_base_domain()}"
    on = date.fromisoformat(args.on) if args.on else date.today()
    record["params"] = {
        "population": args.population,
        "seed": args.seed,
        "on": on.isoformat(),
        "lookup_rate": args.lookup_rate,
        "search_rate": args.search_rate,
        "duration": args.duration,
        "workers": args.workers,
        "threads": args.threads,
        "client_threads": args.client_threads,
        "targets_ms_p99": TARGETS_MS,
        "access_log": True,
    }
    with schema_context(town.schema_name):
        t = time.perf_counter()
        print(f"[lookup] loading {args.population:,} residents (seed {args.seed}) …")
        loaded = loader(population=args.population, seed=args.seed, on=on)
        record["load_seconds"] = round(time.perf_counter() - t, 1)
        if dataclasses.is_dataclass(loaded) and not isinstance(loaded, type):
            record["load_result"] = json.loads(json.dumps(dataclasses.asdict(loaded), default=str))
        # What a town's nightly maintenance leaves behind: hint bits and the visibility
        # map set (otherwise the first reads of freshly loaded pages write them), fresh
        # statistics, and no checkpoint pending from the load.
        t = time.perf_counter()
        with connection.cursor() as cursor:
            for table in ("juminkiroku_atena", "juminkiroku_atenarireki", "juminkiroku_setai"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            cursor.execute("CHECKPOINT")
        record["vacuum_seconds"] = round(time.perf_counter() - t, 1)
        ids, bodies, facts = samples(args.seed)
        record["data"] = facts
        print(
            f"[lookup] loaded in {record['load_seconds']} s: {facts['atena_rows']:,} 宛名 rows; "
            f"{len(ids)} lookup targets, {len(bodies)} search bodies"
        )
        if not ids or not bodies:
            raise SystemExit("no residents to look up: the loader wrote nothing")
        record["explain_search"] = explain_search(bodies[0])
        log_before = AccessLog.objects.count()
    _, key = apiclient_create(municipality=town, name="ベンチ", scopes=["juminkiroku:read"])
    headers = {"Host": host, "Authorization": f"Bearer {key}", "X-Purpose": "benchmark"}
    json_headers = {**headers, "Content-Type": "application/json"}
    encoded = [json.dumps(b, ensure_ascii=False).encode() for b in bodies]

    def lookup(i: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "GET", f"/api/v1/juminkiroku/persons/{ids[i % len(ids)]}/", None, headers

    def search(i: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "POST", "/api/v1/juminkiroku/search/", encoded[i % len(encoded)], json_headers

    connection.close()  # the server needs the CPU more than an idle connection of ours
    log_path = Path(tempfile.mkdtemp(prefix="bench-lookup-")) / "gunicorn.log"
    process, port = gunicorn_start(
        database_url, workers=args.workers, threads=args.threads, log_path=log_path
    )
    results: dict[str, Any] = {}
    try:
        gunicorn_wait(process, port, host, log_path)
        for name, make in (("lookup", lookup), ("search", search)):
            probe, _ = open_loop(make, port=port, rate=5, duration=1, concurrency=1)
            if not all(s.status == 200 for s in probe):
                raise SystemExit(f"{name}: probe answered {[s.status for s in probe]}")
        phases = [("lookup", lookup, args.lookup_rate), ("search", search, args.search_rate)]
        for name, make, rate in phases:
            print(f"[lookup] warm-up {name} ({args.warmup:.0f} s at {rate:g}/s)")
            open_loop(make, port=port, rate=rate, duration=args.warmup, concurrency=16)
            print(f"[lookup] {name}: {rate:g} req/s for {args.duration:.0f} s")
            shots, t0 = open_loop(
                make, port=port, rate=rate, duration=args.duration, concurrency=args.client_threads
            )
            results[name] = shot_summary(shots, t0=t0, rate=rate)
    finally:
        gunicorn_stop(process)
    with schema_context(town.schema_name):
        record["access_log_rows_written"] = AccessLog.objects.count() - log_before
    record["results"] = results
    rows = []
    for name, r in results.items():
        lat = r["latency_ms"]
        rows.append(
            [
                name,
                f"{r['target_rate']:g}",
                f"{r['achieved_rate']:g}",
                f"{r['ok']}/{r['requests']}",
                lat["p50"],
                lat["p95"],
                lat["p99"],
                lat["max"],
                TARGETS_MS[name],
                "met" if lat["p99"] is not None and lat["p99"] <= TARGETS_MS[name] else "MISSED",
            ]
        )
    print_table(
        f"{facts['atena_rows']:,} residents, gunicorn {args.workers}×{args.threads} threads, "
        "access log on (latency from the scheduled time, ms)",
        ["", "rate", "achieved", "ok", "p50", "p95", "p99", "max", "target p99", ""],
        rows,
    )
    print(f"access-log rows written during the run: {record['access_log_rows_written']:,}")
    return record


def _base_domain() -> str:
    from django.conf import settings

    return str(settings.JC_BASE_DOMAIN)


def run_lookup(args: Any, *, loader: Loader = default_loader) -> int:
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_on_signal)
    server = server_url()
    database_url = url_with_database(server, args.database)
    started = time.perf_counter()
    record: dict[str, Any] = {"benchmark": "lookup", "started_at": now_iso()}
    print(f"[lookup] recreating database {args.database} on {urlsplit(server).hostname}")
    database_recreate(server, args.database)
    try:
        django_setup(database_url)
        record["machine"] = machine_info()
        print_machine(record["machine"])
        consortium, prep = platform_prepare()
        record["setup"] = {k: round(v, 3) for k, v in prep.items()}
        body(consortium, record, args=args, database_url=database_url, loader=loader)
        record["finished_at"] = now_iso()
        record["wall_seconds"] = round(time.perf_counter() - started, 1)
        record["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        path = write_json(args.output, record)
        print(f"\n[lookup] done in {record['wall_seconds']} s; wrote {path.relative_to(REPO)}")
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"[lookup] kept database {args.database} (--keep)")
        else:
            database_drop(server, args.database)
            print(f"[lookup] dropped database {args.database}")
    return 0


def _raise_on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def parser() -> Any:
    p = base_parser("lookup", __doc__.splitlines()[0] if __doc__ else "")
    p.add_argument("--population", type=int, default=380_000, help="residents (default 380000)")
    p.add_argument("--seed", type=int, default=1, help="seed of the synthetic residents")
    p.add_argument("--on", default="", help="as-of date of the population (default today)")
    p.add_argument("--lookup-rate", type=float, default=100.0, help="person GET per second")
    p.add_argument("--search-rate", type=float, default=50.0, help="kana search POST per second")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per phase (default 20)")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds per phase")
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    p.add_argument("--client-threads", type=int, default=64, help="load-generator threads")
    p.add_argument(
        "--database",
        default=DEFAULT_DATABASE,
        help=f"scratch database (default {DEFAULT_DATABASE})",
    )
    p.add_argument("--output", default="lookup", help="bench/out/<OUTPUT>.json")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if args.population < 1:
        raise SystemExit("--population must be positive")
    return run_lookup(args)
