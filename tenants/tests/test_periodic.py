"""Periodic work is dispatched once into each municipality's schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from unittest import mock

from tenants.tasks import dispatch_for_all_municipalities


def test_periodic_task_is_sent_once_per_active_municipality(world):
    # given
    with mock.patch("tenants.tasks.current_app.send_task") as send:
        # when
        count = dispatch_for_all_municipalities("tenants.events.tasks.redeliver_pending_events")
    # then
    schemas = sorted(call.kwargs["headers"]["_schema_name"] for call in send.call_args_list)
    assert count == 2
    assert schemas == [world.alpha.schema, world.beta.schema]


def test_withdrawn_municipality_gets_no_periodic_work(world):
    from tenants.models import Municipality

    Municipality.objects.filter(pk=world.beta.municipality.pk).update(status="withdrawn")
    with mock.patch("tenants.tasks.current_app.send_task") as send:
        dispatch_for_all_municipalities("tenants.events.tasks.redeliver_pending_events")
    assert [c.kwargs["headers"]["_schema_name"] for c in send.call_args_list] == [
        world.alpha.schema
    ]


def test_redelivery_runs_inside_the_given_schema(world, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from tenants.events.contracts import declare, undeclare
    from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
    from tenants.events.registry import subscribe, unsubscribe
    from tenants.events.tasks import redeliver_pending_events

    seen = []

    def handler(event):
        seen.append(event.id)

    @dataclass(frozen=True)
    class Lost:
        n: Annotated[int, "番号"]

    declare("test.redeliver", payload=Lost, description="試験用。")
    subscribe("test.redeliver")(handler)
    try:
        with schema_context(world.alpha.schema):
            # given: an event whose message was lost 11 minutes ago
            event = DomainEvent.objects.create(name="test.redeliver", payload={"n": 1})
            DomainEvent.objects.filter(pk=event.pk).update(
                occurred_at=timezone.now() - timedelta(minutes=11)
            )
            from tenants.events.registry import subscriber_id

            Delivery.objects.create(event=event, subscriber=subscriber_id(handler))
            # when
            sent = redeliver_pending_events.apply(
                headers={"_schema_name": world.alpha.schema}
            ).get()
            status = Delivery.objects.get(event=event).status
    finally:
        unsubscribe("test.redeliver", handler)
        undeclare("test.redeliver")
    # then
    assert sent == 1
    assert seen == [event.pk]
    assert status == DeliveryStatus.DONE
