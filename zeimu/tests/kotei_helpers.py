"""Set-up shared by the 固定資産税 tests: a ledger built through the services, the town's
都市計画税 rate as its 条例 would set it, the 当初 job run to the end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tenants.accesslog.services import Actor
from tenants.jobs.models import Job
from tenants.jobs.services import job_start
from tenants.params.tenant.models import MunicipalParameter
from zeimu.kotei_jobs import TOSHO
from zeimu.models import KoteiKaoku, KoteiNozeisha, KoteiTochi
from zeimu.services.kotei import (
    kotei_kaoku_register,
    kotei_nozeisha_register,
    kotei_tochi_register,
)

ACTOR = Actor(user_id=None, username="tester")
FY = 2025


def toshi_rate(milli_pct: int = 300) -> None:
    MunicipalParameter.objects.create(
        key="zeimu.kotei.toshi_zeiritsu",
        fiscal_year_from=2020,
        value=milli_pct,
        source="テスト都市計画税条例",
        created_by="test",
    )


def owner(*atena_ids: int, shares: list[tuple[int, int]] | None = None) -> KoteiNozeisha:
    shares = shares or [(1, len(atena_ids))] * len(atena_ids)
    return kotei_nozeisha_register(
        owners=[(a, n, d) for a, (n, d) in zip(atena_ids, shares, strict=True)],
        daihyo_atena_id=atena_ids[0],
        actor=ACTOR,
    )


def tochi(
    n: KoteiNozeisha,
    chiban: str,
    kakaku: int,
    chiseki: str,
    kubun: str = "jutaku",
    *,
    kosu: int = 1,
    shigaika: bool = True,
    zennen: tuple[int | None, int | None] = (None, None),
) -> KoteiTochi:
    t = kotei_tochi_register(
        nozeisha=n,
        kakaku={FY: kakaku},
        actor=ACTOR,
        shozai="葉山町堀内",
        chiban=chiban,
        toki_chimoku="takuchi",
        genkyo_chimoku="takuchi",
        chiseki=Decimal(chiseki),
        yochi_kubun=kubun,
        jutaku_kosu=kosu if kubun == "jutaku" else 0,
        shigaika=shigaika,
    )
    if zennen != (None, None):
        t.kakaku.filter(fiscal_year=FY).update(zennen_kotei=zennen[0], zennen_toshi=zennen[1])
    return t


def kaoku(
    n: KoteiNozeisha,
    bango: str,
    kakaku: int,
    menseki: str,
    *,
    built: date = date(2000, 4, 1),
    kyoju: str | None = None,
    shigaika: bool = True,
    **extra: Any,
) -> KoteiKaoku:
    return kotei_kaoku_register(
        nozeisha=n,
        kakaku={FY: kakaku},
        actor=ACTOR,
        shozai="葉山町堀内",
        kaoku_bango=bango,
        shurui="senyo",
        kozo="mokuzo",
        kaisu=2,
        yuka_menseki=Decimal(menseki),
        kyoju_menseki=Decimal(kyoju if kyoju is not None else menseki),
        kosu=1,
        shinchiku_date=built,
        shigaika=shigaika,
        **extra,
    )


def run_tosho(capture: Any, fiscal_year: int = FY) -> Job:
    with capture(execute=True):
        job = job_start(kind=TOSHO, params={"fiscal_year": fiscal_year}, actor=ACTOR)
    job.refresh_from_db()
    return job
