"""REST API of 児童扶養手当 返還金の分割納付 (mounted at /api/v1/fukushi/jido-fuyo-teate/), what
the 過払 screen and the 不履行 list do (fukushi/views/fuyoteate_kabarai_bunno.py,
fukushi/views/fuyoteate_henkan.py): the plans (paged, by 状態 or 不履行 today), one plan with
its 回, the plan made on the debtor's 申出 (POST), the plan cancelled on a 不履行 (POST
``bunno/<id>/torikeshi/``: the rest due at once) and a payment of the 返還金 (POST: put to
the 回 in order).

The wall is the 業務's (``TenantAPIView``: the 業務 role, or an API key with its read or
write scope); a 返還金 or plan of another town is 404. The reads are logged (the 受給者's
宛名 id), the writes by their service in their own transaction; a refused write is 422
naming the field in Japanese and writes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.paging import PARAMETERS as PAGING
from fukushi.api.paging import dates_in_range, page_of
from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoKabarai,
    FuyoKabaraiBunno,
    FuyoKabaraiBunnoJotai,
    FuyoKabaraiJotai,
)
from fukushi.services.fuyoteate import FuyoteateRefused
from fukushi.services.fuyoteate_kabarai import kabarai_nofu
from fukushi.services.fuyoteate_kabarai_bunno import (
    bunno_moushide,
    bunno_torikeshi,
    furikou_ki,
    furikou_list,
)
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response

PREFIX = "jido-fuyo-teate/henkankin/"
#: the largest id a path may carry (a bigint); a larger one is simply not found
MAX_ID = 2**63 - 1


def _refused(exc: FuyoteateRefused) -> RuleRefused:
    out: dict[str, list[str]] = {}
    for field, message in exc.errors:
        out.setdefault(field or "detail", []).append(message)
    return RuleRefused(out)


class BunnoKiSerializer(serializers.Serializer):
    kai = serializers.IntegerField(help_text="回")
    gaku = serializers.IntegerField(help_text="納付額（円）")
    nouki = serializers.DateField(help_text="納期限")
    nofu_gaku = serializers.IntegerField(help_text="納付済額（円）")
    furikou = serializers.BooleanField(help_text="納期限を過ぎて未納（今日現在の不履行）")


class BunnoRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="分割納付のID")
    kabarai_id = serializers.IntegerField(help_text="返還金のID")
    jukyusha_id = serializers.IntegerField(help_text="受給者（認定）のID")
    atena_id = serializers.IntegerField(help_text="債務者（元受給者）の宛名ID")
    jukyusha_bango = serializers.CharField(help_text="証書番号")
    moushide_date = serializers.DateField(help_text="申出日")
    zan = serializers.IntegerField(help_text="分割した残額（円）")
    kaisu = serializers.IntegerField(help_text="回数（毎月）")
    maikai_gaku = serializers.IntegerField(help_text="毎回の額（円、最終回は残り）")
    shokai_nouki = serializers.DateField(help_text="初回の納期限")
    jotai = serializers.ChoiceField(choices=FuyoKabaraiBunnoJotai.choices, help_text="状態")
    jotai_label = serializers.CharField(help_text="状態（表示）")
    furikou_gaku = serializers.IntegerField(help_text="納期限を過ぎた未納額（今日現在、円）")


class BunnoDetailSerializer(BunnoRowSerializer):
    henkankin_gaku = serializers.IntegerField(help_text="返還金の額（円）")
    henkankin_nofu_gaku = serializers.IntegerField(help_text="返還金の納付済額（円）")
    henkankin_zangaku = serializers.IntegerField(help_text="返還金の残額（円）")
    moto_nouki = serializers.DateField(help_text="分割前の納期限")
    torikeshi_date = serializers.DateField(allow_null=True, help_text="取消日（不履行）")
    torikeshi_riyu = serializers.CharField(help_text="取消の理由")
    ki = BunnoKiSerializer(many=True, help_text="回（納期限・額・納付済）")


class BunnoMoushideSerializer(serializers.Serializer):
    moushide_date = serializers.DateField(help_text="申出日")
    kaisu = serializers.IntegerField(min_value=2, max_value=999, help_text="回数（毎月、2回以上）")
    maikai_gaku = serializers.IntegerField(
        min_value=1, max_value=100_000_000, help_text="毎回の額（円、最終回は残り）"
    )
    shokai_nouki = serializers.DateField(help_text="初回の納期限（閉庁日は翌開庁日）")


class BunnoTorikeshiSerializer(serializers.Serializer):
    torikeshi_date = serializers.DateField(
        help_text="取消日（この日に納期限を過ぎた未納の回があること）"
    )
    riyu = TextField(max_length=200, label="取消の理由", help_text="取消の理由")


class KabaraiNofuSerializer(serializers.Serializer):
    gaku = serializers.IntegerField(min_value=1, max_value=100_000_000, help_text="納付額（円）")
    nofu_date = serializers.DateField(help_text="納付日")


class KabaraiOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="返還金のID")
    jukyusha_id = serializers.IntegerField(help_text="受給者（認定）のID")
    atena_id = serializers.IntegerField(help_text="債務者（元受給者）の宛名ID")
    gaku = serializers.IntegerField(help_text="返還金の額（円）")
    nofu_gaku = serializers.IntegerField(help_text="納付済額（円）")
    zangaku = serializers.IntegerField(help_text="残額（円）")
    nouki = serializers.DateField(help_text="納期限")
    jotai = serializers.ChoiceField(choices=FuyoKabaraiJotai.choices, help_text="状態")
    jotai_label = serializers.CharField(help_text="状態（表示）")
    bunno = BunnoDetailSerializer(
        allow_null=True, help_text="分割納付中の計画（納付はその回に順に充当）"
    )


def _row(p: FuyoKabaraiBunno, today: date) -> dict[str, Any]:
    j = p.kabarai.jukyusha
    late = furikou_ki(p, today) if p.jotai == FuyoKabaraiBunnoJotai.KEIZOKU else []
    return {
        "id": p.pk,
        "kabarai_id": p.kabarai_id,
        "jukyusha_id": j.pk,
        "atena_id": j.atena_id,
        "jukyusha_bango": j.jukyusha_bango,
        "moushide_date": p.moushide_date,
        "zan": p.zan,
        "kaisu": p.kaisu,
        "maikai_gaku": p.maikai_gaku,
        "shokai_nouki": p.shokai_nouki,
        "jotai": p.jotai,
        "jotai_label": p.get_jotai_display(),
        "furikou_gaku": sum(x.gaku - x.nofu_gaku for x in late),
    }


def _detail(p: FuyoKabaraiBunno, today: date) -> dict[str, Any]:
    k = p.kabarai
    keizoku = p.jotai == FuyoKabaraiBunnoJotai.KEIZOKU
    return _row(p, today) | {
        "henkankin_gaku": k.gaku,
        "henkankin_nofu_gaku": k.nofu_gaku,
        "henkankin_zangaku": k.gaku - k.nofu_gaku,
        "moto_nouki": p.moto_nouki,
        "torikeshi_date": p.torikeshi_date,
        "torikeshi_riyu": p.torikeshi_riyu,
        "ki": [
            {
                "kai": x.kai,
                "gaku": x.gaku,
                "nouki": x.nouki,
                "nofu_gaku": x.nofu_gaku,
                "furikou": keizoku and x.nouki < today and x.nofu_gaku < x.gaku,
            }
            for x in p.ki.order_by("kai")
        ],
    }


def _plans() -> QuerySet[FuyoKabaraiBunno]:
    return FuyoKabaraiBunno.objects.select_related("kabarai__jukyusha")


def _kabarai(kid: int) -> FuyoKabarai:
    k = (
        FuyoKabarai.objects.select_related("jukyusha").filter(pk=kid).first()
        if kid <= MAX_ID
        else None
    )
    if k is None:
        raise NotFound("その返還金は見つかりません。")
    return k


class BunnoListView(TenantAPIView):
    gyomu_code = JIDO_FUYO_TEATE
    access_reads = Reads(
        "atena",
        ids="results[].atena_id",
        skip_empty=True,
        action="search",
        detail=lambda data: {"page": data["page"]},
        screen="api.fukushi.fuyoteate_bunno_list",
    )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "jotai",
                OpenApiTypes.STR,
                enum=FuyoKabaraiBunnoJotai.values,
                description="状態（" + "・".join(FuyoKabaraiBunnoJotai.labels) + "）",
            ),
            OpenApiParameter(
                "furikou",
                OpenApiTypes.BOOL,
                description="true: 今日現在、納期限を過ぎた未納の回がある"
                "分割納付中の計画だけ（不履行）",
            ),
            *PAGING,
        ],
        responses={200: page_serializer(BunnoRowSerializer)},
        summary="返還金の分割納付の一覧（状態・不履行で絞り込み）。ページ送り",
        operation_id="fukushi_fuyoteate_bunno_list",
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        furikou = request.query_params.get("furikou", "")
        if furikou not in ("", "true", "false"):
            raise ValidationError({"furikou": ["furikou は true か false で指定してください。"]})
        jotai = request.query_params.get("jotai", "")
        if jotai and jotai not in FuyoKabaraiBunnoJotai.values:
            raise ValidationError({"jotai": ["状態が正しくありません。"]})
        qs = furikou_list(today) if furikou == "true" else _plans().order_by("-pk")
        if jotai:
            qs = qs.filter(jotai=jotai)
        page, head = page_of(request, qs)
        return Response(head | {"results": [_row(p, today) for p in page]})


class BunnoDetailView(TenantAPIView):
    gyomu_code = JIDO_FUYO_TEATE
    access_reads = Reads("atena", ids="atena_id", screen="api.fukushi.fuyoteate_bunno_detail")

    @extend_schema(
        responses={200: BunnoDetailSerializer},
        summary="返還金の分割納付1件：回ごとの納期限・額・納付済・不履行",
        operation_id="fukushi_fuyoteate_bunno_detail",
    )
    def get(self, request: Request, pk: int) -> Response:
        p = _plans().filter(pk=pk).first() if pk <= MAX_ID else None
        if p is None:
            raise NotFound("その分割納付は見つかりません。")
        return Response(_detail(p, timezone.localdate()))


class BunnoMoushideView(TenantAPIView):
    gyomu_code = JIDO_FUYO_TEATE
    access_reads = LOGGED_BY_SERVICE

    @extend_schema(
        request=BunnoMoushideSerializer,
        responses={
            201: BunnoDetailSerializer,
            422: rule_response(
                "完納・分割納付中の返還金、申出日が決定日より前、初回の納期限が申出日より前、"
                "回数・毎回の額が残額に合わない、町の上限の回数を超える"
            ),
        },
        summary="返還金の分割納付（申出による履行延期の特約）：残額を毎月の回に分ける",
        operation_id="fukushi_fuyoteate_bunno_moushide",
    )
    def post(self, request: Request, kid: int) -> Response:
        k = _kabarai(kid)
        ser = BunnoMoushideSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        dates_in_range(d, "moushide_date", "shokai_nouki")
        try:
            plan = bunno_moushide(
                kabarai=k,
                moushide_date=d["moushide_date"],
                kaisu=d["kaisu"],
                maikai_gaku=d["maikai_gaku"],
                shokai_nouki=d["shokai_nouki"],
                actor=actor_from_request(request._request),
            )
        except FuyoteateRefused as exc:
            raise _refused(exc) from exc
        body = _detail(_plans().get(pk=plan.pk), timezone.localdate())
        return Response(body, status=status.HTTP_201_CREATED)


class BunnoTorikeshiView(TenantAPIView):
    gyomu_code = JIDO_FUYO_TEATE
    access_reads = LOGGED_BY_SERVICE

    @extend_schema(
        request=BunnoTorikeshiSerializer,
        responses={
            200: BunnoDetailSerializer,
            422: rule_response(
                "分割納付中ではない、取消日に納期限を過ぎた未納の回がない（不履行ではない）、"
                "理由が空、日付が範囲の外"
            ),
        },
        summary="返還金の分割納付の取消（不履行による。残額は一時に納付、納期限は取消日）",
        operation_id="fukushi_fuyoteate_bunno_torikeshi",
    )
    def post(self, request: Request, pk: int) -> Response:
        p = _plans().filter(pk=pk).first() if pk <= MAX_ID else None
        if p is None:
            raise NotFound("その分割納付は見つかりません。")
        ser = BunnoTorikeshiSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        dates_in_range(d, "torikeshi_date")
        try:
            bunno_torikeshi(
                bunno=p,
                torikeshi_date=d["torikeshi_date"],
                riyu=d["riyu"],
                actor=actor_from_request(request._request),
            )
        except FuyoteateRefused as exc:
            raise _refused(exc) from exc
        return Response(_detail(_plans().get(pk=p.pk), timezone.localdate()))


class KabaraiNofuView(TenantAPIView):
    gyomu_code = JIDO_FUYO_TEATE
    access_reads = LOGGED_BY_SERVICE

    @extend_schema(
        request=KabaraiNofuSerializer,
        responses={
            200: KabaraiOutSerializer,
            422: rule_response("納付額が残額を超える、納付日が決定日より前"),
        },
        summary="返還金の納付の記録（分割納付中は回に順に充当、残額0で完納）",
        operation_id="fukushi_fuyoteate_kabarai_nofu",
    )
    def post(self, request: Request, kid: int) -> Response:
        k = _kabarai(kid)
        ser = KabaraiNofuSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        dates_in_range(d, "nofu_date")
        try:
            row = kabarai_nofu(
                kabarai=k,
                gaku=d["gaku"],
                nofu_date=d["nofu_date"],
                actor=actor_from_request(request._request),
            )
        except FuyoteateRefused as exc:
            raise _refused(exc) from exc
        today = timezone.localdate()
        plan = (
            _plans()
            .filter(kabarai=row)
            .exclude(jotai=FuyoKabaraiBunnoJotai.TORIKESHI)
            .order_by("-pk")
            .first()
        )
        return Response(
            {
                "id": row.pk,
                "jukyusha_id": row.jukyusha_id,
                "atena_id": k.jukyusha.atena_id,
                "gaku": row.gaku,
                "nofu_gaku": row.nofu_gaku,
                "zangaku": row.gaku - row.nofu_gaku,
                "nouki": row.nouki,
                "jotai": row.jotai,
                "jotai_label": row.get_jotai_display(),
                "bunno": _detail(plan, today) if plan is not None else None,
            }
        )


urlpatterns: list[URLPattern] = [
    path(f"{PREFIX}bunno/", BunnoListView.as_view(), name="api-fukushi-fuyoteate-bunno-list"),
    path(
        f"{PREFIX}bunno/<int:pk>/",
        BunnoDetailView.as_view(),
        name="api-fukushi-fuyoteate-bunno-detail",
    ),
    path(
        f"{PREFIX}bunno/<int:pk>/torikeshi/",
        BunnoTorikeshiView.as_view(),
        name="api-fukushi-fuyoteate-bunno-torikeshi",
    ),
    path(
        f"{PREFIX}<int:kid>/bunno/",
        BunnoMoushideView.as_view(),
        name="api-fukushi-fuyoteate-bunno-moushide",
    ),
    path(
        f"{PREFIX}<int:kid>/nofu/",
        KabaraiNofuView.as_view(),
        name="api-fukushi-fuyoteate-kabarai-nofu",
    ),
]
