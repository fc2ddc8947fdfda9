"""Messages from the CS: 転入通知 (標準仕様書 4.1.3.1.2), カード管理状況 (7.1.1.3), and the
転出証明書情報 of a 特例転入 (4.1.1.3).

``cs_jushin_receive`` stores every new message as it came, in one transaction with the
inbound cursor, before anything is applied, so a failure to apply loses nothing.
``cs_jushin_apply`` then works through the stored messages without a clerk:

* 転入通知: of several notices for one person in the batch, only the latest is applied and
  the others are marked 置換 (再送分); the person is found by 住民票コード and the 転入通知
  is received through ``juminkiroku.services.tenshutsu.receive_tennyu_tsuchi``. A notice
  that matches nobody, a re-sent notice for one already applied, or one the receipt
  refuses goes to the review list (要確認) with the reason, where a clerk settles it.
* カード管理状況: stored per person and card.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import AtenaKubun
from juminkiroku.cs.client import CsError, cs_call
from juminkiroku.cs.common import note_error, renkei_row, shichoson_code
from juminkiroku.cs.layout import (
    CARD_ITEMS,
    SOFUSAKI_ITEMS,
    SOFUSAKI_YOKYU_ITEMS,
    TENNYU_TSUCHI_ITEMS,
    TENSHUTSU_ITEMS,
    from_ymd,
    pack,
    unpack,
)
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.models import Atena, CardJokyo, CsJushin, CsSoshin, Ido
from juminkiroku.models.cs import CardJotai, CardShurui, JushinKind, JushinStatus, SoshinKind
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.checkdigits import is_valid_juminhyo_code

KINDS = {
    "tennyu": JushinKind.TENNYU_TSUCHI,
    "card": JushinKind.CARD,
    "sofusaki": JushinKind.SOFUSAKI_YOKYU,
}
ITEMS: dict[str, tuple[tuple[str, str], ...]] = {
    JushinKind.TENNYU_TSUCHI: TENNYU_TSUCHI_ITEMS,
    JushinKind.CARD: CARD_ITEMS,
    JushinKind.SOFUSAKI_YOKYU: SOFUSAKI_YOKYU_ITEMS,
}


class JushinError(Exception):
    """A refused action (Japanese message)."""


def _fields(kind: str, record: list[str]) -> dict[str, str]:
    names = ITEMS[kind]
    if len(record) != len(names):
        raise ValueError("電文の項目数が違います。")
    return {name: str(v) for (name, _), v in zip(names, record, strict=True)}


def cs_jushin_receive(*, actor: Actor) -> int:
    """Fetch and store the town's new messages; the number stored."""
    try:
        answer = cs_call(
            "/v1/inbound",
            {"shichoson_code": shichoson_code(), "after": renkei_row(lock=False).jushin_after},
        )
    except CsError as exc:
        with transaction.atomic(durable=True):
            note_error(str(exc))
        return 0
    stored = 0
    with transaction.atomic(durable=True):
        link = renkei_row(lock=True)
        for m in answer.get("messages", []):
            msg_no = int(m["msg_no"])
            if msg_no <= link.jushin_after:
                continue
            kind = KINDS.get(str(m.get("kind")))
            record = [str(v) for v in m.get("record", [])]
            code = ""
            if kind is not None:
                try:
                    code = _fields(kind, record).get("juminhyo_code", "")[:11]
                except ValueError:
                    code = ""
            CsJushin.objects.create(
                msg_no=msg_no,
                kind=kind or JushinKind.TENNYU_TSUCHI,
                juminhyo_code=code,
                record=record,
                status=JushinStatus.RECEIVED if kind else JushinStatus.REVIEW,
                reason="" if kind else "種類の分からない電文です。",
            )
            link.jushin_after = msg_no
            stored += 1
        link.save(update_fields=["jushin_after"])
        if stored:
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=JUKINET_RENKEI,
                screen="住基ネットからの受信",
                record_type="cs_jushin",
                record_count=stored,
                detail={"after": link.jushin_after},
            )
    return stored


def _set(msg_id: int, *, status: str, reason: str = "", atena_id: int | None = None) -> None:
    CsJushin.objects.filter(pk=msg_id).update(
        status=status, reason=reason[:200], atena_id=atena_id, done_at=timezone.now()
    )


