"""CSへの自動送信 (標準仕様書 7.1.1.1, 4.1.3.0.4, 7.1.2.1).

Two steps, each safe to run again at any time:

1. ``cs_soshin_make`` reads the linkage feed (``RenkeiChange``) after the town's cursor and
   turns each change into the records the CS expects, in the CS's item order
   (juminkiroku.cs.layout), in the same transaction that moves the cursor: a change becomes
   records exactly once (the cursor and the unique (連携番号, 種類) both say so), and in
   feed order. A 記載 of a person with no 住民票コード draws one from the 空き番 (4.3.1)
   first; a 記載 with no 個人番号 asks the CS to generate one (7.1.2.1). A 転出 entered
   as 特例 (``Ido.payload["tokurei"]``) also makes the 転出証明書情報 (4.1.3.0.4).
2. ``cs_soshin_send`` sends what waits, oldest first, one record per request, holding a
   per-town advisory lock so only one sender runs. Each answer is recorded in its own
   transaction. The CS unreachable: the record waits with a growing delay (30 s doubling
   to 1 h, ``JC_CS_RETRY_*``) and the round stops, so nothing overtakes it. The CS
   refusing a record: it stays on the queue screen with the CS's reason, and that
   person's later records are held behind it until a clerk sends it again or withdraws it
   (the 異動 order per person is kept, 7.1.1.1「異動の時系列は担保されること」). The CS
   answers a repeated record with its first answer, so a record sent twice (the worker died
   after sending, before recording) is applied once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import IDO_GROUP_OF, IdoGroup, IdoJiyu, Zokugara
from juminkiroku.cs.client import PEER, cs_call
from juminkiroku.cs.common import fill_number, note_error, renkei_row, shichoson_code
from juminkiroku.cs.layout import (
    CS_JIYU,
    CS_JIYU_KISAI_TORIKESHI,
    HONNIN_ITEMS,
    HONNIN_LAYOUT,
    SOFUSAKI_ITEMS,
    SOFUSAKI_LAYOUT,
    TENSHUTSU_ITEMS,
    TENSHUTSU_LAYOUT,
    Item,
    pack,
    unpack,
    ymd,
)
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.linkqueue import Outbox, SendResult
from juminkiroku.models import (
    Atena,
    AtenaRireki,
    CsSoshin,
    JuminhyoCodeAki,
    RenkeiChange,
    Sofusaki,
)
from juminkiroku.models.cs import OPEN_STATUSES, SoshinKind, SoshinStatus
from juminkiroku.selectors.feed import changes_after
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

MAKE_CHUNK = 500
SEND_CHUNK = 200
NO_AKI = "住民票コードの空き番がありません。CSから空き番を取得してください。"


class CsSoshinError(Exception):
    """A refused action on the queue (Japanese message)."""


# --- 1. records from the feed -------------------------------------------------------------


def _jusho(p: Atena | AtenaRireki) -> str:
    text = f"{p.jusho}{p.banchi}"
    return f"{text}　{p.katagaki}" if p.katagaki else text


def _draw_code(atena_id: int) -> str | None:
    """A random 空き番 (4.3.1「無作為で選択」), taken for ``atena_id``; None when none left."""
    aki = (
        JuminhyoCodeAki.objects.select_for_update(skip_locked=True)
        .filter(atena__isnull=True)
        .order_by("?")
        .first()
    )
    if aki is None:
        return None
    aki.atena_id = atena_id
    aki.save(update_fields=["atena"])
    return aki.code


def _honnin_values(change: RenkeiChange, code: str, bango: str) -> dict[str, Any]:
    version = change.rireki
    person: Atena | AtenaRireki = version if version is not None else change.atena
    jiyu = CS_JIYU[change.jiyu] if version is not None else CS_JIYU_KISAI_TORIKESHI
    kyu = ""
    before = (
        AtenaRireki.objects.filter(atena_id=change.atena_id, closed_by_id=change.ido_id)
        .exclude(juminhyo_code="")
        .values_list("juminhyo_code", flat=True)
        .first()
    )
    if before and before != code:
        kyu = before
    kisai = IDO_GROUP_OF.get(change.jiyu) == IdoGroup.KISAI
    return {
        "shichoson_code": shichoson_code(),
        "renkei_no": change.seq,
        "ido_jiyu": jiyu,
        "ido_date": ymd(change.ido_date),
        "shimei": person.shimei,
        "shimei_kana": person.shimei_kana,
        "birth_date": ymd(person.birth_date),
        "sex": person.sex,
        "jusho": _jusho(person),
        "kojin_bango": bango,
        "juminhyo_code": code,
        "kyu_juminhyo_code": kyu,
        "kojin_bango_seisei": "1" if kisai and not bango and version is not None else "0",
    }


def _tenshutsu_values(change: RenkeiChange, code: str, bango: str) -> dict[str, Any]:
    version = change.rireki
    person: Atena | AtenaRireki = version if version is not None else change.atena
    head = (
        Atena.objects.filter(setai_id=person.setai_id, zokugara=Zokugara.HONNIN)
        .values_list("shimei", flat=True)
        .first()
        if person.setai_id
        else None
    )
    return {
        "shichoson_code": shichoson_code(),
        "renkei_no": change.seq,
        "juminhyo_code": code,
        "shimei": person.shimei,
        "shimei_kana": person.shimei_kana,
        "birth_date": ymd(person.birth_date),
        "sex": person.sex,
        "jusho": _jusho(person),
        "tenshutsu_saki_jusho": person.tenshutsu_saki_jusho,
        "tenshutsu_yotei_date": ymd(change.ido_date),
        "setainushi_shimei": head or "",
        "zokugara": person.zokugara,
        "honseki": person.honseki,
        "hittosha": person.hittosha,
        "kojin_bango": bango,
    }


# The 異動 after which the card's 送付先情報 is made and sent (7.1.1.4「異動と連動した送付先
# 情報」): those that give the person a new address in the town.
SOFUSAKI_JIYU = frozenset(
    {
        IdoJiyu.TENNYU,
        IdoJiyu.KOKUGAI_TENNYU,
        IdoJiyu.SHUSSEI,
        IdoJiyu.SHOKKEN_KISAI,
        IdoJiyu.TENKYO,
        IdoJiyu.JUSHO_SETTEI,
        IdoJiyu.MITODOKE_TENNYU,
        IdoJiyu.HO30_46_TENNYU,
        IdoJiyu.HO30_47_TODOKE,
    }
)


def sofusaki_values(
    atena: Atena, person: Atena | AtenaRireki, code: str, no: int
) -> dict[str, Any]:
    """送付先情報: the 居所 the clerk set (Sofusaki), else the person's address."""
    kyosho = Sofusaki.objects.filter(atena_id=atena.pk).first()
    if kyosho is not None:
        postal, jusho, katagaki = kyosho.postal_code, kyosho.jusho, kyosho.katagaki
    else:
        postal, jusho, katagaki = (
            person.postal_code,
            f"{person.jusho}{person.banchi}",
            person.katagaki,
        )
    return {
        "shichoson_code": shichoson_code(),
        "renkei_no": no,
        "juminhyo_code": code,
        "shimei": person.shimei,
        "postal_code": postal,
        "jusho": jusho,
        "katagaki": katagaki,
        "kyosho": "1" if kyosho is not None else "0",
    }


