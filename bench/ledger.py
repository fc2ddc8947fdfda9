"""What a module's 本算定 posted to the 収納 ledger, as a checksum the benchmarks print
beside their assessments' (kaigo_fuka, kokuho_fuka): equal before and after a change of
the posting code = the same 期別 and 調定 entries."""

from __future__ import annotations

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
