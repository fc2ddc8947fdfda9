"""Domain events: published after commit, delivered in the publishing town only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from tenants.db import connection
from tenants.events.contracts import ReceivedEvent, declare
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.registry import subscribe, unsubscribe
from tenants.events.services import event_publish


@dataclass(frozen=True)
class Moved:
    atena_id: Annotated[int, "宛名ID"]


TENSHUTSU = declare("test.tenshutsu", payload=Moved, description="試験用の転出。")


@pytest.fixture
def probe():
    seen: list[tuple[str, int, Moved]] = []

    def on_moved_out(event: ReceivedEvent[Moved]) -> None:
        seen.append((connection.schema_name, event.id, event.payload))

    subscribe(TENSHUTSU)(on_moved_out)
    yield seen
    unsubscribe(TENSHUTSU, on_moved_out)


def test_event_reaches_subscribers_in_the_same_town_only(
    world, probe, django_capture_on_commit_callbacks
):
    # given / when
    with schema_context(world.alpha.schema):
        with django_capture_on_commit_callbacks(execute=True):
            event = event_publish(event=TENSHUTSU, payload=Moved(atena_id=1), acting_user_id=None)
        delivery = Delivery.objects.get(event=event)
    # then
    assert probe == [(world.alpha.schema, event.pk, Moved(atena_id=1))]
    assert event.payload == {"atena_id": 1}
    assert delivery.status == DeliveryStatus.DONE
    with schema_context(world.beta.schema):
        assert not DomainEvent.objects.filter(name="test.tenshutsu").exists()


def test_event_of_a_rolled_back_change_is_never_delivered(
    world, probe, django_capture_on_commit_callbacks
):
    with schema_context(world.alpha.schema):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    event_publish(event=TENSHUTSU, payload=Moved(atena_id=1), acting_user_id=None)
                    raise ValueError("rollback")
            except ValueError:
                pass
        assert not DomainEvent.objects.filter(name="test.tenshutsu").exists()
    assert callbacks == []
    assert probe == []


def test_a_delivered_event_is_not_run_twice(world, probe, django_capture_on_commit_callbacks):
    from tenants.events.tasks import deliver_event

    with schema_context(world.alpha.schema):
        with django_capture_on_commit_callbacks(execute=True):
            event = event_publish(event=TENSHUTSU, payload=Moved(atena_id=1), acting_user_id=None)
        sub = Delivery.objects.get(event=event).subscriber
        # when: the message arrives again (acks_late redelivery)
        deliver_event.apply(args=[event.pk, sub], headers={"_schema_name": world.alpha.schema})
    # then
    assert len(probe) == 1


def test_publishing_outside_a_town_is_an_error(world):
    with pytest.raises(RuntimeError):
        event_publish(event=TENSHUTSU, payload=Moved(atena_id=1), acting_user_id=None)
