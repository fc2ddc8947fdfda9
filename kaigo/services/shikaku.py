"""The one place 介護保険 資格 changes: 取得, 喪失, their 取消, the 区分 change at 65 and
the 住所地特例 that keeps 資格 across a 転出.

These functions write inside the caller's transaction: an event subscriber's (the
delivery of a registry event is one transaction, ``tenants.events.tasks``), a screen
service's durable block (``kaigo.services.todoke``) or the daily job's
(``kaigo.services.nenrei``). Each change writes a ``ShikakuRireki`` row (what, why, which
異動 or 届, who) and an access-log row in that same transaction.

Exactly once: a period opened by a registry 異動 carries its ``shutoku_ido_id`` (unique
per person), a period closed by one its ``soshitsu_ido_id``, and a 転出 kept from ending
資格 by 住所地特例 leaves a history row with its 異動 id; an event delivered again finds
them and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Q

from juminkiroku.public import Resident, residents_among
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import (
    HihokenshaBango,
    JushochiTokurei,
    Kubun,
    RirekiKind,
    Shikaku,
    ShikakuRireki,
    ShutokuJiyu,
    SoshitsuJiyu,
    TashiJutoku,
    TekiyoJogai,
)
from kaigo.rules.shikaku import ShikakuParameters, is_dai1_on, soshitsu_date
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.wareki import format_wareki

RECORD_TYPE = "kaigo.Shikaku"
SCREEN_EVENT = "kaigo.renkei"


@dataclass(frozen=True)
class Cause:
    """What caused a change: a registry event (its 異動 and outbox ids), a 届 (its date),
    the daily job or the initial data, and who."""

    kind: str
    actor: Actor
    ido_id: int | None = None
    event_id: int | None = None
    todoke_date: date | None = None
    screen: str = SCREEN_EVENT
    note: str = ""


def rireki_write(
    *,
    shikaku: Shikaku | None,
    atena_id: int,
    kind: str,
    jiyu: str,
    effective: date,
    cause: Cause,
    note: str = "",
) -> ShikakuRireki:
    row = ShikakuRireki.objects.create(
        atena_id=atena_id,
        shikaku=shikaku,
        kind=kind,
        jiyu=jiyu[:60],
        effective_date=effective,
        cause_kind=cause.kind,
        ido_id=cause.ido_id,
        event_id=cause.event_id,
        todoke_date=cause.todoke_date,
        actor=cause.actor.username,
        note=(note or cause.note)[:200],
    )
    access_record(
        actor=cause.actor,
        action=AccessAction.CREATE if kind == RirekiKind.SHUTOKU else AccessAction.UPDATE,
        gyomu=KAIGO_HOKEN,
        screen=cause.screen,
        record_type=RECORD_TYPE,
        record_id=shikaku.pk if shikaku else "",
        detail={
            "atena_ids": [atena_id],
            "kind": kind,
            "ido_id": cause.ido_id,
            "event_id": cause.event_id,
        },
    )
    return row


# --- who is insured ------------------------------------------------------------------


def _active_on(day: date) -> Q:
    return Q(nyusho_date__lte=day) & (Q(taisho_date__isnull=True) | Q(taisho_date__gt=day))


def excluded_reason(atena_id: int, day: date) -> str:
    """Why a resident is not insured here on ``day`` whatever their age ("" when they
    may be): in an 適用除外施設, or insured by another town (他市町村の住所地特例者)."""
    if TekiyoJogai.objects.filter(_active_on(day), atena_id=atena_id).exists():
        return "適用除外施設に入所中"
    if TashiJutoku.objects.filter(_active_on(day), atena_id=atena_id).exists():
        return "他市町村の住所地特例者"
    return ""


def jutoku_on(atena_id: int, day: date) -> JushochiTokurei | None:
    """The 住所地特例 that applies to the person on ``day``, if any."""
    return (
        JushochiTokurei.objects.filter(_active_on(day), atena_id=atena_id)
        .order_by("-nyusho_date")
        .first()
    )


def open_shikaku(atena_id: int) -> Shikaku | None:
    return (
        Shikaku.objects.select_for_update()
        .filter(atena_id=atena_id, soshitsu_date__isnull=True, torikeshi=False)
        .first()
    )


def bango_ensure(atena_id: int) -> str:
    """The person's 被保険者番号, given on their first 資格 (the next after the highest)."""
    found = HihokenshaBango.objects.filter(atena_id=atena_id).values_list("bango", flat=True)
    for b in found:
        return b
    last = HihokenshaBango.objects.aggregate(m=Max("bango"))["m"]
    bango = f"{int(last or 0) + 1:010d}"
    HihokenshaBango.objects.create(atena_id=atena_id, bango=bango)
    return bango


