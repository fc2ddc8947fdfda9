"""REST API: 介護保険の資格 (periods with their 区分 and causes, the 住所地特例, the list of
insured persons on a date). Mounted at /api/v1/kaigo/.

A person is looked up by 宛名番号 in a POST body, never in a path; paths carry internal
ids. Every answer that shows a person is written to the access log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.public import atena_resolve, person_identities, person_identity
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import IryoHoken, Kubun, Shikaku, ShutokuJiyu, SoshitsuJiyu
from kaigo.selectors.shikaku import bango_of, periods_of, periods_on, todoke_of
from tenants.accesslog.reads import Reads, access_refusal
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView

GYOMU = KAIGO_HOKEN
PAGE_SIZE = 200


class KaigoPeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kubun = serializers.ChoiceField(
        choices=Kubun.choices, help_text="被保険者区分（1 第1号、2 第2号）"
    )
    shutoku_date = serializers.DateField(help_text="資格取得日")
    shutoku_jiyu = serializers.ChoiceField(choices=ShutokuJiyu.choices, help_text="取得事由")
    soshitsu_date = serializers.DateField(allow_null=True, help_text="資格喪失日（空は資格あり）")
    soshitsu_jiyu = serializers.ChoiceField(
        choices=[("", "なし"), *SoshitsuJiyu.choices], help_text="喪失事由"
    )
    iryo_hoken = serializers.ChoiceField(
        choices=[("", "なし"), *IryoHoken.choices], help_text="医療保険の種類（第2号）"
    )
    torikeshi = serializers.BooleanField(help_text="取消済み（住民記録の異動の取消など）")


class KaigoJutokuSerializer(serializers.Serializer):
    shozai_dantai_code = serializers.CharField(help_text="施設所在市町村の団体コード")
    nyusho_date = serializers.DateField(help_text="入所日")
    taisho_date = serializers.DateField(allow_null=True, help_text="退所日")


class KaigoPersonShikakuSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField(help_text="宛名番号")
    hihokensha_no = serializers.CharField(help_text="被保険者番号（資格を得たことがなければ空）")
    insured_today = serializers.BooleanField(help_text="今日、介護保険の資格がある")
    periods = KaigoPeriodSerializer(many=True)
    jushochi_tokurei = KaigoJutokuSerializer(
        many=True, help_text="住所地特例（他市町村の施設に入所）"
    )
    tashi_jutoku = serializers.BooleanField(help_text="今日、他市町村の住所地特例者である")
    tekiyo_jogai = serializers.BooleanField(help_text="今日、適用除外施設に入所中である")
    warning = serializers.CharField(required=False, help_text="照会アラート・支援措置の注意")


class KaigoLookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="宛名番号")


class KaigoHihokenshaRowSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField()
    hihokensha_no = serializers.CharField()
    kubun = serializers.ChoiceField(choices=Kubun.choices)
    shutoku_date = serializers.DateField()
    shutoku_jiyu = serializers.ChoiceField(choices=ShutokuJiyu.choices)


class KaigoHihokenshaPageSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="基準日")
    count = serializers.IntegerField(help_text="基準日の被保険者数（全ページ）")
    page = serializers.IntegerField(help_text="このページの番号（1から）")
    pages = serializers.IntegerField(help_text="ページ数")
    results = KaigoHihokenshaRowSerializer(many=True)


class KaigoHihokenshaQuery(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="基準日（省略で今日）")
    kubun = serializers.ChoiceField(
        choices=Kubun.choices, required=False, help_text="区分（省略で両方）"
    )
    page = serializers.IntegerField(min_value=1, default=1, help_text="ページ（1から）")


def _period(s: Shikaku) -> dict[str, Any]:
    return {
        "id": s.pk,
        "kubun": s.kubun,
        "shutoku_date": s.shutoku_date,
        "shutoku_jiyu": s.shutoku_jiyu,
        "soshitsu_date": s.soshitsu_date,
        "soshitsu_jiyu": s.soshitsu_jiyu,
        "iryo_hoken": s.iryo_hoken,
        "torikeshi": s.torikeshi,
    }


def _covers(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or end > day)


def person_shikaku(atena_id: int, atena_no: str) -> dict[str, Any]:
    today = timezone.localdate()
    periods = periods_of([atena_id])
    todoke = todoke_of(atena_id)
    return {
        "atena_id": atena_id,
        "atena_no": atena_no,
        "hihokensha_no": bango_of([atena_id]).get(atena_id, ""),
        "insured_today": any(
            not s.torikeshi and _covers(s.shutoku_date, s.soshitsu_date, today) for s in periods
        ),
        "periods": [_period(s) for s in periods],
        "jushochi_tokurei": [
            {
                "shozai_dantai_code": r.shozai_dantai_code,
                "nyusho_date": r.nyusho_date,
                "taisho_date": r.taisho_date,
            }
            for r in todoke.jutoku
        ],
        "tashi_jutoku": any(_covers(r.nyusho_date, r.taisho_date, today) for r in todoke.tashi),
        "tekiyo_jogai": any(_covers(r.nyusho_date, r.taisho_date, today) for r in todoke.jogai),
    }


class ShikakuLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads("atena", ids="atena_id", screen="api.kaigo.shikaku")

    @extend_schema(
        request=KaigoLookupSerializer,
        responses={200: KaigoPersonShikakuSerializer},
        summary="宛名番号で1人の介護保険の資格を照会（区分・期間・事由・住所地特例）",
        operation_id="kaigo_shikaku_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = KaigoLookupSerializer(data=request.data)
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
        body = person_shikaku(lookup.atena_id, number)
        if lookup.message:
            body["warning"] = lookup.message
        return Response(body)


class PersonShikakuView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads("atena", id_kwarg="pk", screen="api.kaigo.shikaku")

    @extend_schema(
        responses={200: KaigoPersonShikakuSerializer},
        summary="宛名IDで1人の介護保険の資格（区分・期間・事由・住所地特例）",
        operation_id="kaigo_person_shikaku",
    )
    def get(self, request: Request, pk: int) -> Response:
        person = person_identity(pk)
        if person is None:
            raise NotFound("その方は見つかりません。")
        return Response(person_shikaku(pk, person.atena_no))


class HihokenshaListView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(
        "atena",
        ids="results[].atena_id",
        skip_empty=True,
        detail=lambda data: {"date": data["date"], "page": data["page"]},
        screen="api.kaigo.hihokensha_list",
    )

    @extend_schema(
        parameters=[KaigoHihokenshaQuery],
        responses={200: KaigoHihokenshaPageSerializer},
        summary="基準日の介護保険の被保険者の一覧（宛名ID順、200件ずつ）",
        operation_id="kaigo_hihokensha_list",
    )
    def get(self, request: Request) -> Response:
        query = KaigoHihokenshaQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        day: date = query.validated_data.get("date") or timezone.localdate()
        qs = periods_on(day, query.validated_data.get("kubun"))
        paginator = Paginator(qs.order_by("atena_id"), PAGE_SIZE)
        try:
            page = paginator.page(query.validated_data["page"])
        except EmptyPage as exc:
            raise NotFound("そのページはありません。") from exc
        rows = list(page.object_list)
        ids = [s.atena_id for s in rows]
        persons = person_identities(ids)
        numbers = bango_of(ids)
        return Response(
            {
                "date": day.isoformat(),
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "results": [
                    {
                        "atena_id": s.atena_id,
                        "atena_no": persons[s.atena_id].atena_no if s.atena_id in persons else "",
                        "hihokensha_no": numbers.get(s.atena_id, ""),
                        "kubun": s.kubun,
                        "shutoku_date": s.shutoku_date,
                        "shutoku_jiyu": s.shutoku_jiyu,
                    }
                    for s in rows
                ],
            }
        )


urlpatterns: list[URLPattern] = [
    path("hihokensha/", HihokenshaListView.as_view(), name="api-kaigo-hihokensha-list"),
    path("shikaku/lookup/", ShikakuLookupView.as_view(), name="api-kaigo-shikaku-lookup"),
    path("persons/<int:pk>/shikaku/", PersonShikakuView.as_view(), name="api-kaigo-person-shikaku"),
]
