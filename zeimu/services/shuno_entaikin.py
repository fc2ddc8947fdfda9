"""延滞金 fixed by an ordinary payment (issue 18; docs/standard/shuno.md S-7b).

A 本税 paid off after its 納期限 has its 延滞金 確定 on the day it is paid off (地方税法
第20条の4の2, and each 税目's 延滞金 article: 「納期限の翌日から納付の日までの期間の日数に
応じ」). The ledger
holds it as the 調定 of a 期別 of its own, the same one a 充当 uses (key
``zeimu.services.shuno.ENTAIKIN_KEY`` + the 本税's 期別 id, 期の名称「延滞金（第n期）」, 納期限 the
本税's), so that it is on the taxpayer's ledger and in the 滞納整理 case, in the balance, and on
a 納付書 by the ordinary 納付書 path.

``entaikin_kakutei`` is called in the transaction of every path that writes a payment by the
taxpayer or a reversal of one (窓口 ``nofu_apply``, 口座振替結果, コンビニ速報・確報 and a voided
sale, 金融機関の納付書, 換価・配当) and of every 更正・減免 (``chotei_post``,
``chotei_post_many``: the 延滞金 is counted on the tax as it stands, so a 減額 lowers it from the
start), with the 期別 and the day of each entry. For each 本税 touched after its 納期限 it works
out what the 延滞金 should be:

- the 本税 paid off by money (納付, 配当 — not a 不納欠損), on the first day the money received
  reaches the 調定額 as it stands: ``zeimu.services.shuno.entaikin_of`` to that day (a part paid
  before lowers the base from the next day on — the 延滞金 is computed across the payments;
  the 除算期間 apply; the roundings of 第20条の4の2 are in ``zeimu.rules.entaikin``);
- not paid off because the payment that paid it off was voided (``torikeshi``): 0 — the 延滞金
  is not 確定 any more;
- not paid off for another reason (a 増額更正 after it was paid off): left as it is; the payment
  of the rest fixes it again on the whole (the ledger counts a 増額 from the 期別's 納期限: docs
  S-7, a 増額 with a 納期限 of its own is posted as its own 期別),

and writes the difference as a new 調定 entry (``chotei_post``: never an edit; nothing when
it is the same, so a second import of a file, or a 確報 after its 速報, writes nothing).

Left to the 充当 (``juto_apply``, bare or with ``entaikin``): a 本税 paid off by a 充当 — its
延滞金 runs to the 充当適状日, not the payment day — and a 延滞金 期別 a 充当 posted. Not called by
the 特別徴収 path: the amount withheld from a pension is not a late payment by the taxpayer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.wareki import format_wareki
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Chotei, Kibetsu, Shuno, ShunoKind

#: the ref of each 延滞金 entry this path writes starts so (+ 本税 期別 id + a running number)
KAKUTEI_REF = "entaikin_kakutei:"
#: the ref the 充当 gives its 延滞金 (``zeimu.services.shuno.juto_apply``)
JUTO_REF = "juto_entaikin:"

#: money received for a 期別: a 不納欠損 strikes a balance off without money, so a 本税 it ends
#: bears no 確定 延滞金 here
_MONEY = (
    ShunoKind.NOFU,
    ShunoKind.SHOBUN,
    ShunoKind.JUTO_IN,
    ShunoKind.JUTO_OUT,
    ShunoKind.KANPU,
)

_LATE = """
    SELECT DISTINCT k.id FROM unnest(%s::bigint[], %s::date[]) AS p(id, d)
    JOIN zeimu_kibetsu k ON k.id = p.id
    WHERE p.d > k.nouki AND NOT (k.zeimoku = ANY(%s)) AND k.key NOT LIKE %s AND k.key NOT LIKE %s
    ORDER BY k.id
