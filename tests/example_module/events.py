"""The event the example publishes (declared here; docs/events.md lists the installed
modules' events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from tenants.events.contracts import declare


@dataclass(frozen=True)
class KakuninPayload:
    atena_id: Annotated[int, "確認した人の宛名ID"]
    kakunin_date: Annotated[date, "確認日"]


KAKUNIN = declare(
    "example_module.kakunin",
    payload=KakuninPayload,
    description="見本業務で確認が済んだ（キットの見本）",
)
