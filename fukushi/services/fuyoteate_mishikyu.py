"""児童扶養手当: the 未支払の手当 of a 受給者 who died — the 請求 by a child who was their
監護等児童, the 決定 (支給 or 不支給) with its 決定通知書 (PDF), and the payment by the next
run to the claimant's account (``fuyoteate.shiharai_run``).

The law (児童扶養手当法, 未支払の手当): when a 受給資格者 dies with 手当 owed and not yet
paid, it may be paid to the child who was their 監護等児童. The article was read here as
法第16条 (the brief named 第17条; the text of the 法 could not be opened here: 未確認), the
claimant's 請求書 as 施行規則's 様式 (未確認). Who may claim, as built: a member of the
deceased's household the day before the death who was a 児童 (法第3条第1項: until the first
31 March after the 18th birthday) on the day of death. A child living apart, or a
障害児 of 18–19, is not modelled (the claim is refused with the reason).

The months owed: every month of the 支給 period (to the month of the death, 法第7条第1項)
that no run paid, not withheld (差止 not released) and not extinguished by the 時効 (法第22条)
on the day of the 請求; a 未払分の請求 the deceased made and no run paid counts with its
accepted amount. Since the death the runs no
longer pay the deceased's account (``shiharai_run``): what is owed goes this way.

Each write: one durable transaction, its history row and its access-log row; refused input
writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoJukyusha,
    FuyoMiharai,
    FuyoMishikyu,
    FuyoMishikyuKettei,
    FuyoRireki,
    FuyoSashitome,
    FuyoShiharaiMeisai,
    FuyoShikkakuJiyu,
)
from fukushi.rules.fuyoteate import nendo_of_month
from fukushi.rules.fuyoteate_jiko import jiko_manryo
from fukushi.services.fuyoteate import FuyoteateRefused, month_amount
from juminkiroku.public import address_blocks, households_of, person_identities
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.labels import postal, wareki_month
from tenants.params.services import ParameterMissing, param_value
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

__all__ = [
    "TEMPLATE",
    "is_jido_on",
    "mishikyu_kettei",
    "mishikyu_seikyu",
    "mishikyu_tsuchi",
    "paid_months",
    "seikyusha_kouho",
]

RECORD_TYPE = "fukushi.FuyoJukyusha"
TEMPLATE = "fukushi/fuyoteate_mishikyu_tsuchi.typ"


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def is_jido_on(birth: date, day: date) -> bool:
    """A 児童 on ``day`` (法第3条第1項): until the first 31 March on or after the day the
    child turns 18 (年齢計算ニ関スル法律: the day before the 18th birthday)."""
    turns = birth.replace(year=birth.year + 18) - timedelta(days=1)
    end = date(turns.year if turns <= date(turns.year, 3, 31) else turns.year + 1, 3, 31)
    return birth <= day <= end


def seikyusha_kouho(j: FuyoJukyusha) -> list[int]:
    """The 宛名 ids who may claim the 未支払の手当 of ``j`` (who died): the members of the
    deceased's household the day before the death who were a 児童 on the day of death, as
    ``mishikyu_seikyu`` checks them. Empty when ``j`` did not die."""
    if j.shikkaku_jiyu != FuyoShikkakuJiyu.SHIBO or j.shikkaku_date is None:
        return []
    death = j.shikkaku_date
    household = households_of([j.atena_id], death - timedelta(days=1)).get(j.atena_id, [])
    return [
        r.atena_id
        for r in household
        if r.atena_id != j.atena_id and is_jido_on(r.birth_date, death)
    ]


def paid_months(j: FuyoJukyusha) -> dict[date, tuple[int, int]]:
    """Each month of ``j`` some run paid: month → (amount paid, the run's id) — the 明細's
    two months, a 差止 released, a 未払分の請求 paid. Three queries."""
    paid: dict[date, tuple[int, int]] = {}
    for run_id, tsuki, a1, a2 in FuyoShiharaiMeisai.objects.filter(jukyusha=j).values_list(
        "shiharai_id", "shiharai__shiharai_tsuki", "tsuki1", "tsuki2"
    ):
        if a1:
            paid[_add_months(tsuki, -2)] = (a1, run_id)
        if a2:
            paid[_add_months(tsuki, -1)] = (a2, run_id)
    for month, gaku, run_id in FuyoSashitome.objects.filter(
        jukyusha=j, kaijo_shiharai__isnull=False
    ).values_list("month", "kaijo_gaku", "kaijo_shiharai_id"):
        if gaku:
            paid[month] = (gaku, run_id)
    for month, gaku, run_id in FuyoMiharai.objects.filter(
        jukyusha=j, shiharai__isnull=False
    ).values_list("month", "gaku", "shiharai_id"):
        paid[month] = (gaku, run_id)
    return paid


def mishikyu_seikyu(
    *,
    jukyusha: FuyoJukyusha,
    seikyusha_atena_id: int,
    seikyu_date: date,
    account: zengin.Account,
    actor: Actor,
) -> FuyoMishikyu:
    """The 請求 of the 未支払の手当 of ``jukyusha`` (who died) by ``seikyusha_atena_id``:
    recorded with each month owed and its amount, to be decided (``mishikyu_kettei``)."""
    errors = zengin.account_errors(account)
    if jukyusha.shikkaku_jiyu != FuyoShikkakuJiyu.SHIBO or jukyusha.shikkaku_date is None:
        raise FuyoteateRefused([("jukyusha", "死亡により資格を喪失した受給者ではありません。")])
    if jukyusha.shikyu_shuryo is None:  # (a 喪失 always sets it)
        raise FuyoteateRefused([("jukyusha", "支給の終わる月が記録されていません。")])
    death = jukyusha.shikkaku_date
    if seikyu_date < death:
        errors.append(("seikyu_date", "請求日が受給者の死亡日より前です。"))
    household = households_of([jukyusha.atena_id], death - timedelta(days=1)).get(
        jukyusha.atena_id, []
    )
    member = next(
        (r for r in household if r.atena_id == seikyusha_atena_id != jukyusha.atena_id), None
    )
    if member is None:
        errors.append(
            (
                "seikyusha",
                "請求できるのは、死亡した受給者と同じ世帯にいた児童（監護等児童であった人）です。",
            )
        )
    elif not is_jido_on(member.birth_date, death):
        errors.append(
            ("seikyusha", "請求者は受給者の死亡の日に児童（18歳の年度末まで）ではありません。")
        )
    try:
        nen = int(
            param_value(
                "fukushi.fuyoteate.jiko", nendo_of_month(seikyu_date.year, seikyu_date.month)
            )["nen"]
        )
    except ParameterMissing:
        nen = 0
        errors.append(("seikyu_date", "時効の年数が登録されていません。"))
    if errors:
        raise FuyoteateRefused(errors)
    paid = paid_months(jukyusha)
    withheld = set(
        FuyoSashitome.objects.filter(jukyusha=jukyusha, kaijo_shiharai__isnull=True).values_list(
            "month", flat=True
        )
    )
    # a 未払分の請求 the deceased made in time and no run paid (the runs pay the deceased
    # no more): owed with the amount fixed when it was accepted, the 時効 stopped by it
    claimed = dict(
        FuyoMiharai.objects.filter(jukyusha=jukyusha, shiharai__isnull=True).values_list(
            "month", "gaku"
        )
    )
    tsuki: list[dict[str, object]] = []
    m = jukyusha.shikyu_kaishi
    while m <= jukyusha.shikyu_shuryo:
        if m in claimed:
            tsuki.append({"month": m.isoformat(), "gaku": claimed[m]})
        elif m not in paid and m not in withheld and seikyu_date < jiko_manryo(m, nen):
            gaku = month_amount(jukyusha, m)  # FuyoteateRefused when the 所得 is missing
            if gaku:
                tsuki.append({"month": m.isoformat(), "gaku": gaku})
        m = _add_months(m, 1)
    if not tsuki:
        raise FuyoteateRefused([("jukyusha", "この受給者に未支払の手当はありません。")])
    total = sum(int(str(t["gaku"])) for t in tsuki)
    with transaction.atomic(durable=True):
        if (
            FuyoMishikyu.objects.select_for_update()
            .filter(jukyusha=jukyusha)
            .exclude(kettei=FuyoMishikyuKettei.FUSHIKYU)
            .exists()
        ):
            raise FuyoteateRefused(
                [("jukyusha", "この受給者の未支払の手当はすでに請求を受け付けています。")]
            )
        row = FuyoMishikyu.objects.create(
            jukyusha=jukyusha,
            seikyusha_atena_id=seikyusha_atena_id,
            seikyu_date=seikyu_date,
            tsuki=tsuki,
            gaku=total,
            kinyu_kikan=account.kinyu_kikan,
            shiten=account.shiten,
            yokin_shumoku=account.yokin_shumoku,
            koza_bango=account.koza_bango,
            meigi_kana=account.meigi_kana,
            created_by=actor.username,
        )
        first, last = tsuki[0]["month"], tsuki[-1]["month"]
        FuyoRireki.objects.create(
            jukyusha=jukyusha,
            kind="mishikyu",
            naiyo=f"未支払の手当の請求（{format_wareki(seikyu_date)}）："
            f"{wareki_month(date.fromisoformat(str(first)))}分〜"
            f"{wareki_month(date.fromisoformat(str(last)))}分 {len(tsuki)}か月 {total:,}円",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_mishikyu",
            record_type=RECORD_TYPE,
            record_id=jukyusha.pk,
        )
    return row


def mishikyu_kettei(
    *, mishikyu: FuyoMishikyu, shikyu: bool, kettei_date: date, riyu: str = "", actor: Actor
) -> FuyoMishikyu:
    """Decide a 請求: 支給 (paid by the next run) or 不支給 (with its reason)."""
    errors: list[tuple[str, str]] = []
    if kettei_date < mishikyu.seikyu_date:
        errors.append(("kettei_date", "決定日が請求日より前です。"))
    if not shikyu and not riyu.strip():
        errors.append(("riyu", "不支給の理由を入力してください。"))
    with transaction.atomic(durable=True):
        row = FuyoMishikyu.objects.select_for_update().get(pk=mishikyu.pk)
        if row.kettei != FuyoMishikyuKettei.SEIKYU:
            errors.append(("mishikyu", "この請求はすでに決定しています。"))
        if errors:
            raise FuyoteateRefused(errors)
        row.kettei = FuyoMishikyuKettei.SHIKYU if shikyu else FuyoMishikyuKettei.FUSHIKYU
        row.kettei_date = kettei_date
        row.fushikyu_riyu = "" if shikyu else riyu.strip()
        row.save(update_fields=["kettei", "kettei_date", "fushikyu_riyu"])
        FuyoRireki.objects.create(
            jukyusha_id=row.jukyusha_id,
            kind="mishikyu",
            naiyo=f"未支払の手当を{row.get_kettei_display()}（{format_wareki(kettei_date)}）"
            + (
                f"：{row.gaku:,}円（次の支払で請求者に支払）"
                if shikyu
                else f"：{row.fushikyu_riyu}"
            ),
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_mishikyu",
            record_type=RECORD_TYPE,
            record_id=row.jukyusha_id,
        )
    return row


def mishikyu_tsuchi(*, mishikyu: FuyoMishikyu, tsuchi_date: date, actor: Actor) -> bytes:
    """The 未支払の手当 支給（不支給）決定通知書 to the claimant, as a PDF (a history row and a
    PRINT access row). The official 様式 was not at hand: the items are ours."""
    if mishikyu.kettei == FuyoMishikyuKettei.SEIKYU:
        raise FuyoteateRefused([("mishikyu", "決定していない請求の通知書は作れません。")])
    aid, dead = mishikyu.seikyusha_atena_id, mishikyu.jukyusha.atena_id
    people = person_identities([aid, dead])
    block = address_blocks([aid]).get(aid)
    if aid not in people or dead not in people or block is None:
        raise FuyoteateRefused([("mishikyu", "請求者の住所・氏名を住民記録から読めません。")])
    shikyu = mishikyu.kettei == FuyoMishikyuKettei.SHIKYU
    pdf = render(
        TEMPLATE,
        common={
            "title": "児童扶養手当（未支払の手当）"
            + ("支給決定通知書" if shikyu else "不支給決定通知書"),
            "issuer": issuer_name(),
            "tsuchi": format_wareki(tsuchi_date),
        },
        items=[
            {
                "name": people[aid].shimei,
                "postal": postal(block.postal_code, mark=False),
                "address": block.jusho,
                "katagaki": block.katagaki,
                "bango": mishikyu.jukyusha.jukyusha_bango,
                "shibosha": people[dead].shimei,
                "seikyu": format_wareki(mishikyu.seikyu_date),
                "kettei": mishikyu.get_kettei_display(),
                "kettei_date": format_wareki(mishikyu.kettei_date) if mishikyu.kettei_date else "",
                "shikyu": shikyu,
                "tsuki": [
                    {
                        "month": wareki_month(date.fromisoformat(str(t["month"]))) + "分",
                        "gaku": f"{int(t['gaku']):,}円",
                    }
                    for t in mishikyu.tsuki
                ],
                "gaku": f"{mishikyu.gaku:,}円",
                "riyu": mishikyu.fushikyu_riyu,
            }
        ],
    )
    with transaction.atomic(durable=True):
        FuyoRireki.objects.create(
            jukyusha_id=mishikyu.jukyusha_id,
            kind="mishikyu_tsuchi",
            naiyo=f"未支払の手当の決定通知書を作成（{format_wareki(tsuchi_date)}）",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.PRINT,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_mishikyu_tsuchi",
            record_type=RECORD_TYPE,
            record_id=mishikyu.jukyusha_id,
        )
    return pdf
