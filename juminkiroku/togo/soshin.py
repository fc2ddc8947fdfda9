"""団体内統合宛名システムとの連携 (標準仕様書 7.1.2.3): the records of 個人番号, 4情報 and
住民票関係情報 the 統合宛名 system needs to keep the 中間サーバー's 副本 up to date.

Three steps, each safe to run again at any time (the shape of juminkiroku.cs.soshin):

1. ``togo_soshin_make`` reads the linkage feed (``RenkeiChange``) after the town's cursor
   and makes one record per change, in the same transaction that moves the cursor: a
   change becomes a record exactly once (the cursor and the unique 連携番号 both say so), in
   feed order. A change that leaves every data item as the person's previous record had
   it (a 本籍 correction, say: not an item the 統合宛名 system holds) makes no record.
2. ``togo_soshin_send`` sends what waits, oldest first, one record per request, under a
   per-town advisory lock. Unreachable: the record waits with a growing delay (30 s
   doubling to 1 h, ``JC_TOGO_RETRY_*``) and the round stops, so nothing overtakes it.
   Refused: the record stays on the queue screen with the reason and holds that person's
   later records until a clerk sends it again or withdraws it. Every record sent is a
   read of personal data by a system: one access-log row each (個人番号 included).
3. ``togo_totsugo_run`` (突合) compares every person's current record with what the 統合宛名
   system holds, stores the differences, and queues the whole current record of every
   person missing there or differing (送信区分 2), so a full resend repairs the 副本's source.

The 団体内統合宛名番号 is never taken in (7.1.2.3【実装しない機能】): answers are read for
their 受付番号 only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import AtenaKubun, JuminJotai, Zokugara
from juminkiroku.cs.common import shichoson_code
from juminkiroku.cs.layout import pack, unpack
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.linkqueue import Outbox, SendResult
from juminkiroku.models import Atena, RenkeiChange
from juminkiroku.models.togo import (
    TOGO_OPEN_STATUSES,
    TogoRenkei,
    TogoSaKind,
    TogoSoshin,
    TogoStatus,
    TogoTotsugo,
    TogoTotsugoSa,
)
from juminkiroku.selectors.feed import changes_after
from juminkiroku.togo.client import (
    PEER,
    TogoNotConfigured,
    TogoRejected,
    TogoUnreachable,
    togo_call,
)
from juminkiroku.togo.layout import DATA_NAMES, TOGO_ITEMS, TOGO_LAYOUT
from juminkiroku.togo.values import change_values, current_values
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

MAKE_CHUNK = 500
SEND_CHUNK = 200
SYSTEM_ACTOR = Actor(user_id=None, username="togo_atena")
"""The actor of the link's own work (the periodic task); shown as 「システム（団体内統合宛名
連携）」 (juminkiroku/module.py ``words``)."""
GYOMU = JUKINET_RENKEI


class TogoSoshinError(Exception):
    """A refused action on the queue (Japanese message)."""


class TotsugoError(Exception):
    """The 突合 could not run (Japanese message)."""


def togo_link(*, lock: bool) -> TogoRenkei:
    TogoRenkei.objects.get_or_create(pk=1)
    qs = TogoRenkei.objects.select_for_update() if lock else TogoRenkei.objects
    return qs.get(pk=1)


def _note_error(message: str) -> None:
    TogoRenkei.objects.get_or_create(pk=1)
    TogoRenkei.objects.filter(pk=1).update(last_error=message[:200], last_error_at=timezone.now())


def _record(values: dict[str, Any]) -> tuple[list[str], str]:
    """The positional record, and a problem (Japanese) when an item is too long: such a
    record is kept as refused, with the reason, instead of stopping the feed."""
    try:
        return pack(TOGO_ITEMS, values), ""
    except ValueError as exc:
        return ["" if values.get(i.name) is None else str(values[i.name]) for i in TOGO_ITEMS], (
            str(exc)
        )


def _data(record: list[str]) -> tuple[str, ...]:
    values = unpack(TOGO_ITEMS, record)
    return tuple(values[n] for n in DATA_NAMES)


def _last_data(atena_id: int) -> tuple[str, ...] | None:
    record = (
        TogoSoshin.objects.filter(atena_id=atena_id)
        .exclude(status=TogoStatus.WITHDRAWN)
        .order_by("-id")
        .values_list("record", flat=True)
        .first()
    )
    return _data(record) if record else None


@dataclass
class MakeResult:
    made: int = 0
    unchanged: int = 0


def togo_soshin_make(*, actor: Actor, limit: int = MAKE_CHUNK) -> MakeResult:
    """Make the records of up to ``limit`` new feed rows (see the module's docstring)."""
    result = MakeResult()
    made: list[TogoSoshin] = []
    dantai = shichoson_code()
    with transaction.atomic(durable=True):
        link = togo_link(lock=True)
        cursor = link.soshin_after
        latest: dict[int, tuple[str, ...] | None] = {}
        for change in changes_after(cursor, limit):
            cursor = change.seq
            values = change_values(change, dantai)
            record, problem = _record(values)
            data = tuple(str(values[n] or "") for n in DATA_NAMES)
            if change.atena_id not in latest:
                latest[change.atena_id] = _last_data(change.atena_id)
            if change.rireki is not None and latest[change.atena_id] == data:
                result.unchanged += 1
                continue
            latest[change.atena_id] = data
            made.append(
                TogoSoshin(
                    renkei_seq=change.seq,
                    atena_id=change.atena_id,
                    jiyu=change.jiyu,
                    ido_date=change.ido_date,
                    record=record,
                    status=TogoStatus.REJECTED if problem else TogoStatus.PENDING,
                    reason=problem,
                )
            )
        TogoSoshin.objects.bulk_create(made)
        link.soshin_after = cursor
        link.save(update_fields=["soshin_after"])
        if made:
            access_record(
                actor=actor,
                action=AccessAction.EXPORT,
                gyomu=GYOMU,
                screen="統合宛名送信データの作成",
                record_type="atena",
                record_count=len(made),
                mynumber_viewed=True,
                detail={"atena_ids": sorted({m.atena_id for m in made}), "after": cursor},
            )
    result.made = len(made)
    return result


# --- sending ------------------------------------------------------------------------------


OUTBOX = Outbox(
    name="togo-atena-send",
    model=TogoSoshin,
    pending=TogoStatus.PENDING,
    retry=TogoStatus.RETRY,
    rejected=TogoStatus.REJECTED,
    sent=TogoStatus.SENT,
    open_statuses=TOGO_OPEN_STATUSES,
    retry_base_setting="JC_TOGO_RETRY_BASE_SECONDS",
    retry_max_setting="JC_TOGO_RETRY_MAX_SECONDS",
    peer=PEER,
    note_error=_note_error,
)


def backoff(attempts: int) -> timedelta:
    return OUTBOX.backoff(attempts)


def _complete_bango(rec: TogoSoshin) -> None:
    """A record made before the CS generated the person's 個人番号 (a 出生) carries the
    number the person has now."""
    values = unpack(TOGO_ITEMS, rec.record)
    if values["kojin_bango"]:
        return
    bango = Atena.objects.filter(pk=rec.atena_id).values_list("kojin_bango", flat=True).first()
    if bango:
        values["kojin_bango"] = bango
        rec.record = pack(TOGO_ITEMS, values)
        TogoSoshin.objects.filter(pk=rec.pk).update(record=rec.record)


def togo_soshin_send(
    *, actor: Actor, limit: int = SEND_CHUNK, now: datetime | None = None
) -> SendResult:
    """Send up to ``limit`` waiting records in order (see the module's docstring)."""

    def transmit(rec: TogoSoshin) -> dict[str, Any]:
        return togo_call(
            "/v1/juminhyo",
            {"dantai_code": shichoson_code(), "layout": TOGO_LAYOUT, "record": rec.record},
        )

    def after_sent(rec: TogoSoshin, answer: dict[str, Any]) -> None:
        togo_link(lock=False)
        TogoRenkei.objects.filter(pk=1).update(last_sent_at=timezone.now(), last_error="")
        access_record(
            actor=actor,
            action=AccessAction.EXPORT,
            gyomu=GYOMU,
            screen="団体内統合宛名システムへの送信",
            record_type="atena",
            record_id=rec.atena_id,
            mynumber_viewed=True,
            detail={"togo_soshin_id": rec.pk},
        )

    return OUTBOX.send(
        limit=limit, now=now, transmit=transmit, after_sent=after_sent, prepare=_complete_bango
    )


# --- the clerk's actions on the queue ------------------------------------------------------


def _open_record(soshin_id: int, want: tuple[str, ...]) -> TogoSoshin:
    rec: TogoSoshin = OUTBOX.open_record(soshin_id, want, error=TogoSoshinError, noun="送信データ")
    return rec


def togo_soshin_resend(*, soshin_id: int, actor: Actor) -> TogoSoshin:
    """再送信: a refused or waiting record goes out at the next round, with the person's
    current 個人番号 if it had none. Items are corrected in the registry (an 異動), never
    here: the 統合宛名 system must hold what the 住民票 says."""
    with transaction.atomic(durable=True):
        rec = _open_record(soshin_id, (TogoStatus.REJECTED, TogoStatus.RETRY))
        try:
            values = unpack(TOGO_ITEMS, rec.record)
            rec.record = pack(TOGO_ITEMS, values)
        except ValueError as exc:
            raise TogoSoshinError(
                f"{exc} 住民票を修正し、この送信データは取りやめてください。"
            ) from None
        rec.status = TogoStatus.PENDING
        rec.next_try_at = None
        rec.save(update_fields=["status", "next_try_at", "record"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="統合宛名送信データの再送信",
            record_type="atena",
            record_id=rec.atena_id,
            detail={"togo_soshin_id": rec.pk},
        )
    return rec


def togo_soshin_withdraw(*, soshin_id: int, actor: Actor) -> TogoSoshin:
    """取りやめ of a refused record: the person's later records go out."""
    with transaction.atomic(durable=True):
        rec = _open_record(soshin_id, (TogoStatus.REJECTED,))
        rec.status = TogoStatus.WITHDRAWN
        rec.save(update_fields=["status"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="統合宛名送信データの取りやめ",
            record_type="atena",
            record_id=rec.atena_id,
            detail={"togo_soshin_id": rec.pk},
        )
    return rec


# --- 突合 -----------------------------------------------------------------------------------


def _heads() -> dict[int, str]:
    """世帯 id → the 世帯主's 氏名, one query for the whole town."""
    return dict(
        Atena.objects.filter(zokugara=Zokugara.HONNIN, jotai=JuminJotai.JUMIN)
        .filter(setai__isnull=False)
        .values_list("setai_id", "shimei")
    )


def togo_totsugo_run(*, actor: Actor) -> TogoTotsugo:
    """突合 with the 統合宛名 system (see the module's docstring).

    Every 住登者 (除票 included: the 副本 keeps them with their 住民状態) is compared item by
    item. The 統合宛名 system answers with all the town's records in one reply; for the
    380,000-person city that is ≈150 MB of JSON and wants pages (not built: the
    simulator's towns are small)."""
    dantai = shichoson_code()
    try:
        answer = togo_call("/v1/list", {"dantai_code": dantai})
    except (TogoNotConfigured, TogoUnreachable, TogoRejected) as exc:
        raise TotsugoError(str(exc)) from None
    theirs: dict[str, tuple[str, ...]] = {}
    for record in answer.get("records") or []:
        try:
            data = _data(list(record))
        except ValueError:
            continue
        theirs[data[0]] = data
    heads = _heads()
    with transaction.atomic(durable=True):
        run = TogoTotsugo.objects.create()
        sa: list[TogoTotsugoSa] = []
        queue: list[TogoSoshin] = []
        compared = 0
        seen: set[str] = set()
        persons = (
            Atena.objects.filter(kubun=AtenaKubun.JUTOSHA).select_related("setai").order_by("pk")
        )
        for atena in persons.iterator(chunk_size=2000):
            compared += 1
            values = current_values(atena, dantai)
            if atena.zokugara != Zokugara.HONNIN and atena.setai_id:
                values["setainushi_shimei"] = heads.get(atena.setai_id, "")
            ours = tuple(str(values[n] or "") for n in DATA_NAMES)
            seen.add(atena.atena_no)
            other = theirs.get(atena.atena_no)
            if other == ours:
                continue
            if other is None:
                sa.append(TogoTotsugoSa(totsugo=run, kind=TogoSaKind.TOHO_NOMI, atena=atena))
            else:
                items = [
                    n
                    for n, a, b in zip(DATA_NAMES, ours, other, strict=True)
                    if a != b and n != "atena_no"
                ]
                sa.append(TogoTotsugoSa(totsugo=run, kind=TogoSaKind.SOI, atena=atena, items=items))
            record, problem = _record(values)
            queue.append(
                TogoSoshin(
                    totsugo=run,
                    atena=atena,
                    record=record,
                    status=TogoStatus.REJECTED if problem else TogoStatus.PENDING,
                    reason=problem,
                )
            )
        for atena_no in sorted(set(theirs) - seen):
            sa.append(TogoTotsugoSa(totsugo=run, kind=TogoSaKind.TOGO_NOMI, atena_no=atena_no))
        TogoTotsugoSa.objects.bulk_create(sa)
        TogoSoshin.objects.bulk_create(queue)
        run.compared, run.differences, run.queued = compared, len(sa), len(queue)
        run.save(update_fields=["compared", "differences", "queued"])
        access_record(
            actor=actor,
            action=AccessAction.EXPORT,
            gyomu=GYOMU,
            screen="団体内統合宛名システムとの突合",
            record_type="atena",
            record_count=compared,
            mynumber_viewed=True,
            detail={"totsugo_id": run.pk, "differences": len(sa), "queued": len(queue)},
        )
    return run


def last_change_seq() -> int:
    """The feed's last 連携番号 (for the screen: how far behind the link is)."""
    return RenkeiChange.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
