"""The example's API: one read-only endpoint on the platform's base class."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.api.permissions import TenantAPIView
from tests.example_module import gyomu


class MihonStatusView(TenantAPIView):
    gyomu_code = gyomu.MIHON

    @extend_schema(
        operation_id="mihon_status",
        responses=inline_serializer("MihonStatus", {"status": serializers.CharField()}),
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "稼働中"})


urlpatterns = [path("status/", MihonStatusView.as_view(), name="mihon_status")]
