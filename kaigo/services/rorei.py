"""老齢福祉年金の受給 entered by a clerk from the person's 年金証書 (kaigo.models.rorei):
登録, 受給終了, 取消 (a mistaken entry). Each is one durable transaction with its history row
and access-log row; messages are Japanese and name no person.

What reads it: the 第1号保険料 (the 賦課期日's 受給, kaigo.services.fuka_inputs) and the
負担限度額 判定 (the 申請日's 受給, kaigo.services.futan_gendogaku). A change to a year
already assessed is picked up by the 更正候補 sweep (the input's fingerprint changes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import transaction

from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import (
    RoreiFukushiNenkin,
    RoreiFukushiNenkinRireki,
    RoreiKakunin,
    RoreiRirekiKind,
    Shikaku,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

RECORD_TYPE = "kaigo.RoreiFukushiNenkin"
SCREEN = "kaigo.rorei"


class RoreiRefused(ValueError):
    """A change the rules refuse; the message is Japanese and names no person."""


def _log(row: RoreiFukushiNenkin, kind: str, riyu: str, actor: Actor, action: str) -> None:
    RoreiFukushiNenkinRireki.objects.create(
        record=row,
        kind=kind,
        kaishi_date=row.kaishi_date,
        shuryo_date=row.shuryo_date,
        riyu=riyu[:200],
        actor=actor.username or actor.api_client,
    )
    access_record(
        actor=actor,
        action=action,
        gyomu=KAIGO_HOKEN,
        screen=SCREEN,
        record_type=RECORD_TYPE,
        record_id=row.pk,
        detail={"atena_id": row.atena_id, "kind": kind},
    )


def _overlaps(atena_id: int, start: date, end: date | None, *, except_pk: int | None) -> bool:
    rows = RoreiFukushiNenkin.objects.filter(atena_id=atena_id, torikeshi=False)
    if except_pk is not None:
        rows = rows.exclude(pk=except_pk)
    for r in rows:
        if (r.shuryo_date is None or r.shuryo_date >= start) and (
            end is None or r.kaishi_date <= end
        ):
            return True
    return False


def rorei_toroku(
    *, atena_id: int, kaishi_date: date, kakunin: str, shorui: str, actor: Actor
) -> RoreiFukushiNenkin:
    """登録: the person receives the 老齢福祉年金 from ``kaishi_date``."""
    if kakunin not in RoreiKakunin.values:
        raise RoreiRefused("確認方法を選んでください。")
    shorui = shorui.strip()
    if kakunin == RoreiKakunin.SONOTA and not shorui:
        raise RoreiRefused("その他の書類で確認したときは、書類を備考に入力してください。")
    with transaction.atomic(durable=True):
        if not Shikaku.objects.filter(atena_id=atena_id).exists():
            raise RoreiRefused("この方は介護保険の被保険者ではありません。")
        if _overlaps(atena_id, kaishi_date, None, except_pk=None):
            raise RoreiRefused("この期間の老齢福祉年金の受給はすでに登録されています。")
        row = RoreiFukushiNenkin.objects.create(
            atena_id=atena_id,
            kaishi_date=kaishi_date,
            kakunin=kakunin,
            shorui=shorui,
            created_by=actor.username or actor.api_client,
        )
        _log(row, RoreiRirekiKind.TOROKU, "", actor, AccessAction.CREATE)
        return row


def rorei_shuryo(
    *, atena_id: int, record_id: int, shuryo_date: date, riyu: str, actor: Actor
) -> RoreiFukushiNenkin:
    """受給終了: ``shuryo_date`` is the last day of 受給."""
    with transaction.atomic(durable=True):
        row = (
            RoreiFukushiNenkin.objects.select_for_update()
            .filter(pk=record_id, atena_id=atena_id, torikeshi=False)
            .first()
        )
        if row is None:
            raise RoreiRefused("その登録は見つかりません。")
        if row.shuryo_date is not None:
            raise RoreiRefused("この受給はすでに終了しています。")
        if shuryo_date < row.kaishi_date:
            raise RoreiRefused("受給終了日が受給開始日より前です。")
        row.shuryo_date = shuryo_date
        row.save(update_fields=["shuryo_date", "updated_at"])
        _log(row, RoreiRirekiKind.SHURYO, riyu.strip(), actor, AccessAction.UPDATE)
        return row


def rorei_torikeshi(
    *, atena_id: int, record_id: int, riyu: str, actor: Actor
) -> RoreiFukushiNenkin:
    """取消: a mistaken entry is kept but no longer read."""
    riyu = riyu.strip()
    if not riyu:
        raise RoreiRefused("取消の理由を入力してください。")
    with transaction.atomic(durable=True):
        row = (
            RoreiFukushiNenkin.objects.select_for_update()
            .filter(pk=record_id, atena_id=atena_id, torikeshi=False)
            .first()
        )
        if row is None:
            raise RoreiRefused("その登録は見つかりません。")
        row.torikeshi = True
        row.save(update_fields=["torikeshi", "updated_at"])
        _log(row, RoreiRirekiKind.TORIKESHI, riyu, actor, AccessAction.UPDATE)
        return row


def rorei_kikan_many(atena_ids: Iterable[int]) -> dict[int, list[tuple[date, date | None]]]:
    """The 受給 periods (開始日, 終了日 inclusive) of each of ``atena_ids``, 取消 left out;
    one query."""
    out: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for a, s, e in RoreiFukushiNenkin.objects.filter(
        atena_id__in=list(set(atena_ids)), torikeshi=False
    ).values_list("atena_id", "kaishi_date", "shuryo_date"):
        out[a].append((s, e))
    return dict(out)


def rorei_jukyu_on(kikan: Iterable[tuple[date, date | None]], day: date) -> bool:
    return any(s <= day and (e is None or day <= e) for s, e in kikan)


def rorei_of(atena_id: int) -> list[RoreiFukushiNenkin]:
    """The person's records with their history, for the screen (取消 included)."""
    return list(
        RoreiFukushiNenkin.objects.filter(atena_id=atena_id)
        .prefetch_related("rireki")
        .order_by("kaishi_date", "id")
    )
