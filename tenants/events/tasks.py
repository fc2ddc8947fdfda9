from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask

from tenants.events.contracts import ReceivedEvent, declared, payload_from_json
from tenants.events.models import Delivery, DeliveryStatus
from tenants.events.registry import handler_by_id

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, bind=True, acks_late=True, max_retries=5)
def deliver_event(self: TenantTask, event_id: int, subscriber: str) -> None:
    """Run one subscriber for one event; a success is recorded and never repeated."""
    error: Exception | None = None
    attempts = 0
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("event")
            .filter(event_id=event_id, subscriber=subscriber)
            .first()
        )
        if delivery is None or delivery.status == DeliveryStatus.DONE:
            return
        handler = handler_by_id(subscriber)
        event_type = declared(delivery.event.name)
        if handler is None or event_type is None:
            why = "subscriber not registered" if handler is None else "event not declared"
            logger.error("%s: %s for event %s", why, subscriber, event_id)
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = why
            delivery.save(update_fields=["status", "last_error"])
            return
        delivery.attempts += 1
        attempts = delivery.attempts
        try:
            with transaction.atomic():
                row = delivery.event
                handler(
                    ReceivedEvent(
                        id=row.pk,
                        name=row.name,
                        occurred_at=row.occurred_at,
                        payload=payload_from_json(event_type, row.payload),
                    )
                )
        except Exception as exc:
            error = exc
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = type(exc).__name__
            delivery.save(update_fields=["status", "attempts", "last_error"])
            logger.exception("subscriber %s failed for event %s", subscriber, event_id)
        else:
            delivery.status = DeliveryStatus.DONE
            delivery.done_at = timezone.now()
            delivery.save(update_fields=["status", "attempts", "done_at"])
    if error is not None:
        raise self.retry(exc=error, countdown=min(60 * attempts, 600))


@shared_task(base=TenantTask, acks_late=True)
def redeliver_pending_events() -> int:
    """Periodic, per municipality: re-send deliveries that are still open after 10
    minutes (a lost message, a worker that died). Idempotent by the DONE check above."""
    from datetime import timedelta

    from tenants.db import connection

    cutoff = timezone.now() - timedelta(minutes=10)
    open_deliveries = Delivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        event__occurred_at__lt=cutoff,
        attempts__lt=10,
    ).values_list("event_id", "subscriber")[:1000]
    count = 0
    for event_id, subscriber in open_deliveries:
        deliver_event.apply_async(
            args=[event_id, subscriber], headers={"_schema_name": connection.schema_name}
        )
        count += 1
    return count
