"""What a module's 本算定 posted to the 収納 ledger, as a checksum the benchmarks print
beside their assessments' (kaigo_fuka, kokuho_fuka): equal before and after a change of
the posting code = the same 期別 and 調定 entries."""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from typing import Any

#: every 期別 and 調定 entry a run posted to the 収納 ledger for one 税目: the 期別 (key,
#: 納税義務者, 期, 納期限, the 納付番号's 税目・年度 head) and its entries (kind, amount, day,
#: author, the ref with the 賦課 id masked: ids differ between runs); ids and times left out
_LEDGER_SQL = """
    SELECT count(*), coalesce(sum(c.amount), 0), md5(coalesce(string_agg(md5(concat_ws('|',
        k.zeimoku, k.key, k.atena_id, k.hojin_bango, k.nendo, k.ki, k.ki_label, k.nouki,
        left(k.nofu_bango, 4), length(k.nofu_bango), c.kind, c.amount, c."on", c.reason,
        c.created_by, regexp_replace(c.ref, ':[0-9]+:', ':#:'))), ''
        ORDER BY k.key, regexp_replace(c.ref, ':[0-9]+:', ':#:'), c.amount), ''))
    FROM zeimu_kibetsu k LEFT JOIN zeimu_chotei c ON c.kibetsu_id = k.id
    WHERE k.zeimoku = %s
"""


def ledger_checksum(zeimoku: str, ref_check_sql: str) -> dict[str, Any]:
    """A checksum of what the 本算定 posted to the 収納 ledger for ``zeimoku``, and two
    checks the checksum cannot make (its ids are masked): every 納付番号 carries its 期別's
    id and a correct check digit, and ``ref_check_sql`` counts the entries whose ref names
    the current 賦課 of the 期別's 納税義務者."""
    from django.db import connection as dj

    from zeimu.services.shuno import nofu_bango_valid

    with dj.cursor() as cur:
        cur.execute(_LEDGER_SQL, [zeimoku])
        n, total, digest = cur.fetchone()
        cur.execute("SELECT id, nofu_bango FROM zeimu_kibetsu WHERE zeimoku = %s", [zeimoku])
        pairs = cur.fetchall()
        cur.execute(ref_check_sql)
        (refs_ok,) = cur.fetchone()
    bango_ok = sum(1 for pk, nb in pairs if nofu_bango_valid(nb) and int(nb[4:19]) == pk)
    return {
        "entries": int(n), "amount": int(total), "md5": digest,
        "kibetsu": len(pairs), "nofu_bango_ok": bango_ok, "refs_ok": int(refs_ok),
    }  # fmt: skip


def _backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def posting(items: int, rounds: int) -> list[dict[str, Any]]:
    """``chotei_post_many`` against the array path it replaced (zeimu/tests/
    shuno_reference.py), alternately, on the kept town: ``items`` new 期別 of real 宛名
    posted in one call (as a chunk does), then the same call again (a re-run chunk:
    nothing new), in a transaction rolled back each time. CPU seconds of this process
    and of its database backend (read from /proc: the server runs on this machine)."""
    from django.db import connection as dj
    from django.db import transaction

    from tenants.accesslog.services import Actor
    from zeimu.services.shuno import ChoteiItem, chotei_post_many
    from zeimu.tests.shuno_reference import chotei_post_many_arrays

    actor = Actor(user_id=None, username="bench")
    with dj.cursor() as cur:
        cur.execute("SELECT id FROM juminkiroku_atena ORDER BY id LIMIT %s", [items])
        atenas = [a for (a,) in cur.fetchall()]
        cur.execute("SELECT pg_backend_pid()")
        (pid,) = cur.fetchone()
    batch = [
        ChoteiItem(
            zeimoku="kaigo", key=f"bench:{a}:{n}", atena_id=a, nendo=2025, ki=n,
            ki_label=f"第{n}期", nouki=date(2025, 3 + n, 28), amount=1_000 * n + a % 997,
            ref=f"bench:{a}:{n}", on=date(2025, 6, 1),
        )
        for a in atenas for n in range(1, 10)
    ][:items]  # fmt: skip
    out: list[dict[str, Any]] = []
    for r in range(rounds):
        for name, fn in (("arrays (before)", chotei_post_many_arrays), ("COPY", chotei_post_many)):
            with transaction.atomic():
                c0, s0 = time.process_time(), _backend_cpu(pid)
                fn(batch, actor=actor)
                c1, s1 = time.process_time(), _backend_cpu(pid)
                again = fn(batch, actor=actor)
                c2, s2 = time.process_time(), _backend_cpu(pid)
                assert not any(p.written for p in again)
                transaction.set_rollback(True)
            out.append({
                "round": r, "path": name, "items": len(batch),
                "post_py": c1 - c0, "post_pg": s1 - s0, "again_py": c2 - c1, "again_pg": s2 - s1,
            })  # fmt: skip
    return out


def main(argv: list[str]) -> int:
    import argparse

    from bench.common import BENCH_DB, django_setup, server_url, url_with_database

    parser = argparse.ArgumentParser(prog="python -m bench.ledger")
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    django_setup(url_with_database(server_url(), BENCH_DB))
    from tenants.db import connection
    from tenants.models import Municipality

    connection.set_tenant(Municipality.objects.exclude(schema_name="public").get())
    rows = posting(args.items, args.rounds)
    print(f"chotei_post_many, {args.items:,} new 期別 in one call, then the same call again; "
          f"CPU s; load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'round':>5}  {'path':16}  {'post py':>8}  {'post pg':>8}  {'again py':>8}  "
          f"{'again pg':>8}")  # fmt: skip
    for r in rows:
        print(f"{r['round']:>5}  {r['path']:16}  {r['post_py']:>8.3f}  {r['post_pg']:>8.3f}  "
              f"{r['again_py']:>8.3f}  {r['again_pg']:>8.3f}")  # fmt: skip
    for name in ("arrays (before)", "COPY"):
        best = min(
            (r for r in rows if r["path"] == name), key=lambda r: r["post_py"] + r["post_pg"]
        )
        per = (best["post_py"] + best["post_pg"]) / best["items"] * 1e6
        print(f"{name}: best post {best['post_py']:.3f} + {best['post_pg']:.3f} s "
              f"({per:.1f} µs an item)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