def cs_soshin_make(*, actor: Actor, limit: int = MAKE_CHUNK) -> int:
    """Make the records of up to ``limit`` new feed rows; the number of records made."""
    made: list[CsSoshin] = []
    with transaction.atomic(durable=True):
        link = renkei_row(lock=True)
        cursor = link.soshin_after
        stopped = ""
        for change in changes_after(cursor, limit):
            atena = Atena.objects.select_for_update().get(pk=change.atena_id)
            code = atena.juminhyo_code
            if not code:
                drawn = _draw_code(atena.pk)
                if drawn is None:
                    stopped = NO_AKI
                    break
                fill_number(atena.pk, "juminhyo_code", drawn)
                code = drawn
            bango = (change.rireki.kojin_bango if change.rireki else "") or atena.kojin_bango
            made.append(
                CsSoshin(
                    kind=SoshinKind.HONNIN,
                    renkei_seq=change.seq,
                    atena_id=atena.pk,
                    ido_id=change.ido_id,
                    jiyu=change.jiyu,
                    ido_date=change.ido_date,
                    record=pack(HONNIN_ITEMS, _honnin_values(change, code, bango)),
                )
            )
            if change.jiyu in SOFUSAKI_JIYU and change.rireki is not None:
                made.append(
                    CsSoshin(
                        kind=SoshinKind.SOFUSAKI,
                        renkei_seq=change.seq,
                        atena_id=atena.pk,
                        ido_id=change.ido_id,
                        jiyu=change.jiyu,
                        ido_date=change.ido_date,
                        record=pack(
                            SOFUSAKI_ITEMS,
                            sofusaki_values(atena, change.rireki, code, change.seq),
                        ),
                    )
                )
            if change.jiyu == IdoJiyu.TENSHUTSU and change.ido.payload.get("tokurei") is True:
                made.append(
                    CsSoshin(
                        kind=SoshinKind.TENSHUTSU_SHOMEI,
                        renkei_seq=change.seq,
                        atena_id=atena.pk,
                        ido_id=change.ido_id,
                        jiyu=change.jiyu,
                        ido_date=change.ido_date,
                        record=pack(TENSHUTSU_ITEMS, _tenshutsu_values(change, code, bango)),
                    )
                )
            cursor = change.seq
        CsSoshin.objects.bulk_create(made)
        link.soshin_after = cursor
        if stopped:
            link.last_error, link.last_error_at = stopped, timezone.now()
        link.save()
        if made:
            access_record(
                actor=actor,
                action=AccessAction.EXPORT,
                gyomu=JUKINET_RENKEI,
                screen="住基ネット送信データの作成",
                record_type="atena",
                record_count=len(made),
                detail={"atena_ids": sorted({m.atena_id for m in made}), "after": cursor},
            )
    return len(made)


