"""REST API: a person's 第1号保険料 (the current 賦課 of each 年度 with its 段階, every
intermediate figure and the 期別). Mounted at /api/v1/kaigo/.

A person is looked up by 宛名番号 in a POST body, never in a path; paths carry internal
ids. Every answer that shows a person is written to the access log.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.public import atena_resolve, person_identity
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import ChoshuHoho, FukaSantei, KaigoFuka
from tenants.accesslog.reads import Reads, access_refusal
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView

GYOMU = KAIGO_HOKEN


class KaigoKibetsuSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="期別（第1期、仮徴収（4月）、本徴収（10月）など）")
    kind = serializers.ChoiceField(
        choices=[("futsu", "普通徴収の期"), ("kari", "仮徴収"), ("hon", "本徴収")]
    )
    month = serializers.IntegerField(help_text="月")
    due = serializers.DateField(help_text="納期限（特別徴収は年金の支払日）")
    amount = serializers.IntegerField(help_text="額（円）")


class KaigoHanteiSerializer(serializers.Serializer):
    riyu = serializers.CharField(help_text="段階の判定理由")
    gokei_shotoku_kojogo = serializers.IntegerField(help_text="合計所得金額（譲渡の特別控除後）")
    kazei_nenkin_shunyu = serializers.IntegerField(help_text="課税年金収入額")
    sonota_gokei_shotoku = serializers.IntegerField(help_text="その他の合計所得金額")
    nenkin_sonota_gokei = serializers.IntegerField(help_text="課税年金収入額＋その他の合計所得金額")
    kijungaku = serializers.IntegerField(help_text="基準額（年額）")
    ritsu = serializers.CharField(help_text="保険料率（分数）")
    keigengo_ritsu = serializers.CharField(help_text="公費軽減後の保険料率（分数）")
    keigen_mae_nengaku = serializers.IntegerField(help_text="軽減前の年額")
    keigengaku = serializers.IntegerField(help_text="公費軽減額")


class KaigoFukaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fiscal_year = serializers.IntegerField(help_text="年度")
    version = serializers.IntegerField(help_text="版")
    santei = serializers.ChoiceField(choices=FukaSantei.choices, help_text="算定区分")
    dankai = serializers.IntegerField(help_text="所得段階")
    honnin_kazei = serializers.BooleanField(help_text="本人が住民税課税")
    setai_kazei = serializers.BooleanField(help_text="世帯に住民税の課税者がいる")
    nengaku = serializers.IntegerField(help_text="年額保険料")
    months = serializers.ListField(
        child=serializers.IntegerField(), min_length=0, max_length=12, help_text="賦課月"
    )
    hokenryo = serializers.IntegerField(help_text="保険料額（月割後）")
    choshu_hoho = serializers.ChoiceField(choices=ChoshuHoho.choices, help_text="徴収方法")
    kanou = serializers.IntegerField(help_text="過誤納額")
    hantei = KaigoHanteiSerializer()
    kibetsu = KaigoKibetsuSerializer(many=True)


class KaigoPersonFukaSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField(help_text="宛名番号")
    fuka = KaigoFukaSerializer(many=True, help_text="年度ごとの現在の賦課（新しい年度から）")
    warning = serializers.CharField(required=False, help_text="照会アラート・支援措置の注意")


class KaigoFukaLookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="宛名番号")


def fuka_json(f: KaigoFuka) -> dict[str, Any]:
    res = f.detail.get("result") or {}
    inp = f.detail.get("input") or {}
    return {
        "id": f.pk,
        "fiscal_year": f.fiscal_year,
        "version": f.version,
        "santei": f.santei,
        "dankai": f.dankai,
        "honnin_kazei": bool(inp.get("honnin_kazei")),
        "setai_kazei": f.setai_kazei,
        "nengaku": f.nengaku,
        "months": list(inp.get("months", [])),
        "hokenryo": f.hokenryo,
        "choshu_hoho": f.choshu_hoho,
        "kanou": f.kanou,
        "hantei": {
            k: res.get(k, 0 if k not in ("riyu", "ritsu", "keigengo_ritsu") else "")
            for k in KaigoHanteiSerializer().fields
        },
        "kibetsu": [
            {"name": r["label"], **{k: r[k] for k in ("kind", "month", "due", "amount")}}
            for r in f.kibetsu
        ],
    }


def person_fuka(atena_id: int, atena_no: str) -> dict[str, Any]:
    rows = KaigoFuka.objects.filter(atena_id=atena_id, is_current=True).order_by("-fiscal_year")
    return {"atena_id": atena_id, "atena_no": atena_no, "fuka": [fuka_json(f) for f in rows]}


class FukaLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads("atena", ids="atena_id", screen="api.kaigo.fuka")

    @extend_schema(
        request=KaigoFukaLookupSerializer,
        responses={200: KaigoPersonFukaSerializer},
        summary="宛名番号で1人の介護保険料（第1号）の賦課を照会（段階・内訳・期別）",
        operation_id="kaigo_fuka_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = KaigoFukaLookupSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        lookup = atena_resolve(ser.validated_data["atena_no"])
        if lookup.atena_id is not None and not lookup.found:
            access_refusal(
                request, record_type="atena", record_id=lookup.atena_id, reason="shokai_yokushi"
            )
            raise PermissionDenied(lookup.message)
        if lookup.atena_id is None:
            raise NotFound("その宛名番号の方は見つかりません。")
        person = person_identity(lookup.atena_id)
        number = person.atena_no if person else ser.validated_data["atena_no"].strip()
        body = person_fuka(lookup.atena_id, number)
        if lookup.message:
            body["warning"] = lookup.message
        return Response(body)


class PersonFukaView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads("atena", id_kwarg="pk", screen="api.kaigo.fuka")

    @extend_schema(
        responses={200: KaigoPersonFukaSerializer},
        summary="宛名IDで1人の介護保険料（第1号）の賦課（段階・内訳・期別）",
        operation_id="kaigo_person_fuka",
    )
    def get(self, request: Request, pk: int) -> Response:
        person = person_identity(pk)
        if person is None:
            raise NotFound("その方は見つかりません。")
        return Response(person_fuka(pk, person.atena_no))


urlpatterns: list[URLPattern] = [
    path("fuka/lookup/", FukaLookupView.as_view(), name="api-kaigo-fuka-lookup"),
    path("persons/<int:pk>/fuka/", PersonFukaView.as_view(), name="api-kaigo-person-fuka"),
]
