"""施設型給付費の返納 (HK-13): a payment found wrong after it was made (過払: a child not
cared for, a wrong 公定価格 or 利用者負担) is never edited; the town decides the 返納 — the
amount the 施設 must pay back (at most what was paid), the reason, the 返納期限 and the
納入通知 (date; the 納入通知書 as a PDF) — and records what comes back (戻入). When the
whole 返納 is in (完納), the month's 請求 goes back to 受付: the 施設 corrects it, a new
審査 must find it 一致, and only then is the month paid again — the 算定額 less what stays
paid (``hoiku_kyufu_shiharai.kyufuhi_shiharai``).

The shape is the 児童扶養手当 返還金's (``fukushi.services.fuyoteate_kabarai``: 決定 with its
amount and 納期限, payments against it, 未納/完納, a 通知書, a history row and an access row
per write), for a 施設 instead of a 受給者. Like that 返還金 it is kept here, not in the
収納 ledger (zeimu): the 返納 of a 給付費 overpaid to a 施設 is recovered as 不当利得
(民法第703条), a 私債権 of the town, not a 税 or 公課 (our reading: 未確認 against a
ministry notice; the 徴収 of what was received by 偽りその他不正の手段, with its 加算金, is
another matter, not built). The 返納期限 is the clerk's (the
town's 納入通知 practice; no national period was found: 未確認).

Each write: one durable transaction, its history row and its access-log row; refused input
writes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import (
    HoikuKyufuhiHenno,
    HoikuKyufuhiHennoJotai,
    HoikuKyufuhiHennoRireki,
    HoikuKyufuhiSeikyu,
    HoikuKyufuhiShiharai,
    KyufuhiSeikyuJotai,
)
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.labels import wareki_month
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

__all__ = ["TSUCHI_TEMPLATE", "credit", "henno_kettei", "henno_reinyu", "henno_tsuchi"]

SCREEN = "fukushi.hoiku_kyufuhi_henno"
RECORD_TYPE = "fukushi.HoikuKyufuhiHenno"
TSUCHI_TEMPLATE = "fukushi/hoiku_kyufuhi_henno_tsuchi.typ"
TSUCHI_TITLE = "施設型給付費等返納金納入通知書"
RIYU_MAX = 200


def henno_kettei(
    *,
    shiharai: HoikuKyufuhiShiharai,
    kettei_date: date,
    gaku: int,
    riyu: str,
    kigen: date,
    tsuchi_date: date,
    actor: Actor,
) -> HoikuKyufuhiHenno:
    """Decide the 返納 of ``gaku`` of the payment ``shiharai`` (one 返納 per payment)."""
    riyu = riyu.strip()
    errors: list[tuple[str, str]] = []
    if not 1 <= gaku <= shiharai.gaku:
        errors.append(("gaku", f"返納額は1〜{shiharai.gaku:,}円（支払額まで）で入力してください。"))
    if not riyu:
        errors.append(("riyu", "返納の理由を入力してください。"))
    elif len(riyu) > RIYU_MAX:
        errors.append(("riyu", f"返納の理由は{RIYU_MAX}文字以内で入力してください。"))
    if kettei_date < shiharai.shiharai_date:
        errors.append(("kettei_date", "返納の決定日が支払日より前です。"))
    if tsuchi_date < kettei_date:
        errors.append(("tsuchi_date", "納入通知日が返納の決定日より前です。"))
    if kigen < tsuchi_date:
        errors.append(("kigen", "返納期限が納入通知日より前です。"))
    if errors:
        raise KyufuhiRefused(errors)
    with transaction.atomic(durable=True):
        p = (
            HoikuKyufuhiShiharai.objects.select_for_update()
            .select_related("shisetsu")
            .get(pk=shiharai.pk)
        )
        if HoikuKyufuhiHenno.objects.filter(shiharai=p).exists():
            raise KyufuhiRefused(
                [("shiharai", f"{p.shisetsu.name}：この支払の返納は決定済みです。")]
            )
        try:
            with transaction.atomic():
                row = HoikuKyufuhiHenno.objects.create(
                    shiharai=p, shisetsu=p.shisetsu, month=p.month, kettei_date=kettei_date,
                    gaku=gaku, riyu=riyu, kigen=kigen, tsuchi_date=tsuchi_date,
                    created_by=actor.username,
                )  # fmt: skip
        except IntegrityError as exc:  # decided meanwhile by another clerk
            raise KyufuhiRefused(
                [("shiharai", f"{p.shisetsu.name}：この支払の返納は決定済みです。")]
            ) from exc
        HoikuKyufuhiHennoRireki.objects.create(
            henno=row,
            kind="kettei",
            naiyo=(
                f"返納を決定（{format_wareki(kettei_date)}）：{wareki_month(p.month)}分の支払"
                f"（{format_wareki(p.shiharai_date)}、{p.gaku:,}円）のうち {gaku:,}円、"
                f"返納期限 {format_wareki(kigen)}、納入通知 {format_wareki(tsuchi_date)}"
            )[:300],
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=row.pk,
            detail={"shiharai_id": p.pk},
        )
    return row


def henno_reinyu(
    *, henno: HoikuKyufuhiHenno, gaku: int, reinyu_date: date, actor: Actor
) -> HoikuKyufuhiHenno:
    """Record ``gaku`` paid back (戻入) against the 返納; when nothing is left (完納) the
    month's 請求 goes back to 受付, to be corrected and judged again before any new payment."""
    errors: list[tuple[str, str]] = []
    if gaku < 1:
        errors.append(("gaku", "戻入額は1円以上で入力してください。"))
    if reinyu_date < henno.kettei_date:
        errors.append(("reinyu_date", "戻入日が返納の決定日より前です。"))
    with transaction.atomic(durable=True):
        row = HoikuKyufuhiHenno.objects.select_for_update().get(pk=henno.pk)
        zan = row.gaku - row.reinyu_gaku
        if row.jotai == HoikuKyufuhiHennoJotai.KANNO:
            errors.append(("henno", "この返納は戻入済み（完納）です。"))
        elif gaku > zan:
            errors.append(("gaku", f"戻入額が残額（{zan:,}円）を超えています。"))
        if errors:
            raise KyufuhiRefused(errors)
        naiyo = f"戻入（{format_wareki(reinyu_date)}）{gaku:,}円"
        credit(row, gaku=gaku, kind="reinyu", naiyo=naiyo, actor=actor)
    return row


