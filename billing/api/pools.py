"""REST API: the office's cost pools (portal host, consortium office only).

``GET/POST /api/v1/portal/billing/pools/?fiscal_year=`` and
``GET/PUT/DELETE /api/v1/portal/billing/pools/<id>/``. Writes go through
:mod:`billing.services.pools`; its Japanese messages come back as 400 by field."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.models import CostPool, RemainderMethod, TieBreak
from billing.services.pool_rules import ROUNDING_UNITS, consortium_members, pool_description
from billing.services.pools import costpool_create, costpool_delete, costpool_update
from tenants.api.fields import TextField
from tenants.api.permissions import PORTAL_AUTHENTICATION, IsConsortiumOffice
from tenants.api.rules import RuleRefused, rule_response
from tenants.models import Consortium, StaffUser


class CostPoolSerializer(serializers.ModelSerializer):
    rule_description = serializers.SerializerMethodField(help_text="按分方法（日本語）")

    class Meta:
        model = CostPool
        fields = [
            "id",
            "fiscal_year",
            "name",
            "amount_yen",
            "rule",
            "rule_description",
            "rounding_unit_yen",
            "remainder_method",
            "tie_break",
            "sort",
        ]

    def get_rule_description(self, pool: CostPool) -> str:
        return pool_description(pool, self.context.get("names", {}))


class CostPoolWriteSerializer(serializers.Serializer):
    """Shape only; the rules (unique name, figures, amount vs rule) are the service's."""

    name = TextField(max_length=100)
    amount_yen = serializers.IntegerField(allow_null=True, min_value=0)
    rule = serializers.DictField(help_text="按分方法（billing.services.pool_rules が読む形）")
    rounding_unit_yen = serializers.ChoiceField(choices=list(ROUNDING_UNITS), default=1)
    remainder_method = serializers.ChoiceField(
        choices=RemainderMethod.choices,
        default=RemainderMethod.LARGEST_REMAINDER,
        help_text="端数の処理",
    )
    tie_break = serializers.ChoiceField(
        choices=TieBreak.choices,
        default=TieBreak.SHARE,
        help_text="同じ端数の順位（最大剰余法）",
    )
    sort = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class CostPoolCreateSerializer(CostPoolWriteSerializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)


def office_of(request: Request) -> tuple[StaffUser, Consortium]:
    user = request.user
    assert isinstance(user, StaffUser) and user.consortium_office is not None
    return user, user.consortium_office


# The service's rules: a name used once a year, the figures the rule needs, an amount
# that fits the rule.
POOL_RULES = rule_response(
    "費用区分の規則に合わない（同じ年度に同じ名前がある、按分方法が読めない、"
    "按分に必要な数値がない、金額と按分方法が合わない、など）"
)


def service_errors(exc: DjangoValidationError) -> ValidationError:
    """A service's Django ValidationError as DRF's 422 (messages by field): the request
    had the documented shape, a rule of the service refused it."""
    if hasattr(exc, "error_dict"):
        return RuleRefused(exc.message_dict)
    return RuleRefused({"detail": exc.messages})


def _names(consortium: Consortium) -> dict[str, str]:
    return {m.dantai_code: m.name for m in consortium_members(consortium=consortium)}


class PortalAPIView(APIView):
    """An API view of the consortium portal: office users of the caller's consortium."""

    portal = True
    authentication_classes = PORTAL_AUTHENTICATION
    permission_classes = [IsAuthenticated, IsConsortiumOffice]


class PoolListView(PortalAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("fiscal_year", int, required=False)],
        responses=CostPoolSerializer(many=True),
        summary="費用区分の一覧（年度別）",
    )
    def get(self, request: Request) -> Response:
        _, consortium = office_of(request)
        pools = CostPool.objects.filter(consortium=consortium)
        raw = request.query_params.get("fiscal_year")
        if raw:
            try:
                pools = pools.filter(fiscal_year=int(raw))
            except ValueError as exc:
                raise ValidationError(
                    {"fiscal_year": "年度を西暦の整数で指定してください。"}
                ) from exc
        context = {"names": _names(consortium)}
        return Response(CostPoolSerializer(pools, many=True, context=context).data)

    @extend_schema(
        request=CostPoolCreateSerializer,
        responses={201: CostPoolSerializer, 422: POOL_RULES},
        summary="費用区分の追加",
    )
    def post(self, request: Request) -> Response:
        user, consortium = office_of(request)
        body = CostPoolCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            pool = costpool_create(
                consortium=consortium,
                fiscal_year=data["fiscal_year"],
                name=data["name"],
                amount_yen=data["amount_yen"],
                rule=data["rule"],
                rounding_unit_yen=data["rounding_unit_yen"],
                remainder_method=data["remainder_method"],
                tie_break=data["tie_break"],
                sort=data.get("sort"),
                acting_user=user,
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        context = {"names": _names(consortium)}
        return Response(
            CostPoolSerializer(pool, context=context).data, status=status.HTTP_201_CREATED
        )


class PoolDetailView(PortalAPIView):
    def _pool(self, request: Request, pk: int) -> CostPool:
        _, consortium = office_of(request)
        return get_object_or_404(CostPool, pk=pk, consortium=consortium)

    @extend_schema(responses=CostPoolSerializer, summary="費用区分")
    def get(self, request: Request, pk: int) -> Response:
        pool = self._pool(request, pk)
        context = {"names": _names(pool.consortium)}
        return Response(CostPoolSerializer(pool, context=context).data)

    @extend_schema(
        request=CostPoolWriteSerializer,
        responses={200: CostPoolSerializer, 422: POOL_RULES},
        summary="費用区分の変更",
    )
    def put(self, request: Request, pk: int) -> Response:
        user, consortium = office_of(request)
        pool = self._pool(request, pk)
        body = CostPoolWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            pool = costpool_update(
                pool=pool,
                name=data["name"],
                amount_yen=data["amount_yen"],
                rule=data["rule"],
                rounding_unit_yen=data["rounding_unit_yen"],
                remainder_method=data["remainder_method"],
                tie_break=data["tie_break"],
                sort=data.get("sort"),
                acting_user=user,
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(CostPoolSerializer(pool, context={"names": _names(consortium)}).data)

    @extend_schema(responses={204: None}, summary="費用区分の削除")
    def delete(self, request: Request, pk: int) -> Response:
        user, _ = office_of(request)
        costpool_delete(pool=self._pool(request, pk), acting_user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


portal_urlpatterns: list[URLPattern] = [
    path("pools/", PoolListView.as_view(), name="api-billing-pools"),
    path("pools/<int:pk>/", PoolDetailView.as_view(), name="api-billing-pool"),
]
member_urlpatterns: list[URLPattern] = []
