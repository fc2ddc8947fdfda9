from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.accesslog.models import AccessLog
from tenants.accesslog.reads import NO_PERSONAL_DATA
from tenants.accesslog.services import actor_from_request
from tenants.api.pages import page_serializer
from tenants.api.permissions import (
    PORTAL_AUTHENTICATION,
    IsConsortiumOffice,
    TenantAPIView,
    TenantViewSet,
)
from tenants.api.rules import RuleRefused, rule_response
from tenants.api.serializers import (
    AccessLogSearchSerializer,
    AccessLogSerializer,
    GyomuSerializer,
    JobCreateSerializer,
    JobDetailSerializer,
    JobSerializer,
    MeSerializer,
    MunicipalitySerializer,
    ParameterSerializer,
)
from tenants.jobs.models import Job
from tenants.jobs.registry import get_kind
from tenants.jobs.services import JobRefused, job_cancel, job_retry_failed, job_start
from tenants.models import Municipality, RoleLevel
from tenants.modules.spec import PLATFORM
from tenants.params.models import LawParameter
from tenants.params.services import ParameterMissing, param_value
from tenants.selectors.current import current_municipality
from tenants.selectors.gyomu import subscribed_gyomu


class MeView(TenantAPIView):
    gyomu_code = PLATFORM
    access_reads = NO_PERSONAL_DATA

    @extend_schema(responses=MeSerializer, summary="認証中の利用者と権限")
    def get(self, request: Request) -> Response:
        tenant = current_municipality()
        client = getattr(request._request, "api_client", None)
        membership = getattr(request._request, "membership", None)
        roles = (
            {
                s.split(":")[0]: (RoleLevel.WRITE if s.endswith(":write") else RoleLevel.READ)
                for s in client.scopes
            }
            if client
            else getattr(request._request, "role_levels", {})
        )
        data = {
            "municipality": tenant.name,
            "dantai_code": tenant.dantai_code,
            "username": request.user.get_username() if client is None else "",
            "api_client": client.name if client else "",
            "is_support": bool(membership and membership.is_support),
            "roles": roles,
        }
        return Response(MeSerializer(data).data)


