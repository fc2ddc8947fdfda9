"""Scoping, permission and access logging for every municipality-host API view. Subclass
``TenantAPIView``/``TenantViewSet``; a view that declares no module cannot be built, and
a view's ``access_reads`` (tenants.accesslog.reads) is logged after every answer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework import permissions, viewsets
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.access import SAFE_METHODS
from tenants.accesslog.reads import Declaration, declaration_for, log_reads
from tenants.models import RoleLevel


class GyomuPermission(permissions.BasePermission):
    message = "この業務の操作は許可されていません。"

    def has_permission(self, request: Request, view: Any) -> bool:
        code = getattr(view, "gyomu_code", None)
        if not code:
            raise ImproperlyConfigured(f"{type(view).__name__} declares no gyomu_code")
        safe = request.method in SAFE_METHODS or getattr(view, "post_is_read", False)
        client = getattr(request._request, "api_client", None)
        if client is not None:
            # A view may ask for a module's own scope instead of read/write (ModuleSpec
            # api_scopes: e.g. juminkiroku:tagyo, which neither read nor write implies).
            action = getattr(view, "scope_action", "") or ("read" if safe else "write")
            return bool(client.has_scope(code, action))
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        levels: dict[str, int] = getattr(request._request, "role_levels", {})
        needed = getattr(view, "required_level", RoleLevel.READ)
        if not safe:
            needed = max(needed, getattr(view, "required_write_level", RoleLevel.WRITE))
        return levels.get(code, 0) >= needed


# Writes the request's access-log row from the view's ``access_reads`` declaration (a
# Reads, a mapping of method or viewset action to Reads, or NO_PERSONAL_DATA). No
# docstring on purpose: drf-spectacular would show it as every API view's description.
class AccessLoggedMixin:
    gyomu_code: str = ""
    access_reads: Declaration | None = None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        key = getattr(self, "action", None) or request.method or "GET"
        decl = declaration_for(self.access_reads, key)
        if decl is None and key != request.method:
            decl = declaration_for(self.access_reads, request.method or "GET")
        log_reads(
            request,
            response,
            decl,
            gyomu=self.gyomu_code,
            screen=type(self).__name__,
            kwargs=getattr(self, "kwargs", None),
        )
        return response


class TenantAPIView(AccessLoggedMixin, APIView):
    gyomu_code: str = ""
    required_level: int = RoleLevel.READ
    required_write_level: int = RoleLevel.WRITE
    permission_classes = [permissions.IsAuthenticated, GyomuPermission]


class TenantViewSet(AccessLoggedMixin, viewsets.GenericViewSet):
    gyomu_code: str = ""
    required_level: int = RoleLevel.READ
    required_write_level: int = RoleLevel.WRITE
    permission_classes = [permissions.IsAuthenticated, GyomuPermission]


# The portal's API is the consortium office's, in its browser session: an API key belongs
# to one town and authenticates only on that town's host, so the portal's views (and its
# OpenAPI document) know no other scheme.
PORTAL_AUTHENTICATION: list[type[BaseAuthentication]] = [SessionAuthentication]


class IsConsortiumOffice(permissions.BasePermission):
    message = "共同利用団体の事務局職員のみ利用できます。"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user is not None
            and user.is_authenticated
            and getattr(user, "consortium_office_id", None) is not None
        )
