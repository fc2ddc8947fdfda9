"""REST API: aggregates of the rosters (no personal data leaves through these).

``POST /api/v1/juminkiroku/senkyo/`` {"kijun_date"} 選挙人名簿の登録者数 by 地区 and sex.
``POST /api/v1/juminkiroku/tokei/`` {"date"} the population tables of that date.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.gyomu import JUMINKIROKU, SENKYO
from juminkiroku.selectors.senkyo import senkyo_counts
from juminkiroku.selectors.tokei import SexRow, tokei_on
from tenants.accesslog.reads import Reads
from tenants.api.permissions import TenantAPIView


class SenkyoQuery(serializers.Serializer):
    kijun_date = serializers.DateField(label="基準日")


class TokeiQuery(serializers.Serializer):
    date = serializers.DateField(label="基準日")


def _rows(rows: list[SexRow]) -> list[dict[str, Any]]:
    return [
        {"key": r.key, "label": r.label, "male": r.male, "female": r.female, "total": r.total}
        for r in rows
    ]


class SenkyoCountView(TenantAPIView):
    gyomu_code = SENKYO
    post_is_read = True
    # Counts by 地区 and sex, no person: logged as a read of the 集計 of that day.
    access_reads = Reads(
        "senkyo_shukei", record_id="kijun_date", screen="選挙人名簿登録者数（API）"
    )

    @extend_schema(
        request=SenkyoQuery,
        responses=inline_serializer(
            "SenkyoCounts",
            {
                "kijun_date": serializers.DateField(),
                "total": serializers.IntegerField(),
                "chiku": serializers.ListField(child=serializers.DictField()),
            },
        ),
        summary="選挙人名簿登録者数（地区・男女別）",
    )
    def post(self, request: Request) -> Response:
        query = SenkyoQuery(data=request.data)
        query.is_valid(raise_exception=True)
        day = query.validated_data["kijun_date"]
        counts = senkyo_counts(day)
        return Response(
            {
                "kijun_date": day.isoformat(),
                "total": sum(c.total for c in counts),
                "chiku": [{**asdict(c), "total": c.total} for c in counts],
            }
        )


class TokeiView(TenantAPIView):
    gyomu_code = JUMINKIROKU
    post_is_read = True
    access_reads = Reads("jinko_tokei", record_id="date", screen="人口統計（API）")

    @extend_schema(
        request=TokeiQuery,
        responses=inline_serializer(
            "JinkoTokei",
            {
                "date": serializers.DateField(),
                "population": serializers.IntegerField(),
                "by_age": serializers.ListField(child=serializers.DictField()),
                "by_chiku": serializers.ListField(child=serializers.DictField()),
                "by_shubetsu": serializers.ListField(child=serializers.DictField()),
                "setai": serializers.DictField(),
            },
        ),
        summary="人口統計（年齢5歳階級・地区・日本人／外国人・世帯数）",
    )
    def post(self, request: Request) -> Response:
        query = TokeiQuery(data=request.data)
        query.is_valid(raise_exception=True)
        day = query.validated_data["date"]
        data = tokei_on(day)
        return Response(
            {
                "date": day.isoformat(),
                "population": data.population,
                "by_age": _rows(data.by_age),
                "by_chiku": _rows(data.by_chiku),
                "by_shubetsu": _rows(data.by_shubetsu),
                "setai": asdict(data.setai) if data.setai else {},
            }
        )


urlpatterns = [
    path("senkyo/", SenkyoCountView.as_view(), name="juminkiroku_api_senkyo"),
    path("tokei/", TokeiView.as_view(), name="juminkiroku_api_tokei"),
]
