"""REST API: 保育料の試算 (POST, figures typed in, nothing saved): one child's monthly 保育料
with the town's table (or the national one) and values of the 年度. Each 試算 writes an
access-log row saying a 試算 was made (its 年度; no figure, no person)."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.gyomu import HOIKURYO
from fukushi.services.hoiku_ryo import ShisanInput, ShisanRefused, shisan
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import NO_PERSONAL_DATA
from tenants.accesslog.services import access_record
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response

PREFIX = "hoikuryo/"


class HoikuryoShisanInputSerializer(serializers.Serializer):
    nendo = serializers.IntegerField(
        min_value=2020, max_value=2100, help_text="年度（西暦、例 2025 = 令和7年度）"
    )
    month = serializers.IntegerField(min_value=1, max_value=12, help_text="月（1〜12）")
    birth = serializers.DateField(help_text="子どもの生年月日")
    hitsuyoryo = serializers.ChoiceField(
        choices=[("hyojun", "保育標準時間"), ("tanjikan", "保育短時間")], help_text="保育必要量"
    )
    seiho = serializers.BooleanField(default=False, help_text="生活保護を受けている世帯")
    hikazei = serializers.BooleanField(default=False, help_text="保護者が全員市町村民税非課税")
    shotokuwari = serializers.IntegerField(
        min_value=0, max_value=10**9, default=0, help_text="保護者の市町村民税所得割額の合計（円）"
    )
    kyodai_births = serializers.ListField(
        child=serializers.DateField(),
        min_length=0,
        max_length=10,
        default=list,
        help_text="多子軽減で数えるほかの子の生年月日",
    )
    zenin_kazoe = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="すべての子を数える世帯か（省略：所得割額から決める）",
    )


class HoikuryoShisanResultSerializer(serializers.Serializer):
    nendo = serializers.IntegerField()
    month = serializers.IntegerField()
    class_age = serializers.IntegerField(help_text="クラス年齢（4月1日の年齢）")
    kazei_nendo = serializers.IntegerField(help_text="階層を決める市町村民税の年度")
    mushoka = serializers.BooleanField(help_text="無償化の対象（3歳児クラス以上）")
    kaiso = serializers.IntegerField(allow_null=True, help_text="階層")
    kaiso_label = serializers.CharField()
    town_table = serializers.BooleanField(help_text="町の保育料表（false: 国の基準）")
    tashi_order = serializers.IntegerField(help_text="多子軽減の順位（1 = 第1子）")
    zenin_kazoe = serializers.BooleanField()
    kijun = serializers.IntegerField(help_text="保育料表の額（円）")
    amount = serializers.IntegerField(help_text="保育料（月額、円）")


class HoikuryoShisanView(TenantAPIView):
    gyomu_code = HOIKURYO
    access_reads = NO_PERSONAL_DATA  # figures typed in, no person (the 試算 is logged as such)
    post_is_read = True

    @extend_schema(
        request=HoikuryoShisanInputSerializer,
        responses={
            200: HoikuryoShisanResultSerializer,
            422: rule_response(
                "生年月日がその月より後・就学後、またはその年度の保育料の基準が未登録"
            ),
        },
        summary="保育料（月額）の試算（保存しない）",
        operation_id="fukushi_hoikuryo_shisan",
    )
    def post(self, request: Request) -> Response:
        ser = HoikuryoShisanInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        inp = ShisanInput(
            nendo=d["nendo"],
            month=d["month"],
            birth=d["birth"],
            hitsuyoryo=d["hitsuyoryo"],
            seiho=d["seiho"],
            hikazei=d["hikazei"],
            shotokuwari=d["shotokuwari"],
            kyodai_births=tuple(d["kyodai_births"]),
            zenin_kazoe=d.get("zenin_kazoe"),
        )
        try:
            result = shisan(inp)
        except ShisanRefused as exc:
            raise RuleRefused({"input": [str(exc)]}) from exc
        access_record(
            request=request,
            action=AccessAction.READ,
            gyomu=HOIKURYO,
            screen="api.fukushi.hoikuryo_shisan",
            record_type="fukushi.hoikuryo_shisan",
            record_count=0,
            detail={"nendo": inp.nendo},
        )
        return Response(result)


urlpatterns: list[URLPattern] = [
    path(f"{PREFIX}shisan/", HoikuryoShisanView.as_view(), name="api-fukushi-hoikuryo-shisan"),
]