# --- 取得 and 喪失 ---------------------------------------------------------------------


def shutoku(
    *,
    atena_id: int,
    kubun: str,
    day: date,
    jiyu: str,
    cause: Cause,
    iryo_hoken: str = "",
    shinsei_date: date | None = None,
) -> Shikaku:
    """Open a period from ``day``. The caller checked the person may be insured."""
    bango_ensure(atena_id)
    shikaku = Shikaku.objects.create(
        atena_id=atena_id,
        kubun=kubun,
        shutoku_date=day,
        shutoku_jiyu=jiyu,
        shutoku_ido_id=cause.ido_id,
        iryo_hoken=iryo_hoken,
        shinsei_date=shinsei_date,
    )
    rireki_write(
        shikaku=shikaku,
        atena_id=atena_id,
        kind=RirekiKind.SHUTOKU,
        jiyu=f"{ShutokuJiyu(jiyu).label}（{Kubun(kubun).label}）",
        effective=day,
        cause=cause,
    )
    return shikaku


def soshitsu(*, shikaku: Shikaku, day: date, jiyu: str, cause: Cause) -> Shikaku:
    """Close an open period on ``day`` (its 喪失日, never before its 取得日)."""
    shikaku.soshitsu_date = max(day, shikaku.shutoku_date)
    shikaku.soshitsu_jiyu = jiyu
    shikaku.soshitsu_ido_id = cause.ido_id
    shikaku.save(update_fields=["soshitsu_date", "soshitsu_jiyu", "soshitsu_ido_id", "updated_at"])
    rireki_write(
        shikaku=shikaku,
        atena_id=shikaku.atena_id,
        kind=RirekiKind.SOSHITSU,
        jiyu=SoshitsuJiyu(jiyu).label,
        effective=shikaku.soshitsu_date,
        cause=cause,
    )
    return shikaku


def void(*, shikaku: Shikaku, jiyu: str, cause: Cause) -> Shikaku:
    """The period should never have existed (e.g. the person is another town's
    住所地特例者): cancelled, with the history saying why."""
    shikaku.torikeshi = True
    shikaku.save(update_fields=["torikeshi", "updated_at"])
    rireki_write(
        shikaku=shikaku,
        atena_id=shikaku.atena_id,
        kind=RirekiKind.SHUTOKU_MUKO,
        jiyu=jiyu,
        effective=shikaku.shutoku_date,
        cause=cause,
    )
    return shikaku


# --- from the registry's events ----------------------------------------------------------


def kisai_apply(*, atena_ids: Iterable[int], day: date, jiyu: str, cause: Cause) -> list[Shikaku]:
    """転入 (and the other 記載 of a person coming to live here): 取得 of 第1号 on ``day``
    for each person already 65 (介護保険法第10条第2号) who is not excluded and has no
    period yet from this 異動. Those under 65 are not insured by the registry alone:
    第2号 appear when they apply for 認定, and the daily job insures them at 65."""
    ids = list(dict.fromkeys(atena_ids))
    if cause.ido_id is not None:
        done = set(
            Shikaku.objects.filter(atena_id__in=ids, shutoku_ido_id=cause.ido_id).values_list(
                "atena_id", flat=True
            )
        )
        ids = [a for a in ids if a not in done]
    if not ids:
        return []
    params = ShikakuParameters.for_date(day)
    residents: dict[int, Resident] = residents_among(ids, day)
    made: list[Shikaku] = []
    for atena_id in ids:
        resident = residents.get(atena_id)
        if resident is None or not is_dai1_on(resident.birth_date, day, params):
            continue
        if open_shikaku(atena_id) is not None:
            continue  # e.g. a 住所地特例 person coming back: 資格 never ended
        if excluded_reason(atena_id, day):
            continue
        made.append(shutoku(atena_id=atena_id, kubun=Kubun.DAI1, day=day, jiyu=jiyu, cause=cause))
    return made


