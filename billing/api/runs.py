"""REST API: allocation runs and statements.

Portal host, consortium office only (``/api/v1/portal/billing/``):
``GET/POST runs/``, ``GET runs/<id>/`` (members × pools), ``GET
runs/<id>/statements/<団体コード>/`` (JSON) and ``.../statement.pdf``.

A member's host (``/api/v1/billing/``, 管理 on platform or an API key with
``platform:read``): ``GET statements/``, ``GET statements/<run id>/`` and
``statements/<run id>/statement.pdf`` — always the host's own municipality, so no
other member's statement is addressable there."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from billing.api.pools import PortalAPIView, office_of
from billing.models import AllocationRun, AllocationShare
from billing.rules import GuaranteeInfeasible
from billing.selectors import run_table, statement_for
from billing.services.allocation import allocation_run
from billing.views.portal import statement_response
from tenants.accesslog.reads import NO_PERSONAL_DATA
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.models import Municipality, RoleLevel
from tenants.modules.spec import PLATFORM
from tenants.selectors.current import current_municipality


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; errors stay JSON text."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Any = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


class PdfErrorsAsJson:
    """A view that may answer a PDF answers its errors in JSON with a JSON content type
    (a 404 asked for with ``?format=pdf`` was labelled application/pdf)."""

    def handle_exception(self, exc: Exception) -> Any:
        request = getattr(self, "request", None)
        if request is not None and isinstance(
            getattr(request, "accepted_renderer", None), PdfRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)  # type: ignore[misc]


# --- serializers ----------------------------------------------------------------------


class RunSerializer(serializers.ModelSerializer):
    run_by = serializers.CharField(source="run_by.username", read_only=True)
    run_by_name = serializers.CharField(source="run_by.display_name", read_only=True)
    min_saving = serializers.SerializerMethodField()

    class Meta:
        model = AllocationRun
        fields = ["id", "fiscal_year", "run_by", "run_by_name", "run_at", "total_yen", "min_saving"]

    def get_min_saving(self, run: AllocationRun) -> str | None:
        value = run.inputs.get("min_saving")
        return None if value is None else str(value)


@extend_schema_field(
    {
        "type": "string",
        # 0 to 0.999, as the field reads it (three decimals, below 1)
        "pattern": r"^(?:0|0?\.\d{1,3})$",
        "description": '保障する最低削減率（例: "0.3"）。省略すると保障なし',
    }
)
class SavingRateField(serializers.DecimalField):
    pass


class RunCreateSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)
    min_saving = SavingRateField(
        max_digits=4,
        decimal_places=3,
        min_value=0,
        max_value=Decimal("0.999"),  # below 1 (0以上1未満), in the field's three decimals
        required=False,
        allow_null=True,
        help_text='保障する最低削減率（例: "0.3"）。省略すると保障なし',
    )


class RunRowSerializer(serializers.Serializer):
    dantai_code = serializers.CharField(source="member.dantai_code")
    name = serializers.CharField(source="member.name")
    amounts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class RunDetailSerializer(serializers.Serializer):
    run = RunSerializer()
    pools = serializers.ListField(child=serializers.CharField())
    rows = RunRowSerializer(many=True)


class StatementLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = AllocationShare
        fields = ["pool_name", "rule_description", "amount_yen", "basis", "steps"]


class StatementSerializer(serializers.Serializer):
    run = RunSerializer()
    consortium = serializers.CharField(source="run.consortium.name")
    dantai_code = serializers.CharField(source="member.dantai_code")
    name = serializers.CharField(source="member.name")
    lines = StatementLineSerializer(many=True)
    total_yen = serializers.IntegerField(source="total")
    figures = serializers.DictField(help_text="按分に用いたこの団体の数値")


class MemberStatementSummarySerializer(serializers.Serializer):
    run_id = serializers.IntegerField(source="pk")
    fiscal_year = serializers.IntegerField()
    run_at = serializers.DateTimeField()
    total_yen = serializers.IntegerField(source="own_total", help_text="この団体の負担額の合計")


def _statement(run: AllocationRun, member: Municipality) -> dict[str, Any]:
    """The member's statement in that run; 404 if the member has no share in it."""
    statement = statement_for(run=run, municipality=member)
    if not statement["lines"]:
        raise NotFound("この按分結果にはこの団体の負担額がありません。")
    return statement


# --- portal (office) ------------------------------------------------------------------


