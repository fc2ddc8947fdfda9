"""Reads of the 転出 (標準仕様書 1.1.5, 4.1.3.x): the persons of one 転出, a person's
転出予定, and the 転入通知未着者一覧 (4.1.3.1.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef

from juminkiroku.codes import AtenaKubun, IdoJiyu, JuminJotai
from juminkiroku.models import Atena, TennyuTsuchi, Tenshutsu, TenshutsuShomei, TenshutsuStatus
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of

MITCHAKU_DAYS_KEY = "juminkiroku.tennyu_tsuchi_mitchaku_days"
# When the town has set no value: a 転入通知 normally comes within days of the 転入届 (法
# 第9条第1項: 遅滞なく); 30 days is this product's default, not a number of the law.
MITCHAKU_DAYS_DEFAULT = 30


def mitchaku_days(today: date) -> int:
    """N of the 未着者一覧: the town's parameter, else the default."""
    try:
        value: Any = param_value(MITCHAKU_DAYS_KEY, fiscal_year_of(today))
    except ParameterMissing:
        return MITCHAKU_DAYS_DEFAULT
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return MITCHAKU_DAYS_DEFAULT


def tenshutsu_of_ido(ido_id: int) -> list[Tenshutsu]:
    """The persons of one 転出 (one row each), with their 宛名 and 交付 of 転出証明書."""
    return list(
        Tenshutsu.objects.filter(ido_id=ido_id)
        .select_related("atena", "ido")
        .prefetch_related("shomei", "tsuchi")
        .order_by("atena__setai_order", "atena_id")
    )


def yotei_for(atena_id: int) -> Tenshutsu | None:
    """The person's 転出 still to come (a 住民 until its 転出予定日), if any."""
    return (
        Tenshutsu.objects.filter(atena_id=atena_id, status=TenshutsuStatus.YOTEI)
        .order_by("-id")
        .first()
    )


def latest_for(atena_id: int) -> Tenshutsu | None:
    return (
        Tenshutsu.objects.filter(atena_id=atena_id)
        .exclude(status=TenshutsuStatus.TORIKESHI)
        .order_by("-id")
        .first()
    )


def shomei_history(tenshutsu_id: int) -> list[TenshutsuShomei]:
    return list(TenshutsuShomei.objects.filter(tenshutsu_id=tenshutsu_id).order_by("id"))


@dataclass(frozen=True)
class Mitchaku:
    """One line of the 転入通知未着者一覧."""

    atena: Atena
    tenshutsu: Tenshutsu | None  # None: removed by 職権消除
    shojo_date: date
    kind: str  # 転出 / 職権消除
    saki: str
    elapsed_days: int


def mitchaku_list(*, today: date, days: int) -> list[Mitchaku]:
    """転出者 (国内転出, 除票 already) without a 転入通知 ``days`` days after the 除票 date,
    and persons removed by 職権消除 without one (4.1.3.1.4), oldest first."""
    cutoff = today - timedelta(days=days)
    rows: list[Mitchaku] = []
    for t in (
        Tenshutsu.objects.filter(
            status=TenshutsuStatus.KAKUTEI,
            jiyu=IdoJiyu.TENSHUTSU,
            tsuchi_date__isnull=True,
            shojo_date__lte=cutoff,
        )
        .select_related("atena")
        .order_by("shojo_date", "id")
    ):
        assert t.shojo_date is not None
        rows.append(
            Mitchaku(
                atena=t.atena,
                tenshutsu=t,
                shojo_date=t.shojo_date,
                kind="転出",
                saki=t.yotei_jusho,
                elapsed_days=(today - t.shojo_date).days,
            )
        )
    shokken = (
        Atena.objects.filter(
            kubun=AtenaKubun.JUTOSHA,
            jotai=JuminJotai.SHOKKEN_SHOJO,
            shojo_date__lte=cutoff,
        )
        .annotate(has_tsuchi=Exists(TennyuTsuchi.objects.filter(atena=OuterRef("pk"))))
        .filter(has_tsuchi=False)
        .order_by("shojo_date", "id")
    )
    for a in shokken:
        assert a.shojo_date is not None
        rows.append(
            Mitchaku(
                atena=a,
                tenshutsu=None,
                shojo_date=a.shojo_date,
                kind="職権消除",
                saki="",
                elapsed_days=(today - a.shojo_date).days,
            )
        )
    return sorted(rows, key=lambda m: (m.shojo_date, m.atena.pk))
