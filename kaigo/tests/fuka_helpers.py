"""Shared set-up of the 第1号保険料 賦課 tests: a town's 条例 table and persons alone in
their household with a 住民税 assessment."""

from __future__ import annotations

from datetime import date
from typing import Any

from juminkiroku.tests.factories import person_fields
from kaigo.tests.factories import tennyu
from kaigo.tests.test_rules_hokenryo import SHIMADA
from tenants.accesslog.services import Actor
from tenants.jobs.models import Job
from tenants.jobs.services import job_start
from tenants.params.tenant.models import MunicipalParameter
from zeimu.tests.factories import kazei_set

ACTOR = Actor(user_id=None, username="tester")
TENNYU = date(2020, 4, 1)

#: 島田市 第9期 (令和6〜8年度): 基準額 60,000円, the city's open-data table (see
#: kaigo/tests/test_rules_hokenryo.py, SHIMADA) — 第1段階 17,100 … 第11段階 108,000円
SHIMADA_NENGAKU = {
    1: 17_100, 2: 26_100, 3: 41_100, 4: 54_000, 5: 60_000, 6: 66_000,
    7: 78_000, 8: 90_000, 9: 102_000, 10: 105_000, 11: 108_000,
}  # fmt: skip


def set_table(table: dict[str, Any] | None = None, *, year_from: int = 2024) -> None:
    for key, value in (table or SHIMADA).items():
        MunicipalParameter.objects.create(
            key=key, fiscal_year_from=year_from, value=value, source="テスト条例", created_by="test"
        )


def alone(
    capture: Any,
    shimei: str,
    kana: str,
    birth: str,
    town: str = "hayama",
    day: date = TENNYU,
) -> Any:
    """One person alone in a household, moved in on ``day``."""
    _, (p,) = tennyu(
        capture,
        town,
        members=[person_fields(shimei=shimei, shimei_kana=kana, birth_date=birth)],
        day=day,
    )
    return p


def hikazei(atena_id: int, fy: int, nenkin_shunyu: int) -> None:
    """非課税, only a 老齢年金 of ``nenkin_shunyu`` (年金所得 0 under 110万円)."""
    kazei_set(
        atena_id,
        fy,
        status="hikazei",
        nenkin=max(0, nenkin_shunyu - 1_100_000),
        nenkin_shunyu=nenkin_shunyu,
    )


def run_job(capture: Any, kind: str, **params: Any) -> Job:
    with capture(execute=True):
        job = job_start(kind=kind, params=params, actor=ACTOR)
    job.refresh_from_db()
    return job
