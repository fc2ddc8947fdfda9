"""REST API: 証明書の発行 (PDF) and 交付履歴, 処分.

POST /api/v1/juminkiroku/certificates/            → the PDF, header X-Hakko-No
GET  /api/v1/juminkiroku/certificates/history/    → 交付履歴 (no personal data but ids)
POST /api/v1/juminkiroku/certificates/<id>/void/  → 処分

A certificate with the item 個人番号 shows the number: an API client needs the scope
``juminkiroku:kojin_bango`` for it (refused with 403 before anything is issued); the
issue is logged with ``mynumber_viewed`` by ``shomei_issue``.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.codes import KoinKind, NinshoshaKubun, Seikyusha, ShomeiKind, ShomeiLayout
from juminkiroku.forms.shomei import GAIKOKU_ITEMS, KISAI_ITEMS
from juminkiroku.gyomu import INKAN_TOROKU, JUMINKIROKU
from juminkiroku.models import ShomeiKofu
from juminkiroku.selectors.kofu import kofu_search
from juminkiroku.services.shomei import (
    ITEM_KEYS,
    MAX_COPIES,
    ShomeiError,
    ShomeiNotFound,
    shomei_issue,
    shomei_precheck,
    shomei_void,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.models import RoleLevel
from tenants.models.apiclient import KOJIN_BANGO_ACTION

GYOMU = JUMINKIROKU
PAGE_SIZE = 50


@extend_schema_field(
    {
        "type": "object",
        "description": "記載事項（指定したものを記載）",
        "properties": {key: {"type": "boolean"} for key in ITEM_KEYS},
        "additionalProperties": False,
    }
)
class ItemsField(serializers.DictField):
    """記載事項: only the items a certificate knows (shomei_issue refuses any other)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.BooleanField(), **kwargs)


class CertificateIssueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ShomeiKind.choices)
    layout = serializers.ChoiceField(
        choices=[("", ""), *ShomeiLayout.choices], required=False, default=""
    )
    atena_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=50
    )
    setai_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    items = ItemsField(required=False, default=dict)
    kisai_items = serializers.ListField(
        child=serializers.ChoiceField(choices=list(KISAI_ITEMS.items())),
        required=False,
        default=list,
        max_length=len(KISAI_ITEMS),
        help_text="記載事項証明書で証明する事項（標準仕様書 5.1）",
    )
    omit_katagaki = serializers.BooleanField(
        required=False, default=False, help_text="方書の省略（記載事項証明書のみ、5.4）"
    )
    omit_gaikoku = serializers.ListField(
        child=serializers.ChoiceField(choices=list(GAIKOKU_ITEMS.items())),
        required=False,
        default=list,
        max_length=len(GAIKOKU_ITEMS),
        help_text="外国人住民の記載事項で省略するもの（5.1）",
    )
    copies = serializers.IntegerField(min_value=1, max_value=MAX_COPIES, default=1)
    seikyusha = serializers.ChoiceField(choices=Seikyusha.choices)
    koyo_kikan = TextField(
        required=False, default="", max_length=100, help_text="公用請求の機関（5.7）"
    )
    koyo_mokuteki = TextField(
        required=False, default="", max_length=200, help_text="公用請求の目的（5.7）"
    )
    ninshosha_kubun = serializers.ChoiceField(
        choices=[("", "自動"), *NinshoshaKubun.choices],
        required=False,
        default="",
        help_text="認証者（空は発行日に有効な認証者、1.3.9）",
    )
    koin = serializers.BooleanField(
        required=False, default=True, help_text="公印を印字する（false は「公印省略」、5.6）"
    )
    koin_kind = serializers.ChoiceField(
        choices=[("", "認証者の印"), *KoinKind.choices], required=False, default=""
    )
    kofu_basho = TextField(required=False, default="", max_length=50, help_text="交付場所")
    confirm_warnings = serializers.BooleanField(
        required=False,
        default=False,
        help_text="支援措置の対象者・発行アラートがある場合、確認済みであれば true",
    )


class KofuSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShomeiKofu
        fields = [
            "id",
            "hakko_no",
            "hakko_nos",
            "kind",
            "layout",
            "atena_ids",
            "setai_id",
            "items",
            "copies",
            "pages",
            "kojin_bango_printed",
            "seikyusha",
            "koyo_kikan",
            "koyo_mokuteki",
            "kofu_basho",
            "ninshosha",
            "issued_at",
            "issued_by",
            "terminal",
            "voided_at",
            "voided_by",
            "void_reason",
        ]


class KofuVoidSerializer(serializers.Serializer):
    reason = TextField(label="処分の理由", max_length=200)


def _levels(request: Request) -> dict[str, int]:
    client = getattr(request._request, "api_client", None)
    if client is not None:
        # The highest level a scope gives, whatever the order ("<code>:kojin_bango" and
        # ":read" never lower a ":write").
        levels: dict[str, int] = {}
        for scope in client.scopes:
            code, _, action = scope.partition(":")
            level = RoleLevel.WRITE if action == "write" else RoleLevel.READ
            levels[code] = max(levels.get(code, 0), level)
        return levels
    return dict(getattr(request._request, "role_levels", {}))


class CertificateIssueView(TenantAPIView):
    """Issuing writes a 交付履歴 row, so it needs write access (``juminkiroku:write``);
    an 印鑑登録証明書 also needs ``inkan_toroku:write``, and the item 個人番号
    ``juminkiroku:kojin_bango``."""

    gyomu_code = GYOMU
    access_reads = LOGGED_BY_SERVICE  # shomei_issue logs the 発行 (印刷)

    @extend_schema(
        request=CertificateIssueSerializer,
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="証明書のPDF（ヘッダ X-Hakko-No）"
            ),
            422: rule_response(
                "発行できない理由（detail）: 種類に必要な宛名・世帯の指定がない、"
                "世帯に属さない方を含む、認証者が設定されていない、など"
            ),
            404: OpenApiResponse(description="宛名・世帯が見つからない"),
            403: OpenApiResponse(
                description="許可されていない（印鑑登録証明書、個人番号の記載など）"
            ),
            409: OpenApiResponse(description="確認が必要な注意事項（warnings）"),
        },
        summary="証明書の発行（住民票の写し・除票の写し・印鑑登録証明書）",
        description=(
            "交付履歴を書くため `juminkiroku:write` が、印鑑登録証明書には `inkan_toroku:write` も"
            "必要です。項目 `items.kojin_bango` を指定して個人番号を記載するには、"
            f"APIキーにスコープ `{GYOMU}:{KOJIN_BANGO_ACTION}` が必要です"
            "（ない場合は 403、発行しません）。"
            "記載した発行はアクセスログに「個人番号の閲覧」として記録されます。"
        ),
    )
    def post(self, request: Request) -> Any:
        body = CertificateIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["kind"] == ShomeiKind.INKAN and _levels(request).get(INKAN_TOROKU, 0) < (
            RoleLevel.WRITE
        ):
            raise PermissionDenied("印鑑登録証明書の発行は許可されていません。")
        client = getattr(request._request, "api_client", None)
        if (
            client is not None
            and data["items"].get("kojin_bango")
            and not client.may_read_kojin_bango(GYOMU)
        ):
            raise PermissionDenied(
                "このAPIキーには個人番号の取得が許可されていません（住民基本台帳 個人番号の取得）。"
            )
        target = {
            "kind": data["kind"],
            "atena_ids": data["atena_ids"],
            "setai_id": data["setai_id"],
        }
        sheet = {
            "layout": data["layout"],
            "items": data["items"],
            "kisai_items": data["kisai_items"] or None,
            "omit_gaikoku": data["omit_gaikoku"] or None,
        }
        try:
            check = shomei_precheck(seikyusha=data["seikyusha"], **target, **sheet)
            if check.warnings and not data["confirm_warnings"]:
                return Response(
                    {"detail": "確認が必要な注意事項があります。", "warnings": check.warnings},
                    status=status.HTTP_409_CONFLICT,
                    headers={"X-Shomei-Warnings": ",".join(check.codes)},
                )
            kofu, pdf = shomei_issue(
                copies=data["copies"],
                seikyusha=data["seikyusha"],
                actor=actor_from_request(request._request),
                omit_katagaki=data["omit_katagaki"],
                koyo_kikan=data["koyo_kikan"],
                koyo_mokuteki=data["koyo_mokuteki"],
                ninshosha_kubun=data["ninshosha_kubun"],
                koin=data["koin"],
                koin_kind=data["koin_kind"],
                kofu_basho=data["kofu_basho"],
                **target,
                **sheet,
            )
        except ShomeiNotFound as exc:
            raise NotFound(str(exc)) from exc
        except ShomeiError as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="shomei_{kofu.hakko_no}.pdf"'
        response["X-Hakko-No"] = kofu.hakko_no
        response["Cache-Control"] = "no-store"
        if check.codes:
            response["X-Shomei-Warnings"] = ",".join(check.codes)
        return response


