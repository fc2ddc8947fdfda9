"""Request pipeline of the platform: host → tenant, network allow-list, host-bound
staff session, module gate. Each step fails closed (404 or 403) before any view runs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import DisallowedHost
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.template import loader
from django.urls import set_urlconf
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import remove_www
from rest_framework.views import APIView

from tenants import platform_cache
from tenants.access import needed_level, view_attr
from tenants.db import connection
from tenants.models import Domain, MunicipalityStatus, NetworkRange
from tenants.netutil import _trusted, client_ip, in_networks
from tenants.selectors.gyomu import gyomu_is_subscribed, subscribed_codes
from tenants.selectors.staff import membership_for, role_levels

logger = logging.getLogger(__name__)

# Paths answered before tenant checks: only the liveness probe, which returns no data.
UNGUARDED_PATHS = {"/healthz"}


def is_portal_host(request: HttpRequest) -> bool:
    return getattr(request, "is_portal", False)


def canonical_host(request: HttpRequest) -> str:
    """The request's host name as the platform compares it: no port, lower case, no
    trailing dot of a fully qualified name (DNS names are case-insensitive, so
    ``Hayama.Localhost:8000`` is ``hayama.localhost``). Raises DisallowedHost for a
    host outside ALLOWED_HOSTS, like ``request.get_host()``."""
    return split_domain_port(request.get_host())[0]


class TenantHostMiddleware(TenantMainMiddleware):
    """``<subdomain>.<base>`` → that municipality's schema; ``<base>`` → the portal
    (public schema); anything else → 404. A withdrawn member's host is 404 too. Host
    names match whatever their case (``canonical_host``)."""

    @staticmethod
    def hostname_from_request(request: HttpRequest) -> str:
        return remove_www(canonical_host(request))

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        connection.set_schema_to_public()
        request.is_portal = False  # type: ignore[attr-defined]
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            # (a host name the platform does not serve, such as 127.0.0.1: the product's
            # Japanese page, rendered without the request, whose host is not to be read)
            return HttpResponse(loader.render_to_string("404.html"), status=404)
        if hostname == settings.JC_BASE_DOMAIN.lower():
            request.is_portal = True  # type: ignore[attr-defined]
            request.tenant = connection.tenant  # type: ignore[attr-defined]
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return None
        tenant = platform_cache.cached(f"host:{hostname}", lambda: _tenant_for_host(hostname))
        if tenant is None:
            raise Http404("no municipality for this host")
        request.tenant = tenant  # type: ignore[attr-defined]
        connection.set_tenant(tenant)
        request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        return None


def _tenant_for_host(hostname: str) -> Any:
    # Stored names are lower case (municipality_provision); iexact also finds one that
    # was entered otherwise by hand.
    domain = Domain.objects.select_related("tenant").filter(domain__iexact=hostname).first()
    if domain is None or domain.tenant.status == MunicipalityStatus.WITHDRAWN:
        return None
    tenant = domain.tenant
    tenant.domain_url = hostname
    return tenant


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    from tenants.views.errors import error_response  # JSON under /api/, the page elsewhere

    return error_response(request, 403, message)


class NetworkAllowListMiddleware(MiddlewareMixin):
    """403 for a client outside the municipality's listed networks (or, on the portal,
    outside JC_PORTAL_NETWORKS). The address is the peer's, or X-Forwarded-For as
    seen through trusted proxies only."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if request.path in UNGUARDED_PATHS:
            return None
        address = client_ip(request) or ""
        if is_portal_host(request):
            allowed = _trusted(tuple(settings.JC_PORTAL_NETWORKS))
        else:
            tenant = request.tenant  # type: ignore[attr-defined]
            allowed = _trusted(
                platform_cache.cached(
                    f"net:{tenant.pk}",
                    lambda: tuple(
                        sorted(
                            NetworkRange.objects.filter(municipality=tenant).values_list(
                                "cidr", flat=True
                            )
                        )
                    ),
                )
            )
        if not in_networks(address, allowed):
            logger.warning("refused request from a network not on the allow-list")
            return _forbidden(request, "許可されていないネットワークからの接続です。")
        return None


class NoStoreMiddleware(MiddlewareMixin):
    """No answer of the application is kept by the browser or a proxy: screens, PDFs, CSV
    and API answers carry personal data, and a counter terminal is shared (a 住民票 left in
    the browser's cache or its back history is a disclosure). A view that sets its own
    Cache-Control keeps it; static files never come here (WhiteNoise answers them before)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class StaffSessionMiddleware(MiddlewareMixin):
    """A session is valid only on the host where it was made; on a municipality host
    the user needs a membership valid now (応援職員 memberships expire)."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        request.membership = None  # type: ignore[attr-defined]
        request.role_levels = {}  # type: ignore[attr-defined]
        user = request.user
        if not user.is_authenticated:
            return None
        if request.session.get("jc_host") != canonical_host(request):
            logout(request)
            return None
        if is_portal_host(request):
            return None
        membership = membership_for(
            user=user,
            municipality=request.tenant,  # type: ignore[attr-defined]
            now=timezone.now(),
        )
        if membership is None:
            logout(request)
            return None
        request.membership = membership  # type: ignore[attr-defined]
        request.role_levels = role_levels(membership=membership)  # type: ignore[attr-defined]
        return None


class ModuleGateMiddleware(MiddlewareMixin):
    """Every municipality-host view declares its module; an unsubscribed module is 404,
    a missing role is 403. API views are gated for subscription here and for
    credentials and scopes by DRF (tenants.api.permissions)."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.path in UNGUARDED_PATHS:
            return None
        if is_portal_host(request):
            return self._portal(request, view_func)
        code = view_kwargs.get("gyomu_code") or view_attr(view_func, "gyomu_code")
        if not code:
            logger.error("view %s declares no module: refused", getattr(view_func, "__name__", "?"))
            raise Http404
        tenant = request.tenant  # type: ignore[attr-defined]
        today = timezone.localdate()
        if platform_cache.enabled():
            subscribed = code in platform_cache.cached(
                f"subs:{tenant.pk}:{today.isoformat()}",
                lambda: frozenset(subscribed_codes(municipality=tenant, on=today)),
            )
        else:
            subscribed = gyomu_is_subscribed(municipality=tenant, gyomu_code=code, on=today)
        if not subscribed:
            raise Http404
        cls = getattr(view_func, "cls", None)
        if cls is not None and issubclass(cls, APIView):
            return None
        if view_attr(view_func, "login_exempt", False):
            return None
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        have = request.role_levels.get(code, 0)  # type: ignore[attr-defined]
        if have < needed_level(view_func, request.method or "GET"):
            return _forbidden(request, "この業務を操作する権限がありません。")
        request.gyomu_code = code  # type: ignore[attr-defined]
        return None

    def _portal(self, request: HttpRequest, view_func: Callable[..., Any]) -> HttpResponse | None:
        if not view_attr(view_func, "portal", False):
            raise Http404
        if view_attr(view_func, "login_exempt", False):
            return None
        cls = getattr(view_func, "cls", None)
        if cls is not None and issubclass(cls, APIView):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        if getattr(user, "consortium_office_id", None) is None:
            return _forbidden(request, "共同利用団体の事務局職員のみ利用できます。")
        return None
