"""The example module's 他業務 provider (tenants.tagyo): what it holds of 選挙人名簿 for a
person, answered in the town's schema. The test fills ``HELD`` per schema."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tenants.db import connection
from tenants.tagyo import SENKYO, TagyoStatus

# schema name → atena_id → the status the module holds (filled by the test)
HELD: dict[str, dict[int, TagyoStatus]] = {}
asked_in: list[str] = []  # schemas the provider was asked in


def senkyo_status(atena_ids: Iterable[int]) -> Mapping[int, TagyoStatus]:
    asked_in.append(connection.schema_name)
    held = HELD.get(connection.schema_name, {})
    return {i: held[i] for i in atena_ids if i in held and held[i].kind == SENKYO}
