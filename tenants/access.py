"""How a view says which module it belongs to and what level it needs.

Every view reachable on a municipality host must declare its module, or the
ModuleGateMiddleware answers 404 (fail closed). Function views use ``@gyomu_view``;
class-based views and DRF views set ``gyomu_code`` (and ``required_level``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from tenants.models import RoleLevel

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def gyomu_view(
    code: str,
    *,
    level: int = RoleLevel.READ,
    write_level: int = RoleLevel.WRITE,
    login_exempt: bool = False,
) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.gyomu_code = code  # type: ignore[attr-defined]
        view.required_level = level  # type: ignore[attr-defined]
        view.required_write_level = write_level  # type: ignore[attr-defined]
        view.login_exempt = login_exempt  # type: ignore[attr-defined]
        return view

    return mark


def portal_view(*, login_exempt: bool = False) -> Callable[[F], F]:
    """Marks a view of the consortium portal (public host)."""

    def mark(view: F) -> F:
        view.portal = True  # type: ignore[attr-defined]
        view.login_exempt = login_exempt  # type: ignore[attr-defined]
        return view

    return mark


def view_attr(view_func: Callable[..., Any], name: str, default: Any = None) -> Any:
    if hasattr(view_func, name):
        return getattr(view_func, name)
    cls = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    if cls is not None and hasattr(cls, name):
        return getattr(cls, name)
    return default


def needed_level(view_func: Callable[..., Any], method: str) -> int:
    """The level a request needs: the view's ``level`` for a read; for a write the higher of
    ``level`` and ``write_level`` — a screen only an administrator may open is never
    written by a clerk posting to it directly (as the API's permission already does)."""
    read = int(view_attr(view_func, "required_level", RoleLevel.READ))
    if method in SAFE_METHODS:
        return read
    return max(read, int(view_attr(view_func, "required_write_level", RoleLevel.WRITE)))


def opens_for(request: Any, path: str) -> bool:
    """Whether the screen at ``path`` opens for this user by level (the 業務 its view
    belongs to, at the level the view asks for a GET): a menu or entry link is offered
    only then. (Whether the 業務 is subscribed is the menu's own question.)"""
    from django.urls import Resolver404, resolve

    try:
        func = resolve(path).func
    except Resolver404:
        return False
    levels: dict[str, int] = getattr(request, "role_levels", {}) or {}
    code = str(view_attr(func, "gyomu_code") or "")
    if levels.get(code, 0) < needed_level(func, "GET"):
        return False
    # a module's entry is a redirect to its first screen: that screen must open too
    target = getattr(inspect.unwrap(func), "view_initkwargs", {}).get("url")
    return opens_for(request, target) if target and target != path else True
