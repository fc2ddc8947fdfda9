from __future__ import annotations

from typing import Any

from django.db import transaction

from tenants.db import connection
from tenants.events.models import Delivery, DomainEvent
from tenants.events.registry import subscribers_for


def event_publish(*, name: str, payload: dict[str, Any], acting_user_id: int | None) -> DomainEvent:
    """Record an event in the current municipality's outbox; deliver after commit.

    Call it inside the service's own transaction: if that rolls back, the event was
    never published. Payloads carry ids, not personal data.
    """
    if connection.schema_name == "public":
        raise RuntimeError("events are published inside a municipality schema")
    event = DomainEvent.objects.create(name=name, payload=payload, published_by=acting_user_id)
    handlers = subscribers_for(name)
    Delivery.objects.bulk_create(Delivery(event=event, subscriber=sub) for sub in handlers)
    schema = connection.schema_name

    def dispatch() -> None:
        from tenants.events.tasks import deliver_event

        for sub in handlers:
            deliver_event.apply_async(args=[event.pk, sub], headers={"_schema_name": schema})

    transaction.on_commit(dispatch)
    return event
