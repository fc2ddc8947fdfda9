"""施設型給付費の支払 (HK-13): after the 審査 of a month (``hoiku_kyufu_seikyu``), the town
pays each 施設 whose 請求 is 一致 — the amount the 審査 found (算定額 = 請求額) — to the
施設's account, once per 施設 and month; the month's 全銀 総合振込 file is written from the
payments recorded (through ``tenants.zengin``), and a 支払通知書 per 施設 (Typst,
``fukushi/hoiku_kyufuhi_shiharai_tsuchi.typ``).

- A 請求 受付 or 差異あり is not paid (its correction and a new 審査 make it 一致 first);
  a 施設 already paid for the month is refused (the unique row, checked under lock); a
  施設 without an account, a 支払日 before the 審査日, a 振込依頼人 the bank would refuse:
  refused, nothing written. A 一致 of 0円 (no child in the month) is not paid.
- The payment keeps the account and the 振込依頼人 of the day (a later change of the 施設's
  account does not rewrite it) and is never edited: it is the history of what was paid.

Law: 子ども・子育て支援法第27条第5項・第29条第5項 (the 市町村 may pay the 給付費 to the 施設
on the 保護者' behalf), 第27条第6項 (examines the 請求 and pays it). The 支払通知書's items
(月, 児童数, 請求額, 支払額, 支払日, 振込先) are the usual ones of the towns' 支払通知; its 様式
is ours (no national 様式 was found: 未確認).

Each write: one durable transaction and its access-log row; the file an EXPORT row, the
notice a PRINT row.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import (
    HoikuKyufuhiHennoJotai,
    HoikuKyufuhiSeikyu,
    HoikuKyufuhiShiharai,
    HoikuShisetsuKoza,
    KyufuhiSeikyuJotai,
)
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.labels import wareki_month
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

__all__ = [
    "TSUCHI_TEMPLATE",
    "kyufuhi_shiharai",
    "shiharai_furikomi",
    "shiharai_tsuchi",
]

SCREEN = "fukushi.hoiku_kyufuhi_shiharai"
RECORD_TYPE = "fukushi.HoikuKyufuhiShiharai"
TSUCHI_TEMPLATE = "fukushi/hoiku_kyufuhi_shiharai_tsuchi.typ"
TSUCHI_TITLE = "施設型給付費等支払通知書"


def kyufuhi_shiharai(
    *,
    month: date,
    shiharai_date: date,
    irainin: zengin.Irainin,
    actor: Actor,
    shisetsu_ids: list[int] | None = None,
) -> list[HoikuKyufuhiShiharai]:
    """Pay the 施設 of ``month`` whose 請求 is 一致 and not yet paid (or only those of
    ``shisetsu_ids``, each of which must be payable): one row per 施設, 施設番号 order."""
    first = month.replace(day=1)
    bad = zengin.irainin_errors(irainin)
    if bad:
        raise KyufuhiRefused([("irainin", m) for _, m in bad])
    with transaction.atomic(durable=True):
        qs = (
            HoikuKyufuhiSeikyu.objects.select_for_update(of=("self",))
            .filter(month=first)
            .select_related("shisetsu")
            .order_by("shisetsu__code")
        )
        if shisetsu_ids is not None:
            qs = qs.filter(shisetsu_id__in=shisetsu_ids)
        rows = list(qs)
        paid, kiharai, kaisu = _paid_state(first)
        errors: list[tuple[str, str]] = []
        if shisetsu_ids is not None:
            found = {r.shisetsu_id for r in rows}
            if any(i not in found for i in shisetsu_ids):
                errors.append(("shisetsu", "この月の請求がない施設は支払えません。"))
            for r in rows:
                name = r.shisetsu.name
                if r.shisetsu_id in paid:
                    errors.append(("shisetsu", f"{name}：この月の給付費は支払済みです。"))
                elif r.jotai != KyufuhiSeikyuJotai.ITCHI:
                    errors.append(
                        (
                            "shisetsu",
                            f"{name}：請求の審査が一致していません（{r.get_jotai_display()}）。",
                        )
                    )
                elif not r.santei_gaku:
                    errors.append(("shisetsu", f"{name}：支払う給付費がありません（0円）。"))
                elif (r.santei_gaku or 0) <= kiharai.get(r.shisetsu_id, 0):
                    errors.append(
                        (
                            "shisetsu",
                            f"{name}：返納の戻入後も支払済みの額"
                            f"（{kiharai[r.shisetsu_id]:,}円）が算定額"
                            f"（{r.santei_gaku:,}円）以上で、支払う給付費がありません。",
                        )
                    )
        todo = [
            r
            for r in rows
            if r.jotai == KyufuhiSeikyuJotai.ITCHI
            and r.shisetsu_id not in paid
            and (r.santei_gaku or 0) > kiharai.get(r.shisetsu_id, 0)
        ]
        if not errors and not todo:
            errors.append(
                ("month", "この月に支払う給付費（審査が一致して未払の請求）はありません。")
            )
        koza = {
            k.shisetsu_id: k
            for k in HoikuShisetsuKoza.objects.filter(shisetsu_id__in=[r.shisetsu_id for r in todo])
        }
        for r in todo:
            if r.shisetsu_id not in koza:
                errors.append(
                    ("shisetsu", f"{r.shisetsu.name}：給付費の振込先口座が登録されていません。")
                )
            elif r.shinsa_date is not None and shiharai_date < r.shinsa_date:
                errors.append(("shiharai_date", f"{r.shisetsu.name}：支払日が審査日より前です。"))
        if errors:
            raise KyufuhiRefused(list(dict.fromkeys(errors)))
        made: list[HoikuKyufuhiShiharai] = []
        for r in todo:
            k = koza[r.shisetsu_id]
            account = zengin.Account(
                k.kinyu_kikan, k.shiten, k.yokin_shumoku, k.koza_bango, k.meigi_kana
            )
            already = kiharai.get(r.shisetsu_id, 0)
            made.append(
                HoikuKyufuhiShiharai(
                    seikyu=r,
                    shisetsu=r.shisetsu,
                    month=first,
                    kai=kaisu.get(r.shisetsu_id, 0) + 1,
                    shiharai_date=shiharai_date,
                    ninzu=r.santei_ninzu or 0,
                    santei_gaku=r.santei_gaku or 0,
                    kiharai_gaku=already,
                    gaku=(r.santei_gaku or 0) - already,
                    koza=dataclasses.asdict(account),
                    irainin=dataclasses.asdict(irainin),
                    created_by=actor.username,
                )
            )
        try:
            with transaction.atomic():
                HoikuKyufuhiShiharai.objects.bulk_create(made)
        except IntegrityError as exc:  # a payment of the same 施設 and month committed meanwhile
            raise KyufuhiRefused([("shisetsu", "この月の給付費は支払済みです。")]) from exc
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_count=len(made),
            detail={"month": first.isoformat(), "ids": [p.pk for p in made]},
        )
    return made


def _paid_state(first: date) -> tuple[set[int], dict[int, int], dict[int, int]]:
    """For the payments of the month ``first``: the 施設 whose payment stands (no 返納, or
    one not yet 戻入済), what stays paid per 施設 (payments less the 戻入 of their 返納),
    and how many payments each 施設 has had."""
    paid: set[int] = set()
    kiharai: dict[int, int] = {}
    kaisu: dict[int, int] = {}
    for p in HoikuKyufuhiShiharai.objects.filter(month=first).select_related("henno"):
        henno = getattr(p, "henno", None)
        if henno is None or henno.jotai != HoikuKyufuhiHennoJotai.KANNO:
            paid.add(p.shisetsu_id)
        back = henno.reinyu_gaku if henno is not None else 0
        kiharai[p.shisetsu_id] = kiharai.get(p.shisetsu_id, 0) + p.gaku - back
        kaisu[p.shisetsu_id] = kaisu.get(p.shisetsu_id, 0) + 1
    return paid, kiharai, kaisu


def _paid(month: date, shiharai_date: date | None) -> list[HoikuKyufuhiShiharai]:
    qs = HoikuKyufuhiShiharai.objects.filter(month=month.replace(day=1))
    if shiharai_date is not None:
        qs = qs.filter(shiharai_date=shiharai_date)
    return list(qs.select_related("shisetsu").order_by("shisetsu__code"))


def shiharai_furikomi(
    *, month: date, actor: Actor, shiharai_date: date | None = None
) -> tuple[bytes, list[HoikuKyufuhiShiharai]]:
    """The 全銀 総合振込 file of the payments of ``month`` (those of ``shiharai_date`` when
    the month was paid on several days: a file has one 取組日), one line per 施設 (顧客コード1
    = the 施設's internal number), as recorded; an EXPORT access row."""
    rows = _paid(month, shiharai_date)
    if not rows:
        raise KyufuhiRefused([("month", "この月の給付費はまだ支払っていません。")])
    days = sorted({p.shiharai_date for p in rows})
    if len(days) > 1:
        raise KyufuhiRefused(
            [
                (
                    "shiharai_date",
                    "この月は複数の支払日に支払っています。支払日（"
                    + "・".join(format_wareki(d) for d in days)
                    + "）を指定してください。",
                )
            ]
        )
    iraininss = {tuple(sorted(p.irainin.items())) for p in rows}
    if len(iraininss) > 1:
        raise KyufuhiRefused(
            [
                (
                    "irainin",
                    "同じ支払日の支払で振込依頼人が異なります。支払日ごとに確認してください。",
                )
            ]
        )
    data = zengin.sogo_furikomi_file(
        irainin=zengin.Irainin(**rows[0].irainin),
        torikumi=days[0],
        lines=[
            zengin.FurikomiLine(
                account=zengin.Account(**p.koza), amount=p.gaku, customer1=str(p.shisetsu_id)
            )
            for p in rows
        ],
    )
    access_record(
        action=AccessAction.EXPORT,
        actor=actor,
        gyomu=KODOMO_KOSODATE,
        screen=SCREEN,
        record_type=RECORD_TYPE,
        record_count=len(rows),
        detail={"month": month.replace(day=1).isoformat(), "ids": [p.pk for p in rows]},
    )
    return data, rows


def _koza_text(koza: dict[str, Any]) -> str:
    shumoku = zengin.SHUMOKU.get(koza["yokin_shumoku"], koza["yokin_shumoku"])
    return (
        f"金融機関 {koza['kinyu_kikan']}　支店 {koza['shiten']}　{shumoku}　"
        f"{koza['koza_bango']}　{koza['meigi_kana']}"
    )


def tsuchi_item(p: HoikuKyufuhiShiharai) -> dict[str, str]:
    """What the 支払通知書 of one payment shows, formatted."""
    q = p.seikyu
    return {
        "shisetsu": f"{p.shisetsu.name}",
        "code": p.shisetsu.code,
        "month": f"{wareki_month(p.month)}分",
        "ninzu": f"{p.ninzu:,}人",
        "seikyu": f"{q.seikyu_gaku:,}円",
        "uketsuke": format_wareki(q.uketsuke_date),
        "shinsa": format_wareki(q.shinsa_date) if q.shinsa_date else "",
        "gaku": f"{p.gaku:,}円",
        # a payment after a 返納 (回 2, …): the 算定額 and what stayed paid before it
        "santei": f"{p.santei_gaku:,}円" if p.kai > 1 and p.santei_gaku is not None else "",
        "kiharai": f"{p.kiharai_gaku:,}円" if p.kai > 1 else "",
        "shiharai": format_wareki(p.shiharai_date),
        "koza": _koza_text(p.koza),
    }


def shiharai_tsuchi(*, shiharai: HoikuKyufuhiShiharai, tsuchi_date: date, actor: Actor) -> bytes:
    """The 支払通知書 of one payment (one A4 page to the 施設), as a PDF; a PRINT row."""
    p = HoikuKyufuhiShiharai.objects.select_related("shisetsu", "seikyu").get(pk=shiharai.pk)
    pdf = render(
        TSUCHI_TEMPLATE,
        common={
            "title": TSUCHI_TITLE,
            "issuer": issuer_name(),
            "tsuchi": format_wareki(tsuchi_date),
        },
        items=[tsuchi_item(p)],
    )
    access_record(
        action=AccessAction.PRINT,
        actor=actor,
        gyomu=KODOMO_KOSODATE,
        screen=SCREEN,
        record_type=RECORD_TYPE,
        record_id=p.pk,
    )
    return pdf
