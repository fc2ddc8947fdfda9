"""REST API of the 返納 of a 施設型給付費 payment (HK-13), what the 支払 screen does
(fukushi/views/hoiku_kyufu_shiharai.py):

- GET  ``hoiku/kyufuhi/henno/``: the 返納 decided (paged; by month and 施設);
- POST ``hoiku/kyufuhi/shiharai/<pk>/henno/``: decide the 返納 of a payment (金額, 理由,
  返納期限, 納入通知日) → 201;
- GET  ``hoiku/kyufuhi/henno/<pk>/``: one 返納 with its history;
- POST ``hoiku/kyufuhi/henno/<pk>/reinyu/``: a 戻入 (when 完納, the month's 請求 goes back to
  受付, to be judged again before any new payment);
- GET  ``hoiku/kyufuhi/henno/<pk>/tsuchi/``: its 納入通知書 (PDF, the same bytes as the
  screen's);
- GET  ``hoiku/kyufuhi/henno/tokusoku-taisho/?on_date=``: the 督促の対象 (未納, 返納期限 past,
  not yet 督促'd; paged);
- POST ``hoiku/kyufuhi/henno/<pk>/tokusoku/``: the 督促 of a 返納 (督促日) → 201 with the
  指定期限 and the 未納額;
- GET  ``hoiku/kyufuhi/henno/<pk>/tokusoku/pdf/``: its 督促状 (PDF; 再発行 when printed
  before), the write role or scope as the screen.

The wall is the 業務's (子ども・子育て支援): its role, or an API key with its read or write
scope (the 納入通知書: the write role or scope, as the screen); another town's ids are 404.
The answers name 施設 and amounts, no person; reads are logged with the 返納 ids, writes and
the PDF by their service; a refused write is 422 in Japanese by field and writes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
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
from fukushi.models import HoikuKyufuhiHenno, HoikuKyufuhiHennoTokusoku, HoikuKyufuhiShiharai
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from fukushi.services.hoiku_kyufu_henno import RIYU_MAX, henno_kettei, henno_reinyu, henno_tsuchi
from fukushi.services.hoiku_kyufu_henno_tokusoku import (
    henno_tokusoku,
    tokusoku_pdf,
    tokusoku_taisho,
)
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import rule_response
from tenants.models import RoleLevel

MAX_ID = 2**63 - 1
MAX_GAKU = 1_000_000_000


class HennoRirekiSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="種類（kettei 決定・reinyu 戻入・tsuchi 納入通知書）")
    naiyo = serializers.CharField(help_text="内容")
    created_by = serializers.CharField(help_text="処理者")
    created_at = serializers.DateTimeField(help_text="日時")


class HennoSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="返納のID")
    shiharai_id = serializers.IntegerField(help_text="返納する支払のID")
    shisetsu_id = serializers.IntegerField(help_text="施設のID")
    code = serializers.CharField(help_text="施設番号")
    name = serializers.CharField(help_text="施設名")
    month = serializers.DateField(help_text="給付費の月（1日）")
    shiharai_gaku = serializers.IntegerField(help_text="支払額（円）")
    kettei_date = serializers.DateField(help_text="返納の決定日")
    gaku = serializers.IntegerField(help_text="返納額（円）")
    riyu = serializers.CharField(help_text="返納の理由")
    kigen = serializers.DateField(help_text="返納期限")
    tsuchi_date = serializers.DateField(help_text="納入通知日")
    reinyu_gaku = serializers.IntegerField(help_text="戻入済額（円）")
    zan = serializers.IntegerField(help_text="残額（円）")
    jotai = serializers.CharField(help_text="状態（mino 未納・kanno 戻入済（完納））")
    jotai_label = serializers.CharField(help_text="状態の表示名")
    kago_chosei_gaku = serializers.IntegerField(
        help_text="戻入済額のうち過誤調整（後の支払との相殺）の額（円）"
    )
    tokusoku_date = serializers.DateField(allow_null=True, help_text="督促日（未督促は空）")
    shitei_kigen = serializers.DateField(allow_null=True, help_text="督促の指定期限（未督促は空）")


class TokusokuSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="督促のID")
    henno_id = serializers.IntegerField(help_text="返納のID")
    tokusoku_date = serializers.DateField(help_text="督促日")
    shitei_kigen = serializers.DateField(help_text="指定期限（督促日＋町の日数、休日は翌開庁日）")
    zan = serializers.IntegerField(help_text="督促した未納額（円）")


class TokusokuInputSerializer(serializers.Serializer):
    tokusoku_date = serializers.DateField(help_text="督促日（返納期限の後）")


class HennoDetailSerializer(HennoSerializer):
    rireki = HennoRirekiSerializer(many=True, help_text="履歴（古い順）")


class HennoInputSerializer(serializers.Serializer):
    kettei_date = serializers.DateField(help_text="返納の決定日")
    gaku = serializers.IntegerField(min_value=1, max_value=MAX_GAKU, help_text="返納額（円）")
    riyu = TextField(max_length=RIYU_MAX, label="返納の理由", help_text="返納の理由")
    kigen = serializers.DateField(help_text="返納期限")
    tsuchi_date = serializers.DateField(help_text="納入通知日")


class ReinyuInputSerializer(serializers.Serializer):
    gaku = serializers.IntegerField(min_value=1, max_value=MAX_GAKU, help_text="戻入額（円）")
    reinyu_date = serializers.DateField(help_text="戻入日")


def henno_row(h: HoikuKyufuhiHenno) -> dict[str, Any]:
    return {
        "id": h.pk,
        "shiharai_id": h.shiharai_id,
        "shisetsu_id": h.shisetsu_id,
        "code": h.shisetsu.code,
        "name": h.shisetsu.name,
        "month": h.month,
        "shiharai_gaku": h.shiharai.gaku,
        "kettei_date": h.kettei_date,
        "gaku": h.gaku,
        "riyu": h.riyu,
        "kigen": h.kigen,
        "tsuchi_date": h.tsuchi_date,
        "reinyu_gaku": h.reinyu_gaku,
        "zan": h.gaku - h.reinyu_gaku,
        "jotai": h.jotai,
        "jotai_label": h.get_jotai_display(),
        "kago_chosei_gaku": sum(c.gaku for c in h.kago_chosei.all()),
        "tokusoku_date": t.tokusoku_date if (t := _tokusoku(h)) else None,
        "shitei_kigen": t.shitei_kigen if t else None,
    }


def _tokusoku(h: HoikuKyufuhiHenno) -> HoikuKyufuhiHennoTokusoku | None:
    try:
        return h.tokusoku
    except HoikuKyufuhiHennoTokusoku.DoesNotExist:
        return None


def tokusoku_row(t: HoikuKyufuhiHennoTokusoku) -> dict[str, Any]:
    return {
        "id": t.pk,
        "henno_id": t.henno_id,
        "tokusoku_date": t.tokusoku_date,
        "shitei_kigen": t.shitei_kigen,
        "zan": t.zan,
    }


def _detail(h: HoikuKyufuhiHenno) -> dict[str, Any]:
    return henno_row(h) | {
        "rireki": [
            {
                "kind": r.kind,
                "naiyo": r.naiyo,
                "created_by": r.created_by,
                "created_at": r.created_at,
            }
            for r in h.rireki.all()
        ]
    }


def _one(pk: int) -> HoikuKyufuhiHenno:
    h = (
        HoikuKyufuhiHenno.objects.select_related("shisetsu", "shiharai", "tokusoku")
        .filter(pk=pk)
        .first()
        if pk <= MAX_ID
        else None
    )
    if h is None:
        raise Http404
    return h


def _dates_in_range(d: dict[str, Any], *names: str) -> None:
    for name in names:
        _first_of(d[name], name)


class HennoListView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    # 施設 and amounts, no person: the 返納 listed are logged
    access_reads = Reads(
        "fukushi.HoikuKyufuhiHenno",
        ids="results[].id",
        skip_empty=True,
        screen="api.fukushi.hoiku_kyufuhi_henno_list",
    )

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
        responses={200: page_serializer(HennoSerializer), 422: rule_response("月が範囲の外")},
        summary="施設型給付費の返納の一覧（月・施設で絞り込み）。ページ送り",
        operation_id="fukushi_hoiku_kyufuhi_henno_list",
    )
    def get(self, request: Request) -> Response:
        qs = HoikuKyufuhiHenno.objects.select_related(
            "shisetsu", "shiharai", "tokusoku"
        ).prefetch_related("kago_chosei")
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
        return Response(head | {"results": [henno_row(h) for h in page]})


class HennoKetteiView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    access_reads = LOGGED_BY_SERVICE

    @extend_schema(
        request=HennoInputSerializer,
        responses={
            201: HennoSerializer,
            422: rule_response(
                "返納額が支払額を超える、決定済み、決定日が支払日より前、納入通知日が決定日より前、"
                "返納期限が納入通知日より前、日付が範囲の外"
            ),
        },
        summary="施設型給付費の支払の返納の決定（支払は変更せず、支払1件に一度だけ）",
        operation_id="fukushi_hoiku_kyufuhi_henno_kettei",
    )
    def post(self, request: Request, pk: int) -> Response:
        p = HoikuKyufuhiShiharai.objects.filter(pk=pk).first() if pk <= MAX_ID else None
        if p is None:
            raise Http404
        ser = HennoInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        _dates_in_range(d, "kettei_date", "kigen", "tsuchi_date")
        try:
            h = henno_kettei(
                shiharai=p, kettei_date=d["kettei_date"], gaku=d["gaku"], riyu=d["riyu"],
                kigen=d["kigen"], tsuchi_date=d["tsuchi_date"],
                actor=actor_from_request(request._request),
            )  # fmt: skip
        except KyufuhiRefused as exc:
            raise _refused(exc) from exc
        return Response(henno_row(_one(h.pk)), status=status.HTTP_201_CREATED)


class HennoDetailView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    access_reads = Reads(
        "fukushi.HoikuKyufuhiHenno", id_kwarg="pk", screen="api.fukushi.hoiku_kyufuhi_henno"
    )

    @extend_schema(
        responses={200: HennoDetailSerializer},
        summary="施設型給付費の返納1件（履歴つき）",
        operation_id="fukushi_hoiku_kyufuhi_henno",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(_one(pk)))


class ReinyuView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    access_reads = LOGGED_BY_SERVICE

    @extend_schema(
        request=ReinyuInputSerializer,
        responses={
            200: HennoSerializer,
            422: rule_response(
                "戻入額が残額を超える、戻入済み（完納）、戻入日が決定日より前、日付が範囲の外"
            ),
        },
        summary="施設型給付費の返納の戻入（完納でその月の請求を受付に戻し、再審査の一致の後に再支払）",
        operation_id="fukushi_hoiku_kyufuhi_henno_reinyu",
    )
    def post(self, request: Request, pk: int) -> Response:
        h = _one(pk)
        ser = ReinyuInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        _dates_in_range(d, "reinyu_date")
        try:
            henno_reinyu(
                henno=h, gaku=d["gaku"], reinyu_date=d["reinyu_date"],
                actor=actor_from_request(request._request),
            )  # fmt: skip
        except KyufuhiRefused as exc:
            raise _refused(exc) from exc
        return Response(henno_row(_one(h.pk)))


class HennoTsuchiView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    required_level = RoleLevel.WRITE  # as the screen
    scope_action = "write"
    access_reads = LOGGED_BY_SERVICE  # its PRINT row

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY,
                description="施設型給付費等返納金納入通知書のPDF（画面と同じバイト列）",
            )
        },
        summary="施設型給付費等返納金納入通知書（返納1件、PDF）",
        operation_id="fukushi_hoiku_kyufuhi_henno_tsuchi",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        h = _one(pk)
        pdf = henno_tsuchi(henno=h, actor=actor_from_request(request._request))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="kyufuhi_henno_tsuchi_{h.pk}.pdf"'
        return response


class TokusokuTaishoView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    access_reads = Reads(
        "fukushi.HoikuKyufuhiHenno",
        ids="results[].id",
        skip_empty=True,
        screen="api.fukushi.hoiku_kyufuhi_henno_tokusoku_taisho",
    )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "on_date",
                OpenApiTypes.DATE,
                description="基準日（省略：今日）。この日より前に返納期限が過ぎたもの",
            ),
            *PAGING,
        ],
        responses={200: page_serializer(HennoSerializer), 422: rule_response("日付が範囲の外")},
        summary="施設型給付費の返納の督促の対象（返納期限を過ぎて未納で未督促）。ページ送り",
        operation_id="fukushi_hoiku_kyufuhi_henno_tokusoku_taisho",
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("on_date", "")
        try:
            on_date = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise ValidationError({"on_date": ["日付（YYYY-MM-DD）で指定してください。"]}) from None
        _first_of(on_date, "on_date")
        qs = tokusoku_taisho(on_date).select_related("shiharai").prefetch_related("kago_chosei")
        page, head = page_of(request, qs)
        return Response(head | {"results": [henno_row(h) for h in page]})


class TokusokuView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    access_reads = LOGGED_BY_SERVICE

    @extend_schema(
        request=TokusokuInputSerializer,
        responses={
            201: TokusokuSerializer,
            422: rule_response("返納期限を過ぎていない、完納、督促済み、日付が範囲の外"),
        },
        summary="施設型給付費の返納の督促（返納期限の後、返納1件に一度。指定期限を記録）",
        operation_id="fukushi_hoiku_kyufuhi_henno_tokusoku",
    )
    def post(self, request: Request, pk: int) -> Response:
        h = _one(pk)
        ser = TokusokuInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        _dates_in_range(d, "tokusoku_date")
        try:
            t = henno_tokusoku(
                henno=h, tokusoku_date=d["tokusoku_date"],
                actor=actor_from_request(request._request),
            )  # fmt: skip
        except KyufuhiRefused as exc:
            raise _refused(exc) from exc
        return Response(tokusoku_row(t), status=status.HTTP_201_CREATED)


class TokusokuPdfView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    required_level = RoleLevel.WRITE  # as the screen
    scope_action = "write"
    access_reads = LOGGED_BY_SERVICE  # its PRINT row

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY,
                description="施設型給付費等返納金 督促状のPDF（画面と同じ内容。2回目から再発行）",
            )
        },
        summary="施設型給付費等返納金 督促状（督促済みの返納1件、PDF）",
        operation_id="fukushi_hoiku_kyufuhi_henno_tokusoku_pdf",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        t = _tokusoku(_one(pk))
        if t is None:
            raise Http404
        pdf = tokusoku_pdf(tokusoku=t, actor=actor_from_request(request._request))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="kyufuhi_henno_tokusoku_{pk}.pdf"'
        return response


urlpatterns: list[URLPattern] = [
    path(
        f"{PREFIX}henno/tokusoku-taisho/",
        TokusokuTaishoView.as_view(),
        name="api-fukushi-hoiku-kyufuhi-henno-tokusoku-taisho",
    ),
    path(
        f"{PREFIX}henno/<int:pk>/tokusoku/",
        TokusokuView.as_view(),
        name="api-fukushi-hoiku-kyufuhi-henno-tokusoku",
    ),
    path(
        f"{PREFIX}henno/<int:pk>/tokusoku/pdf/",
        TokusokuPdfView.as_view(),
        name="api-fukushi-hoiku-kyufuhi-henno-tokusoku-pdf",
    ),
    path(f"{PREFIX}henno/", HennoListView.as_view(), name="api-fukushi-hoiku-kyufuhi-henno-list"),
    path(
        f"{PREFIX}shiharai/<int:pk>/henno/",
        HennoKetteiView.as_view(),
        name="api-fukushi-hoiku-kyufuhi-henno-kettei",
    ),
    path(
        f"{PREFIX}henno/<int:pk>/",
        HennoDetailView.as_view(),
        name="api-fukushi-hoiku-kyufuhi-henno",
    ),
    path(
        f"{PREFIX}henno/<int:pk>/reinyu/",
        ReinyuView.as_view(),
        name="api-fukushi-hoiku-kyufuhi-henno-reinyu",
    ),
    path(
        f"{PREFIX}henno/<int:pk>/tsuchi/",
        HennoTsuchiView.as_view(),
        name="api-fukushi-hoiku-kyufuhi-henno-tsuchi",
    ),
]
