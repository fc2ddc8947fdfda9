from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from tenants.selectors.menu import NavLink, menu_for, module_links, split_ready


def platform(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    is_portal = getattr(request, "is_portal", False)
    menu: list[dict[str, Any]] = []
    levels = getattr(request, "role_levels", {})
    links: list[NavLink] = []
    if not is_portal and tenant is not None and levels:
        menu = menu_for(municipality=tenant, role_levels=levels, on=timezone.localdate())
        links = module_links(role_levels=levels, portal=False)
    elif is_portal and getattr(getattr(request, "user", None), "is_authenticated", False):
        links = module_links(role_levels={}, portal=True)
    menu_ready, menu_pending = split_ready(menu)
    return {
        "menu": menu,
        "menu_ready": menu_ready,
        "menu_pending": menu_pending,
        "jc_module_links": links,
        "jc_is_portal": is_portal,
        "jc_municipality": None if is_portal else tenant,
        "jc_membership": getattr(request, "membership", None),
        "jc_role_levels": getattr(request, "role_levels", {}),
        "jc_base_domain": settings.JC_BASE_DOMAIN,
    }
