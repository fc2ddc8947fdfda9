"""REST API: 介護保険の試算 (POST, raw inputs, nothing saved): one person's 第1号保険料 and
負担割合 with the town's values of the 年度. Each 試算 writes an access-log row saying a 試算
was made (its 年度; no figure, no person)."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from kaigo.gyomu import KAIGO_HOKEN
from kaigo.services.shisan import (
    MAX_MEMBERS,
    ShisanInput,
    ShisanRefused,
    ShisanShotoku,
    shisan,
    shisan_json,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import NO_PERSONAL_DATA
from tenants.accesslog.services import access_record
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response

YEN_MAX = 10**11


def _yen(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=YEN_MAX, default=0, help_text=help_text)


class KaigoShotokuSerializer(serializers.Serializer):
    gokei_shotoku = _yen("前年の合計所得金額（円）")
    joto_tokubetsu_kojo = _yen("長期・短期譲渡所得の特別控除額")
    nenkin_shotoku = _yen("公的年金等に係る雑所得")
    kyuyo_shotoku = _yen("給与所得")
    kazei_nenkin_shunyu = _yen("課税年金収入額（老齢年金。障害・遺族年金は除く）")


class KaigoShisanInputSerializer(KaigoShotokuSerializer):
    fiscal_year = serializers.IntegerField(
        min_value=2021, max_value=2100, help_text="年度（西暦、例 2025 = 令和7年度）"
    )
    dai1go = serializers.BooleanField(default=True, help_text="第1号被保険者（false: 第2号）")
    honnin_kazei = serializers.BooleanField(help_text="本人が住民税課税")
    setai_kazei = serializers.BooleanField(help_text="世帯に住民税課税の方がいる（本人を含む）")
    seiho = serializers.BooleanField(default=False, help_text="生活保護を受給")
    rorei_fukushi_nenkin = serializers.BooleanField(default=False, help_text="老齢福祉年金を受給")
    shutoku_date = serializers.DateField(
        required=False, allow_null=True, help_text="年度中の資格取得日"
    )
    soshitsu_date = serializers.DateField(
        required=False, allow_null=True, help_text="年度中の資格喪失日"
    )
    # a ListField, so that the document states maxItems (a nested many=True does not)
    setai_dai1go = serializers.ListField(
        child=KaigoShotokuSerializer(),
        min_length=0,
        max_length=MAX_MEMBERS,
        default=list,
        help_text="同じ世帯のほかの第1号被保険者の所得（負担割合の判定に使う）",
    )


SHOTOKU_FIELDS = tuple(KaigoShotokuSerializer().fields)


class KaigoShisanView(TenantAPIView):
    gyomu_code = KAIGO_HOKEN
    access_reads = NO_PERSONAL_DATA  # figures typed in, no person (the 試算 is logged as such)
    post_is_read = True

    @extend_schema(
        request=KaigoShisanInputSerializer,
        responses={
            200: dict,
            422: rule_response(
                "課税状況の組合せ・所得の内訳・日付が年度の外、または年度の基準額・基準が未設定"
            ),
        },
        summary="介護保険料（所得段階・年額・月割）と利用者負担割合の試算（保存しない）",
        operation_id="kaigo_shisan",
    )
    def post(self, request: Request) -> Response:
        ser = KaigoShisanInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        inp = ShisanInput(
            fiscal_year=d["fiscal_year"],
            shotoku=ShisanShotoku(**{k: d[k] for k in SHOTOKU_FIELDS}),
            honnin_kazei=d["honnin_kazei"],
            setai_kazei=d["setai_kazei"],
            dai1go=d["dai1go"],
            seikatsu_hogo=d["seiho"],
            rorei_fukushi_nenkin=d["rorei_fukushi_nenkin"],
            shutoku_date=d.get("shutoku_date"),
            soshitsu_date=d.get("soshitsu_date"),
            setai_dai1go=tuple(
                ShisanShotoku(**{k: m[k] for k in SHOTOKU_FIELDS}) for m in d["setai_dai1go"]
            ),
        )
        try:
            result = shisan(inp)
        except ShisanRefused as exc:
            raise RuleRefused({"input": exc.errors}) from exc
        access_record(
            request=request,
            action=AccessAction.READ,
            gyomu=KAIGO_HOKEN,
            screen="api.kaigo.shisan",
            record_type="kaigo.shisan",
            record_count=0,
            detail={"nendo": inp.fiscal_year},
        )
        return Response(shisan_json(inp, result))


urlpatterns: list[URLPattern] = [
    path("shisan/", KaigoShisanView.as_view(), name="api-kaigo-shisan"),
]
