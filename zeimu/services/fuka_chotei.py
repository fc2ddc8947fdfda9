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
from zeimu.models import Fuka, Zeimoku
from zeimu.services.shuno import ChoteiItem, Posted, chotei_post_many


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
) -> list[Posted]:
    """Post the 普通徴収 期別 of the current assessments a 当初賦課 job wrote for a 宛名 id
    range (one query, then ``chotei_post_many``)."""
    qs = Fuka.objects.filter(
        job_id=job_id, fiscal_year=fiscal_year, is_current=True, futsu_choshu_gaku__gt=0
    )
    if first_id is not None:
        qs = qs.filter(atena_id__gte=first_id)
    if last_id is not None:
        qs = qs.filter(atena_id__lte=last_id)
    rows = qs.values_list("pk", "fiscal_year", "atena_id", "kibetsu")
    return chotei_post_many(juminzei_chotei_items(rows, on=on), actor=actor)


def juminzei_chotei_post_kosei(*, new: Fuka, old: Fuka, on: date, actor: Actor) -> list[Posted]:
    """Post a 更正: the new assessment's 普通徴収 期別, 0 for a 期 that is gone."""
    items = juminzei_chotei_items(
        [(new.pk, new.fiscal_year, new.atena_id, new.kibetsu)],
        on=on,
        previous={new.pk: old.kibetsu},
    )
    return chotei_post_many(items, actor=actor)
