"""REST API: 法人住民税・事業所税 — corporations (search in a POST body, register, one with
its offices and 申告), 申告 entry (posted to the 収納 ledger) and the 試算 (nothing saved).

Mounted at /api/v1/zeimu/hojin/. Paths carry internal ids only. A corporation's tax
affairs are confidential: every answer naming corporations logs their ids; writes log in
their service's transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.accesslog.reads import LOGGED_BY_SERVICE, NO_PERSONAL_DATA, Reads
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from zeimu.gyomu import HOJIN_JUMINZEI, JIGYOSHOZEI
from zeimu.models import Hojin, HojinShinkoku, JigyoshoShinkoku, ShinkokuKubun
from zeimu.rules.hojin import HojinRefused, hojin_bango_problem
from zeimu.services.hojin import (
    hojin_register,
    hojin_shinkoku_enter,
    jigyosho_levied,
    jigyosho_shinkoku_enter,
    meisho_key,
    shinkoku_input,
    shisan_compute,
)

HOJIN = "zeimu.Hojin"
LIMIT = 100


def _hojin(h: Hojin) -> dict[str, Any]:
    return {
        "hojin_id": h.pk,
        "hojin_bango": h.hojin_bango,
        "meisho": h.meisho,
        "meisho_kana": h.meisho_kana,
        "postal_code": h.postal_code,
        "shozaichi": h.shozaichi,
        "kessan_tsuki": h.kessan_tsuki,
        "shihon": h.shihon,
    }


SHINKOKU_FIELDS = (
    "kubun", "juri_date", "kaishi", "shuryo", "shihon", "juugyosha_town", "office_from",
    "office_to", "hojinzeigaku", "juugyosha_all", "juugyosha_bunkatsu", "kinofu",
    "kintowari_nengaku", "kintowari_months", "kintowari", "kazei_hyojun", "hojinzeiwari_rate",
    "hojinzeiwari", "gokei", "sashihiki", "nouki", "lines", "nofu_bango",
)  # fmt: skip
JIGYOSHO_FIELDS = (
    "juri_date", "kaishi", "shuryo", "menseki", "hikazei_menseki", "juugyosha", "kyuyo",
    "shisanwari", "juugyoshawari", "gokei", "nouki", "lines", "nofu_bango",
)  # fmt: skip


def _shinkoku(s: HojinShinkoku) -> dict[str, Any]:
    return {"id": s.pk, "shusei_of": s.shusei_of_id, **{f: getattr(s, f) for f in SHINKOKU_FIELDS}}


def _jigyosho(s: JigyoshoShinkoku) -> dict[str, Any]:
    out = {"id": s.pk, **{f: getattr(s, f) for f in JIGYOSHO_FIELDS}}
    out["menseki"] = str(s.menseki)
    out["hikazei_menseki"] = str(s.hikazei_menseki)
    return out


class HojinSearchSerializer(serializers.Serializer):
    hojin_bango = TextField(
        min_length=13,
        max_length=13,
        required=False,
        help_text="法人番号（13桁。数字と検査数字の誤りは 422）",
    )
    meisho = TextField(max_length=100, required=False, help_text="名称（前方一致）")


class HojinSearchView(TenantAPIView):
    gyomu_code = HOJIN_JUMINZEI
    post_is_read = True
    access_reads = Reads(HOJIN, ids="results[].hojin_id", screen="api.zeimu.hojin_search")

    @extend_schema(
        request=HojinSearchSerializer,
        responses={
            200: dict,
            422: rule_response("法人番号も名称も指定がない、法人番号の検査数字の誤り"),
        },
        summary="法人を法人番号（完全一致）か名称（前方一致）で検索（100件まで）",
        operation_id="zeimu_hojin_search",
    )
    def post(self, request: Request) -> Response:
        ser = HojinSearchSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if not d.get("hojin_bango") and not (d.get("meisho") or "").strip():
            # well-formed but names no corporation: a rule, not the request's form (422)
            raise RuleRefused({"detail": "法人番号か名称を指定してください。"})
        problem = hojin_bango_problem(d["hojin_bango"]) if d.get("hojin_bango") else None
        if problem:
            raise RuleRefused({"hojin_bango": problem})
        if d.get("hojin_bango"):
            qs = Hojin.objects.filter(hojin_bango=d["hojin_bango"])
        else:
            qs = Hojin.objects.filter(meisho_key__startswith=meisho_key(d["meisho"]))
        rows = list(qs.order_by("meisho_key", "pk")[:LIMIT])
        return Response({"results": [_hojin(h) for h in rows]})


class HojinCreateSerializer(serializers.Serializer):
    hojin_bango = TextField(max_length=13, help_text="法人番号（13桁、先頭が検査用数字）")
    meisho = TextField(max_length=200)
    meisho_kana = TextField(max_length=200, required=False, default="")
    postal_code = TextField(max_length=7, required=False, default="")
    shozaichi = TextField(max_length=200, help_text="本店所在地")
    kessan_tsuki = serializers.IntegerField(min_value=1, max_value=12, help_text="事業年度の終了月")
    shihon = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text="資本金等の額（円）"
    )


class HojinCreateView(TenantAPIView):
    gyomu_code = HOJIN_JUMINZEI
    access_reads = LOGGED_BY_SERVICE  # hojin_register logs the corporation it creates

    @extend_schema(
        request=HojinCreateSerializer,
        responses={
            201: dict,
            422: rule_response("登録済みの法人番号、法人番号の数字・検査数字の誤り"),
        },
        summary="法人の登録",
        operation_id="zeimu_hojin_create",
    )
    def post(self, request: Request) -> Response:
        ser = HojinCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        problem = hojin_bango_problem(ser.validated_data["hojin_bango"])
        if problem:
            raise RuleRefused({"hojin_bango": problem})
        try:
            h = hojin_register(actor=actor_from_request(request), **ser.validated_data)
        except HojinRefused as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        return Response(_hojin(h), status=201)


class HojinDetailView(TenantAPIView):
    gyomu_code = HOJIN_JUMINZEI
    access_reads = Reads(HOJIN, record_id="hojin_id", screen="api.zeimu.hojin")

    @extend_schema(
        responses={200: dict},
        summary="法人の内容（町内の事業所等、法人住民税・事業所税の申告の履歴）",
        operation_id="zeimu_hojin_detail",
    )
    def get(self, request: Request, pk: int) -> Response:
        h = Hojin.objects.filter(pk=pk).first()
        if h is None:
            raise NotFound("法人が見つかりません。")
        return Response(
            {
                **_hojin(h),
                "jimusho": [
                    {
                        "meisho": j.meisho,
                        "shozaichi": j.shozaichi,
                        "kaisetsu_date": j.kaisetsu_date,
                        "haishi_date": j.haishi_date,
                        "juugyosha": j.juugyosha,
                    }
                    for j in h.jimusho.order_by("kaisetsu_date", "pk")
                ],
                "shinkoku": [
                    _shinkoku(s)
                    for s in HojinShinkoku.objects.filter(hojin=h).order_by("-shuryo", "-pk")
                ],
                "jigyosho_shinkoku": [
                    _jigyosho(s)
                    for s in JigyoshoShinkoku.objects.filter(hojin=h).order_by("-shuryo", "-pk")
                ],
            }
        )


class HojinShinkokuSerializer(serializers.Serializer):
    kubun = serializers.ChoiceField(choices=ShinkokuKubun.values, help_text="申告区分")
    juri_date = serializers.DateField(help_text="申告日（受理日）")
    kaishi = serializers.DateField(help_text="事業年度の開始日")
    shuryo = serializers.DateField(help_text="事業年度の終了日")
    shihon = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    shihon_junbikin = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    juugyosha_town = serializers.IntegerField(
        min_value=0,
        max_value=1_000_000,
        required=False,
        allow_null=True,
        help_text="町内の従業者数（期末）。省略時は登録した事業所等から",
    )
    office_from = serializers.DateField(
        required=False, allow_null=True, help_text="省略時は登録した事業所等から"
    )
    office_to = serializers.DateField(
        required=False, allow_null=True, help_text="省略時は登録した事業所等から"
    )
    hojinzeigaku = serializers.IntegerField(min_value=0, required=False, default=0)
    juugyosha_all = serializers.IntegerField(
        min_value=1, max_value=10_000_000, required=False, allow_null=True
    )
    juugyosha_bunkatsu = serializers.IntegerField(
        min_value=0, max_value=10_000_000, required=False, allow_null=True
    )
    zenki_hojinzeiwari = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    zenki_months = serializers.IntegerField(
        min_value=1, max_value=12, required=False, allow_null=True
    )
    kinofu = serializers.IntegerField(min_value=0, required=False, default=0)


class ShinkokuView(TenantAPIView):
    gyomu_code = HOJIN_JUMINZEI
    access_reads = LOGGED_BY_SERVICE  # hojin_shinkoku_enter logs the 申告

    @extend_schema(
        request=HojinShinkokuSerializer,
        responses={
            201: dict,
            422: rule_response("計算できない組み合わせ、既納付額の不一致、重複する確定申告"),
        },
        summary="法人住民税の申告（予定・確定・修正）を登録し、税額を収納に調定する",
        operation_id="zeimu_hojin_shinkoku_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        ser = HojinShinkokuSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        h = Hojin.objects.filter(pk=pk).first()
        if h is None:
            raise NotFound("法人が見つかりません。")
        d = ser.validated_data
        try:
            sk = hojin_shinkoku_enter(
                hojin=h,
                kubun=d["kubun"],
                juri_date=d["juri_date"],
                inp=shinkoku_input(d["kubun"], d, h),
                actor=actor_from_request(request),
            )
        except HojinRefused as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        return Response(_shinkoku(sk), status=201)


@extend_schema_field(
    {
        "type": "string",
        # what the field reads: up to 10 digits and 2 decimals, not negative
        "pattern": r"^\d{1,10}(?:\.\d{1,2})?$",
        "description": '面積（㎡、例: "1250.50"）',
    }
)
class MensekiField(serializers.DecimalField):
    pass


class JigyoshoShinkokuSerializer(serializers.Serializer):
    juri_date = serializers.DateField()
    kaishi = serializers.DateField()
    shuryo = serializers.DateField()
    menseki = MensekiField(max_digits=12, decimal_places=2, min_value=0)
    hikazei_menseki = MensekiField(
        max_digits=12, decimal_places=2, min_value=0, required=False, default=Decimal(0)
    )
    juugyosha = serializers.IntegerField(min_value=0, max_value=10_000_000)
    kyuyo = serializers.IntegerField(min_value=0)


class JigyoshoView(TenantAPIView):
    gyomu_code = JIGYOSHOZEI
    access_reads = LOGGED_BY_SERVICE  # jigyosho_shinkoku_enter logs the 申告

    @extend_schema(
        request=JigyoshoShinkokuSerializer,
        responses={201: dict, 422: rule_response("事業所税の課税団体でない団体、正しくない面積")},
        summary="事業所税の申告を登録し、税額を収納に調定する（指定都市等のみ）",
        operation_id="zeimu_jigyosho_shinkoku_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        ser = JigyoshoShinkokuSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        h = Hojin.objects.filter(pk=pk).first()
        if h is None:
            raise NotFound("法人が見つかりません。")
        if not jigyosho_levied(timezone.localdate()):
            raise RuleRefused(
                {"detail": "この団体は事業所税の課税団体ではありません（地方税法第701条の31）。"}
            )
        try:
            sk = jigyosho_shinkoku_enter(
                hojin=h, actor=actor_from_request(request), **ser.validated_data
            )
        except HojinRefused as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        return Response(_jigyosho(sk), status=201)


class HojinShisanSerializer(serializers.Serializer):
    kaishi = serializers.DateField(help_text="事業年度の開始日")
    shuryo = serializers.DateField(help_text="事業年度の終了日")
    office_from = serializers.DateField(
        required=False, allow_null=True, help_text="町内に事務所等を設けた日（期中のとき）"
    )
    shihon = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    juugyosha_town = serializers.IntegerField(min_value=0, max_value=1_000_000)
    hojinzeigaku = serializers.IntegerField(min_value=0, required=False, default=0)
    juugyosha_all = serializers.IntegerField(
        min_value=1, max_value=10_000_000, required=False, allow_null=True
    )


class ShisanView(TenantAPIView):
    gyomu_code = HOJIN_JUMINZEI
    access_reads = NO_PERSONAL_DATA  # figures typed in, no corporation
    post_is_read = True

    @extend_schema(
        request=HojinShisanSerializer,
        responses={200: dict, 422: rule_response("値の登録がない年度、正しくない組み合わせ")},
        summary="法人住民税（均等割＋法人税割）の試算（保存しない）",
        operation_id="zeimu_hojin_shisan",
    )
    def post(self, request: Request) -> Response:
        ser = HojinShisanSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            result = shisan_compute(dict(ser.validated_data))
        except HojinRefused as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        return Response(result)


urlpatterns: list[URLPattern] = [
    path("hojin/", HojinCreateView.as_view(), name="api-zeimu-hojin-create"),
    path("hojin/search/", HojinSearchView.as_view(), name="api-zeimu-hojin-search"),
    path("hojin/shisan/", ShisanView.as_view(), name="api-zeimu-hojin-shisan"),
    path("hojin/<int:pk>/", HojinDetailView.as_view(), name="api-zeimu-hojin-detail"),
    path("hojin/<int:pk>/shinkoku/", ShinkokuView.as_view(), name="api-zeimu-hojin-shinkoku"),
    path("hojin/<int:pk>/jigyosho/", JigyoshoView.as_view(), name="api-zeimu-jigyosho-shinkoku"),
]
