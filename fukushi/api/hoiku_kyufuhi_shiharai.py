"""REST API of 施設型給付費の支払 (HK-13; mounted at /api/v1/fukushi/hoiku/kyufuhi/shiharai/),
what the 支払 screen does (fukushi/views/hoiku_kyufu_shiharai.py): the payments made (the
history: paged, by month and 施設) and the payment of a month's 請求 whose 審査 is 一致 (POST:
every one not yet paid, or the 施設 named), the town as 振込依頼人 from its own values
(``fukushi.furikomi.*``, entered once in 設定). The 全銀 file and the 支払通知書 are the
screen's (files, not JSON).

The wall is the 業務's (子ども・子育て支援): its role, or an API key with its read or write
scope; a payment of another town is never listed. The answers name 施設 and amounts, no
person; the list is logged with the payment ids, the payment by its service; a refused
payment is 422 naming the 施設 in Japanese and writes nothing."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.hoiku_kyufuhi import PREFIX, _first_of, _refused, month_of
from fukushi.api.paging import PARAMETERS as PAGING
from fukushi.api.paging import page_of
from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import HoikuKyufuhiShiharai
from fukushi.services.furikomi import NOT_SET, irainin_of
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from fukushi.services.hoiku_kyufu_shiharai import kyufuhi_shiharai
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads
from tenants.accesslog.services import actor_from_request
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.wareki import fiscal_year_of

MAX_ID = 2**63 - 1


class KyufuhiShiharaiSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="支払のID")
    seikyu_id = serializers.IntegerField(help_text="請求のID")
    shisetsu_id = serializers.IntegerField(help_text="施設のID")
    code = serializers.CharField(help_text="施設番号")
    name = serializers.CharField(help_text="施設名")
    month = serializers.DateField(help_text="給付費の月（1日）")
    shiharai_date = serializers.DateField(help_text="支払日（振込日）")
    ninzu = serializers.IntegerField(help_text="児童数（審査の算定）")
    gaku = serializers.IntegerField(help_text="支払額（円、審査の算定額＝請求額）")


class KyufuhiShiharaiInputSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="給付費の月（その月のいずれかの日）")
    shiharai_date = serializers.DateField(help_text="支払日（振込日）")
    shisetsu_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        min_length=1,
        max_length=1000,
        help_text="支払う施設のID（省略：審査が一致して未払の請求すべて）",
    )


class KyufuhiShiharaiKekkaSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="給付費の月（1日）")
    gokei = serializers.IntegerField(help_text="この支払の合計（円）")
    shiharai = KyufuhiShiharaiSerializer(many=True, help_text="記録した支払（施設番号順）")


def shiharai_row(p: HoikuKyufuhiShiharai) -> dict[str, Any]:
    return {
        "id": p.pk,
        "seikyu_id": p.seikyu_id,
        "shisetsu_id": p.shisetsu_id,
        "code": p.shisetsu.code,
        "name": p.shisetsu.name,
        "month": p.month,
        "shiharai_date": p.shiharai_date,
        "ninzu": p.ninzu,
        "gaku": p.gaku,
    }


class ShiharaiView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    # 施設 and amounts, no person: the payments listed are logged; the payment by its service
    access_reads = {
        "GET": Reads(
            "fukushi.HoikuKyufuhiShiharai",
            ids="results[].id",
            skip_empty=True,
            screen="api.fukushi.hoiku_kyufuhi_shiharai_list",
        ),
        "POST": LOGGED_BY_SERVICE,
    }

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month", OpenApiTypes.DATE, description="給付費の月（その月のいずれかの日）"
            ),
            OpenApiParameter(
                "shisetsu_id",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                description="施設のID",
            ),
            *PAGING,
        ],
        responses={
            200: page_serializer(KyufuhiShiharaiSerializer),
            422: rule_response("月が範囲の外"),
        },
        summary="施設型給付費の支払の一覧（履歴。月・施設で絞り込み）。ページ送り",
        operation_id="fukushi_hoiku_kyufuhi_shiharai_list",
    )
    def get(self, request: Request) -> Response:
        qs = HoikuKyufuhiShiharai.objects.select_related("shisetsu")
        if request.query_params.get("month", ""):
            qs = qs.filter(month=month_of(request))
        raw = request.query_params.get("shisetsu_id", "")
        if raw:
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
                raise ValidationError(
                    {"shisetsu_id": ["施設のIDは1以上の整数で指定してください。"]}
                )
            qs = qs.filter(shisetsu_id=int(raw))
        page, head = page_of(request, qs.order_by("-month", "shisetsu__code", "pk"))
        return Response(head | {"results": [shiharai_row(p) for p in page]})

    @extend_schema(
        request=KyufuhiShiharaiInputSerializer,
        responses={
            201: KyufuhiShiharaiKekkaSerializer,
            422: rule_response(
                "審査が一致していない・支払済み・請求のない施設、支払う請求がない、"
                "施設の口座が未登録、支払日が審査日より前、振込依頼人が未設定、日付が範囲の外"
            ),
        },
        summary="施設型給付費の支払（審査が一致した請求。施設・月ごとに一度だけ）",
        operation_id="fukushi_hoiku_kyufuhi_shiharai",
    )
    def post(self, request: Request) -> Response:
        ser = KyufuhiShiharaiInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        month = _first_of(d["month"], "month")
        _first_of(d["shiharai_date"], "shiharai_date")
        irainin = irainin_of(fiscal_year_of(d["shiharai_date"]))
        if irainin is None:
            raise RuleRefused({"irainin": [NOT_SET + "。"]})
        ids = d.get("shisetsu_ids")
        try:
            made = kyufuhi_shiharai(
                month=month,
                shiharai_date=d["shiharai_date"],
                irainin=irainin,
                actor=actor_from_request(request._request),
                shisetsu_ids=sorted(set(ids)) if ids else None,
            )
        except KyufuhiRefused as exc:
            raise _refused(exc) from exc
        return Response(
            {
                "month": month,
                "gokei": sum(p.gaku for p in made),
                "shiharai": [shiharai_row(p) for p in made],
            },
            status=status.HTTP_201_CREATED,
        )


urlpatterns: list[URLPattern] = [
    path(f"{PREFIX}shiharai/", ShiharaiView.as_view(), name="api-fukushi-hoiku-kyufuhi-shiharai"),
]
