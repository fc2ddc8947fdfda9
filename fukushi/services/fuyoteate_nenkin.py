"""児童扶養手当: a 公的年金等 entered for the 併給調整 (法第13条の2) and a claim for past
months unpaid (未払分の請求), refused for a month whose right is extinguished by the 時効
(法第22条).

Each write: one durable transaction, its history row and its access-log row; refused input
writes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoJotai,
    FuyoJukyusha,
    FuyoMiharai,
    FuyoNenkin,
    FuyoNenkinShurui,
    FuyoRireki,
    FuyoSashitome,
    FuyoShiharai,
    FuyoShiharaiMeisai,
    FuyoShikkakuJiyu,
)
from fukushi.rules.fuyoteate import nendo_of_month
from fukushi.rules.fuyoteate_jiko import jiko_manryo, shiharai_kizuki
from fukushi.services.fuyoteate import FuyoteateRefused, month_amount
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.labels import wareki_month
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import format_wareki

__all__ = ["MAX_MIHARAI_MONTHS", "miharai_seikyu", "nenkin_record"]

RECORD_TYPE = "fukushi.FuyoJukyusha"
MAX_NENKIN = 1_000_000  # 円 a month: more is a typing error (no 年金 pays that much a month)
MAX_MIHARAI_MONTHS = 36


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def nenkin_record(
    *,
    jukyusha: FuyoJukyusha,
    shurui: FuyoNenkinShurui,
    kaishi: date,
    shuryo: date | None,
    getsugaku: int,
    actor: Actor,
) -> FuyoNenkin:
    """Enter a 公的年金等 of the 受給者 (法第13条の2): from ``kaishi`` (to ``shuryo``) its
    monthly amount is taken from the 手当. The 障害基礎年金等 are adjusted against their
    子の加算部分 from 令和3年3月分 only (the month in the YAML)."""
    errors: list[tuple[str, str]] = []
    kaishi = kaishi.replace(day=1)
    shuryo = shuryo.replace(day=1) if shuryo else None
    if jukyusha.jotai != FuyoJotai.JUKYU:
        errors.append(("jukyusha", "受給中でない人の年金は登録できません。"))
    if not 1 <= getsugaku <= MAX_NENKIN:
        errors.append(("getsugaku", f"年金の月額は1円以上{MAX_NENKIN:,}円以下で入力してください。"))
    if shuryo is not None and shuryo < kaishi:
        errors.append(("shuryo", "調整する最後の月が最初の月より前です。"))
    try:
        hc = param_value(
            "fukushi.fuyoteate.heikyu_chosei", nendo_of_month(kaishi.year, kaishi.month)
        )
    except ParameterMissing:
        hc = None
        errors.append(("kaishi", f"{wareki_month(kaishi)}分の併給調整の値が登録されていません。"))
    if hc is not None and shurui == FuyoNenkinShurui.SHOGAI_KISO:
        y, m = (int(x) for x in str(hc["kaishi_nengetsu"]).split("-"))
        if kaishi < date(y, m, 1):
            since = wareki_month(date(y, m, 1))
            errors.append(
                ("kaishi", f"障害基礎年金等を子の加算部分と調整するのは{since}分からです。")
            )
    with transaction.atomic(durable=True):
        overlap = FuyoNenkin.objects.filter(jukyusha=jukyusha, shurui=shurui).exclude(
            shuryo__lt=kaishi
        )
        if shuryo is not None:
            overlap = overlap.exclude(kaishi__gt=shuryo)
        if overlap.exists():
            errors.append(("kaishi", "同じ種類の年金が、重なる月にすでに登録されています。"))
        if errors:
            raise FuyoteateRefused(errors)
        row = FuyoNenkin.objects.create(
            jukyusha=jukyusha,
            shurui=shurui,
            kaishi=kaishi,
            shuryo=shuryo,
            getsugaku=getsugaku,
            created_by=actor.username,
        )
        until = f"〜{wareki_month(shuryo)}分" if shuryo else "から"
        FuyoRireki.objects.create(
            jukyusha=jukyusha,
            kind="nenkin",
            naiyo=f"公的年金等（{row.get_shurui_display()}）月額 {getsugaku:,}円を"
            f"{wareki_month(kaishi)}分{until}調整（法第13条の2）",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_nenkin",
            record_type=RECORD_TYPE,
            record_id=jukyusha.pk,
        )
    return row


def _paid_months(j: FuyoJukyusha) -> set[date]:
    """The months of ``j`` some run paid (a 明細 column above 0, a 差止 released, a claim)."""
    paid: set[date] = set()
    for tsuki, a1, a2 in FuyoShiharaiMeisai.objects.filter(jukyusha=j).values_list(
        "shiharai__shiharai_tsuki", "tsuki1", "tsuki2"
    ):
        if a1:
            paid.add(_add_months(tsuki, -2))
        if a2:
            paid.add(_add_months(tsuki, -1))
    return paid


def miharai_seikyu(
    *, jukyusha: FuyoJukyusha, month_from: date, month_to: date, seikyu_date: date, actor: Actor
) -> list[FuyoMiharai]:
    """A claim, made on ``seikyu_date``, for the months ``month_from``–``month_to`` of the
    受給者 left unpaid: each accepted with its amount and paid by the next run. The whole
    claim is refused, with each month's reason, if one month cannot be paid: outside the
    支給 period, its 支払期月 not yet come, already paid, withheld (差止: paid when the
    現況届 is received), claimed already, or extinguished by the 時効 (法第22条)."""
    start, end = month_from.replace(day=1), month_to.replace(day=1)
    errors: list[tuple[str, str]] = []
    if jukyusha.shikkaku_jiyu == FuyoShikkakuJiyu.SHIBO:
        # 未支払の手当 (paid to the child, not to the deceased's account): fuyoteate_mishikyu
        raise FuyoteateRefused(
            [("jukyusha", "死亡した受給者の手当は、未支払の手当として児童の請求で扱います。")]
        )
    if end < start:
        raise FuyoteateRefused([("month_to", "請求する最後の月が最初の月より前です。")])
    months = []
    m = start
    while m <= end:
        months.append(m)
        m = _add_months(m, 1)
    if len(months) > MAX_MIHARAI_MONTHS:
        raise FuyoteateRefused(
            [("month_to", f"一度に請求できるのは{MAX_MIHARAI_MONTHS}か月分までです。")]
        )
    try:
        nen = int(
            param_value(
                "fukushi.fuyoteate.jiko", nendo_of_month(seikyu_date.year, seikyu_date.month)
            )["nen"]
        )
    except ParameterMissing as exc:
        raise FuyoteateRefused([("seikyu_date", "時効の年数が登録されていません。")]) from exc
    paid = _paid_months(jukyusha)
    withheld = set(FuyoSashitome.objects.filter(jukyusha=jukyusha).values_list("month", flat=True))
    claimed = set(FuyoMiharai.objects.filter(jukyusha=jukyusha).values_list("month", flat=True))
    runs = set(FuyoShiharai.objects.values_list("shiharai_tsuki", flat=True))
    amounts: dict[date, int] = {}
    for m in months:
        label = f"{wareki_month(m)}分"
        kizuki = shiharai_kizuki(m)
        manryo = jiko_manryo(m, nen)
        if m < jukyusha.shikyu_kaishi or (
            jukyusha.shikyu_shuryo is not None and m > jukyusha.shikyu_shuryo
        ):
            errors.append(("month_from", f"{label}は支給期間の外です。"))
        elif seikyu_date >= manryo:
            errors.append(
                (
                    "month_from",
                    f"{label}は時効により請求できません（法第22条：支払期月"
                    f"{wareki_month(kizuki)}の手当を受ける権利は{format_wareki(manryo)}に"
                    f"{nen}年の経過で消滅）。",
                )
            )
        elif seikyu_date < kizuki or (kizuki not in runs and kizuki >= seikyu_date.replace(day=1)):
            errors.append(
                ("month_from", f"{label}の支払期月（{wareki_month(kizuki)}）はまだ来ていません。")
            )
        elif m in withheld:
            errors.append(
                (
                    "month_from",
                    f"{label}は現況届の未提出による差止の月です（届の受付後に支払います）。",
                )
            )
        elif m in claimed:
            errors.append(("month_from", f"{label}はすでに請求を受け付けています。"))
        elif m in paid:
            errors.append(("month_from", f"{label}はすでに支払っています。"))
        else:
            try:
                amounts[m] = month_amount(jukyusha, m)
            except FuyoteateRefused as exc:
                errors.extend(exc.errors)
                continue
            if amounts[m] == 0:
                errors.append(("month_from", f"{label}の手当額は0円です（支給停止）。"))
    if errors:
        raise FuyoteateRefused(errors)
    with transaction.atomic(durable=True):
        if FuyoMiharai.objects.filter(jukyusha=jukyusha, month__in=months).exists():
            raise FuyoteateRefused([("month_from", "その月はすでに請求を受け付けています。")])
        rows = FuyoMiharai.objects.bulk_create(
            FuyoMiharai(
                jukyusha=jukyusha,
                month=m,
                gaku=amounts[m],
                seikyu_date=seikyu_date,
                created_by=actor.username,
            )
            for m in months
        )
        FuyoRireki.objects.create(
            jukyusha=jukyusha,
            kind="miharai",
            naiyo=f"未払分の請求（{format_wareki(seikyu_date)}）："
            f"{wareki_month(start)}分〜{wareki_month(end)}分 {sum(amounts.values()):,}円"
            "（次の支払で支払）",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_miharai",
            record_type=RECORD_TYPE,
            record_id=jukyusha.pk,
        )
    return rows