def shojo_apply(
    *,
    atena_ids: Iterable[int],
    jiyu_date: date,
    jiyu: str,
    cause: Cause,
) -> list[Shikaku]:
    """死亡・転出確定・職権消除: 喪失 on the day after ``jiyu_date`` (第11条第1項).

    A 転出 while a 住所地特例 applies (the person moved into a facility of another town,
    第13条) does not end 資格: the history says so and the 住所地特例 remembers the 転出.
    A period already closed by this 異動 is left alone unless the registry moved the
    date (a 転入通知 with an earlier 転入日 republishes 転出確定): then its 喪失日 moves.
    """
    params = ShikakuParameters.for_date(jiyu_date)
    day = soshitsu_date(jiyu, jiyu_date, params)
    changed: list[Shikaku] = []
    for atena_id in dict.fromkeys(atena_ids):
        if cause.ido_id is not None:
            earlier = (
                Shikaku.objects.select_for_update()
                .filter(atena_id=atena_id, soshitsu_ido_id=cause.ido_id, torikeshi=False)
                .first()
            )
            if earlier is not None:
                if earlier.soshitsu_date != day:
                    old = earlier.soshitsu_date
                    earlier.soshitsu_date = max(day, earlier.shutoku_date)
                    earlier.save(update_fields=["soshitsu_date", "updated_at"])
                    rireki_write(
                        shikaku=earlier,
                        atena_id=atena_id,
                        kind=RirekiKind.SOSHITSU_HENKO,
                        jiyu=SoshitsuJiyu(jiyu).label,
                        effective=earlier.soshitsu_date,
                        cause=cause,
                        note=f"変更前の喪失日 {format_wareki(old) if old else ''}",
                    )
                    changed.append(earlier)
                continue
            if ShikakuRireki.objects.filter(
                atena_id=atena_id, ido_id=cause.ido_id, kind=RirekiKind.JUTOKU_KEIZOKU
            ).exists():
                continue
        current = open_shikaku(atena_id)
        if current is None:
            continue
        if jiyu == SoshitsuJiyu.TENSHUTSU:
            tokurei = jutoku_on(atena_id, jiyu_date)
            if tokurei is not None:
                tokurei.tenshutsu_ido_id = cause.ido_id
                tokurei.save(update_fields=["tenshutsu_ido_id"])
                rireki_write(
                    shikaku=current,
                    atena_id=atena_id,
                    kind=RirekiKind.JUTOKU_KEIZOKU,
                    jiyu=f"住所地特例（{tokurei.shozai_name}の施設）",
                    effective=jiyu_date,
                    cause=cause,
                )
                continue
        changed.append(soshitsu(shikaku=current, day=day, jiyu=jiyu, cause=cause))
    return changed


def torikeshi_apply(*, atena_ids: Iterable[int], cancelled_ido_id: int, cause: Cause) -> int:
    """取消 of a registry 異動: the periods it opened are cancelled, the periods it closed
    are open again (when the person has no other open period), a 住所地特例 it kept in
    force forgets it. Returns how many periods changed; a second delivery changes none."""
    ids = list(dict.fromkeys(atena_ids))
    n = 0
    for s in Shikaku.objects.select_for_update().filter(
        atena_id__in=ids, shutoku_ido_id=cancelled_ido_id, torikeshi=False
    ):
        s.torikeshi = True
        s.save(update_fields=["torikeshi", "updated_at"])
        rireki_write(
            shikaku=s,
            atena_id=s.atena_id,
            kind=RirekiKind.SHUTOKU_TORIKESHI,
            jiyu="住民記録の異動の取消",
            effective=s.shutoku_date,
            cause=cause,
        )
        n += 1
    for s in Shikaku.objects.select_for_update().filter(
        atena_id__in=ids, soshitsu_ido_id=cancelled_ido_id, torikeshi=False
    ):
        if Shikaku.objects.filter(
            atena_id=s.atena_id, soshitsu_date__isnull=True, torikeshi=False
        ).exists():
            continue  # insured again since (e.g. a later 転入): leave the closed one
        old = s.soshitsu_date
        s.soshitsu_date = None
        s.soshitsu_jiyu = ""
        s.soshitsu_ido_id = None
        s.save(update_fields=["soshitsu_date", "soshitsu_jiyu", "soshitsu_ido_id", "updated_at"])
        rireki_write(
            shikaku=s,
            atena_id=s.atena_id,
            kind=RirekiKind.SOSHITSU_TORIKESHI,
            jiyu="住民記録の異動の取消",
            effective=old or s.shutoku_date,
            cause=cause,
        )
        n += 1
    JushochiTokurei.objects.filter(atena_id__in=ids, tenshutsu_ido_id=cancelled_ido_id).update(
        tenshutsu_ido_id=None
    )
    return n
