"""Times every request of a town (screens and API) for the SLA figures: one pipelined
Redis round trip after the response (tenants/sla/metrics.py), nothing in the database.
Outermost in settings.MIDDLEWARE so the time covers the whole stack."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tenants.models.sla import RequestKind
from tenants.sla.metrics import UNRESOLVED, record_request


class ResponseTimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if not settings.JC_SLA_METRICS:
            return response
        tenant = getattr(request, "tenant", None)
        schema_name = getattr(tenant, "schema_name", "public")
        if schema_name == "public":  # the portal and /metrics: not a town's service
            return response
        match = getattr(request, "resolver_match", None)
        name = (match.view_name if match is not None else "") or UNRESOLVED
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        record_request(
            schema_name=schema_name,
            kind=RequestKind.API if request.path.startswith("/api/") else RequestKind.SCREEN,
            name=name,
            ms=(time.perf_counter() - started) * 1000,
            user_id=user_id,
            at=timezone.now(),
        )
        return response
