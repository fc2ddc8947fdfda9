"""督促状 and 納付書 to a 連帯納付義務者 (issue 15 item 2), issued by a clerk from the 滞納
case view for one 期別 of the insured in arrears.

Who may be billed is the levying module's judgment, asked through the platform
(``tenants.rentai.rentai_lookup``: 後期高齢者医療保険料 第108条, 介護保険料 第132条, on the
期別's 納期限) at the moment of issue, never taken from the request: a person who is not
among the answer is refused; a spouse taken from 父・母 by inference (``suitei``) only once
the clerk confirms the marriage (戸籍).

The amount stays on the insured's 期別: the 督促状 names the insured and the grounds, and
the 納付書 carries the 期別's own 納付番号 (and, through ``nofusho_issue``, its slip record,
再発行区分 and barcode), so money paid by the 連帯納付義務者 is a payment of that 期別.
Each issue writes a ``RentaiHakko`` row, the case's 経過 and an access-log row (both
persons) in one transaction.

Not built (未確認): whether a 督促 of the 連帯納付義務者 is a condition of 滞納処分 against
them and whether a 督促手数料 may be charged on it were not found in 第108条・第132条 or
their 施行令; the 督促状 therefore charges no fee and posts nothing to the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from juminkiroku.public import address_blocks
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.printing.engine import render
from tenants.rentai import RENTAI_KINDS, RentaiAsk, rentai_lookup
from tenants.wareki import format_nendo, format_wareki
from zeimu.forms.notices import Issuer, postal, yen
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import (
    KeikaKind,
    Kibetsu,
    RentaiHakko,
    RentaiHakkoKind,
    TainoCase,
    TainoKeika,
)
from zeimu.services.shuno import ShunoRefused, balances
from zeimu.services.shuno_nofusho import TEMPLATE as NOFUSHO_TEMPLATE
from zeimu.services.shuno_nofusho import _slip, nofusho_issue
from zeimu.services.shuno_tokusoku import TEMPLATE as TOKUSOKU_TEMPLATE
from zeimu.services.shuno_tokusoku import shitei_kigen

SCREEN = "zeimu.taino_rentai"
REFUSE_KIBETSU = "その期別はこの方の未納の期別ではありません。"
REFUSE_NOT_RENTAI = "その方はこの期別の連帯納付義務者ではありません（納期限の日の住民記録による）。"
REFUSE_SUITEI = (
    "配偶者と推定した方です（続柄が父・母）。戸籍で婚姻を確認し、確認したことを選んでから"
    "発行してください。"
)


def rentai_hakko(
    *,
    atena_id: int,
    kibetsu_id: int,
    rentai_atena_id: int,
    kind: str,
    hakko_date: date,
    suitei_kakunin: bool,
    actor: Actor,
) -> RentaiHakko:
    """Write one 督促状 / 納付書 to ``rentai_atena_id`` for the insured ``atena_id``'s
    期別 ``kibetsu_id`` in arrears on ``hakko_date``; ``ShunoRefused`` (Japanese) when the
    期別 is not the insured's or has no balance, or the person is not jointly liable."""
    if kind not in RentaiHakkoKind.values:
        raise ShunoRefused("帳票の種類を選んでください。")
    with transaction.atomic(durable=True):
        k = Kibetsu.objects.filter(pk=kibetsu_id, atena_id=atena_id).first()
        if k is None or k.zeimoku not in RENTAI_KINDS or k.nouki >= hakko_date:
            raise ShunoRefused(REFUSE_KIBETSU)
        zan = balances([k.pk], on=hakko_date)[k.pk].zan
        if zan <= 0:
            raise ShunoRefused("この期別に発行日の未納額はありません。")
        ask = RentaiAsk(k.pk, atena_id, k.nendo, k.ki, k.nouki)
        answer = rentai_lookup(k.zeimoku, [ask]).get(k.pk)
        sha = next(
            (s for s in (answer.sha if answer else ()) if s.atena_id == rentai_atena_id), None
        )
        if sha is None:
            raise ShunoRefused(REFUSE_NOT_RENTAI)
        if sha.suitei and not suitei_kakunin:
            raise ShunoRefused(REFUSE_SUITEI)
        who = actor.username or actor.api_client or "system"
        nofusho = None
        if kind == RentaiHakkoKind.NOFUSHO:
            (nofusho,) = nofusho_issue([k.pk], hakko_date=hakko_date, job_id=None, created_by=who)
        row = RentaiHakko.objects.create(
            kibetsu=k,
            rentai_atena_id=rentai_atena_id,
            kind=kind,
            hakko_date=hakko_date,
            zan=zan,
            konkyo="、".join(sha.konkyo)[:200],
            zokugara=sha.zokugara[:50],
            suitei_kakunin=bool(sha.suitei and suitei_kakunin),
            shitei_kigen=shitei_kigen(hakko_date) if kind == RentaiHakkoKind.TOKUSOKU else None,
            nofusho=nofusho,
            created_by=who,
        )
        case, _ = TainoCase.objects.get_or_create(atena_id=atena_id)
        TainoKeika.objects.create(
            case=case,
            kind=KeikaKind.RENTAI,
            on=hakko_date,
            memo=(
                f"{row.get_kind_display()}を連帯納付義務者（{row.zokugara}・{row.konkyo}）に発行"
                f"（{k.get_zeimoku_display()} {format_nendo(k.nendo)} {k.ki_label}、"
                f"未納額 {yen(zan)}円）"
            ),
            ref_id=row.pk,
            created_by=who,
        )
        access_record(
            actor=actor,
            action=AccessAction.PRINT,
            gyomu=SHUNO_KANRI,
            screen=SCREEN,
            record_type="atena",
            record_id=atena_id,
            detail={"atena_ids": [atena_id, rentai_atena_id], "kind": kind, "hakko": row.pk},
        )
    return row