def credit(
    row: HoikuKyufuhiHenno, *, gaku: int, kind: str, naiyo: str, actor: Actor
) -> HoikuKyufuhiHenno:
    """Count ``gaku`` as come back against the 返納 ``row`` (locked by the caller, inside its
    transaction; ``gaku`` checked against the 残額): a 戻入 (``kind`` reinyu) or a 過誤調整
    (``kind`` kago_chosei, set off against a later payment). When nothing is left (完納) the
    month's 請求 goes back to 受付. A history row and an access row."""
    row.reinyu_gaku += gaku
    kanno = row.reinyu_gaku == row.gaku
    if kanno:
        row.jotai = HoikuKyufuhiHennoJotai.KANNO
    row.save(update_fields=["reinyu_gaku", "jotai"])
    naiyo += f"、残額 {row.gaku - row.reinyu_gaku:,}円"
    if kanno:
        q = HoikuKyufuhiSeikyu.objects.select_for_update().get(
            pk=HoikuKyufuhiShiharai.objects.values_list("seikyu_id", flat=True).get(
                pk=row.shiharai_id
            )
        )
        q.jotai = KyufuhiSeikyuJotai.UKETSUKE
        q.shinsa_date = q.santei_ninzu = q.santei_gaku = q.sagaku = None
        q.save(update_fields=["jotai", "shinsa_date", "santei_ninzu", "santei_gaku", "sagaku"])
        naiyo += "。完納：この月の請求を受付に戻しました（再審査で一致してから再支払）"
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type="fukushi.HoikuKyufuhiSeikyu",
            record_id=q.pk,
            detail={"henno_id": row.pk},
        )
    HoikuKyufuhiHennoRireki.objects.create(
        henno=row, kind=kind, naiyo=naiyo[:300], created_by=actor.username
    )
    access_record(
        action=AccessAction.UPDATE,
        actor=actor,
        gyomu=KODOMO_KOSODATE,
        screen=SCREEN,
        record_type=RECORD_TYPE,
        record_id=row.pk,
    )
    return row


def tsuchi_item(h: HoikuKyufuhiHenno) -> dict[str, str]:
    """What the 納入通知書 of one 返納 shows, formatted."""
    p = h.shiharai
    return {
        "shisetsu": h.shisetsu.name,
        "code": h.shisetsu.code,
        "month": f"{wareki_month(h.month)}分",
        "shiharai": format_wareki(p.shiharai_date),
        "shiharai_gaku": f"{p.gaku:,}円",
        "kettei": format_wareki(h.kettei_date),
        "riyu": h.riyu,
        "gaku": f"{h.gaku:,}円",
        "reinyu": f"{h.reinyu_gaku:,}円",
        "zan": f"{h.gaku - h.reinyu_gaku:,}円",
        "kigen": format_wareki(h.kigen),
    }


def henno_tsuchi(*, henno: HoikuKyufuhiHenno, actor: Actor) -> bytes:
    """The 納入通知書 of a 返納 (one A4 page to the 施設, dated the 納入通知日 recorded), as a
    PDF; a history row and a PRINT access row. No national 様式 was at hand: the items are
    ours (未確認)."""
    h = HoikuKyufuhiHenno.objects.select_related("shisetsu", "shiharai").get(pk=henno.pk)
    pdf = render(
        TSUCHI_TEMPLATE,
        common={
            "title": TSUCHI_TITLE,
            "issuer": issuer_name(),
            "tsuchi": format_wareki(h.tsuchi_date),
        },
        items=[tsuchi_item(h)],
    )
    with transaction.atomic(durable=True):
        HoikuKyufuhiHennoRireki.objects.create(
            henno=h,
            kind="tsuchi",
            naiyo=f"納入通知書を作成（納入通知日 {format_wareki(h.tsuchi_date)}）",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.PRINT,
            actor=actor,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=h.pk,
        )
    return pdf
