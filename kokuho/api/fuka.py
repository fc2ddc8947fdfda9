"""REST API of the 国保税 賦課: the 試算 (POST, raw inputs, nothing saved)."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from kokuho.gyomu import KOKUHO_FUKA
from kokuho.services.fuka_shisan import ShisanMember, ShisanRefused, shisan, shisan_json
from tenants.accesslog.reads import NO_PERSONAL_DATA
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response

MAX_MEMBERS = 12


class FukaShisanMemberSerializer(serializers.Serializer):
    birth_date = serializers.DateField(help_text="生年月日")
    setainushi = serializers.BooleanField(default=False, help_text="世帯主（納税義務者）")
    insured = serializers.BooleanField(
        default=True, help_text="国保の被保険者（false: 擬制世帯主など）"
    )
    kyuyo = serializers.IntegerField(min_value=0, default=0, help_text="前年の給与所得（円）")
    nenkin = serializers.IntegerField(min_value=0, default=0, help_text="前年の公的年金等所得")
    sonota = serializers.IntegerField(min_value=0, default=0, help_text="その他の所得")
    shinkoku = serializers.BooleanField(default=True, help_text="所得の申告がある")
    shutoku_date = serializers.DateField(
        required=False, allow_null=True, help_text="年度中の資格取得日"
    )
    soshitsu_date = serializers.DateField(required=False, allow_null=True, help_text="資格喪失日")
    hijihatsu = serializers.BooleanField(default=False, help_text="非自発的失業者の軽減")
    shussan_date = serializers.DateField(
        required=False, allow_null=True, help_text="出産予定日（産前産後の減額）"
    )
    tatai = serializers.BooleanField(default=False, help_text="多胎妊娠")


class FukaShisanInputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(
        min_value=2022, max_value=2100, help_text="年度（西暦、例 2025 = 令和7年度）"
    )
    tokutei_setai = serializers.ChoiceField(
        choices=["", "tokutei", "tokutei_keizoku"], default="", help_text="特定世帯・特定継続世帯"
    )
    # a ListField, so that the document states minItems/maxItems (a nested many=True does not)
    members = serializers.ListField(
        child=FukaShisanMemberSerializer(), min_length=1, max_length=MAX_MEMBERS
    )


class FukaShisanView(TenantAPIView):
    gyomu_code = KOKUHO_FUKA
    access_reads = NO_PERSONAL_DATA  # figures typed in, no person
    post_is_read = True

    @extend_schema(
        request=FukaShisanInputSerializer,
        responses={
            200: dict,
            422: rule_response(
                "世帯主が1人でない、被保険者がいない、日付が年度の外、または年度の税率が未設定"
            ),
        },
        summary="国民健康保険税の試算（保存しない）: 軽減判定・区分ごとのすべての途中の数値を返す",
    )
    def post(self, request: Request) -> Response:
        ser = FukaShisanInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        try:
            inp, result = shisan(
                fiscal_year=data["fiscal_year"],
                members=[ShisanMember(**m) for m in data["members"]],
                tokutei_setai=data["tokutei_setai"],
            )
        except ShisanRefused as exc:
            raise RuleRefused({"members": exc.errors}) from exc
        return Response(shisan_json(inp, result))


urlpatterns: list[URLPattern] = [
    path("fuka/shisan/", FukaShisanView.as_view(), name="api-kokuho-fuka-shisan"),
]