# --- 2. sending ---------------------------------------------------------------------------


LAYOUTS: dict[str, str] = {
    SoshinKind.HONNIN: HONNIN_LAYOUT,
    SoshinKind.TENSHUTSU_SHOMEI: TENSHUTSU_LAYOUT,
    SoshinKind.SOFUSAKI: SOFUSAKI_LAYOUT,
}


OUTBOX = Outbox(
    name="jukinet-cs-send",
    model=CsSoshin,
    pending=SoshinStatus.PENDING,
    retry=SoshinStatus.RETRY,
    rejected=SoshinStatus.REJECTED,
    sent=SoshinStatus.SENT,
    open_statuses=OPEN_STATUSES,
    retry_base_setting="JC_CS_RETRY_BASE_SECONDS",
    retry_max_setting="JC_CS_RETRY_MAX_SECONDS",
    peer=PEER,
    note_error=note_error,
)


def backoff(attempts: int) -> timedelta:
    return OUTBOX.backoff(attempts)


def _complete_bango(rec: CsSoshin) -> None:
    """A record made before the CS generated the person's 個人番号 (an earlier record of
    the same person asked for it) carries the number the person has now."""
    items = HONNIN_ITEMS if rec.kind == SoshinKind.HONNIN else TENSHUTSU_ITEMS
    values = unpack(items, rec.record)
    if values["kojin_bango"]:
        return
    bango = Atena.objects.filter(pk=rec.atena_id).values_list("kojin_bango", flat=True).first()
    if not bango:
        return
    values["kojin_bango"] = bango
    if "kojin_bango_seisei" in values:
        values["kojin_bango_seisei"] = "0"
    rec.record = pack(items, values)
    CsSoshin.objects.filter(pk=rec.pk).update(record=rec.record)


def _prepare(rec: CsSoshin) -> None:
    if rec.kind != SoshinKind.SOFUSAKI:
        _complete_bango(rec)


def cs_soshin_send(
    *, actor: Actor, limit: int = SEND_CHUNK, now: datetime | None = None
) -> SendResult:
    """Send up to ``limit`` waiting records in order (see the module's docstring)."""

    def transmit(rec: CsSoshin) -> dict[str, Any]:
        return cs_call(
            "/v1/honnin",
            {"shichoson_code": shichoson_code(), "layout": LAYOUTS[rec.kind], "record": rec.record},
        )

    def after_sent(rec: CsSoshin, answer: dict[str, Any]) -> None:
        bango = str(answer.get("kojin_bango", ""))
        if bango:
            from tenants.checkdigits import is_valid_kojin_bango

            if is_valid_kojin_bango(bango):
                fill_number(rec.atena_id, "kojin_bango", bango)
        renkei_row(lock=False)
        from juminkiroku.models import CsRenkei

        CsRenkei.objects.filter(pk=1).update(last_sent_at=timezone.now(), last_error="")
        access_record(
            actor=actor,
            action=AccessAction.EXPORT,
            gyomu=JUKINET_RENKEI,
            screen="住基ネットへの送信",
            record_type="atena",
            record_id=rec.atena_id,
            mynumber_viewed=rec.kind != SoshinKind.SOFUSAKI,
            detail={"cs_soshin_id": rec.pk, "kind": rec.kind},
        )

    return OUTBOX.send(
        limit=limit, now=now, transmit=transmit, after_sent=after_sent, prepare=_prepare
    )


