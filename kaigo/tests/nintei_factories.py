"""A 要介護認定 case driven through the real services, step by step."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kaigo.models import Nintei, NinteiShinsei, ShinseiKubun
from kaigo.services.nintei import (
    chosa_record,
    ikensho_irai,
    ikensho_juryo,
    nintei_kettei,
    shinsakai_record,
    shinsei_register,
)
from tenants.accesslog.services import Actor


def shinsei(
    atena: Any,
    actor: Actor,
    *,
    day: date,
    kubun: str = ShinseiKubun.SHINKI,
    **extra: Any,
) -> NinteiShinsei:
    extra.setdefault("daiko", "honnin")
    return shinsei_register(
        atena_id=atena.pk, shinsei_kubun=kubun, shinsei_date=day, actor=actor, **extra
    )


def to_shinsakai_machi(row: NinteiShinsei, actor: Actor) -> NinteiShinsei:
    d = row.shinsei_date
    chosa_record(
        shinsei_id=row.pk, chosa_date=d + timedelta(days=7), chosain="認定調査員 山本", actor=actor
    )
    ikensho_irai(
        shinsei_id=row.pk,
        irai_date=d + timedelta(days=2),
        ishi_name="佐藤医師",
        iryo_kikan="葉山診療所",
        actor=actor,
    )
    return ikensho_juryo(shinsei_id=row.pk, juryo_date=d + timedelta(days=14), actor=actor)


def decided(
    atena: Any,
    actor: Actor,
    *,
    day: date,
    hantei: str = "22",
    kubun: str = ShinseiKubun.SHINKI,
    months: int | None = None,
    **extra: Any,
) -> Nintei:
    row = to_shinsakai_machi(shinsei(atena, actor, day=day, kubun=kubun, **extra), actor)
    shinsakai_record(
        shinsei_id=row.pk,
        gogitai="第1合議体",
        kaisai_date=day + timedelta(days=21),
        hantei=hantei,
        yuko_months=months,
        iken="",
        actor=actor,
    )
    return nintei_kettei(shinsei_id=row.pk, kettei_date=day + timedelta(days=25), actor=actor)