class RunListView(PortalAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("fiscal_year", int, required=False)],
        responses=RunSerializer(many=True),
        summary="按分の実行履歴（実行者・実行日時・合計）",
    )
    def get(self, request: Request) -> Response:
        _, consortium = office_of(request)
        runs = AllocationRun.objects.filter(consortium=consortium).select_related("run_by")
        raw = request.query_params.get("fiscal_year")
        if raw:
            try:
                runs = runs.filter(fiscal_year=int(raw))
            except ValueError as exc:
                raise ValidationError(
                    {"fiscal_year": "年度を西暦の整数で指定してください。"}
                ) from exc
        return Response(RunSerializer(runs[:200], many=True).data)

    @extend_schema(
        request=RunCreateSerializer,
        responses={
            201: RunSerializer,
            422: rule_response(
                "その年度の費用区分・団体の数値がない、または削減率を保障できない（detail）"
            ),
        },
        summary="按分の実行",
    )
    def post(self, request: Request) -> Response:
        user, consortium = office_of(request)
        body = RunCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rate = body.validated_data.get("min_saving")
        try:
            run = allocation_run(
                consortium=consortium,
                fiscal_year=body.validated_data["fiscal_year"],
                acting_user=user,
                min_saving=str(rate) if rate else None,
            )
        except (ValueError, GuaranteeInfeasible) as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)


def _office_run(request: Request, pk: int) -> AllocationRun:
    _, consortium = office_of(request)
    return get_object_or_404(
        AllocationRun.objects.select_related("run_by", "consortium"), pk=pk, consortium=consortium
    )


def _office_member(request: Request, dantai_code: str) -> Municipality:
    _, consortium = office_of(request)
    return get_object_or_404(Municipality, dantai_code=dantai_code, consortium=consortium)


class RunDetailView(PortalAPIView):
    @extend_schema(responses=RunDetailSerializer, summary="按分結果（団体×費目）")
    def get(self, request: Request, pk: int) -> Response:
        run = _office_run(request, pk)
        return Response(RunDetailSerializer({"run": run, **run_table(run)}).data)


class RunStatementView(PortalAPIView):
    @extend_schema(responses=StatementSerializer, summary="構成団体の負担金明細")
    def get(self, request: Request, pk: int, dantai_code: str) -> Response:
        run = _office_run(request, pk)
        member = _office_member(request, dantai_code)
        return Response(StatementSerializer(_statement(run, member)).data)


class RunStatementPdfView(PdfErrorsAsJson, PortalAPIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="負担金明細書PDF"
    )
    def get(self, request: Request, pk: int, dantai_code: str) -> HttpResponse:
        run = _office_run(request, pk)
        member = _office_member(request, dantai_code)
        _statement(run, member)
        return statement_response(run, member)


# --- member (its own host) -------------------------------------------------------------


class MemberAPIView(TenantAPIView):
    gyomu_code = PLATFORM
    access_reads = NO_PERSONAL_DATA  # the town's own 負担金 statements
    required_level = RoleLevel.ADMIN


def _own_run(pk: int) -> tuple[AllocationRun, Municipality]:
    member = current_municipality()
    run = get_object_or_404(
        AllocationRun.objects.select_related("run_by", "consortium"),
        pk=pk,
        consortium_id=member.consortium_id,
    )
    return run, member


class MyStatementListView(MemberAPIView):
    @extend_schema(
        responses=MemberStatementSummarySerializer(many=True),
        summary="この団体の負担金明細の一覧",
    )
    def get(self, request: Request) -> Response:
        from django.db.models import Q, Sum

        member = current_municipality()
        runs = (
            AllocationRun.objects.filter(
                consortium_id=member.consortium_id, shares__municipality=member
            )
            .annotate(own_total=Sum("shares__amount_yen", filter=Q(shares__municipality=member)))
            .order_by("-run_at", "-id")[:200]
        )
        return Response(MemberStatementSummarySerializer(runs, many=True).data)


class MyStatementView(MemberAPIView):
    @extend_schema(responses=StatementSerializer, summary="この団体の負担金明細")
    def get(self, request: Request, pk: int) -> Response:
        run, member = _own_run(pk)
        return Response(StatementSerializer(_statement(run, member)).data)


class MyStatementPdfView(PdfErrorsAsJson, MemberAPIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="負担金明細書PDF"
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        run, member = _own_run(pk)
        _statement(run, member)
        return statement_response(run, member)


portal_urlpatterns: list[URLPattern] = [
    path("runs/", RunListView.as_view(), name="api-billing-runs"),
    path("runs/<int:pk>/", RunDetailView.as_view(), name="api-billing-run"),
    path(
        "runs/<int:pk>/statements/<str:dantai_code>/",
        RunStatementView.as_view(),
        name="api-billing-run-statement",
    ),
    path(
        "runs/<int:pk>/statements/<str:dantai_code>/statement.pdf",
        RunStatementPdfView.as_view(),
        name="api-billing-run-statement-pdf",
    ),
]
member_urlpatterns: list[URLPattern] = [
    path("statements/", MyStatementListView.as_view(), name="api-billing-my-statements"),
    path("statements/<int:pk>/", MyStatementView.as_view(), name="api-billing-my-statement"),
    path(
        "statements/<int:pk>/statement.pdf",
        MyStatementPdfView.as_view(),
        name="api-billing-my-statement-pdf",
    ),
]
