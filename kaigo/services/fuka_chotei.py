"""介護保険料 (第1号, 普通徴収) into the 収納 ledger (issue 18 item 1), through
``zeimu.public.chotei_post_tosho`` (the 本算定 job's 当初 post, set-based) and
``chotei_post_many`` (a 更正).

Each current 賦課's 普通徴収 期 is posted under the key ``kaigo:<年度>:<宛名 id>:<期>`` with
the ref ``kaigo_fuka:<賦課 id>:<期>``; the 本算定 job posts in its ``finish`` step (every
current row of the job, 2,000 a call; ``finish`` runs in the job's closing transaction and a
repeated finish posts the same refs: nothing new), a 更正 posts its new version and a 0 for
a 普通徴収 期 the old version had and the new one has not. 特別徴収 is not posted: the
pension insurer withholds and pays it; it is no 期別 the insured pays.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from kaigo.models import KaigoFuka
from kaigo.rules.fuka_kibetsu import FUTSU
from tenants.accesslog.services import Actor
from zeimu.public import (
    ChoteiItem,
    ChoteiPosted,
    ToshoRow,
    Zeimoku,
    chotei_post_many,
    chotei_post_tosho,
)

BATCH = 2000


def _futsu(kibetsu: list[dict[str, Any]] | None) -> dict[int, dict[str, Any]]:
    return {int(k["ki"]): k for k in (kibetsu or []) if k.get("kind") == FUTSU}


def kaigo_chotei_items(
    rows: Iterable[tuple[int, int, int, list[dict[str, Any]], list[dict[str, Any]] | None]],
    *,
    on: date,
) -> list[ChoteiItem]:
    """Items of (賦課 id, 年度, 宛名 id, 期別, the replaced version's 期別 or None)."""
    items: list[ChoteiItem] = []
    for fuka_id, fy, atena_id, kibetsu, before in rows:
        now = _futsu(kibetsu)
        gone = {n: k for n, k in _futsu(before).items() if n not in now}
        for n, k in sorted([*now.items(), *gone.items()]):
            items.append(
                ChoteiItem(
                    zeimoku=Zeimoku.KAIGO,
                    key=f"kaigo:{fy}:{atena_id}:{n}",
                    atena_id=atena_id,
                    nendo=fy,
                    ki=n,
                    ki_label=str(k["label"])[:20],
                    nouki=date.fromisoformat(k["due"]),
                    amount=int(k["amount"]) if n in now else 0,
                    ref=f"kaigo_fuka:{fuka_id}:{n}",
                    on=on,
                )
            )
    return items


def kaigo_tosho_rows(rows: Iterable[tuple[int, int, int, list[dict[str, Any]]]]) -> list[ToshoRow]:
    """What ``kaigo_chotei_items`` gives for (賦課 id, 年度, 宛名 id, 期別) with no replaced
    version, as ``chotei_post_tosho``'s plain tuples."""
    out: list[ToshoRow] = []
    add = out.append
    for fuka_id, fy, atena_id, kibetsu in rows:
        key, ref = f"kaigo:{fy}:{atena_id}:", f"kaigo_fuka:{fuka_id}:"
        for n, k in sorted(_futsu(kibetsu).items()):
            add(
                (f"{key}{n}", atena_id, fy, n, str(k["label"])[:20],
                 date.fromisoformat(k["due"]), int(k["amount"]), f"{ref}{n}")
            )  # fmt: skip
    return out


def kaigo_chotei_post_job(*, job_id: int, fiscal_year: int, on: date, actor: Actor) -> int:
    """Post every current 賦課 the job wrote (a 本算定 writes a person's first 賦課 of the
    year: nothing it replaced, so the ledger's 当初 post ``chotei_post_tosho``, which
    falls back to ``chotei_post_many`` for a repeated finish); returns the entries
    written."""
    rows = (
        KaigoFuka.objects.filter(job_id=job_id, fiscal_year=fiscal_year, is_current=True)
        # only rows with a 普通徴収 期 (jsonb containment, in the database): the 特別徴収
        # rows, 9 in 10, have nothing to post and are not read and decoded
        .filter(kibetsu__contains=[{"kind": FUTSU}])
        .order_by("pk")
        .values_list("pk", "fiscal_year", "atena_id", "kibetsu")
    )
    n = 0
    batch: list[tuple[int, int, int, list[dict[str, Any]]]] = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            n += chotei_post_tosho(
                zeimoku=Zeimoku.KAIGO, rows=kaigo_tosho_rows(batch), on=on, actor=actor
            )
            batch = []
    if batch:
        n += chotei_post_tosho(
            zeimoku=Zeimoku.KAIGO, rows=kaigo_tosho_rows(batch), on=on, actor=actor
        )
    return n


def kaigo_chotei_post_kosei(
    *, new: KaigoFuka, old: KaigoFuka | None, on: date, actor: Actor
) -> list[ChoteiPosted]:
    items = kaigo_chotei_items(
        [(new.pk, new.fiscal_year, new.atena_id, new.kibetsu, old.kibetsu if old else None)],
        on=on,
    )
    return chotei_post_many(items, actor=actor)
