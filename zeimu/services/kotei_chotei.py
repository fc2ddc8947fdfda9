"""固定資産税・都市計画税's 調定 into the 収納 ledger (issue 17 × issue 18 item 1).

Each current assessment's 期別 are posted through ``zeimu.public.chotei_post_tosho`` (the
当初 chunk) or ``chotei_post_many`` (更正, 減免) under the key
``koteizei:<年度>:<納税義務者 id>:<期>`` (the 納税義務者 is the debtor: one person or the
共有者 jointly, 地方税法第10条の2), on the 宛名 of its 代表者 — the one the notice is
addressed to — with the ref ``kotei:<賦課 id>:<期>``. The 当初 job's chunk posts the rows
it wrote in its own transaction, so a chunk run again posts the same refs (nothing new);
a 更正 posts the new row's 期別 (the ledger writes the difference as 増額・減額更正) and a
減免 posts them as 減免 entries. A 期 with nothing now and nothing before is not posted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from tenants.accesslog.services import Actor
from tenants.jobs.bulk import raw_cursor
from zeimu.models import KoteiFuka, Zeimoku
from zeimu.public import ChoteiItem, ChoteiPosted, ToshoRow, chotei_post_many, chotei_post_tosho

__all__ = ["kotei_chotei_items", "kotei_chotei_post_job", "kotei_chotei_post_kosei", "kotei_key"]

#: items per call of chotei_post_many (its statements carry arrays; ≈1,000 is one round)
BATCH = 2000


def kotei_key(fiscal_year: int, nozeisha_id: int, ki: int) -> str:
    return f"koteizei:{fiscal_year}:{nozeisha_id}:{ki}"


def kotei_chotei_items(
    rows: Iterable[tuple[int, int, int, int, list[dict[str, Any]]]],
    *,
    on: date,
    previous: dict[int, list[dict[str, Any]]] | None = None,
    genmen: bool = False,
    reason: str = "",
    kosei_nouki: date | None = None,
) -> list[ChoteiItem]:
    """Items of assessments given as (id, 年度, 納税義務者 id, 代表者 宛名 id, 期別 JSON);
    ``previous`` (賦課 id → the 期別 of the assessment it replaces) makes a 期 that went to
    0 or is gone stated as 0."""
    items: list[ChoteiItem] = []
    for fuka_id, fiscal_year, nozeisha_id, atena_id, kibetsu in rows:
        old = (previous or {}).get(fuka_id) or []
        for n in range(1, max(len(kibetsu), len(old)) + 1):
            k = kibetsu[n - 1] if n <= len(kibetsu) else None
            before = old[n - 1] if n <= len(old) else None
            amount = int(k["amount"]) if k else 0
            if amount == 0 and not (before and int(before["amount"])):
                continue
            shown = k or before
            assert shown is not None
            items.append(
                ChoteiItem(
                    zeimoku=Zeimoku.KOTEIZEI,
                    key=kotei_key(fiscal_year, nozeisha_id, n),
                    atena_id=atena_id,
                    nendo=fiscal_year,
                    ki=n,
                    ki_label=str(shown["label"])[:20],
                    nouki=date.fromisoformat(shown["due"]),
                    amount=amount,
                    ref=f"kotei:{fuka_id}:{n}",
                    on=on,
                    genmen=genmen,
                    reason=reason,
                    kosei_nouki=kosei_nouki,
                )
            )
    return items


def _post(items: Sequence[ChoteiItem], actor: Actor) -> list[ChoteiPosted]:
    out: list[ChoteiPosted] = []
    for i in range(0, len(items), BATCH):
        out += chotei_post_many(items[i : i + BATCH], actor=actor)
    return out


def kotei_chotei_post_job(
    *,
    job_id: int,
    fiscal_year: int,
    nozeisha_ids: Sequence[int],
    on: date,
    actor: Actor,
    kibetsu_of: dict[int, list[dict[str, Any]]],
) -> int:
    """Post the 期別 of the current assessments a 当初 job wrote for ``nozeisha_ids``:
    ``kibetsu_of`` (納税義務者 id → 期別) holds what the chunk has just computed and written
    in this transaction, so only the rows' ids and 代表者 are read (one query), then the
    ledger's 当初 post (``chotei_post_tosho``: plain tuples, the same items
    ``kotei_chotei_items`` would give without ``previous``). Returns the entries written."""
    rows: list[ToshoRow] = []
    add = rows.append
    with raw_cursor() as cur:
        cur.execute(_JOB_IDS_SQL, [fiscal_year, list(nozeisha_ids), job_id])
        for pk, fy, nozeisha_id, daihyo_id in cur.fetchall():
            head, ref = f"koteizei:{fy}:{nozeisha_id}:", f"kotei:{pk}:"
            for n, k in enumerate(kibetsu_of[nozeisha_id], start=1):
                amount = int(k["amount"])
                if amount:  # (a 期 with nothing now and nothing before is not posted)
                    add(
                        (f"{head}{n}", daihyo_id, fy, n, str(k["label"])[:20],
                         date.fromisoformat(k["due"]), amount, f"{ref}{n}")
                    )  # fmt: skip
    return chotei_post_tosho(zeimoku=Zeimoku.KOTEIZEI, rows=rows, on=on, actor=actor)


# the rows a 当初 job wrote for some 納税義務者 with a tax to collect, with the 代表者. The
# assessment is looked up per 納税義務者 (LIMIT 1: the one-current index holds one row), so
# the plan is an index probe each whatever the statistics say: planned on the counts of an
# earlier ANALYZE (a few hundred rows of the year while the job is writing 150,000), a
# plain join read every row of the year for each chunk (1.9 s a chunk at the end of a
# 150,000-taxpayer run, the run's cost growing with the square of its size)
_JOB_IDS_SQL = """
SELECT f.id, f.fiscal_year, n.id, n.daihyo_id
  FROM zeimu_koteinozeisha n
  JOIN LATERAL (
        SELECT f.id, f.fiscal_year, f.job_id, f.nengaku FROM zeimu_koteifuka f
         WHERE f.fiscal_year = %s AND f.nozeisha_id = n.id AND f.is_current LIMIT 1
       ) f ON true
 WHERE n.id = ANY(%s) AND f.job_id = %s AND f.nengaku > 0
