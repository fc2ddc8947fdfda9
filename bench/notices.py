"""納税通知書 mass print benchmark: synthetic 普通徴収 notices rendered in chunks of 1,000 a
PDF through the job's own path (``zeimu.forms.notices.futsu_notice`` + ``futsu_render``,
Typst), with 1 and with 2 worker processes.

Target (issue 6): ≥ 300 pages/s with 2 processes on the 2-core machine.

The notices are built from in-memory ``Fuka``/``Atena`` objects (varied names, addresses,
amounts, 期別 from ``zeimu.rules.kibetsu`` with the national parameters), so the figure is
the rendering path alone: the job adds one indexed read of ≤1,000 rows a chunk and the file
write. Each worker renders one small warm-up document first (font index, ≈0.1 s), as a
long-lived Celery worker has done before its first chunk.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import random
import time
from datetime import date
from typing import Any

from bench.common import base_parser, print_table, run

TARGET_PAGES_PER_SECOND = 300.0
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


def _worker_init() -> None:
    import django

    django.setup()
    from bench.engine import yaml_lookup
    from zeimu.forms.notices import Issuer

    _state["lookup"] = yaml_lookup()
    _state["issuer"] = Issuer(name="葉山町", prefecture="神奈川県")
    _render_chunk((0, 3, 0))  # warm-up: fonts indexed, template parsed


def _render_chunk(args: tuple[int, int, int]) -> dict[str, Any]:
    """Build and render notices [first, first + count) as one PDF, like one job chunk."""
    from zeimu.forms.notices import futsu_notice, futsu_render

    first, count, seed = args
    rng = random.Random(seed * 1_000_003 + first)
    started = time.perf_counter()
    notices = [
        futsu_notice(synthetic_fuka(first + i + 1, rng, _state["lookup"])) for i in range(count)
    ]
    built = time.perf_counter()
    pdf = futsu_render(
        notices, issuer=_state["issuer"], fiscal_year=FISCAL_YEAR, tsuchi_date=TSUCHI_DATE
    )
    done = time.perf_counter()
    return {
        "pages": count,
        "bytes": len(pdf),
        "build_s": built - started,
        "render_s": done - built,
        "pdf": pdf if first == 0 and count > 3 else None,
    }


def _count_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(processes: int, notices: int, chunk: int, seed: int) -> dict[str, Any]:
    tasks = [(start, min(chunk, notices - start), seed) for start in range(0, notices, chunk)]
    ctx = multiprocessing.get_context("spawn")  # no Typst state inherited across fork
    with ctx.Pool(processes, initializer=_worker_init) as pool:
        pool.map(_render_chunk, [(0, 3, seed)] * processes)  # every worker is up and warm
        t0 = time.perf_counter()
        results = pool.map(_render_chunk, tasks, chunksize=1)
        wall = time.perf_counter() - t0
    pages = sum(r["pages"] for r in results)
    sample = next(r["pdf"] for r in results if r["pdf"] is not None)
    counted = _count_pages(sample)
    assert counted == tasks[0][1], f"first chunk has {counted} pages, expected {tasks[0][1]}"
    return {
        "processes": processes,
        "notices": notices,
        "chunks": len(tasks),
        "pages": pages,
        "wall_s": round(wall, 2),
        "pages_per_s": round(pages / wall, 1),
        "build_s_total": round(sum(r["build_s"] for r in results), 2),
        "render_s_total": round(sum(r["render_s"] for r in results), 2),
        "mb_per_chunk": round(sum(r["bytes"] for r in results) / len(results) / 1e6, 1),
        "first_chunk_pages_checked": counted,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def body(
    _consortium: Any,
    record: dict[str, Any],
    *,
    notices: int,
    chunk: int,
    processes: list[int],
    seed: int,
) -> dict[str, Any]:
    import typst

    record["parameters"] = {"notices": notices, "chunk": chunk, "processes": processes}
    record["typst"] = typst.__version__ if hasattr(typst, "__version__") else None
    rows = []
    record["runs"] = []
    for n in processes:
        print(f"[notices] {notices:,} notices, {chunk:,} a PDF, {n} process(es) …", flush=True)
        result = measure(n, notices, chunk, seed)
        record["runs"].append(result)
        rows.append(
            [
                n,
                f"{result['pages']:,}",
                result["chunks"],
                f"{result['wall_s']:.1f}",
                f"{result['pages_per_s']:.0f}",
                f"{result['render_s_total']:.1f}",
                f"{result['build_s_total']:.1f}",
                result["mb_per_chunk"],
                result["loadavg"][0],
            ]
        )
    print_table(
        f"納税通知書（普通徴収）, Typst: target {TARGET_PAGES_PER_SECOND:.0f} pages/s",
        [
            "processes",
            "pages",
            "PDFs",
            "wall s",
            "pages/s",
            "render s (sum)",
            "build s (sum)",
            "MB/PDF",
            "load",
        ],
        rows,
    )
    two = next((r for r in record["runs"] if r["processes"] == 2), None)
    if two is not None:
        met = two["pages_per_s"] >= TARGET_PAGES_PER_SECOND
        record["target_met"] = met
        print(f"\ntarget {'met' if met else 'NOT met'}: {two['pages_per_s']:.0f} pages/s")
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("notices", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--notices", type=int, default=20_000, help="default 20,000")
    parser.add_argument("--chunk", type=int, default=1_000, help="notices a PDF (default 1,000)")
    parser.add_argument("--processes", default="1,2", help="comma-separated (default 1,2)")
    parser.add_argument("--seed", type=int, default=1)
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
        ),
        keep=args.keep,
    )
