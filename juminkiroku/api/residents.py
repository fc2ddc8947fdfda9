"""REST API: who lived in the town on a date (賦課期日, 基準日), in pages, for the tax
modules; mounted at /api/v1/juminkiroku/residents-on/. The date is a POST body; every
page is logged (抽出) with the ids it carried.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.api.common import DATE_RULE, GYOMU, parse_date
from juminkiroku.selectors.asof import residents_on
from juminkiroku.selectors.search import shokai_flags_for
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView

RESIDENTS_PAGE_SIZE = 500


class ResidentsOnRequestSerializer(serializers.Serializer):
    date = TextField(max_length=20, help_text="基準日（西暦または和暦）")
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class ResidentSerializer(serializers.Serializer):
    """One resident's version valid on the date (no 個人番号)."""

    atena_id = serializers.IntegerField()
    setai_id = serializers.IntegerField(allow_null=True)
    shimei = serializers.CharField()
    shimei_kana = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.CharField()
    shubetsu = serializers.CharField()
    postal_code = serializers.CharField()
    jusho_code = serializers.CharField()
    jusho = serializers.CharField()
    banchi = serializers.CharField()
    katagaki = serializers.CharField()
    zokugara = serializers.CharField()
    setai_order = serializers.IntegerField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    shokai_yokushi = serializers.BooleanField(help_text="照会抑止（エラー）中の住民")


class ResidentsOnResponseSerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = ResidentSerializer(many=True)


class ResidentsOnAPIView(TenantAPIView):
    """Who lived in the town on a date (賦課期日, 基準日), in pages, for the tax modules."""

    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads(
        "atena",
        action=AccessAction.EXPORT,
        ids="results[].atena_id",
        count=lambda data: len(data["results"]),
        detail=lambda data: {"as_of": data["date"], "page": data["page"]},
        screen="API 基準日時点の住民一覧",
    )

    @extend_schema(
        request=ResidentsOnRequestSerializer,
        responses={200: ResidentsOnResponseSerializer, 422: DATE_RULE},
        summary="基準日時点の住民一覧",
    )
    def post(self, request: Request) -> Response:
        body = ResidentsOnRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        day = parse_date(body.validated_data["date"], "date")
        qs = (
            residents_on(day)
            .order_by("atena_id")
            .only("atena", "setai", "valid_from", "valid_to", *_RESIDENT_COLUMNS)
        )
        page = Paginator(qs, RESIDENTS_PAGE_SIZE).get_page(body.validated_data["page"])
        versions = list(page.object_list)
        flags = shokai_flags_for([(v.atena_id, v.setai_id) for v in versions])
        results = [
            {
                **{name: getattr(v, name) for name in _RESIDENT_COLUMNS},
                "atena_id": v.atena_id,
                "setai_id": v.setai_id,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "shokai_yokushi": v.atena_id in flags.error,
            }
            for v in versions
        ]
        payload = {
            "date": day,
            "count": page.paginator.count,
            "page": page.number,
            "num_pages": page.paginator.num_pages,
            "page_size": RESIDENTS_PAGE_SIZE,
            "results": results,
        }
        return Response(ResidentsOnResponseSerializer(payload).data)


_RESIDENT_COLUMNS = (
    "shimei",
    "shimei_kana",
    "birth_date",
    "sex",
    "shubetsu",
    "postal_code",
    "jusho_code",
    "jusho",
    "banchi",
    "katagaki",
    "zokugara",
    "setai_order",
)


urlpatterns: list[URLPattern] = [
    path("residents-on/", ResidentsOnAPIView.as_view(), name="jk-api-residents-on"),
]
