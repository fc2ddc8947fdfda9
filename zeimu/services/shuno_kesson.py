"""不納欠損 corrected by a late payment (issue 18; docs/standard/shuno.md S-28).

A 不納欠損 (``zeimu.services.shuno_taino.kesson_apply_many``, dated D) strikes off the
balance it finds on D. Bank data can arrive after it: a payment dated before the duty ended
(the 欠損's 消滅日) paid tax that was still owed, so the 欠損 struck off too much — left
alone, the 期別 would end overpaid and the money be refunded as 過誤納.

``kesson_teisei`` is called by every path that writes a payment, in its transaction, with
the 期別 it touched (窓口 and 納付番号 ``nofu_apply``, 口座振替 results, コンビニ速報・確報,
特別徴収 results, 換価・配当). For each 期別 with a 欠損 it works out what the 欠損 should
be — the 欠損's amount less the payments entered after it and dated before the 消滅日,
never below zero nor above the amount struck — and writes the difference as a new entry:
a ``KessonTorikeshi`` (with its ledger entry ``ShunoKind.KESSON_TORIKESHI``, dated the 欠損's
day so that 調定 − 収納 on any later day is right), a 経過 of the 滞納整理 case and an
access-log row. The 欠損 itself is never edited. Only what the payment pays beyond the
欠損 stays 過誤納. Idempotent: a second call with nothing new writes nothing.

A payment dated on or after the 消滅日 is not touched: the duty no longer existed (地方税法
第18条第2項: no 援用 needed), so that payment is 過誤納.

Not handled (docs S-28): a part payment dated after the 納期限 and before a 時効's 消滅日
is also the taxpayer's 承認 (民法第152条), which would have renewed the 時効 of the rest;
the rest of such a 欠損 is left struck and the 経過 asks the clerk to check it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Sum

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import (
    KeikaKind,
    Kesson,
    KessonReason,
    KessonTorikeshi,
    Kibetsu,
    Shuno,
    ShunoKind,
    TainoCase,
    TainoKeika,
)

#: the entries that are money received for the 期別 (a voided コンビニ sale is a negative
#: 納付); 充当 into a 期別 with a 欠損 never happens (it holds no debt after the 欠損)
PAYMENT_KINDS = (ShunoKind.NOFU, ShunoKind.SHOBUN, ShunoKind.JUTO_IN)


def kesson_teisei(kibetsu_ids: Iterable[int], *, actor: Actor) -> list[KessonTorikeshi]:
    """Correct the 不納欠損 of these 期別 for payments entered after it (see the module);
    in the caller's transaction. One query when none of them has a 欠損."""
    ids = sorted(set(kibetsu_ids))
    if not ids:
        return []
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM zeimu_kesson WHERE kibetsu_id = ANY(%s::bigint[])", [ids])
        kesson_ids = [int(pk) for (pk,) in cur.fetchall()]
    if not kesson_ids:
        return []
    kessons = list(Kesson.objects.filter(pk__in=kesson_ids).order_by("kibetsu_id"))
    kids = [k.kibetsu_id for k in kessons]
    atena_of = dict(
        Kibetsu.objects.select_for_update().filter(pk__in=kids).values_list("pk", "atena_id")
    )
    who = actor.username or actor.api_client or "system"
    written: list[KessonTorikeshi] = []
    for k in kessons:
        late = list(
            Shuno.objects.filter(
                kibetsu_id=k.kibetsu_id,
                kind__in=PAYMENT_KINDS,
                on__lt=k.shometsu_date,
                pk__gt=k.shuno_id,
            ).values_list("pk", "amount")
        )
        late_paid = sum(a for _, a in late)
        should = min(k.amount, max(0, k.amount - late_paid))
        taken = int(k.torikeshi.aggregate(s=Sum("amount"))["s"] or 0)
        delta = (k.amount - taken) - should
        if delta == 0:
            continue
        entry = Shuno.objects.create(
            kibetsu_id=k.kibetsu_id,
            kind=ShunoKind.KESSON_TORIKESHI,
            amount=-delta,
            on=k.kesson_date,
            created_by=who,
        )
        row = KessonTorikeshi.objects.create(
            kesson=k, amount=delta, shuno_ids=[pk for pk, _ in late], ledger=entry, created_by=who
        )
        written.append(row)
        atena_id = atena_of.get(k.kibetsu_id)
        if atena_id is None:
            continue
        memo = f"不納欠損 {k.amount:,}円のうち {delta:,}円を取消（欠損前の日付の納付を後から収納）"
        if delta < 0:
            memo = f"不納欠損の取消 {-delta:,}円を戻す（取り消された納付）"
        elif k.reason == KessonReason.JIKO and should > 0:
            memo += (
                "。時効の消滅日前の一部納付は承認（時効の更新）にあたるため、"
                "残りの欠損を確認してください"
            )
        case, _ = TainoCase.objects.get_or_create(atena_id=atena_id)
        TainoKeika.objects.create(
            case=case,
            kind=KeikaKind.KESSON_TORIKESHI,
            on=k.kesson_date,
            memo=memo,
            ref_id=row.pk,
            created_by=who,
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SHUNO_KANRI,
            screen="不納欠損の一部取消",
            record_type="atena",
            record_id=atena_id,
            detail={"kesson_id": k.pk, "torikeshi_id": row.pk, "amount": delta},
        )
    return written


def kesson_genzai(kesson: Kesson) -> int:
    """The 欠損 in force: its amount less what was taken back."""
    taken = int(kesson.torikeshi.aggregate(s=Sum("amount"))["s"] or 0)
    return kesson.amount - taken
