"""Every URL pattern of a URLconf, with its view, its declarations and a way to fill its
keyword arguments, for the tests that walk the tenant URLconf (tests/test_url_walk.py,
tests/test_unsubscribed_404.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, SlugConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.views import APIView

from tenants.access import view_attr

TENANT_URLCONF = "config.urls_tenant"
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    """One URL pattern, flattened: the parts of its path in order, and its view."""

    parts: tuple[Any, ...]  # RoutePattern | RegexPattern, outermost first
    callback: Callable[..., Any]
    name: str

    @property
    def label(self) -> str:
        return "".join(str(p) for p in self.parts) or "/"

    @property
    def view_class(self) -> type | None:
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def is_api(self) -> bool:
        cls = self.view_class
        return cls is not None and issubclass(cls, APIView)

    @property
    def module(self) -> str:
        return (self.view_class or self.callback).__module__

    def attr(self, name: str, default: Any = None) -> Any:
        return view_attr(self.callback, name, default)

    def kwarg_names(self) -> list[str]:
        names: list[str] = []
        for part in self.parts:
            if isinstance(part, RoutePattern):
                names += list(part.converters)
            elif isinstance(part, RegexPattern):
                names += _GROUP.findall(part.regex.pattern)
        return names

    def kwarg_is_int(self, name: str) -> bool:
        for part in self.parts:
            if isinstance(part, RoutePattern) and name in part.converters:
                return isinstance(part.converters[name], IntConverter)
        return False

    def _value(self, values: Mapping[str, Any] | Callable[[Route, str], Any], name: str) -> Any:
        return values(self, name) if callable(values) else values[name]

    def path(self, values: Mapping[str, Any] | Callable[[Route, str], Any]) -> str:
        """The path with every keyword argument filled: from ``values`` by name, or by
        calling ``values(route, name)``."""
        out = "/"
        for part in self.parts:
            if isinstance(part, RoutePattern):
                text = str(part)
                for name, conv in part.converters.items():
                    value = conv.to_url(self._value(values, name))
                    text = re.sub(rf"<(?:\w+:)?{name}>", value, text)
            else:
                text = _GROUP.sub(
                    lambda m: str(
                        values(self, m.group(1)) if callable(values) else values[m.group(1)]
                    ),
                    part.regex.pattern,
                )
                text = text.lstrip("^").rstrip("$")
            out += text
        return out


def walk(urlconf: str = TENANT_URLCONF) -> list[Route]:
    def inner(patterns: list[Any], parents: tuple[Any, ...]) -> Iterator[Route]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from inner(p.url_patterns, (*parents, p.pattern))
            elif isinstance(p, URLPattern):
                yield Route((*parents, p.pattern), p.callback, p.name or "")

    return list(inner(get_resolver(urlconf).url_patterns, ()))


def sample_value(route: Route, name: str, *, gyomu_code: str = "juminkiroku") -> Any:
    """A value for any keyword argument: ints are 1, the module slug is ``gyomu_code``,
    other strings a short code (an employer's 指定番号, a parameter key)."""
    for part in route.parts:
        if isinstance(part, RoutePattern) and name in part.converters:
            conv = part.converters[name]
            if isinstance(conv, IntConverter):
                return 1
            if name == "gyomu_code" and isinstance(conv, SlugConverter):
                return gyomu_code
            return "x1"
    return "1"


def gyomu_of(route: Route) -> str:
    """The 業務 a URL belongs to: its view's declared code."""
    return str(route.attr("gyomu_code") or "")


def gated(routes: list[Route], *, platform: str) -> list[Route]:
    """The URLs a subscription opens: not the platform's own, not the module page (whose
    業務 is in its URL)."""
    return [r for r in routes if gyomu_of(r) != platform and "gyomu_code" not in r.kwarg_names()]


def statuses(client: Any, path: str) -> list[int]:
    """GET, form POST and JSON POST of ``path``."""
    return [
        client.get(path).status_code,
        client.post(path, {}).status_code,
        client.post(path, "{}", content_type="application/json").status_code,
    ]
