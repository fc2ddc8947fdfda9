"""REST API: 国保の資格 (periods with their causes, the household on a date, the list of
insured persons). Mounted at /api/v1/kokuho/.

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

from juminkiroku.public import (
    atena_resolve,
    person_identities,
    person_identity,
    residents_among,
)
from kokuho.gyomu import KOKUHO_SHIKAKU
from kokuho.models import Shikaku, ShutokuJiyu, SoshitsuJiyu
from kokuho.selectors.setai import periods_of, periods_on, setai_on
from tenants.accesslog.reads import Reads, access_refusal
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView

GYOMU = KOKUHO_SHIKAKU
PAGE_SIZE = 200


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shutoku_date = serializers.DateField(help_text="資格取得日")
    shutoku_jiyu = serializers.ChoiceField(choices=ShutokuJiyu.choices, help_text="取得事由")
    soshitsu_date = serializers.DateField(allow_null=True, help_text="資格喪失日（空は資格あり）")
    soshitsu_jiyu = serializers.ChoiceField(
        choices=[("", "なし"), *SoshitsuJiyu.choices], help_text="喪失事由"
    )
    todoke_date = serializers.DateField(allow_null=True, help_text="届出日")
    torikeshi = serializers.BooleanField(help_text="取消済み（住民記録の異動の取消など）")
    edaban = serializers.IntegerField(help_text="枝番")


class SetaiSerializer(serializers.Serializer):
    setai_id = serializers.IntegerField()
    kigo = serializers.CharField(help_text="記号")
    bango = serializers.CharField(help_text="番号")
    nozei_gimusha_atena_no = serializers.CharField(help_text="納税義務者（世帯主）の宛名番号")
    gisei_setainushi = serializers.BooleanField(
        help_text="擬制世帯主（世帯主が国保の被保険者でない）"
    )
    hihokensha_atena_nos = serializers.ListField(
        child=serializers.CharField(), help_text="被保険者の宛名番号"
    )
    tokutei_doitsu_atena_nos = serializers.ListField(
        child=serializers.CharField(), help_text="特定同一世帯所属者の宛名番号"
    )


class PersonShikakuSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField(help_text="宛名番号")
    insured_today = serializers.BooleanField(help_text="今日、国保の資格がある")
    periods = PeriodSerializer(many=True)
    setai = SetaiSerializer(allow_null=True, help_text="今日の国保世帯（住民でなければ空）")
    warning = serializers.CharField(required=False, help_text="照会アラート・支援措置の注意")


class KokuhoLookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="宛名番号")


class HihokenshaRowSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField()
    shutoku_date = serializers.DateField()
    shutoku_jiyu = serializers.ChoiceField(choices=ShutokuJiyu.choices)
    setai_id = serializers.IntegerField(allow_null=True)


class HihokenshaPageSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="基準日")
    count = serializers.IntegerField(help_text="基準日の被保険者数（全ページ）")
    page = serializers.IntegerField(help_text="このページの番号（1から）")
    pages = serializers.IntegerField(help_text="ページ数")
    results = HihokenshaRowSerializer(many=True)


class HihokenshaQuery(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="基準日（省略で今日）")
    page = serializers.IntegerField(min_value=1, default=1, help_text="ページ（1から）")


def _period(s: Shikaku) -> dict[str, Any]:
    return {
        "id": s.pk,
        "shutoku_date": s.shutoku_date,
        "shutoku_jiyu": s.shutoku_jiyu,
        "soshitsu_date": s.soshitsu_date,
        "soshitsu_jiyu": s.soshitsu_jiyu,
        "todoke_date": s.todoke_date,
        "torikeshi": s.torikeshi,
        "edaban": s.edaban,
    }


def person_shikaku(atena_id: int, atena_no: str) -> dict[str, Any]:
    today = timezone.localdate()
    periods = periods_of([atena_id])
    insured = any(
        not s.torikeshi
        and s.shutoku_date <= today
        and (s.soshitsu_date is None or s.soshitsu_date > today)
        for s in periods
    )
    setai: dict[str, Any] | None = None
    resident = residents_among([atena_id], today).get(atena_id)
    if resident is not None and resident.setai_id:
        s = setai_on(resident.setai_id, today)
        numbers = {m.atena_id: m.person.atena_no if m.person else "" for m in s.members}
        head = s.setainushi
        setai = {
            "setai_id": resident.setai_id,
            "kigo": s.kokuho.kigo if s.kokuho else "",
            "bango": s.kokuho.bango if s.kokuho else "",
            "nozei_gimusha_atena_no": numbers.get(head.atena_id, "") if head else "",
            "gisei_setainushi": s.gisei,
            "hihokensha_atena_nos": [numbers[m.atena_id] for m in s.insured],
            "tokutei_doitsu_atena_nos": [
                numbers[m.atena_id] for m in s.members if m.tokutei_doitsu
            ],
        }
    return {
        "atena_id": atena_id,
        "atena_no": atena_no,
        "insured_today": insured,
        "periods": [_period(s) for s in periods],
        "setai": setai,
    }


class ShikakuLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads("atena", ids="atena_id", screen="api.kokuho.shikaku")

    @extend_schema(
        request=KokuhoLookupSerializer,
        responses={200: PersonShikakuSerializer},
        summary="宛名番号で1人の国保の資格を照会（期間・事由・今日の国保世帯）",
        operation_id="kokuho_shikaku_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = KokuhoLookupSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        lookup = atena_resolve(ser.validated_data["atena_no"])
        if lookup.atena_id is not None and not lookup.found:
            access_refusal(
                request, record_type="atena", record_id=lookup.atena_id, reason="shokai_yokushi"
            )
            raise PermissionDenied(lookup.message)
        if lookup.atena_id is None:
            raise NotFound("その宛名番号の方は見つかりません。")
        body = person_shikaku(lookup.atena_id, ser.validated_data["atena_no"].strip())
        person = person_identity(lookup.atena_id)
        if person is not None:
            body["atena_no"] = person.atena_no
        if lookup.message:
            body["warning"] = lookup.message
        return Response(body)


class PersonShikakuView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads("atena", id_kwarg="pk", screen="api.kokuho.shikaku")

    @extend_schema(
        responses={200: PersonShikakuSerializer},
        summary="宛名IDで1人の国保の資格（期間・事由・今日の国保世帯）",
        operation_id="kokuho_person_shikaku",
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
        screen="api.kokuho.hihokensha_list",
    )

    @extend_schema(
        parameters=[HihokenshaQuery],
        responses={200: HihokenshaPageSerializer},
        summary="基準日の被保険者の一覧（宛名ID順、200件ずつ）",
        operation_id="kokuho_hihokensha_list",
    )
    def get(self, request: Request) -> Response:
        query = HihokenshaQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        day: date = query.validated_data.get("date") or timezone.localdate()
        paginator = Paginator(periods_on(day).order_by("atena_id"), PAGE_SIZE)
        try:
            page = paginator.page(query.validated_data["page"])
        except EmptyPage as exc:
            raise NotFound("そのページはありません。") from exc
        rows = list(page.object_list)
        persons = person_identities(s.atena_id for s in rows)
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
                        "shutoku_date": s.shutoku_date,
                        "shutoku_jiyu": s.shutoku_jiyu,
                        "setai_id": s.setai_id,
                    }
                    for s in rows
                ],
            }
        )


urlpatterns: list[URLPattern] = [
    path("hihokensha/", HihokenshaListView.as_view(), name="api-kokuho-hihokensha-list"),
    path("shikaku/lookup/", ShikakuLookupView.as_view(), name="api-kokuho-shikaku-lookup"),
    path(
        "persons/<int:pk>/shikaku/", PersonShikakuView.as_view(), name="api-kokuho-person-shikaku"
    ),
]
