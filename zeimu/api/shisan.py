"""REST API: 個人住民税の試算 (nothing is saved)."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.accesslog.reads import NO_PERSONAL_DATA
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.rules.inputs import KafuHitorioya, Shogai
from zeimu.services.common import jsonable
from zeimu.services.shisan import SUPPORTED_YEARS, ShisanError, shisan


class HaigushaSerializer(serializers.Serializer):
    gokei_shotoku = serializers.IntegerField(help_text="配偶者の合計所得金額（円）")
    age = serializers.IntegerField(min_value=0, max_value=150)


class ShinzokuSerializer(serializers.Serializer):
    age = serializers.IntegerField(min_value=0, max_value=150)
    gokei_shotoku = serializers.IntegerField(default=0)
    dokyo_roshin = serializers.BooleanField(default=False)


class ShisanInputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(
        min_value=min(SUPPORTED_YEARS),
        max_value=max(SUPPORTED_YEARS),
        help_text="年度（西暦、例 2025 = 令和7年度）",
        error_messages={
            "min_value": "令和6年度から令和8年度まで試算できます。",
            "max_value": "令和6年度から令和8年度まで試算できます。",
        },
    )
    age = serializers.IntegerField(min_value=0, max_value=150, help_text="前年12月31日の年齢")
    kyuyo_shunyu = serializers.IntegerField(min_value=0, default=0, help_text="給与収入（円）")
    nenkin_shunyu = serializers.IntegerField(min_value=0, default=0, help_text="公的年金等の収入")
    sonota_shotoku = serializers.IntegerField(default=0, help_text="その他の所得金額")
    shakai_hokenryo = serializers.IntegerField(min_value=0, default=0)
    seimei_hoken_kojo = serializers.IntegerField(min_value=0, required=False)
    jishin_hokenryo = serializers.IntegerField(min_value=0, default=0)
    iryohi_kojo = serializers.IntegerField(min_value=0, default=0)
    haigusha = HaigushaSerializer(required=False, allow_null=True)
    shinzoku = ShinzokuSerializer(many=True, required=False)
    shogai = serializers.ChoiceField(choices=[s.value for s in Shogai], required=False)
    kafu_hitorioya = serializers.ChoiceField(
        choices=[k.value for k in KafuHitorioya], required=False
    )
    kinro_gakusei = serializers.BooleanField(default=False)
    miseinen = serializers.BooleanField(default=False)
    kyuchi = serializers.IntegerField(min_value=1, max_value=3, required=False)
    shitei_toshi = serializers.BooleanField(required=False)


class ShisanView(TenantAPIView):
    gyomu_code = KOJIN_JUMINZEI
    access_reads = NO_PERSONAL_DATA  # figures typed in, no person
    post_is_read = True

    @extend_schema(
        request=ShisanInputSerializer,
        responses={
            200: dict,
            422: rule_response("試算できない年度、または組み合わせとして正しくない入力"),
        },
        summary="個人住民税の試算（保存しない）: すべての途中の数値と説明を返す",
    )
    def post(self, request: Request) -> Response:
        ser = ShisanInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        fiscal_year = data.pop("fiscal_year")
        try:
            x, result = shisan(fiscal_year=fiscal_year, data=data)
        except ShisanError as exc:
            raise RuleRefused(exc.errors) from exc
        return Response({"input": jsonable(x), "result": jsonable(result)})


urlpatterns: list[URLPattern] = [path("shisan/", ShisanView.as_view(), name="api-zeimu-shisan")]
