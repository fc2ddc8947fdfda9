"""System check: every installed business app's ``module.py`` is a consistent declaration
(``manage.py check``, so ``migrate``, ``runserver`` and the worker's start fail on a wrong
one rather than a request finding it). Registered by ``tenants.apps``."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.checks import Error, register


@register("modules")
def check_modules(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from tenants.modules.registry import ModuleDeclarationError, all_modules

    try:
        modules = all_modules()
    except ModuleDeclarationError as exc:
        return [Error(str(exc), id="modules.E001")]
    errors: list[Error] = []
    for spec in modules:
        for attr in ("jobkinds", "subscribers", "events", "meters"):
            path = getattr(spec, attr)
            if not path:
                continue
            try:
                import_module(path)
            except ImportError as exc:
                errors.append(
                    Error(
                        f"{spec.app}: {attr}={path!r} cannot be imported: {exc}", id="modules.E002"
                    )
                )
    return errors