"""


def kotei_chotei_post_kosei(
    *, new: KoteiFuka, old: KoteiFuka, daihyo_id: int, on: date, actor: Actor, genmen: bool
) -> list[ChoteiPosted]:
    """Post a 更正 or a 減免: the new assessment's 期別, 0 for a 期 that is gone. The
    増額's 納期限 of the 更正通知書 (``new.kosei_nouki``) goes with each item: the ledger keeps
    it on the increase of a 期別 due before it (``zeimu.services.shuno.chotei_post``)."""
    items = kotei_chotei_items(
        [(new.pk, new.fiscal_year, new.nozeisha_id, daihyo_id, new.kibetsu)],
        on=on,
        previous={new.pk: old.kibetsu},
        genmen=genmen,
        reason=new.reason,
        kosei_nouki=new.kosei_nouki,
    )
    return _post(items, actor)


def kotei_nofu_bango(fukas: Iterable[KoteiFuka]) -> dict[tuple[int, int, int], str]:
    """(年度, 納税義務者 id, 期) → the 納付番号 the ledger gave, for the notices (one query)."""
    from zeimu.models import Kibetsu

    keys = [
        kotei_key(f.fiscal_year, f.nozeisha_id, n)
        for f in fukas
        for n in range(1, len(f.kibetsu) + 1)
    ]
    out: dict[tuple[int, int, int], str] = {}
    for key, bango in Kibetsu.objects.filter(zeimoku=Zeimoku.KOTEIZEI, key__in=keys).values_list(
        "key", "nofu_bango"
    ):
        _, fy, nozeisha_id, ki = key.split(":")
        out[(int(fy), int(nozeisha_id), int(ki))] = bango
    return out
