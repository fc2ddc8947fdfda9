"""届出 entered on the screens for what the registry cannot see (国民健康保険法第6条):
社会保険の加入・離脱 and 生活保護の開始・廃止. Each is one durable transaction with its
history row and access-log row (kokuho.services.shikaku).

A 届出 may come after the fact (遡及): the 資格 changes from the day of the cause, not of
the 届出 (国民健康保険法第7条・第8条); a 届出 past its 14-day limit (施行規則第2条・第3条)
is accepted and shown as late.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from juminkiroku.public import residents_among
from kokuho.models import CauseKind, RirekiKind, Seiho, Shaho, Shikaku, ShutokuJiyu, SoshitsuJiyu
from kokuho.rules.shikaku import ShikakuParameters, soshitsu_date
from kokuho.services.shikaku import (
    Cause,
    not_insurable_reason,
    open_shikaku,
    rireki_write,
    shutoku,
    soshitsu,
)
from tenants.accesslog.services import Actor

SCREEN = "kokuho.todoke"


class TodokeRefused(ValueError):
    """A 届出 the rules refuse; the message is Japanese and names no person."""


def _cause(actor: Actor, todoke_date: date | None, note: str = "") -> Cause:
    return Cause(
        kind=CauseKind.TODOKE, actor=actor, todoke_date=todoke_date, screen=SCREEN, note=note
    )


def _check_dates(jiyu_date: date, todoke_date: date) -> None:
    if jiyu_date > todoke_date:
        raise TodokeRefused("事由の日が届出日より後です。届出日以前の日を入力してください。")


def shaho_kanyu_todoke(
    *, atena_id: int, kanyu_date: date, todoke_date: date, actor: Actor
) -> Shikaku:
    """社会保険に加入した: 国保 ends the day after ``kanyu_date`` (遡及 when reported
    late); joined before the 取得日, the 取得 is void."""
    _check_dates(kanyu_date, todoke_date)
    with transaction.atomic(durable=True):
        current = open_shikaku(atena_id)
        if current is None:
            raise TodokeRefused("この方は国保の資格を持っていません。")
        if Shaho.objects.filter(atena_id=atena_id, ridatsu_date__isnull=True).exists():
            raise TodokeRefused("この方は社会保険に加入中として登録されています。")
        Shaho.objects.create(
            atena_id=atena_id,
            kanyu_date=kanyu_date,
            kanyu_todoke_date=todoke_date,
            created_by=actor.username,
        )
        params = ShikakuParameters.for_date(kanyu_date)
        day = soshitsu_date(SoshitsuJiyu.SHAHO_KANYU, kanyu_date, params)
        return soshitsu(
            shikaku=current,
            day=day,
            jiyu=SoshitsuJiyu.SHAHO_KANYU,
            cause=_cause(actor, todoke_date),
        )


def _acquire(
    *, atena_id: int, day: date, jiyu: str, todoke_date: date | None, actor: Actor
) -> Shikaku:
    resident = residents_among([atena_id], day).get(atena_id)
    if resident is None:
        raise TodokeRefused("その日に町の住民ではありません。")
    if open_shikaku(atena_id) is not None:
        raise TodokeRefused("この方はすでに国保の資格を持っています。")
    params = ShikakuParameters.for_date(day)
    reason = not_insurable_reason(atena_id, resident.birth_date, day, params)
    if reason:
        raise TodokeRefused(f"資格を取得できません（{reason}）。")
    return shutoku(
        atena_id=atena_id,
        setai_id=resident.setai_id,
        day=day,
        jiyu=jiyu,
        cause=_cause(actor, todoke_date),
    )


def shaho_ridatsu_todoke(
    *, atena_id: int, ridatsu_date: date, todoke_date: date, actor: Actor
) -> Shikaku:
    """社会保険をやめた: 国保 from ``ridatsu_date`` (the day after the last day in
    社会保険, 国民健康保険法第7条), also when reported late (遡及)."""
    _check_dates(ridatsu_date, todoke_date)
    with transaction.atomic(durable=True):
        shaho = (
            Shaho.objects.select_for_update()
            .filter(atena_id=atena_id, ridatsu_date__isnull=True)
            .first()
        )
        if shaho is not None:
            if ridatsu_date <= shaho.kanyu_date:
                raise TodokeRefused("離脱日が社会保険の加入日以前です。")
            shaho.ridatsu_date = ridatsu_date
            shaho.ridatsu_todoke_date = todoke_date
            shaho.save(update_fields=["ridatsu_date", "ridatsu_todoke_date"])
        else:
            Shaho.objects.create(
                atena_id=atena_id,
                kanyu_date=ridatsu_date,
                ridatsu_date=ridatsu_date,
                ridatsu_todoke_date=todoke_date,
                created_by=actor.username,
            )
        return _acquire(
            atena_id=atena_id,
            day=ridatsu_date,
            jiyu=ShutokuJiyu.SHAHO_RIDATSU,
            todoke_date=todoke_date,
            actor=actor,
        )


def seiho_kaishi(*, atena_id: int, kaishi_date: date, actor: Actor) -> Seiho:
    """生活保護の開始: 国保 ends on ``kaishi_date`` itself (国民健康保険法第8条第2項)."""
    with transaction.atomic(durable=True):
        if Seiho.objects.filter(atena_id=atena_id, haishi_date__isnull=True).exists():
            raise TodokeRefused("この方は生活保護の受給中として登録されています。")
        row = Seiho.objects.create(
            atena_id=atena_id, kaishi_date=kaishi_date, created_by=actor.username
        )
        current = open_shikaku(atena_id)
        if current is not None:
            params = ShikakuParameters.for_date(kaishi_date)
            soshitsu(
                shikaku=current,
                day=soshitsu_date(SoshitsuJiyu.SEIHO_KAISHI, kaishi_date, params),
                jiyu=SoshitsuJiyu.SEIHO_KAISHI,
                cause=_cause(actor, None, note="生活保護の開始"),
            )
        else:
            # the history says it even when no 資格 was held (for the tax and 給付 later)
            rireki_write(
                shikaku=None,
                atena_id=atena_id,
                kind=RirekiKind.SOSHITSU,
                jiyu="生活保護の開始（国保の資格なし）",
                effective=kaishi_date,
                cause=_cause(actor, None),
            )
        return row


def seiho_haishi(*, atena_id: int, haishi_date: date, actor: Actor) -> Shikaku:
    """生活保護の廃止: 国保 from ``haishi_date`` (国民健康保険法第7条)."""
    with transaction.atomic(durable=True):
        row = (
            Seiho.objects.select_for_update()
            .filter(atena_id=atena_id, haishi_date__isnull=True)
            .first()
        )
        if row is None:
            raise TodokeRefused("この方の生活保護は登録されていません。")
        if haishi_date <= row.kaishi_date:
            raise TodokeRefused("廃止日が保護開始日以前です。")
        row.haishi_date = haishi_date
        row.save(update_fields=["haishi_date"])
        return _acquire(
            atena_id=atena_id,
            day=haishi_date,
            jiyu=ShutokuJiyu.SEIHO_HAISHI,
            todoke_date=None,
            actor=actor,
        )