class ModuleListView(TenantAPIView):
    gyomu_code = PLATFORM
    access_reads = NO_PERSONAL_DATA

    @extend_schema(responses=GyomuSerializer(many=True), summary="この団体が利用中の業務")
    def get(self, request: Request) -> Response:
        rows = subscribed_gyomu(municipality=current_municipality(), on=timezone.localdate())
        return Response(GyomuSerializer(rows, many=True).data)


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Jobs of this municipality. Progress is read here by job id, never by task id."""

    gyomu_code = PLATFORM
    access_reads = NO_PERSONAL_DATA  # a job's kind, state and counts; its files are ids
    # Writes (start, cancel, retry) are authorised against the job's own module in each
    # action, not against the platform: a clerk of 個人住民税 starts 個人住民税 jobs.
    post_is_read = True
    serializer_class = JobSerializer

    def _levels(self) -> dict[str, int]:
        client = getattr(self.request._request, "api_client", None)
        if client is not None:
            return {
                s.split(":")[0]: RoleLevel.WRITE if s.endswith(":write") else RoleLevel.READ
                for s in client.scopes
            }
        return dict(getattr(self.request._request, "role_levels", {}))

    def get_queryset(self) -> QuerySet[Job]:
        levels = self._levels()
        codes = [c for c, lv in levels.items() if lv >= RoleLevel.READ and c != PLATFORM]
        if levels.get(PLATFORM, 0) >= RoleLevel.ADMIN:
            codes.append(PLATFORM)
        qs = Job.objects.filter(gyomu__in=codes)
        if self.action == "retrieve":
            qs = qs.prefetch_related("files", "log")
        return qs

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return JobDetailSerializer
        return JobSerializer

    def _check_write(self, gyomu: str) -> None:
        if self._levels().get(gyomu, 0) < RoleLevel.WRITE:
            raise NotFound()

    @extend_schema(
        request=JobCreateSerializer,
        responses={
            201: JobSerializer,
            # the kinds are those of the installed modules, each with its own params
            422: rule_response("処理種別がない、または処理種別の引数（params）が正しくない"),
        },
        summary="処理の開始",
    )
    def create(self, request: Request) -> Response:
        body = JobCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kind = get_kind(body.validated_data["kind"])
        if kind is None:
            raise RuleRefused({"kind": "この処理種別はありません。"})
        needed = RoleLevel.ADMIN if kind.gyomu == PLATFORM else RoleLevel.WRITE
        if self._levels().get(kind.gyomu, 0) < needed:
            raise NotFound()
        try:
            job = job_start(
                kind=kind.code,
                params=body.validated_data["params"],
                actor=actor_from_request(request._request),
            )
        except JobRefused as exc:
            raise NotFound(str(exc)) from exc
        except ValueError as exc:
            raise RuleRefused({"params": str(exc)}) from exc
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: JobSerializer, 422: rule_response("この状態の処理は中止できない")},
        summary="処理の中止",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        self._check_write(job.gyomu)
        try:
            job = job_cancel(job=job, actor=actor_from_request(request._request))
        except JobRefused as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        return Response(JobSerializer(job).data)

    @extend_schema(
        request=None,
        responses={200: JobSerializer, 422: rule_response("再実行できる処理単位がない")},
        summary="失敗した処理単位の再実行",
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        self._check_write(job.gyomu)
        try:
            job_retry_failed(job=job, actor=actor_from_request(request._request))
        except JobRefused as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        job.refresh_from_db()
        return Response(JobSerializer(job).data)


class AccessLogSearchView(TenantAPIView):
    """Search by POST so that record ids never appear in URLs or proxy logs."""

    gyomu_code = PLATFORM
    required_level = RoleLevel.ADMIN
    required_write_level = RoleLevel.ADMIN
    post_is_read = True
    page_size = 100
    # Staff names and record ids (never a resident's name or number): the audit trail
    # itself, read by the town's administrators.
    access_reads = NO_PERSONAL_DATA

    @extend_schema(
        request=AccessLogSearchSerializer,
        responses=page_serializer(AccessLogSerializer),
        summary="アクセスログの検索",
    )
    def post(self, request: Request) -> Response:
        criteria = AccessLogSearchSerializer(data=request.data)
        criteria.is_valid(raise_exception=True)
        data = criteria.validated_data
        rows = AccessLog.objects.all()
        if "date_from" in data:
            rows = rows.filter(at__date__gte=data["date_from"])
        if "date_to" in data:
            rows = rows.filter(at__date__lte=data["date_to"])
        for key in ("username", "action", "record_type", "record_id"):
            if data.get(key):
                rows = rows.filter(**{key: data[key]})
        page = Paginator(rows, self.page_size).get_page(data["page"])
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "results": AccessLogSerializer(page.object_list, many=True).data,
            }
        )


class ParameterView(TenantAPIView):
    gyomu_code = PLATFORM
    access_reads = NO_PERSONAL_DATA

    @extend_schema(
        parameters=[OpenApiParameter("fiscal_year", int, required=True)],
        responses=ParameterSerializer,
        summary="法令・条例パラメータの値（年度別）",
    )
    def get(self, request: Request, key: str) -> Response:
        try:
            fiscal_year = int(request.query_params.get("fiscal_year", ""))
        except ValueError as exc:
            raise ValidationError({"fiscal_year": "年度を西暦の整数で指定してください。"}) from exc
        try:
            value = param_value(key, fiscal_year)
        except ParameterMissing as exc:
            raise NotFound(str(exc)) from exc
        law = (
            LawParameter.objects.filter(key=key, fiscal_year_from__lte=fiscal_year)
            .order_by("-fiscal_year_from")
            .first()
        )
        from tenants.params.tenant.models import MunicipalParameter

        local = (
            MunicipalParameter.objects.filter(key=key, fiscal_year_from__lte=fiscal_year)
            .exclude(fiscal_year_to__lt=fiscal_year)
            .order_by("-fiscal_year_from")
            .first()
        )
        source = local.source if local else (law.source if law else "")
        return Response(
            ParameterSerializer(
                {"key": key, "fiscal_year": fiscal_year, "value": value, "source": source}
            ).data
        )


class PortalMunicipalityList(ListAPIView):
    """Members of the caller's consortium (consortium office only). Figures only."""

    serializer_class = MunicipalitySerializer
    authentication_classes = PORTAL_AUTHENTICATION
    permission_classes = [IsConsortiumOffice]
    portal = True

    def get_queryset(self) -> QuerySet[Municipality]:
        if getattr(self, "swagger_fake_view", False):
            return Municipality.objects.none()
        return (
            Municipality.objects.filter(consortium_id=self.request.user.consortium_office_id)  # type: ignore[union-attr]
            .prefetch_related("domains", "subscriptions__gyomu")
            .order_by("dantai_code")
        )