def _match(code: str) -> tuple[Atena | None, str]:
    if not code or not is_valid_juminhyo_code(code):
        return None, "住民票コードが正しくありません（文字化け・欠落の可能性）。"
    found = list(Atena.objects.filter(juminhyo_code=code, kubun=AtenaKubun.JUTOSHA)[:2])
    if not found:
        return None, "住民票コードに該当する住民がいません。"
    if len(found) > 1:
        return None, "住民票コードに該当する住民が複数います。"
    return found[0], ""


def _receive_tennyu(atena_id: int, f: dict[str, str], actor: Actor) -> str:
    """Call the 転入通知 receipt; "" on success, else the reason for the review list."""
    try:
        tennyu_date = from_ymd(f["tennyu_date"])
    except ValueError:
        tennyu_date = None
    if tennyu_date is None:
        return "転入年月日が読み取れません。"
    try:
        from juminkiroku.services.tenshutsu import receive_tennyu_tsuchi  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return "転入通知の受理処理が利用できません。"
    try:
        receive_tennyu_tsuchi(
            atena_id=atena_id,
            tennyu_date=tennyu_date,
            tennyu_jusho=f["tennyu_jusho"],
            tennyu_postal_code=f["tennyu_postal_code"],
            source="cs",
            received_on=timezone.localdate(),
            actor=actor,
        )
    except Exception as exc:
        message = getattr(exc, "errors", None)
        if isinstance(message, dict):
            return "；".join(m for ms in message.values() for m in ms)[:200]
        return "転入通知の受理でエラーになりました。"
    return ""


def _sofusaki_for(m: CsJushin, atena: Atena) -> None:
    """The 送付先情報 of an 更新対象者 the CS asked for (7.1.1.4), queued to be sent; its
    連携番号 is minus the message number (made once per message)."""
    from juminkiroku.cs.soshin import sofusaki_values

    CsSoshin.objects.get_or_create(
        renkei_seq=-m.msg_no,
        kind=SoshinKind.SOFUSAKI,
        defaults={
            "atena": atena,
            "jiyu": "",
            "ido_date": timezone.localdate(),
            "record": pack(
                SOFUSAKI_ITEMS, sofusaki_values(atena, atena, atena.juminhyo_code, -m.msg_no)
            ),
        },
    )


def cs_jushin_apply(*, actor: Actor) -> dict[str, int]:
    """Apply the stored messages (see the module's docstring); counts per outcome."""
    counts = {"applied": 0, "review": 0, "superseded": 0}
    # A receipt interrupted between the call and its outcome (a worker killed): whether the
    # 転入通知 was received is unknown, so a clerk checks rather than it being applied twice.
    with transaction.atomic(durable=True):
        CsJushin.objects.filter(status=JushinStatus.APPLYING).update(
            status=JushinStatus.REVIEW,
            reason="取込の途中で中断しました。受理されたかを確認してください。",
        )
    waiting = list(CsJushin.objects.filter(status=JushinStatus.RECEIVED).order_by("msg_no"))
    latest: dict[str, int] = {}
    for m in waiting:
        if m.kind == JushinKind.TENNYU_TSUCHI and m.juminhyo_code:
            latest[m.juminhyo_code] = m.pk  # ordered by msg_no: the last one wins
    for m in waiting:
        f = _fields(m.kind, m.record)
        if m.kind == JushinKind.TENNYU_TSUCHI:
            if m.juminhyo_code and latest.get(m.juminhyo_code) != m.pk:
                with transaction.atomic(durable=True):
                    _set(m.pk, status=JushinStatus.SUPERSEDED)
                counts["superseded"] += 1
                continue
            atena, why = _match(m.juminhyo_code)
            if (
                atena is not None
                and CsJushin.objects.filter(
                    kind=JushinKind.TENNYU_TSUCHI, atena=atena, status=JushinStatus.APPLIED
                ).exists()
            ):
                why = "取込済の転入通知の再送分です。内容を確認し、必要なら修正してください。"
            if atena is not None and not why:
                with transaction.atomic(durable=True):
                    _set(m.pk, status=JushinStatus.APPLYING, atena_id=atena.pk)
                why = _receive_tennyu(atena.pk, f, actor)
            with transaction.atomic(durable=True):
                if why:
                    _set(
                        m.pk,
                        status=JushinStatus.REVIEW,
                        reason=why,
                        atena_id=atena.pk if atena else None,
                    )
                else:
                    _set(m.pk, status=JushinStatus.APPLIED, atena_id=atena.pk if atena else None)
            counts["review" if why else "applied"] += 1
        elif m.kind == JushinKind.SOFUSAKI_YOKYU:
            atena, why = _match(m.juminhyo_code)
            with transaction.atomic(durable=True):
                if atena is not None and not why:
                    _sofusaki_for(m, atena)
                    _set(m.pk, status=JushinStatus.APPLIED, atena_id=atena.pk)
                else:
                    _set(m.pk, status=JushinStatus.REVIEW, reason=why)
            counts["review" if why else "applied"] += 1
        else:
            atena, why = _match(m.juminhyo_code)
            if atena is not None and (
                f["shurui"] not in CardShurui.values or f["jotai"] not in CardJotai.values
            ):
                why = "カードの種類または交付状況が読み取れません。"
            with transaction.atomic(durable=True):
                if atena is not None and not why:
                    CardJokyo.objects.update_or_create(
                        atena=atena,
                        shurui=f["shurui"],
                        defaults={"jotai": f["jotai"], "jotai_date": from_ymd(f["jotai_date"])},
                    )
                    _set(m.pk, status=JushinStatus.APPLIED, atena_id=atena.pk)
                else:
                    _set(m.pk, status=JushinStatus.REVIEW, reason=why)
            counts["review" if why else "applied"] += 1
    return counts


