"""Publish/subscribe between business apps without importing each other's models.

A subscriber is a plain function ``handler(event: ReceivedEvent[Payload]) -> None``
registered with ``@subscribe(juminkiroku.events.TENNYU)`` (or the event's name) in the
subscribing app's ``subscribers.py`` (declared in its ``module.py``, loaded at start-up).
It runs in the schema of the municipality that published the event, in a Celery task,
after the publishing transaction committed.

Only declared events (``tenants.events.contracts``) can be subscribed to: ``autoload``
imports every module's ``events`` and ``subscribers`` and raises on a subscription to an
undeclared event; the system check ``events.E001`` reports the same at start-up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from importlib import import_module
from typing import Any

from tenants.events.contracts import EventDeclarationError, EventType, ReceivedEvent, declared

Handler = Callable[[ReceivedEvent[Any]], None]

_subscribers: dict[str, dict[str, Handler]] = defaultdict(dict)
_loaded = False


def subscriber_id(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(event: str | EventType[Any]) -> Callable[[Handler], Handler]:
    name = event if isinstance(event, str) else event.name

    def register(handler: Handler) -> Handler:
        if _loaded and declared(name) is None:
            raise EventDeclarationError(
                f"{subscriber_id(handler)} subscribes to undeclared event {name!r}"
            )
        _subscribers[name][subscriber_id(handler)] = handler
        return handler

    return register


def forget_loaded() -> None:
    """The next lookup imports the modules' declarations again (tenants.modules.reset)."""
    global _loaded
    _loaded = False


def undeclared_subscriptions() -> list[str]:
    """Messages for subscriptions whose event nobody declared."""
    return [
        f"{sub} subscribes to undeclared event {name!r}"
        for name, handlers in sorted(_subscribers.items())
        for sub in sorted(handlers)
        if declared(name) is None
    ]


def autoload() -> None:
    """Import every module's declared ``events`` and ``subscribers`` (tenants.modules);
    a subscription to an undeclared event raises ``EventDeclarationError``."""
    global _loaded
    if _loaded:
        return
    from django.conf import settings

    from tenants.modules.registry import import_declared

    import_declared("events")
    import_declared("subscribers")
    # Extra modules named by settings (JC_EXTRA_SUBSCRIBER_MODULES): integration tests
    # use it to give a real worker a probe subscriber; deployments leave it empty.
    for module in getattr(settings, "JC_EXTRA_SUBSCRIBER_MODULES", []):
        import_module(module)
    problems = undeclared_subscriptions()
    if problems:
        raise EventDeclarationError("; ".join(problems))
    _loaded = True


def subscribers_for(event_name: str) -> dict[str, Handler]:
    autoload()
    return dict(_subscribers.get(event_name, {}))


def subscriptions() -> dict[str, list[str]]:
    """Event name → subscriber ids (sorted), over everything loaded."""
    autoload()
    return {name: sorted(handlers) for name, handlers in _subscribers.items() if handlers}


def handler_by_id(sub_id: str) -> Handler | None:
    autoload()
    for handlers in _subscribers.values():
        if sub_id in handlers:
            return handlers[sub_id]
    return None


def unsubscribe(event: str | EventType[Any], handler: Handler) -> None:
    """Tests register throw-away subscribers; they remove them with this."""
    name = event if isinstance(event, str) else event.name
    _subscribers[name].pop(subscriber_id(handler), None)
