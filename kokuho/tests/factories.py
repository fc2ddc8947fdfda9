"""Registry data through 住民記録's real services (``juminkiroku.tests.factories``), with
its events delivered to kokuho (the on-commit callbacks run, as the worker would)."""

from __future__ import annotations

from datetime import date
from typing import Any

from juminkiroku.tests import factories as jk
from kokuho.models import Shikaku


def tennyu(
    capture: Any, town: str = "hayama", *, members: list[dict[str, Any]], day: date
) -> tuple[Any, list[Any]]:
    with capture(execute=True):
        return jk.household_tennyu(town, members=members, ido_date=day)


def shibo(capture: Any, atena: Any, *, day: date, town: str = "hayama") -> Any:
    with capture(execute=True):
        return jk.shibo(atena, ido_date=day, town_slug=town)


def shussei(capture: Any, setai_id: Any, *, day: date, town: str = "hayama", **fields: Any) -> Any:
    with capture(execute=True):
        return jk.shussei(int(setai_id), ido_date=day, town_slug=town, **fields)


def setai_bunri(capture: Any, atena: Any, *, day: date) -> Any:
    with capture(execute=True):
        return jk.setai_bunri(atena, ido_date=day)


def torikeshi(capture: Any, ido: Any, *, day: date) -> Any:
    with capture(execute=True):
        return jk.torikeshi(ido, ido_date=day)


def periods(atena: Any) -> list[tuple[date, str, date | None, str, bool]]:
    return [
        (s.shutoku_date, s.shutoku_jiyu, s.soshitsu_date, s.soshitsu_jiyu, s.torikeshi)
        for s in Shikaku.objects.filter(atena_id=atena.pk).order_by("id")
    ]


def hokensha_bango_set(bango: str, *, year_from: int = 2020) -> None:
    """The current town's 保険者番号 (a test number), as its 設定 would store it."""
    from tenants.params.tenant.models import MunicipalParameter

    MunicipalParameter.objects.create(
        key="kokuho.shikaku.hokensha_bango",
        fiscal_year_from=year_from,
        value=bango,
        source="テスト（保険者番号の割当て）",
        created_by="test",
    )
