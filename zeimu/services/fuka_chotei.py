"""個人住民税's 調定 into the 収納 ledger (issue 18 item 1).

Each current assessment's 普通徴収 期別 is posted under the key
``juminzei:<年度>:<宛名 id>:<期>`` with the ref ``fuka:<賦課 id>:<期>``: the 当初賦課 job's
chunk posts the rows it wrote (in its own transaction, so a re-run chunk writes the same
rows and the same refs, i.e. nothing new), a 更正 posts its new row — and a 0 for a 期 the
old assessment had and the new one has not (all moved to 特別徴収). 特別徴収 is not posted:
the employer or the pension insurer pays it, it is no 期別 of the taxpayer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tenants.accesslog.services import Actor
from tenants.jobs.bulk import raw_cursor
from zeimu.models import Chotei, Fuka, Zeimoku
from zeimu.services.shuno import ChoteiItem, Posted, chotei_post, chotei_post_many
from zeimu.services.shuno_tosho import ToshoRow, chotei_post_tosho


def _key(fiscal_year: int, atena_id: int, ki: int) -> str:
    return f"juminzei:{fiscal_year}:{atena_id}:{ki}"


def juminzei_chotei_items(
    rows: Iterable[tuple[int, int, int, dict[str, Any]]],
    *,
    on: date,
    previous: dict[int, dict[str, Any]] | None = None,
) -> list[ChoteiItem]:
    """The ledger items of assessments given as (id, 年度, 宛名 id, 期別 JSON); with
    ``previous`` (賦課 id → the 期別 JSON of the assessment it replaces), a 期 that is gone
    is stated as 0."""
    items: list[ChoteiItem] = []
    for fuka_id, fiscal_year, atena_id, kibetsu in rows:
        futsu = kibetsu.get("futsu") or []
        for n, k in enumerate(futsu, start=1):
            items.append(
                ChoteiItem(
                    zeimoku=Zeimoku.JUMINZEI,
                    key=_key(fiscal_year, atena_id, n),
                    atena_id=atena_id,
                    nendo=fiscal_year,
                    ki=n,
                    ki_label=str(k["label"])[:20],
                    nouki=date.fromisoformat(k["due"]),
                    amount=int(k["amount"]),
                    ref=f"fuka:{fuka_id}:{n}",
                    on=on,
                )
            )
        old = ((previous or {}).get(fuka_id) or {}).get("futsu") or []
        for n, k in enumerate(old, start=1):
            if n > len(futsu):
                items.append(
                    ChoteiItem(
                        zeimoku=Zeimoku.JUMINZEI,
                        key=_key(fiscal_year, atena_id, n),
                        atena_id=atena_id,
                        nendo=fiscal_year,
                        ki=n,
                        ki_label=str(k["label"])[:20],
                        nouki=date.fromisoformat(k["due"]),
                        amount=0,
                        ref=f"fuka:{fuka_id}:{n}",
                        on=on,
                    )
                )
    return items


def juminzei_chotei_post_job(
    *,
    job_id: int,
    fiscal_year: int,
    first_id: int | None,
    last_id: int | None,
    on: date,
    actor: Actor,
) -> int:
    """Post the 普通徴収 期別 of the current assessments a 当初賦課 job wrote for a 宛名 id
    range: one query gives each 期 as a flat row (the 期別 JSON taken apart by the server,
    not decoded whole in Python), then the ledger's 当初 post (``chotei_post_tosho``: the
    items ``juminzei_chotei_items`` would give, as plain tuples). Returns the entries
    written."""
    with raw_cursor() as cur:
        cur.execute(
            _JOB_KIBETSU_SQL,
            [job_id, fiscal_year, first_id, first_id, last_id, last_id],
        )
        rows: list[ToshoRow] = [
            (f"juminzei:{fy}:{atena_id}:{n}", atena_id, fy, n, label, due, amount,
             f"fuka:{fuka_id}:{n}")
            for fuka_id, fy, atena_id, n, label, due, amount in cur.fetchall()
        ]  # fmt: skip
    return chotei_post_tosho(zeimoku=Zeimoku.JUMINZEI, rows=rows, on=on, actor=actor)


# each 普通徴収 期 of the rows a 当初賦課 job wrote for a 宛名 id range (open ends: NULL),
# in 宛名 and 期 order (the 期別 is JSON text: parsed here, for these rows only); label,
# 納期限 and amount as ``juminzei_chotei_items`` reads them
_JOB_KIBETSU_SQL = """
SELECT f.id, f.fiscal_year, f.atena_id, e.n::int, left(e.k->>'label', 20),
       (e.k->>'due')::date, (e.k->>'amount')::bigint
  FROM zeimu_fuka f
 CROSS JOIN LATERAL (SELECT f.kibetsu::jsonb -> 'futsu' AS futsu) j
 CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(j.futsu) = 'array' THEN j.futsu ELSE '[]'::jsonb END
       ) WITH ORDINALITY AS e(k, n)
 WHERE f.job_id = %s AND f.fiscal_year = %s AND f.is_current AND f.futsu_choshu_gaku > 0
   AND (%s::bigint IS NULL OR f.atena_id >= %s) AND (%s::bigint IS NULL OR f.atena_id <= %s)
 ORDER BY f.atena_id, e.n
"""


def juminzei_chotei_post_kosei(
    *,
    new: Fuka,
    old: Fuka,
    on: date,
    actor: Actor,
    shotoku_kiin: bool = False,
    tsuchi_date: date | None = None,
) -> list[Posted]:
    """Post a 更正: the new assessment's 普通徴収 期別, 0 for a 期 that is gone.

    ``shotoku_kiin``: the 更正 is due to a 所得税 修正申告・更正 (``KoseiKiin.josan``), notified on
    ``tsuchi_date``: each change of a 期別 the ledger already holds is posted so marked, and
    its 除算期間 (地方税法第321条の2第3項・第4項) run to that day. A 期 the 更正 brings for the
    first time is its 当初 (no earlier 納期限 to count from) and is posted unmarked."""
    items = juminzei_chotei_items(
        [(new.pk, new.fiscal_year, new.atena_id, new.kibetsu)],
        on=on,
        previous={new.pk: old.kibetsu},
    )
    if not shotoku_kiin:
        return chotei_post_many(items, actor=actor)
    held = set(
        Chotei.objects.filter(
            kibetsu__zeimoku=Zeimoku.JUMINZEI, kibetsu__key__in=[it.key for it in items]
        ).values_list("kibetsu__key", flat=True)
    )
    out = []
    for it in items:
        p = chotei_post(
            zeimoku=it.zeimoku, key=it.key, atena_id=it.atena_id, nendo=it.nendo,
            ki=it.ki, ki_label=it.ki_label, nouki=it.nouki, amount=it.amount, ref=it.ref,
            on=it.on, actor=actor, reason=it.reason, shotoku_kiin=it.key in held,
            tsuchi_date=tsuchi_date if it.key in held else None,
        )  # fmt: skip
        out.append(p)
    return out
