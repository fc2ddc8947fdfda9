"""System checks: every subscription names a declared event, every module's events are
declared by that module (``manage.py check``, and so ``runserver``/``migrate``; the
tests run them too: tenants/tests/test_event_contracts.py)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from tenants.events.contracts import EventDeclarationError, all_declared


@register("events")
def check_events(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from tenants.events import registry
    from tenants.modules.registry import all_modules

    errors: list[Error] = []
    try:
        registry.autoload()
    except EventDeclarationError as exc:
        errors.append(Error(str(exc), id="events.E001"))
    events_module = {spec.app: spec.events for spec in all_modules()}
    for event in all_declared():
        owner = events_module.get(event.app)
        if owner is None:
            continue  # not a module's name (a test's or a probe's event)
        if event.declared_in != owner:
            errors.append(
                Error(
                    f"event {event.name} is declared in {event.declared_in}, not in "
                    f"{event.app}'s declared events module ({owner or 'none'})",
                    id="events.E002",
                )
            )
    return errors
