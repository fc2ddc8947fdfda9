"""納税通知書 mass print benchmark: synthetic 普通徴収 notices rendered in chunks of 1,000 a
PDF through the job's own path (``zeimu.forms.notices.futsu_notice`` + ``futsu_render``,
Typst), with 1 and with 2 worker processes, against Typst alone in the same run.

``--module kokuho`` / ``--module kaigo``: the same for the 国保税 納税通知書 and the
介護保険料 決定通知書 (with the 納入通知書 page for 普通徴収), built by the modules' own
``notice_of`` from synthetic unsaved 賦課 (bench/notices_insurance.py) and rendered by their
``notices_render`` on the platform kit's static form; pages are counted in each PDF.

Target (issue 23): ≥ 1,000 pages/s with 2 processes, and the real path ≥ 80 % of the
Typst-alone throughput measured in the same run with as many processes.

The notices are built from in-memory ``Fuka``/``Atena`` objects (varied names, addresses,
amounts, 期別 from ``zeimu.rules.kibetsu`` with the national parameters), so the figure is
the rendering path alone: the job adds one indexed read of ≤1,000 rows a chunk. Each chunk
is built, rendered and its PDF written to a scratch directory, as a job chunk writes its
file. Each worker renders one small warm-up document first (font index, ≈0.1 s), as a
long-lived Celery worker has done before its first chunk.

**Typst alone** is the compile of an already-built payload (the JSON string the template
reads) on the warm compiler (``tenants.printing.engine.compile_payload``), in a pool of
its own just before the real path's (as many processes, fresh caches, warmed up the same
way), chunks of the same size: the payloads are built before the clock starts (of other
synthetic people) and the PDFs are not written.

**Checksum**: every written PDF is read back with ``pdftotext -layout`` after the timing
(the words of a page by their place on it, whatever the order of the content stream: the
static form draws the fixed parts first, so ``-raw`` reads them in another order); the
SHA-256 over the text of every page of every chunk, in order, is printed. It must not
change when the print path does.

**Before** (``--before-template PATH``, e.g. the template of an older commit written out
with ``git show``): the same chunks of the same people are rendered again with that
template (no static form), in a pool of as many processes, timed and read back the same
way, so the run prints the old and the new checksum and CPU a page side by side.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import shutil
import subprocess
import tempfile
import time
from datetime import date
from typing import Any

from bench.common import base_parser, print_table, run

#: the modules' notices this benchmark prints (``--module``)
MODULES = ("zeimu", "kokuho", "kaigo")
TITLES = {
    "zeimu": "納税通知書（普通徴収）",
    "kokuho": "国民健康保険税納税通知書",
    "kaigo": "介護保険料額決定通知書（普通徴収は納入通知書とも）",
}

TARGET_PAGES_PER_SECOND = 1000.0
TARGET_RATIO = 0.8
#: the Typst-alone chunks are other synthetic people than the real path's
ALONE_SEED = 7919
FISCAL_YEAR = 2025
TSUCHI_DATE = date(2025, 6, 10)

SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "髙橋",
    "𠮷田",
    "齋藤",
    "渡邊",
]
GIVEN = [
    "太郎",
    "花子",
    "一郎",
    "美咲",
    "健太",
    "陽子",
    "翔",
    "結衣",
    "大輔",
    "由美",
    "蓮",
    "葵",
    "浩二",
    "恵子",
    "さくら",
]
AREAS = [
    ("2400111", "神奈川県三浦郡葉山町一色"),
    ("2400112", "神奈川県三浦郡葉山町堀内"),
    ("2400113", "神奈川県三浦郡葉山町長柄"),
    ("2400114", "神奈川県三浦郡葉山町木古庭"),
    ("2400115", "神奈川県三浦郡葉山町上山口"),
    ("2400116", "神奈川県三浦郡葉山町下山口"),
]


def synthetic_fuka(i: int, rng: random.Random, lookup: Any) -> Any:
    """One current assessment with 普通徴収 (some also with 給与特別徴収), unsaved."""
    from juminkiroku.public import AddressBlock
    from zeimu.models import Fuka
    from zeimu.rules.kibetsu import futsu_choshu

    postal_code, town = rng.choice(AREAS)
    # the address block as the print job's query brings it (juminkiroku.public)
    address = AddressBlock(
        atena_id=i,
        atena_no=f"{i:010d}",
        shimei=f"{rng.choice(SURNAMES)}　{rng.choice(GIVEN)}",
        postal_code=postal_code,
        jusho=f"{town}{rng.randint(1, 3000)}番地{rng.randint(1, 30)}",
        katagaki=f"コーポ葉山{rng.randint(101, 420)}号室" if rng.random() < 0.3 else "",
    )
    shotoku = rng.randint(500, 60_000) * 100
    shichoson = shotoku * 6 // 100 // 100 * 100
    dofuken = shotoku * 4 // 100 // 100 * 100
    gokei = shichoson + dofuken + 3_000 + 1_000 + 1_000
    kyuyo = gokei // 2 // 100 * 100 if rng.random() < 0.2 else 0
    futsu = gokei - kyuyo
    kibetsu = {
        "futsu": [
            {"label": k.label, "amount": k.amount, "due": k.due.isoformat()}
            for k in futsu_choshu(futsu, FISCAL_YEAR, lookup)
        ]
    }
    fuka = Fuka(
        id=i,
        atena_id=i,
        fiscal_year=FISCAL_YEAR,
        status="kazei",
        gokei_shotoku=shotoku + 930_000,
        kazei_shotoku=shotoku,
        shotokuwari_shichoson=shichoson,
        shotokuwari_dofuken=dofuken,
        kintowari_shichoson=3_000,
        kintowari_dofuken=1_000,
        shinrin_kankyozei=1_000,
        gokei_zeigaku=gokei,
        futsu_choshu_gaku=futsu,
        kyuyo_tokucho_gaku=kyuyo,
        kibetsu=kibetsu,
        detail={
            "result": {
                "kojo": {"shakai_hokenryo": 500_000, "kiso": 430_000, "gokei": 930_000},
                "chosei_kojo_shichoson": 1_500,
                "chosei_kojo_dofuken": 1_000,
            }
        },
    )
    fuka.address_block = address  # type: ignore[attr-defined]
    return fuka


# --- workers ------------------------------------------------------------------------

_state: dict[str, Any] = {}


def _cpu() -> float:
    """CPU seconds of this process, Typst's threads included."""
    t = os.times()
    return t.user + t.system


