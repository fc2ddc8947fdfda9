"""児童手当 when the registry undoes a 異動 (``juminkiroku.torikeshi``: a 取消 of a 本登録,
the registry back to what it was before it): what the 異動 changed here is undone.

- a 消滅 caused by the 異動 (転出・死亡 of the 受給者, or the last child leaving): the 認定 is
  back, paid again from its former end (marked for 遡及, so months a 確定 run left out are
  paid once by the next run);
- a child removed by the 異動 (減額): counted again from the month it was removed;
- a birth's task (出生 → 処理待ち) still untouched: closed as 対応不要.

Each change writes a 履歴 row (``RirekiKind.TORIKESHI``) keyed on the 取消's outbox id and
the row undone, so a second delivery changes nothing. A 認定 is not restored when the
person has a newer 認定 (the clerk sees the 履歴 and decides).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import (
    JidoteateJido,
    JidoteateJukyusha,
    JidoteateKouho,
    JidoteateRireki,
    JukyushaStatus,
    KouhoStatus,
    RirekiKind,
)
from fukushi.services.jidoteate import sokyu_mark
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.labels import wareki_month


def ido_torikeshi(*, cancelled_ido_id: int, ido_id: int, event_id: int, actor: Actor) -> list[int]:
    """Undo what the 異動 ``cancelled_ido_id`` changed (runs in the delivery's transaction).
    Returns the 受給者 ids changed."""
    changed: list[int] = []
    for r in JidoteateRireki.objects.select_related("jukyusha").filter(
        ido_id=cancelled_ido_id, kind__in=[RirekiKind.SHOMETSU, RirekiKind.KAITEI]
    ):
        key = f"event:{event_id}:undo:{r.pk}"
        if JidoteateRireki.objects.filter(source_key=key).exists():
            continue
        row = JidoteateJukyusha.objects.select_for_update().get(pk=r.jukyusha_id)
        parts: list[str] = []
        # the child the 異動 removed (source_key "event:<id>:<宛名>:jido:<受給者>")
        bits = (r.source_key or "").split(":")
        if len(bits) == 5 and bits[3] == "jido" and bits[2].isdigit():
            n = JidoteateJido.objects.filter(
                jukyusha=row, atena_id=int(bits[2]), end_month__isnull=False
            ).update(end_month=None)
            if n:
                parts.append(f"児童を{wareki_month(r.effective_month)}分から再び算定")
        if r.kind == RirekiKind.SHOMETSU and row.status == JukyushaStatus.SHOMETSU:
            try:
                with transaction.atomic():
                    row.status = JukyushaStatus.NINTEI
                    row.shikyu_end = None
                    row.shometsu_jiyu = ""
                    row.save(update_fields=["status", "shikyu_end", "shometsu_jiyu"])
            except IntegrityError:  # a newer 認定 of the person: the clerk decides
                row.refresh_from_db()
                parts.append("新しい認定があるため消滅は元に戻さない（担当者が確認）")
            else:
                parts.append(f"消滅を取り消し{wareki_month(r.effective_month)}分から再び支給")
        if not parts:
            continue
        sokyu_mark(row.pk, r.effective_month)
        JidoteateRireki.objects.create(
            jukyusha=row,
            kind=RirekiKind.TORIKESHI,
            effective_month=r.effective_month,
            jiyu="住民記録の異動の取消し: " + "、".join(parts),
            source_key=key,
            ido_id=ido_id,
            actor=actor.username,
        )
        changed.append(row.pk)
    closed = JidoteateKouho.objects.filter(
        ido_id=cancelled_ido_id, status=KouhoStatus.MISHORI
    ).update(status=KouhoStatus.TORISAGE)
    if changed or closed:
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=JIDO_TEATE,
            screen="fukushi.jidoteate.renkei",
            record_type="fukushi.JidoteateJukyusha",
            record_count=len(changed) + closed,
            detail={"ido_id": ido_id, "cancelled_ido_id": cancelled_ido_id},
        )
    return changed
