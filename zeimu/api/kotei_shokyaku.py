"""REST API: 償却資産 — the 申告 of a business owner (write), its assets valued for a 年度
(read), and the 試算 of assets typed in (nothing saved).

Mounted at /api/v1/zeimu/kotei/shokyaku/. Paths carry internal ids only. A refused 申告
answers 422 with every problem by line and field (Japanese) and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.accesslog.reads import LOGGED_BY_SERVICE, NO_PERSONAL_DATA, Reads
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from zeimu.gyomu import KOTEI_SHISANZEI
from zeimu.models import GenshoJiyu, KoteiNozeisha, ShisanShurui, ZokaJiyu
from zeimu.services.kotei_shokyaku import (
    PARAMS_MISSING,
    ShokyakuLine,
    ShokyakuRefused,
    kotei_shokyaku_shinkoku,
    shokyaku_params,
    shokyaku_results,
    shokyaku_shisan_hyoka,
)

GYOMU = KOTEI_SHISANZEI
NOZEISHA = "zeimu.KoteiNozeisha"
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100


class ShokyakuLineSerializer(serializers.Serializer):
    shurui = serializers.ChoiceField(
        choices=ShisanShurui.choices, help_text="資産の種類（1 構築物 … 6 工具・器具及び備品）"
    )
    meisho = TextField(max_length=60, help_text="資産の名称")
    suryo = serializers.IntegerField(min_value=1, default=1)
    shutoku_year = serializers.IntegerField(min_value=1900, max_value=FISCAL_YEAR_MAX)
    shutoku_month = serializers.IntegerField(min_value=1, max_value=12)
    shutoku_kakaku = serializers.IntegerField(min_value=1, max_value=999_999_999_999)
    taiyo_nensu = serializers.IntegerField(min_value=1, max_value=100)
    zoka_jiyu = serializers.ChoiceField(choices=ZokaJiyu.choices, default=ZokaJiyu.SHINPIN)
    tokurei = TextField(max_length=30, required=False, default="", allow_blank=True)

    def line(self, d: dict[str, Any]) -> ShokyakuLine:
        return ShokyakuLine(
            shurui=int(d["shurui"]),
            meisho=d["meisho"],
            suryo=d["suryo"],
            shutoku_year=d["shutoku_year"],
            shutoku_month=d["shutoku_month"],
            shutoku_kakaku=d["shutoku_kakaku"],
            taiyo_nensu=d["taiyo_nensu"],
            zoka_jiyu=d["zoka_jiyu"],
            tokurei=d.get("tokurei") or "",
        )


class ShokyakuGenshoSerializer(serializers.Serializer):
    shisan_id = serializers.IntegerField(min_value=1)
    jiyu = serializers.ChoiceField(choices=GenshoJiyu.choices, help_text="減少事由")


class ShokyakuShinkokuSerializer(serializers.Serializer):
    nozeisha_id = serializers.IntegerField(min_value=1)
    fiscal_year = serializers.IntegerField(min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX)
    shinkoku_date = serializers.DateField()
    shozai = TextField(max_length=100, help_text="資産の所在地")
    jigyo_shumoku = TextField(max_length=60, required=False, default="", allow_blank=True)
    zoka = ShokyakuLineSerializer(many=True, required=False, default=list)
    gensho = ShokyakuGenshoSerializer(many=True, required=False, default=list)


class ShokyakuShisanSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX)
    lines = ShokyakuLineSerializer(many=True)


class YearQuery(serializers.Serializer):
    fiscal_year = serializers.IntegerField(
        min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX, help_text="年度（西暦）"
    )


def _line(d: dict[str, Any]) -> ShokyakuLine:
    return ShokyakuLineSerializer().line(d)


class ShinkokuView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = LOGGED_BY_SERVICE  # the 申告 service logs the write

    @extend_schema(
        request=ShokyakuShinkokuSerializer,
        responses={
            201: dict,
            422: rule_response("行・項目ごとの誤り（取得年が賦課期日以後、耐用年数が表にない等）"),
        },
        summary="償却資産申告（種類別明細書の増加・減少）を登録する。同じ年度は修正申告として追加",
        operation_id="zeimu_kotei_shokyaku_shinkoku_create",
    )
    def post(self, request: Request) -> Response:
        ser = ShokyakuShinkokuSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            shinkoku = kotei_shokyaku_shinkoku(
                nozeisha_id=d["nozeisha_id"],
                fiscal_year=d["fiscal_year"],
                shinkoku_date=d["shinkoku_date"],
                shozai=d["shozai"],
                jigyo_shumoku=d.get("jigyo_shumoku") or "",
                zoka=[_line(z) for z in d["zoka"]],
                gensho=[(g["shisan_id"], g["jiyu"]) for g in d["gensho"]],
                actor=actor_from_request(request),
            )
        except ShokyakuRefused as exc:
            raise RuleRefused(
                {"detail": "申告を受け付けられません。", "errors": exc.errors}
            ) from exc
        return Response(
            {
                "shinkoku_id": shinkoku.pk,
                "nozeisha_id": shinkoku.nozeisha_id,
                "fiscal_year": shinkoku.fiscal_year,
            },
            status=201,
        )


class NozeishaShokyakuView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(NOZEISHA, ids="nozeisha_id", screen="api.zeimu.kotei_shokyaku")

    @extend_schema(
        parameters=[YearQuery],
        responses={200: dict},
        summary="納税義務者1件の、年度の賦課期日に所有する償却資産と評価額・課税標準額",
        operation_id="zeimu_kotei_shokyaku_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        query = YearQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        fy = query.validated_data["fiscal_year"]
        if not KoteiNozeisha.objects.filter(pk=pk).exists():
            raise NotFound("納税義務者が見つかりません。")
        try:
            params = shokyaku_params(fy)
        except PARAMS_MISSING as exc:
            raise RuleRefused({"detail": "この年度の減価率表が登録されていません。"}) from exc
        rows = [row for row, _ in shokyaku_results([pk], fy, params).get(pk, [])]
        return Response(
            {
                "nozeisha_id": pk,
                "fiscal_year": fy,
                "shisan": rows,
                "hyojun_total": sum(int(r["hyojun"]) for r in rows),
            }
        )


class ShisanView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = NO_PERSONAL_DATA  # figures typed in, no person
    post_is_read = True

    @extend_schema(
        request=ShokyakuShisanSerializer,
        responses={200: dict, 422: rule_response("行・項目ごとの誤り")},
        summary="償却資産の試算（保存しない）: 資産ごとの評価額・課税標準額と計算の説明",
        operation_id="zeimu_kotei_shokyaku_shisan",
    )
    def post(self, request: Request) -> Response:
        ser = ShokyakuShisanSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        fy = ser.validated_data["fiscal_year"]
        lines = [_line(x) for x in ser.validated_data["lines"]]
        try:
            results, errors = shokyaku_shisan_hyoka(lines, fiscal_year=fy)
        except PARAMS_MISSING as exc:
            raise RuleRefused({"detail": "この年度の減価率表が登録されていません。"}) from exc
        if errors:
            raise RuleRefused({"detail": "試算できません。", "errors": errors})
        return Response(
            {
                "fiscal_year": fy,
                "results": [
                    {
                        "line": n,
                        "hyoka": r.hyoka,
                        "saitei": r.saitei,
                        "hyojun": r.hyojun,
                        "tokurei": r.tokurei,
                        "lines": list(r.lines),
                    }
                    for n, r in enumerate(results, start=1)
                ],
                "hyojun_total": sum(r.hyojun for r in results),
            }
        )


urlpatterns: list[URLPattern] = [
    path(
        "kotei/shokyaku/shinkoku/",
        ShinkokuView.as_view(),
        name="api-zeimu-kotei-shokyaku-shinkoku",
    ),
    path("kotei/shokyaku/shisan/", ShisanView.as_view(), name="api-zeimu-kotei-shokyaku-shisan"),
    path(
        "kotei/shokyaku/nozeisha/<int:pk>/",
        NozeishaShokyakuView.as_view(),
        name="api-zeimu-kotei-shokyaku",
    ),
]