# --- 3. the clerk's actions on the queue ---------------------------------------------------


def _open_record(soshin_id: int, want: tuple[str, ...]) -> CsSoshin:
    rec: CsSoshin = OUTBOX.open_record(soshin_id, want, error=CsSoshinError, noun="送信データ")
    return rec


# What a clerk may complete or correct in a record before sending it again (7.1.1.1「送信
# データを手入力でも補完でき」「再送信の際は異動事由を変更して送信できること」): the text
# items a refusal is usually about (a character outside 住基ネット統一文字, a long address)
# and the 異動事由. Numbers and dates come from the registry and are corrected there.
EDITABLE_ITEMS: dict[str, tuple[str, ...]] = {
    SoshinKind.HONNIN: ("ido_jiyu", "shimei", "shimei_kana", "jusho"),
    SoshinKind.TENSHUTSU_SHOMEI: ("shimei", "shimei_kana", "jusho", "tenshutsu_saki_jusho"),
    SoshinKind.SOFUSAKI: ("shimei", "jusho", "katagaki"),
}
ITEMS_OF: dict[str, tuple[Item, ...]] = {
    SoshinKind.HONNIN: HONNIN_ITEMS,
    SoshinKind.TENSHUTSU_SHOMEI: TENSHUTSU_ITEMS,
    SoshinKind.SOFUSAKI: SOFUSAKI_ITEMS,
}


def cs_soshin_resend(
    *, soshin_id: int, actor: Actor, changes: dict[str, str] | None = None
) -> CsSoshin:
    """再送信 (7.1.1.1): a refused or waiting record goes out again at the next round, with
    the clerk's completions (``changes``: item name → text, see ``EDITABLE_ITEMS``)."""
    from juminkiroku.cs.layout import CS_JIYU_LABEL
    from tenants.text import text_problem

    changes = {k: v.strip() for k, v in (changes or {}).items()}
    with transaction.atomic(durable=True):
        rec = _open_record(soshin_id, (SoshinStatus.REJECTED, SoshinStatus.RETRY))
        items = ITEMS_OF[rec.kind]
        labels = {i.name: i.label for i in items}
        values = unpack(items, rec.record)
        edited: list[str] = []
        for name, text in changes.items():
            if name not in EDITABLE_ITEMS[rec.kind]:
                raise CsSoshinError("この項目は送信データの画面では変更できません。")
            problem = text_problem(text, label=labels[name])
            if problem is not None:
                raise CsSoshinError(problem)
            if name == "ido_jiyu" and text not in CS_JIYU_LABEL:
                raise CsSoshinError("異動事由が正しくありません。")
            if name in ("shimei", "jusho", "ido_jiyu") and not text:
                raise CsSoshinError(f"{labels[name]}を入力してください。")
            if values[name] != text:
                values[name] = text
                edited.append(name)
        try:
            rec.record = pack(items, values)
        except ValueError as exc:
            raise CsSoshinError(str(exc)) from None
        rec.status = SoshinStatus.PENDING
        rec.next_try_at = None
        rec.save(update_fields=["status", "next_try_at", "record"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=JUKINET_RENKEI,
            screen="住基ネット送信データの再送信",
            record_type="atena",
            record_id=rec.atena_id,
            detail={"cs_soshin_id": rec.pk, "edited": edited},
        )
    return rec


def cs_soshin_withdraw(*, soshin_id: int, actor: Actor) -> CsSoshin:
    """Withdraw a refused record (the CS was corrected by other means): the person's later
    records go out."""
    with transaction.atomic(durable=True):
        rec = _open_record(soshin_id, (SoshinStatus.REJECTED,))
        rec.status = SoshinStatus.WITHDRAWN
        rec.save(update_fields=["status"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=JUKINET_RENKEI,
            screen="住基ネット送信データの取りやめ",
            record_type="atena",
            record_id=rec.atena_id,
            detail={"cs_soshin_id": rec.pk},
        )
    return rec
