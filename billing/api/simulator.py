"""REST API: the simulator (試算), for the consortium office on the portal host.

``POST /api/v1/portal/billing/simulate/`` with ``{"fiscal_year": 2025, "scenario": {...}}``
(the scenario as :meth:`billing.services.simulator.Scenario.from_json` reads it) answers
today's allocation and the scenario's side by side. Nothing is saved."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.services.simulator import Scenario, ScenarioError, simulate
from tenants.api.permissions import PORTAL_AUTHENTICATION, IsConsortiumOffice

YEAR_MESSAGE = "年度（西暦）を整数で指定してください。"


class SimulateRequestSerializer(serializers.Serializer):
    """The request: its shape (the scenario's rules are Scenario.from_json's)."""

    fiscal_year = serializers.IntegerField(
        min_value=2000,
        max_value=2100,
        help_text="年度（西暦）",
        error_messages={
            key: YEAR_MESSAGE
            for key in (
                "invalid",
                "required",
                "null",
                "min_value",
                "max_value",
                "max_string_length",
            )
        },
    )
    scenario = serializers.DictField(
        required=False,
        help_text="試算の条件（join, leave, pools, min_saving, no_guarantee）",
    )


class PortalSimulate(APIView):
    """負担金の試算。{"fiscal_year": 2025, "scenario": {"join": {...}, "leave": [...],
    "pools": [{"pool": "組合運営費", "rule": {...}, "amount_yen": ...}], "min_saving": "0.3",
    "no_guarantee": false}} を受け取り、現在と試算の負担額を団体別・費用区分別に返します。
    事務局の共同利用団体のみが対象で、何も保存しません。"""

    parser_classes = [JSONParser]
    authentication_classes = PORTAL_AUTHENTICATION
    permission_classes = [permissions.IsAuthenticated, IsConsortiumOffice]
    portal = True

    @extend_schema(
        request=SimulateRequestSerializer,
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            422: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description=(
                    "形式は正しいが規則により受け付けられない: 試算の条件が読めない、"
                    "存在しない団体・費用区分を指定している、など（detail と errors）"
                ),
            ),
        },
        summary="負担金の試算（保存しません）",
    )
    def post(self, request: Request) -> Response:
        data: Any = request.data
        if not isinstance(data, dict):
            return _bad({"": ["JSONオブジェクトで指定してください。"]})
        body = SimulateRequestSerializer(data=data)
        if not body.is_valid():
            return _bad({field: [str(m) for m in msgs] for field, msgs in body.errors.items()})
        year = body.validated_data["fiscal_year"]
        consortium = getattr(request.user, "consortium_office", None)
        assert consortium is not None  # IsConsortiumOffice
        try:
            scenario = Scenario.from_json(body.validated_data.get("scenario", {}))
            result = simulate(
                consortium=consortium,
                fiscal_year=year,
                scenario=scenario,
            )
        except ScenarioError as exc:
            return _bad(exc.by_field(), status.HTTP_422_UNPROCESSABLE_ENTITY)
        return Response(result.to_json())


def _bad(errors: dict[str, list[str]], code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    """400: the body is not the documented shape; 422: it is, and the scenario's rules
    refuse it."""
    return Response({"detail": "試算の条件が正しくありません。", "errors": errors}, status=code)


portal_urlpatterns: list[URLPattern] = [
    path("simulate/", PortalSimulate.as_view(), name="api-portal-billing-simulate"),
]
member_urlpatterns: list[URLPattern] = []
