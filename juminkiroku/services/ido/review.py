"""審査: 本登録 (by a clerk other than the author, holding ``ido_approve``), 差戻し, and
一括本登録.

``ido_approve`` is the one place the registry changes: in one transaction it applies the
異動 (``apply``), writes the linkage feed (``RenkeiChange``), the access log and the
domain events (``publish``). It takes a per-schema advisory lock, so feed sequence
numbers become visible in order and a consumer's cursor never skips a change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, IdoStatus
from juminkiroku.grants import Kengen
from juminkiroku.models import Ido, IdoTarget, RenkeiChange
from juminkiroku.services import tenshutsu
from juminkiroku.services.ido.apply import (
    Applied,
    apply_ido,
    apply_setainushi_shokken,
    apply_torikeshi,
)
from juminkiroku.services.ido.fields import GYOMU, IdoError, check_free_text
from juminkiroku.services.ido.publish import publish_honroku
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

# One advisory lock per schema serialises 本登録, so the feed's seq commits in order.
_HONROKU_LOCK_KEY = 0x4A554D494E  # "JUMIN"


def can_approve(*, actor: Actor, ido: Ido) -> bool:
    from tenants.grants.selectors import has_grant

    return (
        actor.user_id is not None
        and actor.user_id != ido.entered_by_id
        and has_grant(actor.user_id, Kengen.IDO_APPROVE)
    )


def ido_approve(*, ido_id: int, actor: Actor) -> Ido:
    """本登録: apply a 仮登録 to the registry, by a clerk other than the one who entered it."""
    with transaction.atomic(durable=True):
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_HONROKU_LOCK_KEY])
        ido = Ido.objects.select_for_update().get(pk=ido_id)
        if ido.status != IdoStatus.KARI:
            raise IdoError(f"この異動は{ido.get_status_display()}です。本登録できません。")
        if not can_approve(actor=actor, ido=ido):
            if actor.user_id == ido.entered_by_id:
                raise IdoError("入力した職員とは別の職員が審査・本登録してください。")
            raise IdoError("本登録（審査）の権限がありません。")
        setainushi: list[Applied] = []
        if ido.jiyu == IdoJiyu.TORIKESHI:
            applied = apply_torikeshi(ido) + tenshutsu.yotei_torikeshi(ido)
        elif tenshutsu.is_yotei(ido):
            # A 転出 before its 転出予定日: the person stays a 住民 until then (1.1.5); a
            # 世帯主 left behind (4.0.4) is made at the 転出確定 (tenshutsu._kakutei).
            applied = tenshutsu.apply_yotei(ido)
        else:
            tenshutsu.refuse_while_yotei(ido)
            applied = apply_ido(ido)
            # 4.0.4: the member left alone becomes 世帯主 in the same 異動 (its own event).
            setainushi = apply_setainushi_shokken(ido)
        ido.status = IdoStatus.HON
        ido.approved_by_id = actor.user_id
        ido.approved_by = actor.username
        ido.approved_at = timezone.now()
        ido.save(update_fields=["status", "approved_by_id", "approved_by", "approved_at"])
        IdoTarget.objects.filter(ido=ido).update(pending=False)
        RenkeiChange.objects.bulk_create(
            RenkeiChange(
                atena_id=a.atena_id,
                ido=ido,
                rireki_id=a.rireki_id,
                jiyu=ido.jiyu,
                ido_date=ido.ido_date,
            )
            for a in [*applied, *setainushi]
        )
        atena_ids = [a.atena_id for a in [*applied, *setainushi]]
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="異動本登録",
            record_type="ido",
            record_id=ido.pk,
            record_count=len(atena_ids),
            detail={"jiyu": ido.jiyu, "atena_ids": atena_ids},
        )
        publish_honroku(
            ido=ido, applied=applied, acting_user_id=actor.user_id, setainushi=setainushi
        )
        tenshutsu.after_honroku(ido=ido, applied=applied, acting_user_id=actor.user_id)
    return ido


def ido_reject(*, ido_id: int, reason: str, actor: Actor) -> Ido:
    """差戻し・破棄: the 仮登録 is closed unapplied and its persons are free again."""
    if not reason.strip():
        raise IdoError({"reason": ["差戻しの理由を入力してください。"]})
    check_free_text(reason, key="reason", label="差戻し理由")
    with transaction.atomic(durable=True):
        ido = Ido.objects.select_for_update().get(pk=ido_id)
        if ido.status != IdoStatus.KARI:
            raise IdoError("仮登録の異動だけを差し戻せます。")
        if actor.user_id != ido.entered_by_id and not can_approve(actor=actor, ido=ido):
            raise IdoError("差戻しの権限がありません。")
        ido.status = IdoStatus.KYAKKA
        ido.rejected_reason = reason.strip()[:200]
        ido.save(update_fields=["status", "rejected_reason"])
        IdoTarget.objects.filter(ido=ido).update(pending=False)
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="異動差戻し",
            record_type="ido",
            record_id=ido.pk,
        )
    return ido


@dataclass
class BulkResult:
    approved: list[int]
    refused: dict[int, str]


def ido_bulk_approve(*, ido_ids: list[int], actor: Actor) -> BulkResult:
    """一括本登録, each 異動 in its own transaction, at most JC_IDO_BULK_LIMIT at once."""
    limit = int(settings.JC_IDO_BULK_LIMIT)
    if len(ido_ids) > limit:
        raise IdoError(f"一括本登録は{limit}件までです（指定 {len(ido_ids)} 件）。")
    result = BulkResult(approved=[], refused={})
    for ido_id in ido_ids:
        try:
            ido_approve(ido_id=ido_id, actor=actor)
        except IdoError as exc:
            result.refused[ido_id] = str(exc)
        except Ido.DoesNotExist:
            result.refused[ido_id] = "異動が見つかりません。"
        else:
            result.approved.append(ido_id)
    return result
