"""戸籍附票記載事項通知 (住民基本台帳法 第19条第1項; 標準仕様書 7.2.4, 7.1.1.1).

Two steps, each safe to run again at any time (the shape of juminkiroku.cs.soshin):

1. ``fuhyo_tsuchi_make`` reads the linkage feed (``RenkeiChange``) after the town's own
   cursor and, for each change that owes the 本籍地 a notice (juminkiroku.fuhyo.rules
   ``needs_tsuchi``), stores the notice with the items of 法第17条 as they were at the
   本登録, 管内 or 管外 (``honseki_kubun``), in the transaction that moves the cursor: a
   change becomes a notice exactly once (the cursor and the unique 連携番号) and in order.
2. ``fuhyo_tsuchi_send`` sends what waits, oldest first, under a per-town advisory lock:
   管内 notices to the town's 戸籍附票システム (JC_FUHYO_URL), 管外 ones through the 住基ネット
   CS (JC_CS_URL, ``/v1/fuhyo-tsuchi``) to the 本籍地 (法第19条第4項: computer to computer).
   A destination that does not answer: the notice waits with a growing delay (the CS
   link's backoff) and later notices to that destination wait this round. A refusal: the
   notice shows the reason and holds that person's later notices until a clerk sends it
   again, withdraws it, or — 管外 — sends it on paper (法第19条第4項ただし書) with
   ``fuhyo_tsuchisho_print``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import IDO_GROUP_OF, IdoJiyu, JuminJotai, JuminShubetsu
from juminkiroku.cs.client import CsNotConfigured, CsRejected, CsUnreachable, cs_call
from juminkiroku.fuhyo.client import (
    PEER,
    FuhyoNotConfigured,
    FuhyoRejected,
    FuhyoUnreachable,
    fuhyo_call,
)
from juminkiroku.fuhyo.rules import KANGAI, KANNAI, honseki_kubun, needs_tsuchi
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.linkqueue import Outbox, SendResult
from juminkiroku.models import Atena, AtenaRireki, FuhyoRenkei, FuhyoTsuchi, JushoJisho
from juminkiroku.models.fuhyo import FUHYO_OPEN, FuhyoStatus
from juminkiroku.selectors.feed import changes_after
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection

MAKE_CHUNK = 500
SEND_CHUNK = 200
LAYOUT = "FUHYO-KISAI-01"  # ours: no published layout for this link (see client.py)
SYSTEM_ACTOR = Actor(user_id=None, username="fuhyo_renkei")
"""The actor of the periodic task: 「システム（戸籍附票連携）」 (module.py ``words``)."""

# The notice's items in order: the sender's header, then 法第17条 第1号〜第7号.
ITEMS: tuple[tuple[str, str], ...] = (
    ("shichoson_code", "住所地市町村コード"),
    ("renkei_no", "連携番号"),
    ("tsuchi_kubun", "管内・管外の別"),
    ("ido_jiyu", "異動事由"),
    ("ido_date", "異動日"),
    ("honseki", "本籍"),
    ("hittosha", "筆頭者"),
    ("shimei", "氏名"),
    ("jusho", "住所"),
    ("kokugai_tenshutsu", "国外転出者である旨"),
    ("jutei_date", "住所を定めた年月日"),
    ("birth_date", "出生の年月日"),
    ("sex", "男女の別"),
    ("juminhyo_code", "住民票コード"),
)


class FuhyoTsuchiError(Exception):
    """A refused action on the queue (Japanese message)."""


def shichoson_code() -> str:
    code = getattr(connection.tenant, "dantai_code", "")
    if not code:
        raise RuntimeError("the 附票 link runs inside a municipality schema only")
    return str(code)


def renkei_row(*, lock: bool) -> FuhyoRenkei:
    FuhyoRenkei.objects.get_or_create(pk=1)
    qs = FuhyoRenkei.objects.select_for_update() if lock else FuhyoRenkei.objects
    return qs.get(pk=1)


def note_error(message: str) -> None:
    FuhyoRenkei.objects.get_or_create(pk=1)
    FuhyoRenkei.objects.filter(pk=1).update(last_error=message[:200], last_error_at=timezone.now())


# --- 1. notices from the feed ---------------------------------------------------------------


def _values(p: Atena | AtenaRireki) -> dict[str, Any]:
    return {
        "jotai": p.jotai,
        "shubetsu": p.shubetsu,
        "honseki": p.honseki,
        "hittosha": p.hittosha,
        "shimei": p.shimei,
        "jusho": p.jusho,
        "banchi": p.banchi,
        "jutei_date": p.jutei_date,
        "birth_date": p.birth_date,
        "sex": p.sex,
        "juminhyo_code": p.juminhyo_code,
    }


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _before(version: AtenaRireki, ido_id: int, group: str) -> AtenaRireki | None:
    """The version this 異動 replaced: the one it closed, or for a 取消 the one it undid."""
    qs = AtenaRireki.objects.filter(atena_id=version.atena_id).exclude(pk=version.pk)
    if group == "torikeshi":
        return qs.filter(superseded_by_id=ido_id).order_by("-valid_from", "-id").first()
    return qs.filter(closed_by_id=ido_id).order_by("-valid_from", "-id").first()


def tsuchi_record(
    *, seq: int, jiyu: str, ido_date: date, kubun: str, p: Atena | AtenaRireki
) -> dict[str, Any]:
    kokugai = p.jotai == JuminJotai.KOKUGAI_TENSHUTSU
    return {
        "shichoson_code": shichoson_code(),
        "renkei_no": seq,
        "tsuchi_kubun": kubun,
        "ido_jiyu": jiyu,
        "ido_date": ido_date.isoformat(),
        "honseki": p.honseki,
        "hittosha": p.hittosha,
        "shimei": p.shimei,
        # 法第17条第3号・第4号: a 国外転出者 is recorded as such, with the 転出の予定年月日.
        "jusho": "" if kokugai else f"{p.jusho}{p.banchi}",
        "kokugai_tenshutsu": "1" if kokugai else "0",
        "jutei_date": ido_date.isoformat() if kokugai else _iso(p.jutei_date),
        "birth_date": _iso(p.birth_date),
        "sex": p.sex,
        "juminhyo_code": p.juminhyo_code,
    }


def town_kubun(honseki: str, chomei: list[str]) -> str | None:
    tenant = connection.tenant
    return honseki_kubun(
        honseki,
        prefecture=str(getattr(tenant, "prefecture", "")),
        town_name=str(getattr(tenant, "name", "")),
        chomei=chomei,
    )


def fuhyo_tsuchi_make(*, actor: Actor, limit: int = MAKE_CHUNK) -> int:
    """Make the notices of up to ``limit`` new feed rows; the number made."""
    made: list[FuhyoTsuchi] = []
    with transaction.atomic(durable=True):
        link = renkei_row(lock=True)
        cursor = link.tsuchi_after
        chomei: list[str] | None = None
        for change in changes_after(cursor, limit):
            cursor = change.seq
            version = change.rireki
            if version is None or version.shubetsu != JuminShubetsu.NIHONJIN:
                continue  # a 記載 undone, or a person with no 戸籍
            group = IDO_GROUP_OF.get(change.jiyu, "")
            before = _before(version, change.ido_id, group)
            if not needs_tsuchi(
                group=group,
                jiyu=change.jiyu,
                before=_values(before) if before is not None else None,
                after=_values(version),
                kokugai_jotai=JuminJotai.KOKUGAI_TENSHUTSU,
                kokugai_jiyu=IdoJiyu.KOKUGAI_TENSHUTSU,
                jumin_jotai=JuminJotai.JUMIN,
                data_iko_jiyu=IdoJiyu.IKO,
            ):
                continue
            if chomei is None:
                chomei = list(JushoJisho.objects.values_list("name", flat=True))
            kubun = town_kubun(version.honseki, chomei)
            if kubun is None:
                continue  # 本籍 not known: nothing to notify
            made.append(
                FuhyoTsuchi(
                    renkei_seq=change.seq,
                    atena_id=change.atena_id,
                    ido_id=change.ido_id,
                    jiyu=change.jiyu,
                    ido_date=change.ido_date,
                    kubun=kubun,
                    record=tsuchi_record(
                        seq=change.seq,
                        jiyu=change.jiyu,
                        ido_date=change.ido_date,
                        kubun=kubun,
                        p=version,
                    ),
                )
            )
        FuhyoTsuchi.objects.bulk_create(made)
        link.tsuchi_after = cursor
        link.save(update_fields=["tsuchi_after"])
        if made:
            access_record(
                actor=actor,
                action=AccessAction.EXPORT,
                gyomu=JUMINKIROKU,
                screen="戸籍附票記載事項通知の作成",
                record_type="atena",
                record_count=len(made),
                detail={"atena_ids": sorted({m.atena_id for m in made}), "after": cursor},
            )
    return len(made)


# --- 2. sending -----------------------------------------------------------------------------


OUTBOX = Outbox(
    name="fuhyo-send",
    model=FuhyoTsuchi,
    pending=FuhyoStatus.PENDING,
    retry=FuhyoStatus.RETRY,
    rejected=FuhyoStatus.REJECTED,
    sent=FuhyoStatus.SENT,
    open_statuses=FUHYO_OPEN,
    # the CS link's delays: 管外 notices go through the CS
    retry_base_setting="JC_CS_RETRY_BASE_SECONDS",
    retry_max_setting="JC_CS_RETRY_MAX_SECONDS",
    peer=PEER,
    note_error=note_error,
    # two destinations (管内: the 附票 system, 管外: the CS): one down stops only its own
    lane=lambda rec: str(rec.kubun),
)


def complete_code(rec: FuhyoTsuchi) -> None:
    """A notice made before the CS link drew the person's 住民票コード carries it now."""
    if rec.record.get("juminhyo_code"):
        return
    code = Atena.objects.filter(pk=rec.atena_id).values_list("juminhyo_code", flat=True).first()
    if code:
        rec.record = {**rec.record, "juminhyo_code": code}
        FuhyoTsuchi.objects.filter(pk=rec.pk).update(record=rec.record)


