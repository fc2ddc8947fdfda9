"""REST API of 児童扶養手当: the 試算 (POST, figures typed in, nothing saved)."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.services.fuyoteate_shisan import ShisanRefused, fuyoteate_shisan, shisan_json
from tenants.accesslog.reads import NO_PERSONAL_DATA
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response

MAX_GIMUSHA = 6


def _yen(text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=10_000_000_000, default=0, help_text=text
    )


def _nin(text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=20, default=0, help_text=text)


class KojoSerializer(serializers.Serializer):
    """The 諸控除 (施行令第4条) of one person."""

    kyuyo_shotoku = _yen("前年の給与所得（給与所得控除後、円）")
    nenkin_shotoku = _yen("前年の公的年金等に係る雑所得（円）")
    sonota_shotoku = _yen("その他の所得（円）")
    fuyo_shinzoku = _nin("扶養親族等の数")
    rojin = _nin("老人扶養親族（老人控除対象配偶者）の数")
    shogaisha = _nin("障害者控除の対象の数")
    tokubetsu_shogaisha = _nin("特別障害者控除の対象の数")
    kinro_gakusei = serializers.BooleanField(default=False, help_text="勤労学生控除")
    kafu = serializers.BooleanField(default=False, help_text="寡婦控除")
    hitorioya = serializers.BooleanField(default=False, help_text="ひとり親控除")
    zasson = _yen("雑損控除の額（円）")
    iryohi = _yen("医療費控除の額（円）")
    shokibo_kyosai = _yen("小規模企業共済等掛金控除の額（円）")
    haigusha_tokubetsu = _yen("配偶者特別控除の額（円）")


class JukyushaSerializer(KojoSerializer):
    yoikuhi = _yen("受け取った養育費の年額（円）")
    tokutei = _nin("特定扶養親族・16歳以上19歳未満の控除対象扶養親族の数")
    fubo = serializers.BooleanField(
        default=True,
        help_text="受給資格者が父又は母（false: 養育者。寡婦・ひとり親控除を控除する）",
    )


class FuyoteateShisanInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, help_text="手当の月の年（西暦）"
    )
    month = serializers.IntegerField(min_value=1, max_value=12, help_text="手当の月")
    jido_su = serializers.IntegerField(min_value=1, max_value=20, help_text="対象児童の数")
    jukyusha = JukyushaSerializer(help_text="受給資格者")
    # a ListField, so that the document states maxItems (a nested many=True does not)
    fuyo_gimusha = serializers.ListField(
        child=KojoSerializer(),
        max_length=MAX_GIMUSHA,
        default=list,
        help_text="生計を同じくする配偶者・扶養義務者",
    )


class FuyoteateShisanView(TenantAPIView):
    gyomu_code = JIDO_FUYO_TEATE
    access_reads = NO_PERSONAL_DATA  # figures typed in, no person
    post_is_read = True

    @extend_schema(
        request=FuyoteateShisanInputSerializer,
        responses={
            200: dict,
            422: rule_response(
                "手当の月の年度の額が未登録（令和8年度以降・令和5年度以前）、"
                "または扶養親族等の数の内訳が合わない"
            ),
        },
        summary="児童扶養手当の試算（保存しない）: 所得額・限度額・全部/一部支給の判定と月額",
    )
    def post(self, request: Request) -> Response:
        ser = FuyoteateShisanInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            result = fuyoteate_shisan(ser.validated_data)
        except ShisanRefused as exc:
            raise RuleRefused({"detail": " ".join(exc.errors)}) from exc
        return Response(shisan_json(result))


urlpatterns: list[URLPattern] = [
    path(
        "jido-fuyo-teate/shisan/",
        FuyoteateShisanView.as_view(),
        name="api-fukushi-fuyoteate-shisan",
    ),
]
