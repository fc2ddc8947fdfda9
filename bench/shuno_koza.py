"""口座振替結果ファイルの取込: a 100,000-line 全銀協 result file with one bad line into the 収納
ledger of one town (issue 18 acceptance: ≤ 10 s; re-import changes nothing).

Setup (not timed): a synthetic town of ``--population`` residents, four 期別 of 個人住民税 for
as many of them as the file needs, each with its 調定, written with bulk inserts. Then the
file is built (99.5% 振替済, 0.5% 振替不能, one line with a broken amount) and imported by
``zeimu.services.shuno_files.koza_kekka_import`` as the screen does; then imported again
(refused by its hash). Figures: seconds, lines/s, peak RSS.
"""

from __future__ import annotations

import resource
import time
from datetime import date
from typing import Any

from bench.common import base_parser, kanagawa_common_modules, print_table, run
from bench.provision import provision_many

TARGET_SECONDS = 10.0


def _rec(text: str) -> bytes:
    return text.encode("cp932").ljust(120, b" ")


def build_file(numbers: list[str], *, bad_line: int) -> bytes:
    recs = [
        _rec("1910" + "0000012345" + "ﾍﾞﾝﾁﾏｰｸ".ljust(40) + "0627" + "0138" + "ﾖｺﾊﾏ".ljust(15)
             + "001" + "ﾎﾝﾃﾝ".ljust(15) + "1" + "1234567")
    ]  # fmt: skip
    total = 0
    for i, no in enumerate(numbers, start=2):
        yen = 10_000 + (i % 97) * 100
        amount = "00000x0000" if i == bad_line else f"{yen:010d}"
        kekka = "1" if i % 200 == 0 else "0"
        total += yen
        recs.append(
            _rec("2" + "0138" + "ﾖｺﾊﾏ".ljust(15) + "001" + "ﾎﾝﾃﾝ".ljust(15) + "0000" + "1"
                 + "7654321" + "ﾔﾏﾀﾞ ﾀﾛｳ".ljust(30) + amount + "0" + no + kekka)
        )  # fmt: skip
    recs.append(_rec("8" + f"{len(numbers):06d}" + f"{total:012d}" + "0" * 36))
    recs.append(_rec("9"))
    return b"\r\n".join(recs) + b"\r\n"


def body(consortium: Any, record: dict[str, Any], *, lines: int, population: int) -> dict[str, Any]:
    from juminkiroku.synth.load import residents_load
    from tenants.accesslog.services import Actor
    from tenants.db import connection
    from tenants.models import Municipality
    from tenants.params.services import law_parameters_load
    from zeimu.models import Chotei, ChoteiKind, Kibetsu, Nofu, Zeimoku
    from zeimu.services.shuno import ZEIMOKU_NO, luhn_digit
    from zeimu.services.shuno_files import FileRefused, koza_kekka_import

    law_parameters_load()
    record["params"] = {"lines": lines, "population": population}
    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    municipality = Municipality.objects.get(schema_name=town["schema"])
    connection.set_tenant(municipality)
    print(f"[shuno_koza] loading {population:,} residents …")
    residents_load(population=population, seed=1, on=date(2025, 4, 1))
    from juminkiroku.models import Atena

    ids = list(Atena.objects.order_by("pk").values_list("pk", flat=True)[: (lines + 3) // 4])
    print(f"[shuno_koza] {lines:,} 期別 with their 調定 …")
    t = time.perf_counter()
    kibs = []
    for n in range(lines):
        head = f"{ZEIMOKU_NO[Zeimoku.JUMINZEI]}25{n + 1:015d}"
        kibs.append(
            Kibetsu(
                pk=n + 1, atena_id=ids[n // 4], zeimoku=Zeimoku.JUMINZEI, nendo=2025,
                ki=n % 4 + 1, ki_label=f"第{n % 4 + 1}期", nouki=date(2025, 6, 30),
                nofu_bango=head + luhn_digit(head), key=f"bench:{n}",
            )
        )  # fmt: skip
    Kibetsu.objects.bulk_create(kibs, batch_size=10_000)
    Chotei.objects.bulk_create(
        [
            Chotei(kibetsu_id=k.pk, kind=ChoteiKind.TOSHO, amount=20_000, on=date(2025, 6, 1),
                   ref=f"bench:{k.pk}", created_by="bench")
            for k in kibs
        ],
        batch_size=10_000,
    )  # fmt: skip
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    setup_seconds = time.perf_counter() - t
    data = build_file([k.nofu_bango for k in kibs], bad_line=lines // 2)
    actor = Actor(user_id=None, username="bench")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    result = koza_kekka_import(data=data, name="bench.txt", actor=actor, today=date(2025, 7, 3))
    seconds = time.perf_counter() - t
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    try:
        koza_kekka_import(data=data, name="again.txt", actor=actor, today=date(2025, 7, 3))
        again = "written (WRONG)"
    except FileRefused:
        again = "refused"
    again_seconds = time.perf_counter() - t
    rows_after = Nofu.objects.count()
    connection.set_schema_to_public()
    record["setup"] = {"kibetsu_and_chotei": round(setup_seconds, 2), "file_bytes": len(data)}
    record["results"] = {
        "seconds": round(seconds, 2),
        "lines_per_second": round(result.lines / seconds),
        "matched": result.matched,
        "funo": result.funo,
        "yokakunin": result.yokakunin,
        "errors": [e.as_json() for e in result.errors],
        "reimport": again,
        "reimport_seconds": round(again_seconds, 2),
        "nofu_rows_after_reimport": rows_after,
        "peak_rss_mib_before": round(rss0 / 1024, 1),
        "peak_rss_mib_after": round(rss1 / 1024, 1),
        "target_met": seconds <= TARGET_SECONDS,
    }
    r = record["results"]
    first_bad = result.errors[0].line if result.errors else "-"
    print_table(
        f"口座振替結果 {result.lines:,} lines (one bad) into the 収納 ledger",
        ["seconds", "lines/s", "matched", "振替不能", "errors", "re-import", "peak RSS MiB"],
        [[f"{seconds:.2f}", f"{r['lines_per_second']:,}", f"{result.matched:,}",
          f"{result.funo:,}", f"{len(result.errors)} (line {first_bad})",
          again, f"{r['peak_rss_mib_after']}"]],
    )  # fmt: skip
    print(f"[shuno_koza] {seconds:.1f} s (target ≤ {TARGET_SECONDS:.0f} s: "
          f"{'met' if seconds <= TARGET_SECONDS else 'NOT met'})")  # fmt: skip
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("shuno_koza", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--lines", type=int, default=100_000, help="default 100,000")
    parser.add_argument("--population", type=int, default=30_000, help="default 30,000")
    args = parser.parse_args(argv)
    return run(
        "shuno_koza",
        lambda consortium, record: body(
            consortium, record, lines=args.lines, population=args.population
        ),
        keep=args.keep,
    )