def _transport(rec: FuhyoTsuchi) -> dict[str, Any]:
    """Send one notice; the exceptions of both transports are made the 附票 link's own."""
    body = {"shichoson_code": shichoson_code(), "layout": LAYOUT, "record": rec.record}
    if rec.kubun == KANNAI:
        return fuhyo_call("/v1/kisai", body)
    try:
        return cs_call("/v1/fuhyo-tsuchi", body)
    except CsNotConfigured:
        raise FuhyoNotConfigured(
            "管外本籍の通知を送るCS（住基ネット）の接続先が設定されていません。"
        ) from None
    except CsUnreachable as exc:
        raise FuhyoUnreachable(str(exc)) from None
    except CsRejected as exc:
        raise FuhyoRejected(exc.code, exc.reason) from None


def fuhyo_tsuchi_send(
    *, actor: Actor, limit: int = SEND_CHUNK, now: datetime | None = None
) -> SendResult:
    """Send up to ``limit`` waiting notices in order (see the module's docstring)."""

    def after_sent(rec: FuhyoTsuchi, answer: dict[str, Any]) -> None:
        renkei_row(lock=False)
        FuhyoRenkei.objects.filter(pk=1).update(last_sent_at=timezone.now(), last_error="")
        access_record(
            actor=actor,
            action=AccessAction.EXPORT,
            gyomu=JUMINKIROKU,
            screen="戸籍附票記載事項通知の送信",
            record_type="atena",
            record_id=rec.atena_id,
            detail={"fuhyo_tsuchi_id": rec.pk, "kubun": rec.kubun},
        )

    return OUTBOX.send(
        limit=limit, now=now, transmit=_transport, after_sent=after_sent, prepare=complete_code
    )


