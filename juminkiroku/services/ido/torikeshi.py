"""異動の取消し (標準仕様書 4.6), entered as 仮登録 like any other 異動.

Its 本登録 (``review.ido_approve`` → ``apply.apply_torikeshi``) supersedes what the
cancelled 異動 wrote and reopens what it closed.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, IdoStatus
from juminkiroku.models import AtenaRireki, Ido, IdoTarget
from juminkiroku.selectors.rireki import versions_standing_for
from juminkiroku.services import tenshutsu
from juminkiroku.services.ido.fields import GYOMU, IdoError, check_free_text
from juminkiroku.services.ido.rebase import rebase_plan
from juminkiroku.services.numbering import next_ido_no
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record


def ido_cancel_enter(
    *,
    cancels_id: int,
    ido_date: date,
    note: str,
    actor: Actor,
    atena_ids: list[int] | None = None,
    moshide_date: date | None = None,
) -> Ido:
    """異動の取消し (標準仕様書 4.6.0.1): entered as 仮登録 like any other 異動.

    ``atena_ids`` cancels it for some of its persons only (4.6.0.1: 「全部又は一部」); the
    異動 stays 本登録 for the others and can be cancelled for them later. Only what came
    after it for the persons chosen blocks the 取消, not another person's later 異動.

    ``moshide_date``: a 取消 made on a person's 申出 (4.6.1.1, applying 4.2.0.5): the 申出日
    is kept as the 取消's 届出日 (4.2.0.5 allows the one data item) and ``payload["moshide"]``
    says it was asked for."""
    target = Ido.objects.filter(pk=cancels_id).first()
    if target is None or target.status != IdoStatus.HON:
        raise IdoError("取り消せるのは本登録済みの異動だけです。")
    if target.jiyu == IdoJiyu.TORIKESHI:
        raise IdoError("取消しの異動は取り消せません。新たな異動として入力してください。")
    if not note.strip():
        raise IdoError({"note": ["取消しの理由を入力してください。"]})
    check_free_text(note, key="note", label="取消しの理由")
    if moshide_date is not None and moshide_date > timezone.localdate():
        raise IdoError({"moshide_date": ["申出日に未来の日付は指定できません。"]})
    # Its versions, and the copies of them that a 取消 of a later 異動 reopened.
    standing = versions_standing_for(target)
    persons = sorted({v.atena_id for v in standing})
    if atena_ids:
        unknown = sorted(set(atena_ids) - set(persons))
        if unknown:
            raise IdoError(
                {
                    "atena_ids": [
                        "取り消す人は、この異動の対象者（取消し済みの人を除く）から選んでください。"
                    ]
                }
            )
        standing = [v for v in standing if v.atena_id in set(atena_ids)]
        persons = sorted(set(atena_ids))
    atena_ids = persons
    # An older 修正 (its version closed by a later 異動) can be cancelled when the later
    # 異動 did not change what it changed (rebase, 4.6.0.1); anything else waits for them.
    rebased: set[int] = set()
    for version in standing:
        if version.valid_to is not None:
            plan = rebase_plan(target, version)
            if isinstance(plan, str):
                raise IdoError(plan)
            rebased.add(version.atena_id)
    later = (
        AtenaRireki.objects.filter(atena_id__in=atena_ids, superseded=False, ido__id__gt=target.pk)
        .exclude(pk__in=[v.pk for v in standing])
        .exclude(atena_id__in=rebased)
        # a copy a 取消 wrote of a version that ended before this 異動 is no later one
        .exclude(valid_to__isnull=False, valid_to__lte=target.ido_date)
    )
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
                todoke_date=moshide_date,
                payload={
                    "cancels": target.pk,
                    "atena_ids": atena_ids,
                    "moshide": moshide_date is not None,
                },
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
                detail={"cancels": target.pk, "atena_ids": atena_ids},
            )
    except IntegrityError as exc:
        raise IdoError("対象の住民は他の職員が異動入力中です。") from exc
    return ido