@dataclass(frozen=True)
class RentaiDocument:
    pdf: bytes
    atena_ids: list[int]


def rentai_render(row: RentaiHakko, *, issuer: Issuer) -> RentaiDocument:
    """The document of ``row`` as it was issued: addressed to the 連帯納付義務者, naming the
    insured and the grounds; the 期別, 納付番号 and amount are the insured's."""
    k = row.kibetsu
    insured = int(k.atena_id or 0)
    blocks = address_blocks([row.rentai_atena_id, insured])
    to, hi = blocks[row.rentai_atena_id], blocks[insured]
    head = {
        "postal": postal(to.postal_code),
        "address": to.jusho,
        "katagaki": to.katagaki,
        "name": to.shimei,
        "atena_no": to.atena_no,
    }
    gimu = f"{hi.shimei}様（宛名番号 {hi.atena_no}）の{k.get_zeimoku_display()}"
    if row.kind == RentaiHakkoKind.NOFUSHO and row.nofusho is not None:
        row.nofusho.kibetsu = k
        slip = {**_slip(row.nofusho), "payer": "連帯納付義務者", "rentai": gimu}
        pdf = render(
            NOFUSHO_TEMPLATE,
            common={
                "title": "納付書",
                "issuer": issuer.title,
                "town": issuer.name,
                "note": (
                    f"この納付書は、{gimu}を連帯納付義務者（{row.konkyo}）として納付して"
                    "いただくためのものです。納付された額は被保険者の保険料に充てます。"
                ),
            },
            items=[{**head, "slips": [slip]}],
        )
    else:
        kigen = row.shitei_kigen or row.hakko_date
        item = {
            **head,
            "bango": f"R{row.hakko_date.year}-{row.pk:08d}",
            "hakko": format_wareki(row.hakko_date),
            "kigen": format_wareki(kigen),
            "rows": [
                ["被保険者（納付義務者）", f"{hi.shimei}様（宛名番号 {hi.atena_no}）"],
                ["あなたの続柄", row.zokugara],
                ["連帯納付義務の根拠", row.konkyo],
                ["保険料", k.get_zeimoku_display()],
                ["年度・期別", f"{format_nendo(k.nendo)} {k.ki_label}"],
                ["納期限", format_wareki(k.nouki)],
                ["納付番号", k.nofu_bango],
                ["未納額", yen(row.zan) + "円"],
            ],
        }
        pdf = render(
            TOKUSOKU_TEMPLATE,
            common={
                "title": "督促状（連帯納付義務者）",
                "issuer": issuer.title,
                "lead": (
                    f"下記の{gimu}が納期限を過ぎても納付されていません。あなたは連帯納付義務者"
                    "として、この保険料を連帯して納付する義務を負っています。指定期限までに"
                    "納付してください。"
                ),
                "note": (
                    "納付された額は被保険者の保険料に充てます。被保険者または他の連帯納付義務者が"
                    "納付した場合は、その額を差し引いてお知らせします。既に納付された場合は"
                    "行き違いですのでご容赦ください。"
                ),
                "contact": f"お問い合わせ　{issuer.name}役場 収納担当",
            },
            items=[item],
        )
    return RentaiDocument(pdf=pdf, atena_ids=[insured, row.rentai_atena_id])