# --- 3. the clerk's actions ------------------------------------------------------------------


def _open(tsuchi_id: int, want: tuple[str, ...]) -> FuhyoTsuchi:
    rec: FuhyoTsuchi = OUTBOX.open_record(tsuchi_id, want, error=FuhyoTsuchiError, noun="通知")
    return rec


def _log(actor: Actor, screen: str, rec: FuhyoTsuchi, action: str = AccessAction.UPDATE) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=JUMINKIROKU,
        screen=screen,
        record_type="atena",
        record_id=rec.atena_id,
        detail={"fuhyo_tsuchi_id": rec.pk},
    )


def fuhyo_tsuchi_resend(*, tsuchi_id: int, actor: Actor) -> FuhyoTsuchi:
    """再送信: a refused or waiting notice goes out at the next round."""
    with transaction.atomic(durable=True):
        rec = _open(tsuchi_id, (FuhyoStatus.REJECTED, FuhyoStatus.RETRY))
        rec.status = FuhyoStatus.PENDING
        rec.next_try_at = None
        rec.save(update_fields=["status", "next_try_at"])
        _log(actor, "戸籍附票記載事項通知の再送信", rec)
    return rec


def fuhyo_tsuchi_withdraw(*, tsuchi_id: int, actor: Actor) -> FuhyoTsuchi:
    """取りやめ: the 附票 was put right by other means; the person's later notices go out."""
    with transaction.atomic(durable=True):
        rec = _open(tsuchi_id, (FuhyoStatus.REJECTED,))
        rec.status = FuhyoStatus.WITHDRAWN
        rec.save(update_fields=["status"])
        _log(actor, "戸籍附票記載事項通知の取りやめ", rec)
    return rec


def fuhyo_tsuchi_counts() -> dict[str, int]:
    return {
        s: FuhyoTsuchi.objects.filter(status=s).count()
        for s in (FuhyoStatus.PENDING, FuhyoStatus.RETRY, FuhyoStatus.REJECTED, FuhyoStatus.SENT)
    }


__all__ = [
    "ITEMS",
    "KANGAI",
    "KANNAI",
    "LAYOUT",
    "SYSTEM_ACTOR",
    "FuhyoTsuchiError",
    "fuhyo_tsuchi_make",
    "fuhyo_tsuchi_resend",
    "fuhyo_tsuchi_send",
    "fuhyo_tsuchi_withdraw",
]
