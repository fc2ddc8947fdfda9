"""Publish/subscribe between business apps without importing each other's models.

A subscriber is a plain function ``handler(event: DomainEvent) -> None`` registered
with ``@subscribe("juminkiroku.tenshutsu")`` in the subscribing app's ``subscribers.py``
(declared in its ``module.py``, loaded at start-up). It runs in the schema of the
municipality that published the event, in a Celery task, after the publishing transaction committed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenants.events.models import DomainEvent

Handler = Callable[["DomainEvent"], None]

_subscribers: dict[str, dict[str, Handler]] = defaultdict(dict)
_loaded = False


def subscriber_id(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(event_name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _subscribers[event_name][subscriber_id(handler)] = handler
        return handler

    return register


def forget_loaded() -> None:
    """The next lookup imports the modules' declarations again (tenants.modules.reset)."""
    global _loaded
    _loaded = False


def autoload() -> None:
    """Import every module's declared ``subscribers`` (tenants.modules)."""
    global _loaded
    if _loaded:
        return
    from tenants.modules.registry import import_declared

    import_declared("subscribers")
    # Extra modules named by settings (JC_EXTRA_SUBSCRIBER_MODULES): integration tests
    # use it to give a real worker a probe subscriber; deployments leave it empty.
    from django.conf import settings

    for module in getattr(settings, "JC_EXTRA_SUBSCRIBER_MODULES", []):
        import_module(module)
    _loaded = True


def subscribers_for(event_name: str) -> dict[str, Handler]:
    autoload()
    return dict(_subscribers.get(event_name, {}))


def handler_by_id(sub_id: str) -> Handler | None:
    autoload()
    for handlers in _subscribers.values():
        if sub_id in handlers:
            return handlers[sub_id]
    return None


def unsubscribe(event_name: str, handler: Handler) -> None:
    """Tests register throw-away subscribers; they remove them with this."""
    _subscribers[event_name].pop(subscriber_id(handler), None)
