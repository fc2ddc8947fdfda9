"""Shared set-up of the 国保税 賦課 tests: a town's 条例 rates and the job run to the end."""

from __future__ import annotations

from typing import Any

from kokuho.rules.hokenzei_params import P
from tenants.accesslog.services import Actor
from tenants.jobs.models import Job
from tenants.jobs.services import job_start
from tenants.params.tenant.models import MunicipalParameter

ACTOR = Actor(user_id=None, username="tester")

#: 医療分 7%・30,000円・20,000円, 支援金分 2%・10,000円・5,000円, 介護分 2%・10,000円・5,000円
RATES: dict[str, int] = {
    f"{P}iryo.shotokuwari": 7000,
    f"{P}iryo.kintowari": 30_000,
    f"{P}iryo.byodowari": 20_000,
    f"{P}shien.shotokuwari": 2000,
    f"{P}shien.kintowari": 10_000,
    f"{P}shien.byodowari": 5_000,
    f"{P}kaigo.shotokuwari": 2000,
    f"{P}kaigo.kintowari": 10_000,
    f"{P}kaigo.byodowari": 5_000,
    f"{P}kodomo.shotokuwari": 300,
    f"{P}kodomo.kintowari": 1_000,
}


def set_rates(extra: dict[str, Any] | None = None, *, year_from: int = 2020) -> None:
    for key, value in {**RATES, **(extra or {})}.items():
        MunicipalParameter.objects.create(
            key=key, fiscal_year_from=year_from, value=value, source="テスト条例", created_by="test"
        )


def run_job(capture: Any, kind: str, **params: Any) -> Job:
    with capture(execute=True):
        job = job_start(kind=kind, params=params, actor=ACTOR)
    job.refresh_from_db()
    return job
