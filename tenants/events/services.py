from __future__ import annotations

from typing import TypeVar

from django.db import transaction

from tenants.db import connection
from tenants.events.contracts import EventType, payload_to_json
from tenants.events.models import Delivery, DomainEvent
from tenants.events.registry import subscribers_for

P = TypeVar("P")


def event_publish(*, event: EventType[P], payload: P, acting_user_id: int | None) -> DomainEvent:
    """Record a declared event in the current municipality's outbox; deliver after commit.

    Call it inside the service's own transaction: if that rolls back, the event was
    never published. A payload that is not the declared dataclass, or has a field of the
    wrong type, raises ``EventDeclarationError`` (and so rolls the change back).
    """
    if connection.schema_name == "public":
        raise RuntimeError("events are published inside a municipality schema")
    data = payload_to_json(event, payload)
    row = DomainEvent.objects.create(name=event.name, payload=data, published_by=acting_user_id)
    handlers = subscribers_for(event.name)
    Delivery.objects.bulk_create(Delivery(event=row, subscriber=sub) for sub in handlers)
    schema = connection.schema_name

    def dispatch() -> None:
        from tenants.events.tasks import deliver_event

        for sub in handlers:
            deliver_event.apply_async(args=[row.pk, sub], headers={"_schema_name": schema})

    transaction.on_commit(dispatch)
    return row