"""


@dataclass(frozen=True)
class Kakutei:
    honzei_id: int
    entaikin_kibetsu_id: int
    #: the 延滞金 as it now stands on the ledger (0: taken back)
    amount: int
    #: the day the 本税 was paid off (None: it is not)
    kanno: date | None


def kanno_date(kibetsu_id: int) -> tuple[date | None, str]:
    """The first day the money received for the 期別 reaches its 調定額 as it stands, and the
    kind of the entry that got it there ('' when never)."""
    amounts = Chotei.objects.filter(kibetsu_id=kibetsu_id).values_list("amount", flat=True)
    chotei = sum(int(a) for a in amounts)
    if chotei <= 0:
        return None, ""
    got = 0
    rows = (
        Shuno.objects.filter(kibetsu_id=kibetsu_id, kind__in=_MONEY)
        .order_by("on", "pk")
        .values_list("on", "amount", "kind")
    )
    day: date | None = None
    kind = ""
    for on, amount, k in rows:
        got += int(amount)
        if got >= chotei:
            if day is None:
                day, kind = on, str(k)
        else:
            day, kind = None, ""  # a later reversal (a voided sale, dated later) undid it
    return day, kind


def entaikin_kakutei(
    entries: Iterable[tuple[int, date]], *, actor: Actor, torikeshi: Iterable[int] = ()
) -> list[Kakutei]:
    """Fix (or take back) the 延滞金 of the 本税 these entries (期別 id, day) touched after the
    納期限 (see the module); ``torikeshi``: the 期別 whose payment was voided. In the caller's
    transaction. One query when every entry is dated on or before its 納期限 (a 口座振替 on
    the 納期限)."""
    from zeimu.services.shuno import (
        ENTAIKIN_KEY,
        ENTAIKIN_NASHI,
        TESURYO_KEY,
        chotei_post,
        entaikin_of,
    )

    pairs = list(entries)
    voided = set(torikeshi)
    when: dict[int, date] = {}
    for i, d in pairs:
        when[i] = max(d, when.get(i, d))
    if not pairs:
        return []
    with connection.cursor() as cur:
        cur.execute(
            _LATE,
            [
                [i for i, _ in pairs],
                [d for _, d in pairs],
                [str(z) for z in ENTAIKIN_NASHI],
                ENTAIKIN_KEY + "%",
                TESURYO_KEY + "%",
            ],
        )
        ids = [int(i) for (i,) in cur.fetchall()]
    out: list[Kakutei] = []
    for kid in ids:
        kib = Kibetsu.objects.get(pk=kid)
        key = f"{ENTAIKIN_KEY}{kid}"
        ent = Kibetsu.objects.select_for_update().filter(zeimoku=kib.zeimoku, key=key).first()
        held = list(Chotei.objects.filter(kibetsu=ent).values_list("ref", "amount")) if ent else []
        if any(ref.startswith(JUTO_REF) for ref, _ in held):
            continue  # a 充当 fixed it to its 充当適状日
        kanno, kind = kanno_date(kid)
        if kind in (ShunoKind.JUTO_IN, ShunoKind.JUTO_OUT, ShunoKind.KANPU):
            continue  # paid off by a 充当: ``juto_apply`` counts it
        if kanno is None and kid not in voided:
            continue  # still owed (a 増額 after it was paid off): the 延滞金 stays as it is
        want = entaikin_of(kid, paid_on=kanno).entaikin if kanno is not None else 0
        if ent is None and want == 0:
            continue
        if sum(int(a) for _, a in held) == want:
            continue
        # the first 延滞金 is dated the day the 本税 was paid off; a change of it (a 減額, a
        # voided payment) the day of what changed it
        on = kanno if not held and kanno is not None else max(when[kid], kanno or when[kid])
        posted = chotei_post(
            zeimoku=kib.zeimoku,
            key=key,
            atena_id=kib.atena_id,
            hojin_bango=kib.hojin_bango,
            nendo=kib.nendo,
            ki=kib.ki,
            ki_label=f"延滞金（{kib.ki_label}）"[:20],
            nouki=kib.nouki,
            amount=want,
            ref=f"{KAKUTEI_REF}{kid}:{len(held) + 1}",
            on=on,
            actor=actor,
            reason=(
                f"本税の完納により確定（完納日 {format_wareki(kanno)}）"
                if kanno is not None
                else "本税の納付の取消により取消"
            ),
        )
        out.append(Kakutei(kid, posted.kibetsu_id, want, kanno))
    if out:
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SHUNO_KANRI,
            screen="延滞金の確定",
            record_type="zeimu.Kibetsu",
            record_id=out[0].entaikin_kibetsu_id,
            record_count=len(out),
            detail={"kakutei": [[k.honzei_id, k.entaikin_kibetsu_id, k.amount] for k in out]},
        )
    return out
