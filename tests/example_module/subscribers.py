"""The example reacts to a 転入 of the registry (by the declared event's name)."""

from __future__ import annotations

from typing import Any

from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe

SEEN: list[int] = []


@subscribe("juminkiroku.tennyu")
def note_tennyu(event: ReceivedEvent[Any]) -> None:
    SEEN.extend(event.payload.atena_ids)