class HistoryQuery(serializers.Serializer):
    """The history's query: checked here and documented from here."""

    date_from = serializers.DateField(required=False, help_text="発行日（から）")
    date_to = serializers.DateField(required=False, help_text="発行日（まで）")
    kind = serializers.ChoiceField(
        choices=ShomeiKind.choices, required=False, allow_blank=True, help_text="空はすべて"
    )
    hakko_no = TextField(
        required=False, max_length=20, help_text="発行番号（どの通のものでも。連番だけでも可）"
    )
    seikyusha = serializers.ChoiceField(
        choices=Seikyusha.choices, required=False, allow_blank=True, help_text="請求者"
    )
    terminal = TextField(required=False, max_length=100, help_text="端末名")
    issued_by = TextField(required=False, max_length=150, help_text="ユーザID（発行者）")
    kofu_basho = TextField(required=False, max_length=50, help_text="交付場所")
    page = serializers.IntegerField(min_value=1, default=1, help_text="ページ（1から）")


class CertificateHistoryView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(
        "shomei_kofu",
        action=AccessAction.SEARCH,
        ids="results[].id",
        ids_key="kofu_ids",
        count=lambda data: len(data["results"]),
        screen="API: 証明書交付履歴",
    )

    @extend_schema(
        parameters=[HistoryQuery],
        responses={
            200: page_serializer(KofuSerializer),
            400: OpenApiResponse(description="条件の誤り（項目ごとのメッセージ）"),
        },
        summary="証明書の交付履歴（新しい順、50件ずつ）",
    )
    def get(self, request: Request) -> Response:
        query = HistoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        dates = {k: q[k] for k in ("date_from", "date_to") if q.get(k)}
        rows = kofu_search(
            hakko_no=q.get("hakko_no", ""),
            kind=q.get("kind", ""),
            seikyusha=q.get("seikyusha", ""),
            terminal=q.get("terminal", ""),
            issued_by=q.get("issued_by", ""),
            kofu_basho=q.get("kofu_basho", ""),
            **dates,
        )
        page = Paginator(rows, PAGE_SIZE).get_page(q["page"])
        items = list(page.object_list)
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "results": KofuSerializer(items, many=True).data,
            }
        )


class CertificateVoidView(TenantAPIView):
    gyomu_code = GYOMU
    checks_own_text = True  # TextField
    access_reads = LOGGED_BY_SERVICE  # shomei_void logs the 処分

    @extend_schema(
        request=KofuVoidSerializer,
        responses={200: KofuSerializer, 422: rule_response("処分できない理由（detail）")},
        summary="交付した証明書の処分",
    )
    def post(self, request: Request, pk: int) -> Response:
        body = KofuVoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            kofu = shomei_void(
                kofu_id=pk,
                reason=body.validated_data["reason"],
                actor=actor_from_request(request._request),
            )
        except ShomeiNotFound as exc:
            raise NotFound(str(exc)) from exc
        except ShomeiError as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        return Response(KofuSerializer(kofu).data)


urlpatterns: list[URLPattern] = [
    path("certificates/", CertificateIssueView.as_view(), name="juminkiroku_api_certificates"),
    path(
        "certificates/history/",
        CertificateHistoryView.as_view(),
        name="juminkiroku_api_certificate_history",
    ),
    path(
        "certificates/<int:pk>/void/",
        CertificateVoidView.as_view(),
        name="juminkiroku_api_certificate_void",
    ),
]
