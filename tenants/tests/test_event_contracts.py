"""Declared events: wrong declarations, subscriptions and payloads fail loudly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_context

from tenants.events import registry
from tenants.events.checks import check_events
from tenants.events.contracts import (
    EventDeclarationError,
    declare,
    declared,
    payload_from_json,
    payload_to_json,
    undeclare,
)
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.services import event_publish


@dataclass(frozen=True)
class Good:
    ido_id: Annotated[int, "異動ID"]
    ido_date: Annotated[date, "異動日"]
    todoke_date: Annotated[date | None, "届出日"]
    atena_ids: Annotated[tuple[int, ...], "宛名ID"]
    jiyu: Annotated[str, "事由"]
    kakutei: Annotated[bool, "確定"]


GOOD = declare("test.good", payload=Good, description="試験用。")


def good(**overrides: object) -> Good:
    values: dict[str, object] = {
        "ido_id": 7,
        "ido_date": date(2025, 4, 1),
        "todoke_date": None,
        "atena_ids": (1, 2),
        "jiyu": "K01",
        "kakutei": False,
    }
    values.update(overrides)
    return Good(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Other:
    atena_id: Annotated[int, "宛名ID"]


@dataclass(frozen=True)
class WithName:
    atena_id: Annotated[int, "宛名ID"]
    shimei: Annotated[str, "氏名"]


@dataclass(frozen=True)
class WithKojinBango:
    kojin_bango: Annotated[str, "個人番号"]


@dataclass(frozen=True)
class WithFloat:
    amount: Annotated[float, "金額"]


@dataclass(frozen=True)
class WithList:
    atena_ids: Annotated[list[int], "宛名ID"]


@dataclass(frozen=True)
class WithDatetime:
    at: Annotated[datetime, "日時"]


@dataclass(frozen=True)
class Undocumented:
    atena_id: int


@dataclass(frozen=True)
class WithDefault:
    atena_id: Annotated[int, "宛名ID"] = 0


@dataclass
class NotFrozen:
    atena_id: Annotated[int, "宛名ID"]


class NotADataclass:
    atena_id: int


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (WithName, "personal data"),
        (WithKojinBango, "personal data"),
        (WithFloat, "is not one of"),
        (WithList, "is not one of"),
        (WithDatetime, "is not one of"),
        (Undocumented, "no Japanese description"),
        (WithDefault, "no defaults"),
        (NotFrozen, "not frozen"),
        (NotADataclass, "not a dataclass"),
    ],
)
def test_a_payload_against_the_rules_cannot_be_declared(payload, message):
    with pytest.raises(EventDeclarationError, match=message):
        declare("test.refused", payload=payload, description="試験用。")
    assert declared("test.refused") is None


def test_event_names_and_descriptions_are_required():
    with pytest.raises(EventDeclarationError, match=re.escape("<app>.<event>")):
        declare("Tennyu", payload=Good, description="試験用。")
    with pytest.raises(EventDeclarationError, match="no description"):
        declare("test.nodesc", payload=Good, description=" ")


def test_one_name_cannot_be_declared_with_two_payloads():
    with pytest.raises(EventDeclarationError, match="declared twice"):
        declare("test.good", payload=Other, description="別の型。")
    assert declared("test.good") is GOOD


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (good(ido_id="7"), "ido_id must be int"),
        (good(ido_id=True), "ido_id must be int"),
        (good(atena_ids=[1, 2]), "atena_ids must be a tuple"),
        (good(atena_ids=(1, "2")), "atena_ids must be tuple"),
        (good(ido_date=datetime(2025, 4, 1, 9, 0)), "ido_date must be date"),
        (good(ido_date=None), "ido_date is None"),
        (good(kakutei=1), "kakutei must be bool"),
    ],
)
def test_an_invalid_payload_is_refused(payload, message):
    with pytest.raises(EventDeclarationError, match=message):
        payload_to_json(GOOD, payload)


def test_a_payload_of_another_type_is_refused():
    with pytest.raises(EventDeclarationError, match="takes Good"):
        payload_to_json(GOOD, Other(atena_id=1))  # type: ignore[misc]


def test_payload_goes_to_json_and_back_unchanged():
    payload = good(todoke_date=date(2025, 3, 28))
    data = payload_to_json(GOOD, payload)
    assert data == {
        "ido_id": 7,
        "ido_date": "2025-04-01",
        "todoke_date": "2025-03-28",
        "atena_ids": [1, 2],
        "jiyu": "K01",
        "kakutei": False,
    }
    assert payload_from_json(GOOD, data) == payload


def test_publishing_an_invalid_payload_writes_nothing(in_alpha):
    with pytest.raises(EventDeclarationError):
        event_publish(event=GOOD, payload=good(ido_id="x"), acting_user_id=None)
    assert not DomainEvent.objects.filter(name="test.good").exists()


def test_the_project_passes_the_event_checks():
    assert check_events() == []


def test_subscribing_to_an_undeclared_event_fails():
    registry.autoload()

    def handler(event):  # pragma: no cover - never runs
        raise AssertionError

    with pytest.raises(EventDeclarationError, match=re.escape("undeclared event 'test.nobody'")):
        registry.subscribe("test.nobody")(handler)
    assert registry.subscribers_for("test.nobody") == {}


def test_an_undeclared_subscription_made_before_start_up_fails_the_check(monkeypatch):
    # given: a subscription registered while loading (before the check could see it)
    def handler(event):  # pragma: no cover - never runs
        raise AssertionError

    monkeypatch.setattr(registry, "_loaded", False)
    registry._subscribers["test.nobody"][registry.subscriber_id(handler)] = handler
    try:
        # when / then: start-up (autoload) and the system check refuse it
        with pytest.raises(EventDeclarationError, match=re.escape("test.nobody")):
            registry.autoload()
        errors = check_events()
        assert [e.id for e in errors] == ["events.E001"]
        assert "test.nobody" in errors[0].msg
    finally:
        registry.unsubscribe("test.nobody", handler)


def test_a_module_event_declared_outside_its_events_module_fails_the_check():
    declare("juminkiroku.stray", payload=Good, description="試験用。")
    try:
        errors = check_events()
    finally:
        undeclare("juminkiroku.stray")
    assert [e.id for e in errors] == ["events.E002"]
    assert "juminkiroku.stray" in errors[0].msg


def test_a_stored_event_nobody_declares_is_not_delivered(world):
    from tenants.events.tasks import deliver_event

    seen = []

    def handler(event):
        seen.append(event)

    registry.subscribe(GOOD)(handler)
    try:
        with schema_context(world.alpha.schema):
            # given: a row whose event is not (or no longer) declared
            row = DomainEvent.objects.create(name="test.gone", payload={})
            sub = registry.subscriber_id(handler)
            Delivery.objects.create(event=row, subscriber=sub)
            # when
            deliver_event.apply(args=[row.pk, sub], headers={"_schema_name": world.alpha.schema})
            delivery = Delivery.objects.get(event=row)
    finally:
        registry.unsubscribe(GOOD, handler)
    # then
    assert seen == []
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, "event not declared")


def test_events_doc_check_passes_on_the_committed_file():
    call_command("events_doc", "--check")


def test_events_doc_check_fails_when_the_file_differs(tmp_path, monkeypatch):
    from tenants.events.management.commands import events_doc

    stale = tmp_path / "events.md"
    stale.write_text("# 古い一覧\n", encoding="utf-8")
    monkeypatch.setattr(events_doc, "EVENTS_DOC", stale)
    with pytest.raises(CommandError, match="events_doc"):
        call_command("events_doc", "--check")
    call_command("events_doc")
    call_command("events_doc", "--check")
    assert "### `juminkiroku.tennyu`" in stale.read_text(encoding="utf-8")


def test_events_doc_lists_payload_fields_and_subscribers():
    from tenants.events.docs import render_events_md

    text = render_events_md()
    shibo = text.split("### `juminkiroku.shibo`")[1].split("### ")[0]
    subscribers = next(line for line in shibo.splitlines() if line.startswith("- 購読: "))
    assert "`juminkiroku.subscribers.end_inkan_after_shojo`" in subscribers.split("、")
    assert "`kokuho.subscribers.soshitsu_on_shibo`" in subscribers.split("、")
    assert "| `atena_ids` | `tuple[int, ...]` | 消除された人の宛名ID |" in shibo
    assert "| `todoke_date` | `date \\| None` |" in shibo
    # test events are not module events: they stay out of the document
    assert "test.good" not in text