def _worker_init(module: str = "zeimu") -> None:
    import django

    django.setup()
    _state["module"] = module
    from bench.engine import yaml_lookup
    from zeimu.forms.notices import Issuer

    _state["lookup"] = yaml_lookup()
    _state["issuer"] = Issuer(name="葉山町", prefecture="神奈川県")
    _render_chunk((0, 3, 0, ""))  # warm-up: fonts indexed, template parsed


def _notices(first: int, count: int, seed: int) -> list[Any]:
    from zeimu.forms.notices import futsu_notice

    if _state["module"] != "zeimu":
        from bench import notices_insurance as ins

        build = ins.kokuho_notices if _state["module"] == "kokuho" else ins.kaigo_notices
        return build(first, count, seed)

    rng = random.Random(seed * 1_000_003 + first)
    return [
        futsu_notice(synthetic_fuka(first + i + 1, rng, _state["lookup"])) for i in range(count)
    ]


def _render_chunk(args: tuple[int, int, int, str]) -> dict[str, Any]:
    """Build and render notices [first, first + count) as one PDF and write it, like one
    job chunk."""
    from zeimu.forms.notices import futsu_render

    first, count, seed, out_dir = args
    cpu0 = _cpu()
    started = time.perf_counter()
    notices = _notices(first, count, seed)
    built = time.perf_counter()
    if _state["module"] == "zeimu":
        pdf = futsu_render(
            notices, issuer=_state["issuer"], fiscal_year=FISCAL_YEAR, tsuchi_date=TSUCHI_DATE
        )
    else:
        from bench import notices_insurance as ins

        render = ins.kokuho_render if _state["module"] == "kokuho" else ins.kaigo_render
        pdf = render(notices)
    rendered = time.perf_counter()
    path = ""
    if out_dir:
        path = os.path.join(out_dir, f"chunk_{first:09d}.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
    done = time.perf_counter()
    cpu = _cpu() - cpu0
    return {
        "pages": _pages(pdf, count),
        "notices": count,
        "bytes": len(pdf),
        "build_s": built - started,
        "render_s": rendered - built,
        "write_s": done - rendered,
        "cpu_s": cpu,
        "path": path,
    }


def _pages(pdf: bytes, notices: int) -> int:
    """Pages of a chunk's PDF (after the clock): one a notice for 住民税; counted in the PDF
    for the others (a 介護 普通徴収 notice has two, a big 国保 household may have two)."""
    if _state["module"] == "zeimu":
        return notices
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _module_common() -> tuple[str, dict[str, Any]]:
    """(template, common) of the module's notices, as its render passes them."""
    from zeimu.forms.notices import FUTSU_TEMPLATE, futsu_common

    if _state["module"] == "zeimu":
        common = futsu_common(
            issuer=_state["issuer"], fiscal_year=FISCAL_YEAR, tsuchi_date=TSUCHI_DATE
        )
        return FUTSU_TEMPLATE, common
    from bench import notices_insurance as ins

    return ins.kokuho_common() if _state["module"] == "kokuho" else ins.kaigo_common()


def _payload_chunk(args: tuple[int, int, int, str]) -> str:
    """The payload of a chunk, built before the Typst-alone clock starts."""
    from tenants.printing.engine import payload

    first, count, seed, _out = args
    _template, common = _module_common()
    return payload(common, [n.item for n in _notices(first, count, seed)])


def _typst_chunk(args: tuple[int, str]) -> dict[str, Any]:
    """Typst alone: compile an already-built payload on the warm compiler."""
    from tenants.printing.engine import compile_payload, static_form_of

    count, data = args
    # the static form as the module's render places it (drawn once a worker, before the clock)
    template, common = _module_common()
    form = static_form_of(template, common)
    cpu0 = _cpu()
    started = time.perf_counter()
    pdf = compile_payload(template, data, form=form)
    wall, cpu = time.perf_counter() - started, _cpu() - cpu0
    pages = _pages(pdf, count)
    return {"pages": pages, "notices": count, "bytes": len(pdf), "render_s": wall, "cpu_s": cpu}


def _before_chunk(args: tuple[int, int, int, str, str]) -> dict[str, Any]:
    """The chunk rendered with an older template file (``--before-template``), no form."""
    import typst

    from tenants.printing.engine import PACKAGE_PATH, _fonts, cache_trim, payload

    first, count, seed, out_dir, template = args
    compiler = _state.get("before")
    if compiler is None:
        compiler = _state["before"] = typst.Compiler(
            input=template,
            root=os.path.dirname(template),
            font_paths=_fonts(),
            ignore_system_fonts=True,
            package_path=str(PACKAGE_PATH),
        )
    cpu0 = _cpu()
    started = time.perf_counter()
    _template, common = _module_common()
    data = payload(common, [n.item for n in _notices(first, count, seed)])
    pdf = compiler.compile(format="pdf", sys_inputs={"data": data})
    assert isinstance(pdf, bytes)
    cache_trim()
    rendered = time.perf_counter()
    path = ""
    if out_dir:
        path = os.path.join(out_dir, f"before_{first:09d}.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
    cpu = _cpu() - cpu0
    return {
        "pages": _pages(pdf, count),
        "notices": count,
        "bytes": len(pdf),
        "render_s": rendered - started,
        "cpu_s": cpu,
        "path": path,
    }


def _pdf_text(path: str) -> bytes:
    """The text of a PDF by the place of its words (``pdftotext -layout``, UTF-8), pages
    split by form feeds."""
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", path, "-"], capture_output=True, check=True
    ).stdout


def text_checksum(paths: list[str], pages_each: list[int]) -> tuple[str, int]:
    """SHA-256 over the text of every page of ``paths`` in order, and the page count;
    each PDF must have the pages expected (one a notice)."""
    from concurrent.futures import ThreadPoolExecutor

    digest = hashlib.sha256()
    total = 0
    with ThreadPoolExecutor(2) as pool:
        for path, expected, text in zip(paths, pages_each, pool.map(_pdf_text, paths), strict=True):
            pages = text.split(b"\f")
            if pages and not pages[-1].strip():
                pages = pages[:-1]
            assert len(pages) == expected, f"{path}: {len(pages)} pages, expected {expected}"
            total += len(pages)
            for page in pages:
                digest.update(page)
                digest.update(b"\f")
    return digest.hexdigest(), total


def _summary(results: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    pages = sum(r["pages"] for r in results)
    cpu = sum(r["cpu_s"] for r in results)
    return {
        "pages": pages,
        "wall_s": round(wall, 2),
        "pages_per_s": round(pages / wall, 1),
        "cpu_s_total": round(cpu, 2),
        "cpu_ms_per_page": round(1000 * cpu / pages, 3),
        # a notice has more than one page in some modules: the CPU a notice compares
        # templates that break pages differently
        "notices": sum(r["notices"] for r in results),
        "cpu_ms_per_notice": round(1000 * cpu / sum(r["notices"] for r in results), 3),
        "render_s_total": round(sum(r["render_s"] for r in results), 2),
        "mb_per_chunk": round(sum(r["bytes"] for r in results) / len(results) / 1e6, 2),
    }


def measure(
    processes: int,
    notices: int,
    chunk: int,
    seed: int,
    out_dir: str,
    before_template: str = "",
    module: str = "zeimu",
) -> dict[str, Any]:
    tasks = [
        (start, min(chunk, notices - start), seed, out_dir) for start in range(0, notices, chunk)
    ]
    ctx = multiprocessing.get_context("spawn")  # no Typst state inherited across fork
    load_before = os.getloadavg()[0]
    # Typst alone first, in workers of its own (fresh caches, as the real path's): chunks
    # of the same sizes, their payloads built before the clock starts, of other synthetic
    # people (another seed)
    alone_tasks = [(first, count, seed + ALONE_SEED, "") for first, count, _s, _o in tasks]
    with ctx.Pool(processes, initializer=_worker_init, initargs=(module,)) as pool:
        pool.map(_render_chunk, [(0, 3, seed, "")] * processes)  # every worker up and warm
        payloads = pool.map(_payload_chunk, alone_tasks, chunksize=1)
        t0 = time.perf_counter()
        alone = pool.map(
            _typst_chunk, [(t[1], p) for t, p in zip(tasks, payloads, strict=True)], chunksize=1
        )
        alone_wall = time.perf_counter() - t0
    del payloads
    # the real path: build, render, write, as a job chunk
    with ctx.Pool(processes, initializer=_worker_init, initargs=(module,)) as pool:
        pool.map(_render_chunk, [(0, 3, seed, "")] * processes)  # every worker up and warm
        t0 = time.perf_counter()
        results = pool.map(_render_chunk, tasks, chunksize=1)
        real_wall = time.perf_counter() - t0
    before: dict[str, Any] | None = None
    if before_template:
        with ctx.Pool(processes, initializer=_worker_init, initargs=(module,)) as pool:
            pool.map(_render_chunk, [(0, 3, seed, "")] * processes)  # every worker up and warm
            t0 = time.perf_counter()
            old = pool.map(_before_chunk, [(*t, before_template) for t in tasks], chunksize=1)
            before = _summary(old, time.perf_counter() - t0)
        if out_dir:
            before["text_sha256"], _n = text_checksum(
                [r["path"] for r in old], [r["pages"] for r in old]
            )
            for r in old:
                os.remove(r["path"])
    real = _summary(results, real_wall)
    real["build_s_total"] = round(sum(r["build_s"] for r in results), 2)
    real["write_s_total"] = round(sum(r["write_s"] for r in results), 2)
    typst_alone = _summary(alone, alone_wall)
    checksum, counted = ("", 0)
    if out_dir:
        checksum, counted = text_checksum(
            [r["path"] for r in results], [r["pages"] for r in results]
        )
        for r in results:
            os.remove(r["path"])
    return {
        "module": module,
        "processes": processes,
        "notices": notices,
        "chunks": len(tasks),
        "real": real,
        "typst_alone": typst_alone,
        "ratio": round(real["pages_per_s"] / typst_alone["pages_per_s"], 3),
        "before": before,
        "text_sha256": checksum,
        "pages_checked": counted,
        "loadavg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def body(
    _consortium: Any,
    record: dict[str, Any],
    *,
    notices: int,
    chunk: int,
    processes: list[int],
    seed: int,
    before_template: str = "",
    module: str = "zeimu",
) -> dict[str, Any]:
    import typst

    record["parameters"] = {
        "notices": notices,
        "chunk": chunk,
        "processes": processes,
        "before_template": before_template,
        "module": module,
    }
    record["typst"] = typst.__version__ if hasattr(typst, "__version__") else None
    rows = []
    record["runs"] = []
    out_dir = tempfile.mkdtemp(prefix="bench_notices_")
    try:
        for n in processes:
            print(
                f"[notices] {module}: {notices:,} notices, {chunk:,} a PDF, {n} process(es) …",
                flush=True,
            )
            result = measure(n, notices, chunk, seed, out_dir, before_template, module)
            record["runs"].append(result)
            real, alone = result["real"], result["typst_alone"]
            rows.append(
                [
                    n,
                    f"{real['pages']:,}",
                    result["chunks"],
                    f"{real['wall_s']:.1f}",
                    f"{real['pages_per_s']:.0f}",
                    f"{real['cpu_ms_per_page']:.2f}",
                    f"{real['cpu_ms_per_notice']:.2f}",
                    f"{alone['pages_per_s']:.0f}",
                    f"{alone['cpu_ms_per_page']:.2f}",
                    f"{result['ratio']:.0%}",
                    f"{real['build_s_total']:.1f}",
                    real["mb_per_chunk"],
                    f"{result['loadavg'][0]}–{result['loadavg'][1]}",
                ]
            )
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    print_table(
        f"{TITLES[module]}, Typst: target {TARGET_PAGES_PER_SECOND:.0f} pages/s with 2 "
        f"processes and ≥ {TARGET_RATIO:.0%} of Typst alone",
        [
            "processes",
            "pages",
            "PDFs",
            "wall s",
            "pages/s",
            "CPU ms/page (= CPU s/1,000 pages)",
            "CPU ms/notice",
            "Typst alone pages/s",
            "Typst alone CPU ms/page",
            "ratio",
            "build s (sum)",
            "MB/PDF",
            "load",
        ],
        rows,
    )
    sums = {r["text_sha256"] for r in record["runs"]}
    record["text_sha256"] = sums.pop() if len(sums) == 1 else sorted(sums)
    print(f"\ntext of every notice (pdftotext -layout), SHA-256: {record['text_sha256']}")
    for r in record["runs"]:
        if r["before"]:
            b = r["before"]
            print(
                f"before ({before_template}), {r['processes']} process(es): "
                f"{b['pages_per_s']:.0f} pages/s, {b['cpu_ms_per_page']:.2f} CPU ms/page, "
                f"{b['mb_per_chunk']} MB/PDF, {b['pages']:,} pages, "
                f"{b['cpu_ms_per_notice']:.2f} CPU ms/notice (now "
                f"{r['real']['cpu_ms_per_notice']:.2f}), text SHA-256 {b.get('text_sha256', '')}"
            )
    print(f"load average at the end: {[round(x, 2) for x in os.getloadavg()]}")
    two = next((r for r in record["runs"] if r["processes"] == 2), None)
    if two is not None:
        met = two["real"]["pages_per_s"] >= TARGET_PAGES_PER_SECOND and two["ratio"] >= TARGET_RATIO
        record["target_met"] = met
        print(
            f"target {'met' if met else 'NOT met'}: {two['real']['pages_per_s']:.0f} pages/s "
            f"with 2 processes, {two['ratio']:.0%} of Typst alone "
            f"({two['typst_alone']['pages_per_s']:.0f} pages/s)"
        )
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("notices", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--notices", type=int, default=20_000, help="default 20,000")
    parser.add_argument("--chunk", type=int, default=1_000, help="notices a PDF (default 1,000)")
    parser.add_argument("--processes", default="1,2", help="comma-separated (default 1,2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--before-template",
        default="",
        help="an older template of the module's notice: the same chunks rendered with it too "
        "(module doc)",
    )
    parser.add_argument(
        "--module", choices=MODULES, default="zeimu", help="whose notices (default zeimu)"
    )
    args = parser.parse_args(argv)
    processes = [int(p) for p in args.processes.split(",") if p.strip()]
    return run(
        "notices",
        lambda consortium, record: body(
            consortium,
            record,
            notices=args.notices,
            chunk=args.chunk,
            processes=processes,
            seed=args.seed,
            before_template=os.path.abspath(args.before_template) if args.before_template else "",
            module=args.module,
        ),
        keep=args.keep,
    )
