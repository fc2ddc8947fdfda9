"""REST API: 個人住民税の賦課 (results with their explanation, history, 更正) and
特別徴収義務者 (employers and their employees' monthly amounts).

Mounted at /api/v1/zeimu/. A person is looked up by 宛名番号 in a POST body, never in a
path; paths carry internal ids, years and the employer's 指定番号. Every call that returns
a person's assessment is written to the access log.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.public import PersonIdentity, person_identities, person_identity
from tenants.accesslog.reads import LOGGED_BY_SERVICE, NO_PERSONAL_DATA, Reads, access_refusal
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Fuka, FukaStatus, KoseiKiin
from zeimu.selectors.fuka import (
    fuka_current,
    fuka_history,
    fuka_of_person,
    monthly_totals,
    status_counts,
    tokucho_employers,
)
from zeimu.services.fuka import KoseiRefused, kosei

GYOMU = KOJIN_JUMINZEI
RECORD_TYPE = "zeimu.Fuka"
PAGE_SIZE = 200
# The 年度 a query may name: a sanity range for input, not law (the law tables decide
# which years can be assessed at all).
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100

SUMMARY_FIELDS = (
    "fiscal_year", "kind", "status", "is_current", "gokei_shotoku", "kazei_shotoku",
    "shotokuwari_shichoson", "shotokuwari_dofuken", "kintowari_shichoson",
    "kintowari_dofuken", "shinrin_kankyozei", "gokei_zeigaku", "futsu_choshu_gaku",
    "kyuyo_tokucho_gaku", "nenkin_tokucho_gaku", "tokucho_shitei_no", "tokucho_employer_name",
)  # fmt: skip


def _summary(f: Fuka, person: PersonIdentity | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f.pk, "atena_no": person.atena_no if person else ""}
    out.update({name: getattr(f, name) for name in SUMMARY_FIELDS})
    return out


def _full(f: Fuka) -> dict[str, Any]:
    person = person_identity(f.atena_id)
    out = _summary(f, person)
    out.update(
        {
            "shimei": person.shimei if person else "",
            "reason": f.reason,
            "kosei_kiin": f.kosei_kiin,
            "kosei_tsuchi_date": f.kosei_tsuchi_date.isoformat() if f.kosei_tsuchi_date else None,
            "created_by": f.created_by,
            "computed_at": f.computed_at.isoformat(),
            "superseded_by": f.superseded_by_id,
            "kibetsu": f.kibetsu,
            "detail": f.detail,
            "history": [
                {
                    "id": h.pk,
                    "kind": h.kind,
                    "is_current": h.is_current,
                    "gokei_zeigaku": h.gokei_zeigaku,
                    "reason": h.reason,
                    "computed_at": h.computed_at.isoformat(),
                }
                for h in fuka_history(f)
            ],
        }
    )
    return out


class LookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12)
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)


class KoseiSerializer(serializers.Serializer):
    reason = TextField(max_length=200, help_text="更正の理由")
    kiin = serializers.ChoiceField(
        choices=KoseiKiin.choices,
        required=False,
        default="",
        help_text="更正の原因（所得税の修正申告・更正なら延滞金の除算期間あり。空: よらない）",
    )
    tsuchi_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="更正の通知日（所得税の修正申告・更正によるとき。省略は今日）",
    )


class FukaListQuery(serializers.Serializer):
    """The list's query: checked here and documented from here (ranges, choices)."""

    fiscal_year = serializers.IntegerField(
        min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX, help_text="年度（西暦）"
    )
    status = serializers.ChoiceField(
        choices=FukaStatus.choices, required=False, help_text="課税状況（省略ですべて）"
    )
    page = serializers.IntegerField(min_value=1, default=1, help_text="ページ（1から）")


class FukaListView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(
        RECORD_TYPE,
        ids="results[].id",
        skip_empty=True,
        detail=lambda data: {"fiscal_year": data["fiscal_year"], "page": data["page"]},
        screen="api.zeimu.fuka_list",
    )

    @extend_schema(
        parameters=[FukaListQuery],
        responses={200: dict},
        summary="賦課の一覧（現在の賦課、宛名番号順、200件ずつ）",
        operation_id="zeimu_fuka_list",
    )
    def get(self, request: Request) -> Response:
        query = FukaListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        fy: int = query.validated_data["fiscal_year"]
        status: str = query.validated_data.get("status", "")
        paginator = Paginator(fuka_current(fy, status=status), PAGE_SIZE)
        try:
            page = paginator.page(query.validated_data["page"])
        except EmptyPage as exc:
            raise NotFound("そのページはありません。") from exc
        fukas = list(page.object_list)
        persons = person_identities(f.atena_id for f in fukas)
        rows = [_summary(f, persons.get(f.atena_id)) for f in fukas]
        return Response(
            {
                "fiscal_year": fy,
                "counts": status_counts(fy),
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "results": rows,
            }
        )


class FukaLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads(RECORD_TYPE, ids="id", screen="api.zeimu.fuka")

    @extend_schema(
        request=LookupSerializer,
        responses={200: dict},
        summary="宛名番号で1人の現在の賦課を照会（計算の内訳・期別・履歴つき）",
    )
    def post(self, request: Request) -> Response:
        ser = LookupSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        found = fuka_of_person(ser.validated_data["atena_no"], ser.validated_data["fiscal_year"])
        lookup = found.lookup
        if lookup.atena_id is not None and not lookup.found:
            access_refusal(
                request, record_type="atena", record_id=lookup.atena_id, reason="shokai_yokushi"
            )
            raise PermissionDenied(lookup.message)
        if found.fuka is None:
            raise NotFound("その宛名番号・年度の賦課はありません。")
        body = _full(found.fuka)
        if lookup.message:
            body["warning"] = lookup.message
        return Response(body)


class FukaDetailView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(RECORD_TYPE, ids="id", screen="api.zeimu.fuka")

    @extend_schema(
        responses={200: dict},
        summary="賦課1件（計算の内訳・期別・履歴つき）",
        operation_id="zeimu_fuka_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        fuka = Fuka.objects.filter(pk=pk).first()
        if fuka is None:
            raise NotFound("賦課が見つかりません。")
        return Response(_full(fuka))


class FukaKoseiView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = LOGGED_BY_SERVICE  # kosei logs the new assessment

    @extend_schema(
        request=KoseiSerializer,
        responses={201: dict},
        summary="更正: 現在の課税資料で再計算し、変更があれば新しい賦課を作る（前の賦課は履歴）",
    )
    def post(self, request: Request, pk: int) -> Response:
        ser = KoseiSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        if not Fuka.objects.filter(pk=pk).exists():
            raise NotFound("賦課が見つかりません。")
        try:
            new = kosei(
                fuka_id=pk,
                reason=ser.validated_data["reason"],
                actor=actor_from_request(request),
                kiin=ser.validated_data["kiin"],
                tsuchi_date=ser.validated_data["tsuchi_date"],
            )
        except KoseiRefused as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(_full(Fuka.objects.get(pk=new.pk)), status=201)


class TokuchoListView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = NO_PERSONAL_DATA  # employers with head counts and totals

    @extend_schema(
        parameters=[OpenApiParameter("fiscal_year", int, required=True)],
        responses={200: dict},
        summary="特別徴収義務者の一覧（人数・年税額の合計）",
        operation_id="zeimu_tokucho_list",
    )
    def get(self, request: Request) -> Response:
        try:
            fy = int(request.query_params.get("fiscal_year", ""))
        except ValueError as exc:
            raise ValidationError({"fiscal_year": "年度（西暦）を指定してください。"}) from exc
        return Response({"fiscal_year": fy, "results": tokucho_employers(fy)})


class TokuchoDetailView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(
        RECORD_TYPE,
        ids="employees[].id",
        detail=lambda data: {
            "fiscal_year": data["fiscal_year"],
            "tokucho_shitei_no": data["tokucho_shitei_no"],
        },
        screen="api.zeimu.tokucho",
    )

    @extend_schema(
        responses={200: dict},
        summary="特別徴収義務者1件: 従業員ごとの年税額と月割額",
        operation_id="zeimu_tokucho_retrieve",
    )
    def get(self, request: Request, shitei_no: str, fiscal_year: int) -> Response:
        rows = list(fuka_current(fiscal_year, shitei_no=shitei_no))
        if not rows:
            raise NotFound("その特別徴収義務者の特別徴収はありません。")
        persons = person_identities(f.atena_id for f in rows)
        return Response(
            {
                "fiscal_year": fiscal_year,
                "tokucho_shitei_no": shitei_no,
                "name": rows[0].tokucho_employer_name,
                "monthly_totals": monthly_totals(rows),
                "employees": [
                    {
                        "id": f.pk,
                        "atena_no": persons[f.atena_id].atena_no,
                        "shimei": persons[f.atena_id].shimei,
                        "nengaku": f.kyuyo_tokucho_gaku,
                        "monthly": [item["amount"] for item in f.kibetsu.get("kyuyo", [])],
                    }
                    for f in rows
                ],
            }
        )


urlpatterns: list[URLPattern] = [
    path("fuka/", FukaListView.as_view(), name="api-zeimu-fuka-list"),
    path("fuka/lookup/", FukaLookupView.as_view(), name="api-zeimu-fuka-lookup"),
    path("fuka/<int:pk>/", FukaDetailView.as_view(), name="api-zeimu-fuka-detail"),
    path("fuka/<int:pk>/kosei/", FukaKoseiView.as_view(), name="api-zeimu-fuka-kosei"),
    path("tokucho/", TokuchoListView.as_view(), name="api-zeimu-tokucho-list"),
    path(
        "tokucho/<str:shitei_no>/<int:fiscal_year>/",
        TokuchoDetailView.as_view(),
        name="api-zeimu-tokucho-detail",
    ),
]
