"""The example's billing meter. A real module counts its own rows in the member's schema;
the example counts nothing and answers the schema's 団体コード, so the test can see that
it ran inside each member's own schema."""

from __future__ import annotations

from datetime import date

from tenants.db import connection
from tenants.meters.registry import Meter, register
from tests.example_module import gyomu


def _kensu(start: date, end: date) -> int:
    return int(connection.schema_name.removeprefix("m"))


register(
    Meter(
        code="mihon_kensu", label="見本業務の確認件数", unit="件", gyomu=gyomu.MIHON, compute=_kensu
    )
)
