"""異動の取消し (標準仕様書 4.6), entered as 仮登録 like any other 異動.

Its 本登録 (``review.ido_approve`` → ``apply.apply_torikeshi``) supersedes what the
cancelled 異動 wrote and reopens what it closed.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from juminkiroku.codes import IdoJiyu, IdoStatus
from juminkiroku.models import AtenaRireki, Ido, IdoTarget
from juminkiroku.selectors.rireki import versions_standing_for
from juminkiroku.services import tenshutsu
from juminkiroku.services.ido.fields import GYOMU, IdoError, check_free_text
from juminkiroku.services.numbering import next_ido_no
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record


def ido_cancel_enter(*, cancels_id: int, ido_date: date, note: str, actor: Actor) -> Ido:
    """異動の取消し (標準仕様書 4.6): entered as 仮登録 like any other 異動."""
    target = Ido.objects.filter(pk=cancels_id).first()
    if target is None or target.status != IdoStatus.HON:
        raise IdoError("取り消せるのは本登録済みの異動だけです。")
    if target.jiyu == IdoJiyu.TORIKESHI:
        raise IdoError("取消しの異動は取り消せません。新たな異動として入力してください。")
    if not note.strip():
        raise IdoError({"note": ["取消しの理由を入力してください。"]})
    check_free_text(note, key="note", label="取消しの理由")
    # Its versions, and the copies of them that a 取消 of a later 異動 reopened.
    standing = versions_standing_for(target)
    atena_ids = sorted({v.atena_id for v in standing})
    later = AtenaRireki.objects.filter(
        atena_id__in=atena_ids, superseded=False, ido__id__gt=target.pk
    ).exclude(pk__in=[v.pk for v in standing])
    if later.exists():
        raise IdoError(
            "この異動の後に別の異動が本登録されています。後の異動から順に取り消してください。"
        )
    # A 転出 still before its 転出予定日 wrote no version: its persons are in the 予定.
    atena_ids = sorted(set(atena_ids) | set(tenshutsu.yotei_atena_ids(target)))
    try:
        with transaction.atomic(durable=True):
            ido = Ido.objects.create(
                ido_no=next_ido_no(),
                jiyu=IdoJiyu.TORIKESHI,
                ido_date=ido_date,
                todoke_date=None,
                payload={"cancels": target.pk},
                note=note.strip()[:200],
                entered_by_id=actor.user_id,
                entered_by=actor.username,
                entered_terminal=actor.terminal,
                cancels=target,
            )
            IdoTarget.objects.bulk_create(IdoTarget(ido=ido, atena_id=a) for a in atena_ids)
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=GYOMU,
                screen="異動取消（仮登録）",
                record_type="ido",
                record_id=ido.pk,
                record_count=max(1, len(atena_ids)),
                detail={"cancels": target.pk},
            )
    except IntegrityError as exc:
        raise IdoError("対象の住民は他の職員が異動入力中です。") from exc
    return ido