def cs_jushin_settle(*, jushin_id: int, actor: Actor, atena_id: int | None = None) -> CsJushin:
    """A clerk settles a message on the review list: a 転入通知 applied to the person the
    clerk found (``atena_id``), or marked as handled by hand."""
    m = CsJushin.objects.filter(pk=jushin_id, status=JushinStatus.REVIEW).first()
    if m is None:
        raise JushinError("確認待ちの電文がありません。")
    if atena_id is not None:
        if m.kind != JushinKind.TENNYU_TSUCHI:
            raise JushinError("住民を指定して取り込めるのは転入通知だけです。")
        if not Atena.objects.filter(pk=atena_id, kubun=AtenaKubun.JUTOSHA).exists():
            raise JushinError("指定した住民がいません。")
        why = _receive_tennyu(atena_id, _fields(m.kind, m.record), actor)
        if why:
            raise JushinError(why)
    with transaction.atomic(durable=True):
        _set(
            m.pk,
            status=JushinStatus.APPLIED if atena_id else JushinStatus.DONE_BY_HAND,
            atena_id=atena_id or m.atena_id,
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=JUKINET_RENKEI,
            screen="住基ネット受信電文の確認",
            record_type="cs_jushin",
            record_id=m.pk,
        )
    m.refresh_from_db()
    return m


# --- 特例転入 (4.1.1.3) ------------------------------------------------------------------


def tokurei_tennyu_prefill(*, juminhyo_code: str, actor: Actor) -> dict[str, Any]:
    """The 転出証明書情報 the CS holds for ``juminhyo_code``, as the fields of a 転入 entry
    (the clerk checks and corrects them before 仮登録)."""
    code = juminhyo_code.strip()
    if not is_valid_juminhyo_code(code):
        raise JushinError("住民票コードの検査数字が一致しません（11桁）。")
    try:
        answer = cs_call(
            "/v1/tenshutsu-shomei/get", {"shichoson_code": shichoson_code(), "juminhyo_code": code}
        )
        f = unpack(TENSHUTSU_ITEMS, [str(v) for v in answer.get("record", [])])
    except CsError as exc:
        raise JushinError(f"転出証明書情報を受信できませんでした: {exc}") from None
    except ValueError as exc:
        raise JushinError(f"転出証明書情報を読み取れませんでした: {exc}") from None
    birth = from_ymd(f["birth_date"])
    with transaction.atomic(durable=True):
        access_record(
            actor=actor,
            action=AccessAction.READ,
            gyomu=JUKINET_RENKEI,
            screen="特例転入（転出証明書情報の受信）",
            record_type="tenshutsu_shomei_joho",
            mynumber_viewed=bool(f["kojin_bango"]),
        )
    return {
        "shimei": f["shimei"],
        "shimei_kana": f["shimei_kana"],
        "birth_date": birth.isoformat() if birth else "",
        "sex": f["sex"],
        "tennyu_mae_jusho": f["jusho"],
        "honseki": f["honseki"],
        "hittosha": f["hittosha"],
        "juminhyo_code": f["juminhyo_code"],
        "kojin_bango": f["kojin_bango"],
        "tenshutsu_yotei_date": (
            d.isoformat() if (d := from_ymd(f["tenshutsu_yotei_date"])) else ""
        ),
    }


