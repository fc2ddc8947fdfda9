"""Set-up shared by the 軽自動車税 tests: vehicles registered through the services, the
当初 job run to the end."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from tenants.accesslog.services import Actor
from tenants.jobs.models import Job
from tenants.jobs.services import job_start
from zeimu.keijidosha_jobs import TOSHO
from zeimu.models import KeiSharyo
from zeimu.services.keijidosha import kei_sharyo_register

ACTOR = Actor(user_id=None, username="tester")
FY = 2026  # 令和8年度


def sharyo(
    owner: int,
    plate: str,
    shubetsu: str = "joyo_jika",
    shodo: tuple[int, int] | None = (2018, 6),
    *,
    toroku: date = date(2018, 6, 10),
    user: int | None = None,
    ryuho: bool = False,
    **extra: Any,
) -> KeiSharyo:
    return kei_sharyo_register(
        hyoshiki_bango=plate,
        shadai_bango=f"HA36S-{abs(hash(plate)) % 1_000_000:06d}",
        shubetsu=shubetsu,
        shodo_kensa=date(shodo[0], shodo[1], 1) if shodo else None,
        nenryo=extra.pop("nenryo", "gasoline"),
        toroku_date=toroku,
        shoyusha_atena_id=owner,
        shiyosha_atena_id=user,
        shoyuken_ryuho=ryuho,
        actor=ACTOR,
        **extra,
    )


def run_tosho(capture: Any, fiscal_year: int = FY) -> Job:
    with capture(execute=True):
        job = job_start(kind=TOSHO, params={"fiscal_year": fiscal_year}, actor=ACTOR)
    job.refresh_from_db()
    return job


def today() -> date:
    return timezone.localdate()
