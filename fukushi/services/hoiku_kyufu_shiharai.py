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

**過誤調整**: at a payment the clerk may set off the 未納 残額 of a 返納 of the same 施設
(``kago_chosei``: 返納 → amount) against it instead of a 納入 — the payment keeps the 算定額,
the 既払額 and its 支払額, and records the 過誤調整額; the bank transfers the 振込額 (支払額 −
過誤調整額: the 全銀 file's amount, a line of 0円 left out), and the 返納 counts the amount as
come back (history kind kago_chosei, 完納 when covered: ``hoiku_kyufu_henno.credit``). Refused,
nothing written: more than the 返納's 残額, more in all than the payment, a 返納 of another
施設 or one 完納, a 支払日 before the 返納's 決定日. The practice is that of the 障害福祉
給付費 (過誤調整: the amount withdrawn is deducted from the next 支払確定額 — 東京都国民健康
保険団体連合会「障害者総合支援給付費等の請求過誤調整について」
http://tokyo-kokuhoren.or.jp/welfare_office/support_request/adjustment.html ); for the
施設型給付費, paid by the town itself, no national rule or town's 要綱 was found: the set-off
(民法第505条 相殺, both debts between the town and the same 施設) is our reading, 未確認.

Each write: one durable transaction and its access-log row; the file an EXPORT row, the
notice a PRINT row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import (
    HoikuKyufuhiHenno,
    HoikuKyufuhiHennoJotai,
    HoikuKyufuhiKagoChosei,
    HoikuKyufuhiSeikyu,
    HoikuKyufuhiShiharai,
    HoikuShisetsuKoza,
    KyufuhiSeikyuJotai,
)
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from fukushi.services.hoiku_kyufu_henno import credit
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
    kago_chosei: Mapping[int, int] | None = None,
) -> list[HoikuKyufuhiShiharai]:
    """Pay the 施設 of ``month`` whose 請求 is 一致 and not yet paid (or only those of
    ``shisetsu_ids``, each of which must be payable): one row per 施設, 施設番号 order.
    ``kago_chosei`` (返納 id → amount): the 過誤調整 set off against the payment of the
    返納's 施設."""
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
        kago, kago_errors = _kago_plan(kago_chosei or {}, todo, kiharai, shiharai_date)
        errors += kago_errors
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
                    kago_chosei_gaku=sum(g for h, g in kago if h.shisetsu_id == r.shisetsu_id),
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
        by_shisetsu = {p.shisetsu_id: p for p in made}
        for h, g in kago:
            p = by_shisetsu[h.shisetsu_id]
            HoikuKyufuhiKagoChosei.objects.create(
                shiharai=p, henno=h, gaku=g, created_by=actor.username
            )
            credit(
                h,
                gaku=g,
                kind="kago_chosei",
                naiyo=(
                    f"過誤調整（{format_wareki(shiharai_date)}）{g:,}円："
                    f"{wareki_month(p.month)}分の支払（{p.kai}回目、支払額 {p.gaku:,}円）から差引"
                ),
                actor=actor,
            )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_count=len(made),
            detail={"month": first.isoformat(), "ids": [p.pk for p in made]}
            | ({"kago_chosei": [h.pk for h, _ in kago]} if kago else {}),
        )
    return made


def _kago_plan(
    wanted: Mapping[int, int],
    todo: list[HoikuKyufuhiSeikyu],
    kiharai: dict[int, int],
    shiharai_date: date,
) -> tuple[list[tuple[HoikuKyufuhiHenno, int]], list[tuple[str, str]]]:
    """The 過誤調整 asked for, checked (the 返納 locked): each 返納 未納, of a 施設 paid in
    this run, at most its 残額, decided on or before the 支払日; per 施設 at most the 支払額."""
    if not wanted:
        return [], []
    errors: list[tuple[str, str]] = []
    hennos = {
        h.pk: h
        for h in HoikuKyufuhiHenno.objects.select_for_update(of=("self",))
        .filter(pk__in=list(wanted))
        .select_related("shisetsu")
    }
    pay = {r.shisetsu_id: (r.santei_gaku or 0) - kiharai.get(r.shisetsu_id, 0) for r in todo}
    names = {r.shisetsu_id: r.shisetsu.name for r in todo}
    plan: list[tuple[HoikuKyufuhiHenno, int]] = []
    total: dict[int, int] = {}
    for hid, g in sorted(wanted.items()):
        h = hennos.get(hid)
        if h is None:
            errors.append(("kago_chosei", "過誤調整する返納が見つかりません。"))
            continue
        name, zan = h.shisetsu.name, h.gaku - h.reinyu_gaku
        if h.jotai == HoikuKyufuhiHennoJotai.KANNO:
            errors.append(("kago_chosei", f"{name}：この返納は戻入済み（完納）です。"))
        elif g < 1:
            errors.append(("kago_chosei", "過誤調整額は1円以上で入力してください。"))
        elif g > zan:
            errors.append(
                (
                    "kago_chosei",
                    f"{name}：過誤調整額（{g:,}円）が返納の残額（{zan:,}円）を超えています。",
                )
            )
        elif h.shisetsu_id not in pay:
            errors.append(
                (
                    "kago_chosei",
                    f"{name}の返納は、この支払（"
                    + ("・".join(names.values()) or "なし")
                    + "）と相殺できません（同じ施設への支払とだけ調整できます）。",
                )
            )
        elif shiharai_date < h.kettei_date:
            errors.append(("kago_chosei", f"{name}：支払日が返納の決定日より前です。"))
        else:
            plan.append((h, g))
            total[h.shisetsu_id] = total.get(h.shisetsu_id, 0) + g
    for sid, t in total.items():
        if t > pay[sid]:
            errors.append(
                (
                    "kago_chosei",
                    f"{names[sid]}：過誤調整額（{t:,}円）が支払額（{pay[sid]:,}円）を超えています。",
                )
            )
    return plan, errors


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
    lines = [
        zengin.FurikomiLine(
            account=zengin.Account(**p.koza), amount=p.furikomi_gaku, customer1=str(p.shisetsu_id)
        )
        for p in rows
        if p.furikomi_gaku > 0  # a payment set off whole against 返納 transfers nothing
    ]
    if not lines:
        raise KyufuhiRefused(
            [("month", "この支払日の支払はすべて過誤調整で相殺され、振り込む額がありません。")]
        )
    data = zengin.sogo_furikomi_file(
        irainin=zengin.Irainin(**rows[0].irainin), torikumi=days[0], lines=lines
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
        # a 過誤調整: what was set off against which 返納, and the 振込額
        "kago": f"{p.kago_chosei_gaku:,}円" if p.kago_chosei_gaku else "",
        "kago_naiyo": "、".join(
            f"{wareki_month(c.henno.month)}分の支払の返納（{format_wareki(c.henno.kettei_date)}"
            f"決定）から {c.gaku:,}円"
            for c in p.kago_chosei.select_related("henno").order_by("henno__month", "henno_id")
        ),
        "furikomi": f"{p.furikomi_gaku:,}円",
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