TOKUREI_FIELDS = (
    "shimei",
    "shimei_kana",
    "birth_date",
    "sex",
    "tennyu_mae_jusho",
    "honseki",
    "hittosha",
    "postal_code",
    "jusho",
    "banchi",
    "katagaki",
)
"""What the clerk checks and may correct on the 特例転入 screen (4.1.1.3「修正を行えること」)."""


def tokurei_tennyu_enter(
    *,
    juminhyo_code: str,
    fields: dict[str, Any],
    ido_date: date,
    todoke_date: date | None,
    actor: Actor,
) -> Ido:
    """Enter the 転入 (仮登録, a new household) of a 特例転入 from the 転出証明書情報: the
    clerk's checked values, with the 住民票コード and the 個人番号 taken from the CS again
    (the 個人番号 never passes through the browser)."""
    from juminkiroku.codes import IdoJiyu, Zokugara
    from juminkiroku.services.ido import PersonChange, ido_enter

    received = tokurei_tennyu_prefill(juminhyo_code=juminhyo_code, actor=actor)
    person = {k: v for k, v in fields.items() if k in TOKUREI_FIELDS and v not in (None, "")}
    person.update(
        juminhyo_code=received["juminhyo_code"],
        zokugara=Zokugara.HONNIN,
        setai_order=1,
    )
    if received["kojin_bango"]:
        person["kojin_bango"] = received["kojin_bango"]
    return ido_enter(
        jiyu=IdoJiyu.TENNYU,
        ido_date=ido_date,
        todoke_date=todoke_date,
        changes=[PersonChange(None, person)],
        setai_mode="new",
        note="特例転入（転出証明書情報による）",
        actor=actor,
    )


ERROR_LIST_HEADER = (
    "電文番号",
    "受信日時",
    "電文の種類",
    "宛名番号",
    "転入年月日",
    "転入先住所",
    "理由",
)


def jushin_error_rows(*, actor: Actor) -> list[list[Any]]:
    """転入通知情報取込エラー一覧表 (4.1.3.1.2): the messages waiting for a clerk, as rows for
    tenants.csvout; the export is logged with the ids it holds."""
    from tenants.wareki import format_wareki

    rows: list[list[Any]] = []
    ids: list[int] = []
    for m in CsJushin.objects.filter(status=JushinStatus.REVIEW).select_related("atena"):
        try:
            f = _fields(m.kind, m.record)
        except ValueError:
            f = {}
        try:
            tennyu = from_ymd(f.get("tennyu_date", ""))
        except ValueError:
            tennyu = None
        if m.atena_id:
            ids.append(m.atena_id)
        rows.append(
            [
                m.msg_no,
                timezone.localtime(m.received_at).strftime("%Y-%m-%d %H:%M"),
                m.get_kind_display(),
                m.atena.atena_no if m.atena else "",
                format_wareki(tennyu) if tennyu else "",
                f.get("tennyu_jusho", ""),
                m.reason,
            ]
        )
    with transaction.atomic(durable=True):
        access_record(
            actor=actor,
            action=AccessAction.EXPORT,
            gyomu=JUKINET_RENKEI,
            screen="転入通知情報取込エラー一覧表",
            record_type="atena",
            record_count=max(len(rows), 1),
            detail={"atena_ids": sorted(set(ids)), "rows": len(rows)},
        )
    return rows
