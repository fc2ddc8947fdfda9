"""Finds every installed business app's ``module.py`` and answers questions about them.

An app is a business module when it has ``<app>/module.py`` with a ``MODULE`` of type
``ModuleSpec``. Discovery follows INSTALLED_APPS, so installing an app (and loading its
catalogue rows) is all it takes to plug it in.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from tenants.modules.spec import ModuleSpec
from tenants.nenkin_tokucho import HOKENRYO_KINDS
from tenants.rentai import RENTAI_KINDS
from tenants.tagyo import KINDS

_modules: list[ModuleSpec] | None = None
_imported: set[str] = set()


class ModuleDeclarationError(ImproperlyConfigured, RuntimeError):
    """A module declares something inconsistent (found at start-up or in tests)."""


def _discover() -> list[ModuleSpec]:
    found: list[ModuleSpec] = []
    for config in apps.get_app_configs():
        try:
            mod = import_module(f"{config.name}.module")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.module":
                raise
            continue
        spec = getattr(mod, "MODULE", None)
        if not isinstance(spec, ModuleSpec):
            raise ModuleDeclarationError(f"{config.name}.module has no MODULE = ModuleSpec(...)")
        if spec.app != config.label:
            raise ModuleDeclarationError(
                f"{config.name}.module declares app {spec.app!r}, installed as {config.label!r}"
            )
        found.append(spec)
    _check(found)
    return found


def _check(found: list[ModuleSpec]) -> None:
    owner: dict[str, str] = {}
    grant_owner: dict[str, str] = {}
    tagyo_owner: dict[str, str] = {}
    hokenryo_owner: dict[str, str] = {}
    rentai_owner: dict[str, str] = {}
    for spec in found:
        for code in spec.gyomu:
            if code in owner:
                raise ModuleDeclarationError(
                    f"業務 {code!r} is declared by both {owner[code]} and {spec.app}"
                )
            owner[code] = spec.app
        for code in spec.entries:
            if code not in spec.gyomu:
                raise ModuleDeclarationError(f"{spec.app}: entry for undeclared 業務 {code!r}")
        for code in spec.kojin_bango_api:
            if code not in spec.gyomu:
                raise ModuleDeclarationError(
                    f"{spec.app}: kojin_bango_api names undeclared 業務 {code!r}"
                )
        for kind in spec.tagyo_providers:
            if kind not in KINDS:
                raise ModuleDeclarationError(f"{spec.app}: tagyo provider for unknown {kind!r}")
            if kind in tagyo_owner:
                # one truth per 業務 on the 他業務 tab (7.2.2): two answers could disagree
                raise ModuleDeclarationError(
                    f"tagyo kind {kind!r} is provided by both {tagyo_owner[kind]} and {spec.app}"
                )
            tagyo_owner[kind] = spec.app
        for kind in spec.hokenryo_providers:
            if kind not in HOKENRYO_KINDS:
                raise ModuleDeclarationError(f"{spec.app}: premium provider for unknown {kind!r}")
            if kind in hokenryo_owner:
                # one premium per person and 年度: two answers could disagree
                raise ModuleDeclarationError(
                    f"premium kind {kind!r} is provided by both {hokenryo_owner[kind]} and "
                    f"{spec.app}"
                )
            hokenryo_owner[kind] = spec.app
        for kind in spec.rentai_providers:
            if kind not in RENTAI_KINDS:
                raise ModuleDeclarationError(f"{spec.app}: rentai provider for unknown {kind!r}")
            if kind in rentai_owner:
                # one judgment per premium: two answers could disagree
                raise ModuleDeclarationError(
                    f"rentai kind {kind!r} is provided by both {rentai_owner[kind]} and {spec.app}"
                )
            rentai_owner[kind] = spec.app
        for scope in spec.api_scopes:
            if scope.gyomu not in spec.gyomu:
                raise ModuleDeclarationError(
                    f"{spec.app}: api scope {scope.action!r} of undeclared 業務 {scope.gyomu!r}"
                )
            if scope.action in ("read", "write", "kojin_bango"):
                raise ModuleDeclarationError(f"{spec.app}: api scope {scope.action!r} is built in")
        declared = {g.code for g in spec.grants}
        for g in spec.grants:
            if g.code in grant_owner:
                raise ModuleDeclarationError(
                    f"grant {g.code!r} is declared by both {grant_owner[g.code]} and {spec.app}"
                )
            grant_owner[g.code] = spec.app
        for role, codes in spec.persona_grants.items():
            for code in codes:
                if code not in declared:
                    raise ModuleDeclarationError(
                        f"{spec.app}: persona {role!r} gets undeclared grant {code!r}"
                    )


def all_modules() -> list[ModuleSpec]:
    """Every business module, in INSTALLED_APPS order."""
    global _modules
    if _modules is None:
        _modules = _discover()
    return list(_modules)


def reset() -> None:
    """Forget what was found (tests that install an app at run time): the next question
    discovers the modules again and re-imports their declared registrations."""
    global _modules
    from tenants.events import registry as events_registry
    from tenants.jobs import registry as jobs_registry
    from tenants.meters import registry as meters_registry

    _modules = None
    _imported.clear()
    jobs_registry.forget_loaded()
    events_registry.forget_loaded()
    meters_registry.reset()


def module_for_gyomu(code: str) -> ModuleSpec | None:
    for spec in all_modules():
        if code in spec.gyomu:
            return spec
    return None


def implemented_gyomu() -> set[str]:
    return {code for spec in all_modules() for code in spec.gyomu}


def kojin_bango_api_gyomu() -> set[str]:
    """The 業務 whose API may answer with a 個人番号 (to a client holding
    ``<code>:kojin_bango``)."""
    return {code for spec in all_modules() for code in spec.kojin_bango_api}


def extra_api_scopes() -> list[tuple[str, str, str]]:
    """(業務, action, label) of every module's declared extra API scope."""
    return [(s.gyomu, s.action, s.label) for spec in all_modules() for s in spec.api_scopes]


def entry_url_name(code: str) -> str:
    """The URL name of a 業務's first screen, or "" while it has none."""
    spec = module_for_gyomu(code)
    return spec.entries.get(code, "") if spec is not None else ""


def import_declared(attribute: str) -> None:
    """Import, once, every module's declared ``jobkinds`` / ``subscribers`` / ``events`` /
    ``meters`` module, so that its registrations run."""
    for spec in all_modules():
        path = getattr(spec, attribute)
        if path and path not in _imported:
            import_module(path)
            _imported.add(path)


def resolve(dotted: str) -> Any:
    """``"pkg.mod"`` → the module; ``"pkg.mod:attr"`` → that attribute."""
    module_path, _, attr = dotted.partition(":")
    module = import_module(module_path)
    return getattr(module, attr) if attr else module


def urlpatterns_of(dotted: str) -> Any:
    target = resolve(dotted)
    return target if isinstance(target, list) else target.urlpatterns


def demo_commands() -> Iterator[tuple[ModuleSpec, str]]:
    """(module, management command) for every module with demo data, in demo order."""
    for spec in sorted(all_modules(), key=lambda s: s.demo_order):
        if spec.demo:
            yield spec, spec.demo


def all_grants() -> dict[str, tuple[str, str]]:
    """Grant code → (label, 業務) over every module."""
    return {g.code: (g.label, g.gyomu) for spec in all_modules() for g in spec.grants}
