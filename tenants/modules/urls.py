"""URL patterns composed from the modules' declarations (config/urls_*.py use these)."""

from __future__ import annotations

from django.urls import include, path
from django.urls.resolvers import URLPattern, URLResolver

from tenants.modules.registry import all_modules, urlpatterns_of


def tenant_module_patterns() -> list[URLPattern | URLResolver]:
    """Every module's API (under /api/v1/) and staff screens on a town host."""
    out: list[URLPattern | URLResolver] = []
    for spec in all_modules():
        out += [
            path(f"api/v1/{m.prefix}", include(urlpatterns_of(m.urlconf))) for m in spec.api_urls
        ]
    for spec in all_modules():
        out += [path(m.prefix, include(urlpatterns_of(m.urlconf))) for m in spec.urls]
    return out


def portal_module_patterns() -> list[URLPattern | URLResolver]:
    """Every module's API (under /api/v1/portal/) and screens on the consortium portal."""
    out: list[URLPattern | URLResolver] = []
    for spec in all_modules():
        out += [
            path(f"api/v1/portal/{m.prefix}", include(urlpatterns_of(m.urlconf)))
            for m in spec.portal_api_urls
        ]
    for spec in all_modules():
        out += [path(m.prefix, include(urlpatterns_of(m.urlconf))) for m in spec.portal_urls]
    return out
