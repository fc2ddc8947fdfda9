"""REST API of 施設型給付費の支払 (HK-13; mounted at /api/v1/fukushi/hoiku/kyufuhi/shiharai/),
what the 支払 screen does (fukushi/views/hoiku_kyufu_shiharai.py): the payments made (the
history: paged, by month and 施設) and the payment of a month's 請求 whose 審査 is 一致 (POST:
every one not yet paid, or the 施設 named), the town as 振込依頼人 from its own values
(``fukushi.furikomi.*``, entered once in 設定); the month's 全銀 総合振込 file
(``furikomi/``) and one payment's 支払通知書 (``<pk>/tsuchi/``), the same bytes as the
screen's (both made by the same service from the payments recorded). The 返納 of a payment:
``fukushi/api/hoiku_kyufuhi_henno.py``.

The wall is the 業務's (子ども・子育て支援): its role, or an API key with its read or write
scope; a payment of another town is never listed (its id is 404). The file and the notice
ask what the screen asks (the 業務's write role; for an API key the write scope), since
they carry the 施設' accounts and the town's 振込依頼人; each is logged by its service
(EXPORT, PRINT). The answers name 施設 and amounts, no
person; the list is logged with the payment ids, the payment by its service; a refused
payment is 422 naming the 施設 in Japanese and writes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.hoiku_kyufuhi import PREFIX, _first_of, _refused, month_of
from fukushi.api.paging import PARAMETERS as PAGING
from fukushi.api.paging import page_of
from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import HoikuKyufuhiShiharai
from fukushi.services.furikomi import NOT_SET, irainin_of
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from fukushi.services.hoiku_kyufu_shiharai import (
    kyufuhi_shiharai,
    shiharai_furikomi,
    shiharai_tsuchi,
)
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads
from tenants.accesslog.services import actor_from_request
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.models import RoleLevel
from tenants.wareki import fiscal_year_of

MAX_ID = 2**63 - 1


class KyufuhiShiharaiSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="支払のID")
    seikyu_id = serializers.IntegerField(help_text="請求のID")
    shisetsu_id = serializers.IntegerField(help_text="施設のID")
    code = serializers.CharField(help_text="施設番号")
    name = serializers.CharField(help_text="施設名")
    month = serializers.DateField(help_text="給付費の月（1日）")
    shiharai_date = serializers.DateField(help_text="支払日（振込日）")
    ninzu = serializers.IntegerField(help_text="児童数（審査の算定）")
    kai = serializers.IntegerField(help_text="回（同じ施設・月の何回目の支払か。返納の後は2以降）")
    santei_gaku = serializers.IntegerField(
        allow_null=True, help_text="審査の算定額（円。この機能の前の支払は空）"
    )
    kiharai_gaku = serializers.IntegerField(
        help_text="既払額（前の支払から返納の戻入を引いた額、円）"
    )
    gaku = serializers.IntegerField(help_text="支払額（円、審査の算定額−既払額）")
    kago_chosei_gaku = serializers.IntegerField(
        help_text="過誤調整額（返納の未納と相殺した額、円）"
    )
    furikomi_gaku = serializers.IntegerField(help_text="振込額（支払額−過誤調整額、円）")
    henno_id = serializers.IntegerField(
        allow_null=True, help_text="この支払の返納のID（なければ空）"
    )


class KagoChoseiInputSerializer(serializers.Serializer):
    henno_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="相殺する返納のID（同じ施設への支払のもの）"
    )
    gaku = serializers.IntegerField(
        min_value=1, max_value=1_000_000_000, help_text="過誤調整額（円、返納の残額まで）"
    )


class KyufuhiShiharaiInputSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="給付費の月（その月のいずれかの日）")
    shiharai_date = serializers.DateField(help_text="支払日（振込日）")
    shisetsu_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        min_length=1,
        max_length=1000,
        help_text="支払う施設のID（省略：審査が一致して未払の請求すべて）",
    )
    kago_chosei = KagoChoseiInputSerializer(
        many=True,
        required=False,
        help_text="過誤調整：支払から差し引く返納の未納（返納1件に1行）",
    )


class KyufuhiShiharaiKekkaSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="給付費の月（1日）")
    gokei = serializers.IntegerField(help_text="この支払の合計（円）")
    kago_chosei_gokei = serializers.IntegerField(help_text="過誤調整額の合計（円）")
    furikomi_gokei = serializers.IntegerField(help_text="振込額の合計（円）")
    shiharai = KyufuhiShiharaiSerializer(many=True, help_text="記録した支払（施設番号順）")


def shiharai_row(p: HoikuKyufuhiShiharai) -> dict[str, Any]:
    return {
        "id": p.pk,
        "seikyu_id": p.seikyu_id,
        "shisetsu_id": p.shisetsu_id,
        "code": p.shisetsu.code,
        "name": p.shisetsu.name,
        "month": p.month,
        "shiharai_date": p.shiharai_date,
        "ninzu": p.ninzu,
        "kai": p.kai,
        "santei_gaku": p.santei_gaku,
        "kiharai_gaku": p.kiharai_gaku,
        "gaku": p.gaku,
        "kago_chosei_gaku": p.kago_chosei_gaku,
        "furikomi_gaku": p.furikomi_gaku,
        "henno_id": getattr(getattr(p, "henno", None), "pk", None),
    }


class ShiharaiView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    # 施設 and amounts, no person: the payments listed are logged; the payment by its service
    access_reads = {
        "GET": Reads(
            "fukushi.HoikuKyufuhiShiharai",
            ids="results[].id",
            skip_empty=True,
            screen="api.fukushi.hoiku_kyufuhi_shiharai_list",
        ),
        "POST": LOGGED_BY_SERVICE,
    }

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month", OpenApiTypes.DATE, description="給付費の月（その月のいずれかの日）"
            ),
            OpenApiParameter(
                "shisetsu_id",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                description="施設のID",
            ),
            *PAGING,
        ],
        responses={
            200: page_serializer(KyufuhiShiharaiSerializer),
            422: rule_response("月が範囲の外"),
        },
        summary="施設型給付費の支払の一覧（履歴。月・施設で絞り込み）。ページ送り",
        operation_id="fukushi_hoiku_kyufuhi_shiharai_list",
    )
    def get(self, request: Request) -> Response:
        qs = HoikuKyufuhiShiharai.objects.select_related("shisetsu", "henno")
        if request.query_params.get("month", ""):
            qs = qs.filter(month=month_of(request))
        raw = request.query_params.get("shisetsu_id", "")
        if raw:
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
                raise ValidationError(
                    {"shisetsu_id": ["施設のIDは1以上の整数で指定してください。"]}
                )
            qs = qs.filter(shisetsu_id=int(raw))
        page, head = page_of(request, qs.order_by("-month", "shisetsu__code", "pk"))
        return Response(head | {"results": [shiharai_row(p) for p in page]})

    @extend_schema(
        request=KyufuhiShiharaiInputSerializer,
        responses={
            201: KyufuhiShiharaiKekkaSerializer,
            422: rule_response(
                "審査が一致していない・支払済み・請求のない施設、支払う請求がない、"
                "施設の口座が未登録、支払日が審査日より前、振込依頼人が未設定、日付が範囲の外、"
                "過誤調整が返納の残額・支払額を超える、ほかの施設の返納・完納した返納の過誤調整"
            ),
        },
        summary=(
            "施設型給付費の支払（審査が一致した請求。施設・月ごとに一度だけ。"
            "返納が戻入済みなら再審査の一致の後に算定額−既払額）"
        ),
        operation_id="fukushi_hoiku_kyufuhi_shiharai",
    )
    def post(self, request: Request) -> Response:
        ser = KyufuhiShiharaiInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        month = _first_of(d["month"], "month")
        _first_of(d["shiharai_date"], "shiharai_date")
        irainin = irainin_of(fiscal_year_of(d["shiharai_date"]))
        if irainin is None:
            raise RuleRefused({"irainin": [NOT_SET + "。"]})
        ids = d.get("shisetsu_ids")
        kago: dict[int, int] = {}
        if len(d.get("kago_chosei") or []) > 100:
            raise ValidationError({"kago_chosei": ["過誤調整は100件までで指定してください。"]})
        for row in d.get("kago_chosei") or []:
            if row["henno_id"] in kago:
                raise ValidationError(
                    {"kago_chosei": ["同じ返納を二度指定しています（返納1件に1行）。"]}
                )
            kago[row["henno_id"]] = row["gaku"]
        try:
            made = kyufuhi_shiharai(
                month=month,
                shiharai_date=d["shiharai_date"],
                irainin=irainin,
                actor=actor_from_request(request._request),
                shisetsu_ids=sorted(set(ids)) if ids else None,
                kago_chosei=kago,
            )
        except KyufuhiRefused as exc:
            raise _refused(exc) from exc
        return Response(
            {
                "month": month,
                "gokei": sum(p.gaku for p in made),
                "kago_chosei_gokei": sum(p.kago_chosei_gaku for p in made),
                "furikomi_gokei": sum(p.furikomi_gaku for p in made),
                "shiharai": [shiharai_row(p) for p in made],
            },
            status=status.HTTP_201_CREATED,
        )


def _date_param(request: Request, name: str, *, required: bool) -> date | None:
    raw = request.query_params.get(name, "")
    if not raw and not required:
        return None
    try:
        d = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: ["日付（YYYY-MM-DD）で指定してください。"]}) from None
    _first_of(d, name)
    return d


# The month's 全銀 総合振込 file, as the screen gives it (no docstring: it would be the
# operation's description in the OpenAPI document).
class FurikomiView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    required_level = RoleLevel.WRITE  # as the screen: accounts and the 振込依頼人
    scope_action = "write"
    access_reads = LOGGED_BY_SERVICE  # its EXPORT row

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month",
                OpenApiTypes.DATE,
                required=True,
                description="給付費の月（その月のいずれかの日）",
            ),
            OpenApiParameter(
                "shiharai_date",
                OpenApiTypes.DATE,
                description="支払日（その月を複数の日に支払ったとき。1ファイルは1取組日）",
            ),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                response=OpenApiTypes.BINARY,
                description="全銀協の総合振込ファイル（画面と同じバイト列）",
            ),
            422: rule_response(
                "この月の支払がない、複数の支払日で支払日の指定がない、振込依頼人が異なる、"
                "日付が範囲の外"
            ),
        },
        summary="施設型給付費の総合振込ファイル（全銀。支払の記録から）",
        operation_id="fukushi_hoiku_kyufuhi_shiharai_furikomi",
    )
    def get(self, request: Request) -> HttpResponse:
        month = _date_param(request, "month", required=True)
        assert month is not None
        try:
            data, _ = shiharai_furikomi(
                month=month.replace(day=1),
                shiharai_date=_date_param(request, "shiharai_date", required=False),
                actor=actor_from_request(request._request),
            )
        except KyufuhiRefused as exc:
            raise _refused(exc) from exc
        response = HttpResponse(data, content_type="application/octet-stream")
        response["Content-Disposition"] = (
            f'attachment; filename="kyufuhi_shiharai_{month:%Y%m}.txt"'
        )
        return response


# One payment's 支払通知書 (PDF), as the screen gives it.
class TsuchiView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    required_level = RoleLevel.WRITE  # as the screen
    scope_action = "write"
    access_reads = LOGGED_BY_SERVICE  # its PRINT row

    @extend_schema(
        parameters=[
            OpenApiParameter("tsuchi_date", OpenApiTypes.DATE, required=True, description="通知日"),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="施設型給付費等支払通知書のPDF"
            ),
            422: rule_response("通知日が範囲の外"),
        },
        summary="施設型給付費等支払通知書（支払1件、PDF）",
        operation_id="fukushi_hoiku_kyufuhi_shiharai_tsuchi",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        if pk > MAX_ID:
            raise Http404
        p = get_object_or_404(HoikuKyufuhiShiharai, pk=pk)
        tsuchi_date = _date_param(request, "tsuchi_date", required=True)
        assert tsuchi_date is not None
        pdf = shiharai_tsuchi(
            shiharai=p, tsuchi_date=tsuchi_date, actor=actor_from_request(request._request)
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="kyufuhi_shiharai_tsuchi_{p.pk}.pdf"'
        return response


urlpatterns: list[URLPattern] = [
    path(f"{PREFIX}shiharai/", ShiharaiView.as_view(), name="api-fukushi-hoiku-kyufuhi-shiharai"),
    path(
        f"{PREFIX}shiharai/furikomi/",
        FurikomiView.as_view(),
        name="api-fukushi-hoiku-kyufuhi-shiharai-furikomi",
    ),
    path(
        f"{PREFIX}shiharai/<int:pk>/tsuchi/",
        TsuchiView.as_view(),
        name="api-fukushi-hoiku-kyufuhi-shiharai-tsuchi",
    ),
]
