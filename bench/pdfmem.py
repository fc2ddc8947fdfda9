"""Memory of certificate printing in one process: 住民票の写し through ``shomei_issue`` (the
service the 証明書発行 screen calls) in ``--threads`` threads, as a gunicorn worker's
threads print them, without gunicorn.

``python -m bench pdfmem --certificates 400 --threads 4 --variants percall,release``

The set-up builds its own database (``--database``, default ``jcloud_bench_pdfmem``): two
synthetic towns of ``--population`` residents (``bench.soak.towns_prepare``: a 認証者 and a
公印 each). Each variant then runs in a fresh child process (so ``MALLOC_ARENA_MAX`` takes
effect from the start) which prints ``--certificates`` certificates of the first town's
residents (世帯連記式, 世帯主・続柄, 公印: what the soak's clients ask) and records, every
``--every`` certificates:

- VmRSS of the process (``/proc/self/status``) and its parts: RssAnon (heaps) and
  RssFile (mapped files: the CJK fonts' pages, the libraries);
- glibc's ``mallinfo2()``: bytes in use by live allocations (``uordblks`` + mmapped) and
  bytes free but kept by the allocator (``fordblks``): allocator retention vs live objects;
- the number of objects the garbage collector tracks and of live WeasyPrint
  ``FontConfiguration`` objects;
- with ``tm`` in the variant, ``tracemalloc``'s traced total, and the top line-level
  differences between the snapshots at 100, 200 and 400 certificates (Python-level growth).

At the end: ``gc.collect()`` then ``malloc_trim(0)``, RSS after each.

A variant is tokens joined by ``+``:

- ``percall``: WeasyPrint's default, a new ``FontConfiguration`` per document, left to the
  cyclic collector (``tenants.pdf`` before 2026-12-06: its ``_release`` patched away);
- ``release``: ``tenants.pdf`` as a server process runs it (``prepare_server_process``:
  the start-up objects frozen, then a collection right after each document);
- ``perthread``: the alternative measured and not kept: one ``FontConfiguration`` per
  thread, reused by its documents (patched into ``HTML.render``), no collection;
- ``arena2``: the child runs with ``MALLOC_ARENA_MAX=2``;
- ``trim``: ``malloc_trim(0)`` after every certificate;
- ``gc``: ``gc.collect()`` after every certificate (in the thread that printed it);
- ``tm``: ``tracemalloc`` on (slower; its own bookkeeping adds to RSS).
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import subprocess
import sys
import threading
import time
import traceback
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import (
    REPO,
    database_drop,
    database_recreate,
    django_setup,
    kanagawa_common_modules,
    machine_info,
    now_iso,
    platform_prepare,
    print_machine,
    print_table,
    server_url,
    url_with_database,
    write_json,
)

DEFAULT_DATABASE = "jcloud_bench_pdfmem"
TOKENS = {"percall", "perthread", "release", "arena2", "trim", "gc", "tm"}
MODES = {"percall", "perthread", "release"}
TM_AT = (100, 200, 400)


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


_libc = ctypes.CDLL("libc.so.6")
_libc.mallinfo2.restype = _MallInfo2


def rss_mib(field: str = "VmRSS") -> float:
    """A figure of ``/proc/self/status`` in MiB: VmRSS, or its parts RssAnon (the heaps)
    and RssFile (mapped files: the fonts' pages, the libraries)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def malloc_mib() -> dict[str, float]:
    """glibc heap: in use by live allocations (incl. mmapped chunks) and free but kept."""
    info = _libc.mallinfo2()
    mib = 1024 * 1024
    return {
        "in_use": round((info.uordblks + info.hblkhd) / mib, 1),
        "free_kept": round(info.fordblks / mib, 1),
        "arena": round(info.arena / mib, 1),
    }


def _font_configs() -> int:
    from weasyprint.text.fonts import FontConfiguration

    return sum(1 for o in gc.get_objects() if isinstance(o, FontConfiguration))


# --- the child: one variant -----------------------------------------------------------


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    tokens = set(spec["variant"].split("+"))
    django_setup(spec["database_url"])
    from django.conf import settings

    # as the web workers run (production settings): no query log per connection (with
    # DEBUG on, Django keeps the last 9,000 queries of each: ≈ 2 MiB a 100 certificates)
    settings.DEBUG = False
    from django.db import connections

    import tenants.pdf
    from juminkiroku.services.shomei import shomei_issue
    from tenants.accesslog.services import Actor
    from tenants.db import connection
    from tenants.models import Municipality

    if "release" in tokens:
        tenants.pdf.prepare_server_process()  # as gunicorn's post_worker_init does
    if "percall" in tokens or "perthread" in tokens:
        # tenants.pdf before 2026-12-06: no collection after the document
        tenants.pdf._release = lambda: None
    if "perthread" in tokens:
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        local = threading.local()
        render = HTML.render

        def render_with_thread_fonts(self: Any, font_config: Any = None, **kw: Any) -> Any:
            if font_config is None:
                font_config = getattr(local, "fonts", None)
                if font_config is None:
                    font_config = local.fonts = FontConfiguration()
            return render(self, font_config=font_config, **kw)

        HTML.render = render_with_thread_fonts
    town = Municipality.objects.get(schema_name=spec["schema"])
    people: list[int] = spec["people"]
    actor = Actor(user_id=None, username="bench-pdfmem", terminal="BENCH")
    total, threads, every = spec["certificates"], spec["threads"], spec["every"]
    trim, collect = "trim" in tokens, "gc" in tokens
    lock = threading.Lock()
    state = {"next": 0, "done": 0}
    series: list[dict[str, Any]] = []
    tm_top: list[dict[str, Any]] = []
    snapshots: dict[int, Any] = {}
    errors: list[str] = []

    def issue(i: int) -> None:
        shomei_issue(
            kind="juminhyo",
            layout="renki",
            atena_ids=[people[i % len(people)]],
            setai_id=None,
            items={"setainushi": True},
            copies=1,
            seikyusha="honnin",
            actor=actor,
            koin=True,
            kofu_basho="本庁窓口",
        )

    def point(n: int) -> dict[str, Any]:
        row: dict[str, Any] = {
            "n": n,
            "rss": rss_mib(),
            "anon": rss_mib("RssAnon"),
            "file": rss_mib("RssFile"),
            **malloc_mib(),
        }
        row["gc_objects"] = len(gc.get_objects())
        row["font_configs"] = _font_configs()
        if tracemalloc.is_tracing():
            row["traced"] = round(tracemalloc.get_traced_memory()[0] / 1024 / 1024, 1)
        return row

    def snapshot(n: int) -> None:
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        earlier = [k for k in snapshots if k < n]
        if earlier:
            base = max(earlier)
            for stat in snap.compare_to(snapshots[base], "lineno")[:8]:
                frame = stat.traceback[0]
                tm_top.append(
                    {
                        "from": base,
                        "to": n,
                        "where": f"{_short(frame.filename)}:{frame.lineno}",
                        "size_diff_kib": round(stat.size_diff / 1024, 1),
                        "count_diff": stat.count_diff,
                    }
                )
        snapshots[n] = snap

    def work() -> None:
        connection.set_tenant(town)
        try:
            while True:
                with lock:
                    if state["next"] >= total:
                        return
                    i = state["next"]
                    state["next"] += 1
                try:
                    issue(i)
                except Exception as exc:  # where it was raised, never a value
                    frames = traceback.extract_tb(exc.__traceback__)[-4:]
                    with lock:
                        errors.append(
                            f"{type(exc).__name__} at "
                            + " < ".join(f"{_short(f.filename)}:{f.lineno}" for f in frames)
                        )
                if collect:
                    gc.collect()
                if trim:
                    _libc.malloc_trim(0)
                with lock:
                    state["done"] += 1
                    n = state["done"]
                    if n % every == 0:
                        series.append(point(n))
                        print(f"[pdfmem] {spec['variant']} {series[-1]}", file=sys.stderr)
                    if tracemalloc.is_tracing() and n in TM_AT:
                        snapshot(n)
        finally:
            connections.close_all()

    # the first certificate loads fonts, templates and the seal: not part of the growth
    connection.set_tenant(town)
    issue(0)
    if "tm" in tokens:
        tracemalloc.start(1)
        snapshots[0] = tracemalloc.take_snapshot()
    series.append(point(0))
    t = time.perf_counter()
    workers = [threading.Thread(target=work, name=f"pdfmem-{k}") for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.perf_counter() - t
    end = point(total)
    gc.collect()
    after_gc = rss_mib()
    _libc.malloc_trim(0)
    after_trim = rss_mib()
    return {
        "variant": spec["variant"],
        "malloc_arena_max": os.environ.get("MALLOC_ARENA_MAX"),
        "certificates": total,
        "threads": threads,
        "seconds": round(seconds, 1),
        "per_second": round(total / seconds, 2) if seconds else None,
        "errors": errors,
        "series": series,
        "end": end,
        "rss_after_gc": after_gc,
        "rss_after_gc_trim": after_trim,
        "tracemalloc_top": tm_top,
    }


def _short(filename: str) -> str:
    for marker in ("site-packages/", str(REPO) + "/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# --- the parent -----------------------------------------------------------------------


def _prepare(args: Any) -> dict[str, Any]:
    from bench.soak import _samples, towns_prepare
    from tenants.db import connection
    from tenants.models import Municipality
    from tenants.params.services import law_parameters_load

    consortium, _ = platform_prepare()
    law_parameters_load()
    targets = towns_prepare(
        consortium,
        towns=2,
        population=args.population,
        staff_per_town=1,
        seed=args.seed,
        modules=kanagawa_common_modules(),
        subdomain_prefix="pdfmem",
    )
    connection.set_tenant(Municipality.objects.get(schema_name=targets[0].schema))
    people, _ = _samples(args.seed, 200)
    connection.set_schema_to_public()
    return {"schema": targets[0].schema, "people": [pk for pk, _ in people]}


def main(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m bench pdfmem", description=__doc__.splitlines()[0])
    p.add_argument("--certificates", type=int, default=400)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--every", type=int, default=20, help="a measurement every N (20)")
    p.add_argument("--variants", default="percall,release", help="comma-separated (see doc)")
    p.add_argument("--population", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--database", default=DEFAULT_DATABASE)
    p.add_argument("--reuse", action="store_true", help="the database is there (from --keep)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--output", default="pdfmem", help="bench/out/<OUTPUT>.json")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(_child(json.loads(args.child)), ensure_ascii=False))
        return 0
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    for v in variants:
        if not set(v.split("+")) <= TOKENS or len(MODES & set(v.split("+"))) != 1:
            raise SystemExit(
                f"--variants: {v!r}: tokens are {sorted(TOKENS)}, with one of {sorted(MODES)}"
            )
    server = server_url()
    database_url = url_with_database(server, args.database)
    record: dict[str, Any] = {"benchmark": "pdfmem", "started_at": now_iso()}
    if not args.reuse:
        print(f"[pdfmem] recreating database {args.database} on {urlsplit(server).hostname}")
        database_recreate(server, args.database)
    django_setup(database_url)
    record["machine"] = machine_info()
    print_machine(record["machine"])
    try:
        if args.reuse:
            state_file = REPO / "bench" / "out" / f"{args.output}.setup.json"
            setup = json.loads(state_file.read_text())
        else:
            t = time.perf_counter()
            setup = _prepare(args)
            record["setup_seconds"] = round(time.perf_counter() - t, 1)
            write_json(f"{args.output}.setup", setup)
        from django.db import connections

        connections.close_all()
        results = []
        for variant in variants:
            env = dict(os.environ)
            env.pop("MALLOC_ARENA_MAX", None)
            if "arena2" in variant.split("+"):
                env["MALLOC_ARENA_MAX"] = "2"
            spec = {
                "variant": variant,
                "database_url": database_url,
                "schema": setup["schema"],
                "people": setup["people"],
                "certificates": args.certificates,
                "threads": args.threads,
                "every": args.every,
            }
            load = os.getloadavg()
            print(f"[pdfmem] {variant}: load average {load[0]:.2f}", flush=True)
            done = subprocess.run(
                [sys.executable, "-m", "bench", "pdfmem", "--child", json.dumps(spec)],
                cwd=REPO,
                env=env,
                check=True,
                stdout=subprocess.PIPE,  # the result; progress goes to stderr
                text=True,
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result["loadavg_start"] = [round(x, 2) for x in load]
            result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
            results.append(result)
            _print_one(result)
        record["results"] = results
        record["finished_at"] = now_iso()
    finally:
        if not args.keep and not args.reuse:
            database_drop(server, args.database)
    path = write_json(args.output, record)
    print(f"[pdfmem] wrote {path.relative_to(REPO)}")
    return 0


def _print_one(r: dict[str, Any]) -> None:
    rows = [
        [
            s["n"],
            s["rss"],
            s.get("anon", ""),
            s.get("file", ""),
            s["in_use"],
            s["free_kept"],
            s["gc_objects"],
            s["font_configs"],
            s.get("traced", ""),
        ]
        for s in r["series"]
    ]
    print_table(
        f"{r['variant']}: {r['certificates']} certificates, {r['threads']} threads, "
        f"{r['seconds']} s, errors {len(r['errors'])}",
        [
            "n",
            "RSS MiB",
            "anon",
            "file",
            "malloc in use",
            "malloc free kept",
            "gc objects",
            "FontConfig",
            "traced",
        ],
        rows,
    )
    print(
        f"after gc.collect(): {r['rss_after_gc']} MiB; "
        f"after malloc_trim(0): {r['rss_after_gc_trim']} MiB"
    )
    for t in r["tracemalloc_top"]:
        print(
            f"  tm {t['from']}→{t['to']}: {t['size_diff_kib']:>9} KiB "
            f"{t['count_diff']:>7}  {t['where']}"
        )
