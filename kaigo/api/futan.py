"""REST API: one person's 負担割合 (every judgement with its history) and 負担限度額認定, looked
up by 宛名番号 in a POST body (never in a path). Mounted at /api/v1/kaigo/; every answer that
shows a person is written to the access log."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.public import atena_resolve
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import FutanJiyu, GendogakuStatus, Kubun, Wari
from kaigo.rules.futan_gendogaku import DANKAI_LABELS
from kaigo.services.futan import futan_of
from kaigo.services.futan_gendogaku import gendogaku_of
from tenants.accesslog.reads import Reads, access_refusal
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView


class FutanLookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="宛名番号")


class FutanWariaiSerializer(serializers.Serializer):
    nendo = serializers.IntegerField(help_text="年度（8月1日からの適用期間が始まる年）")
    version = serializers.IntegerField(help_text="版（更正のたびに1増える）")
    is_current = serializers.BooleanField(help_text="現在の判定（false は更正前）")
    kubun = serializers.ChoiceField(choices=Kubun.choices, help_text="被保険者区分")
    wari = serializers.ChoiceField(choices=Wari.choices, help_text="負担割合（1・2・3割）")
    tekiyo_start = serializers.DateField(help_text="適用開始日")
    tekiyo_end = serializers.DateField(help_text="適用終了日")
    honnin_gokei_shotoku = serializers.IntegerField(
        help_text="本人の合計所得金額（判定に用いた額）"
    )
    nenkin_sonota_gokei = serializers.IntegerField(
        help_text="世帯の第1号被保険者の年金収入＋その他の合計所得金額の合計"
    )
    ninzu = serializers.IntegerField(help_text="世帯の第1号被保険者の数")
    riyu = serializers.CharField(help_text="判定の理由")
    shotoku_fumei = serializers.BooleanField(help_text="本人の所得が不明で0円として判定")
    jiyu = serializers.ChoiceField(choices=FutanJiyu.choices, help_text="年次判定・更正")


class GendogakuSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nendo = serializers.IntegerField()
    shinsei_date = serializers.DateField(help_text="申請日")
    status = serializers.ChoiceField(choices=GendogakuStatus.choices, help_text="状態")
    dankai = serializers.ChoiceField(
        choices=[("", "なし"), *DANKAI_LABELS.items()], help_text="負担限度額の段階"
    )
    riyu = serializers.CharField(help_text="判定の理由")
    tekiyo_start = serializers.DateField(allow_null=True, help_text="適用開始日")
    tekiyo_end = serializers.DateField(allow_null=True, help_text="有効期限")


class PersonFutanSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    wariai = FutanWariaiSerializer(many=True, help_text="負担割合の判定（新しい年度・版から）")
    gendogaku = GendogakuSerializer(many=True, help_text="負担限度額認定の申請と決定")
    warning = serializers.CharField(required=False, help_text="照会アラート・支援措置の注意")


WARIAI_FIELDS = tuple(FutanWariaiSerializer().fields)
GENDOGAKU_FIELDS = tuple(GendogakuSerializer().fields)


class FutanLookupView(TenantAPIView):
    gyomu_code = KAIGO_HOKEN
    post_is_read = True
    access_reads = Reads("atena", ids="atena_id", screen="api.kaigo.futan")

    @extend_schema(
        request=FutanLookupSerializer,
        responses={200: PersonFutanSerializer},
        summary="宛名番号で1人の介護保険の負担割合（判定と更正の履歴）と負担限度額認定を照会",
        operation_id="kaigo_futan_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = FutanLookupSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        lookup = atena_resolve(ser.validated_data["atena_no"])
        if lookup.atena_id is not None and not lookup.found:
            access_refusal(
                request, record_type="atena", record_id=lookup.atena_id, reason="shokai_yokushi"
            )
            raise PermissionDenied(lookup.message)
        if lookup.atena_id is None:
            raise NotFound("その宛名番号の方は見つかりません。")
        pk = lookup.atena_id
        body = {
            "atena_id": pk,
            "wariai": [{f: getattr(r, f) for f in WARIAI_FIELDS} for r in futan_of(pk)],
            "gendogaku": [
                {f: getattr(n, "pk" if f == "id" else f) for f in GENDOGAKU_FIELDS}
                for n in gendogaku_of(pk)
            ],
        }
        if lookup.message:
            body["warning"] = lookup.message
        return Response(body)


urlpatterns: list[URLPattern] = [
    path("futan/lookup/", FutanLookupView.as_view(), name="api-kaigo-futan-lookup"),
]
