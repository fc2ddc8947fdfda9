"""REST API: 要介護認定 (a person's 申請 with their steps and 認定; the 申請 by state).
Mounted at /api/v1/kaigo/.

A person is looked up by 宛名番号 in a POST body, never in a path; paths carry internal
ids. Every answer that shows a person is written to the access log.
"""

from __future__ import annotations

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
from kaigo.models import (
    Daiko,
    Nintei,
    NinteiShinsei,
    ShinseiKubun,
    ShinseiStatus,
    TokuteiShippei,
    YokaigoKubun,
)
from kaigo.rules.nintei import ParamsByNendo, shori_kikan
from kaigo.selectors.nintei import shinsei_list, shinsei_of
from tenants.accesslog.reads import Reads, access_refusal
from tenants.api.fields import TextField
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView

GYOMU = KAIGO_HOKEN
PAGE_SIZE = 200
BLANK = [("", "なし")]


class KaigoNinteiSerializer(serializers.Serializer):
    yokaigo_kubun = serializers.ChoiceField(
        choices=YokaigoKubun.choices,
        help_text="要介護状態区分（01 非該当、12・13 要支援、21〜25 要介護）",
    )
    kettei_date = serializers.DateField(help_text="決定日")
    yuko_start = serializers.DateField(allow_null=True, help_text="認定日（有効期間の開始日）")
    yuko_end = serializers.DateField(allow_null=True, help_text="有効期間の終了日")
    shuryo_date = serializers.DateField(
        allow_null=True, help_text="有効期間の途中で効力がなくなった日（区分変更・資格喪失）"
    )
    shuryo_jiyu = serializers.CharField(help_text="効力がなくなった事由")


class KaigoShinseiSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    atena_id = serializers.IntegerField()
    shinsei_kubun = serializers.ChoiceField(
        choices=ShinseiKubun.choices, help_text="申請区分（1 新規、2 更新、3 区分変更）"
    )
    shinsei_date = serializers.DateField(help_text="申請日")
    hihokensha_kubun = serializers.ChoiceField(
        choices=[("1", "第1号被保険者"), ("2", "第2号被保険者")], help_text="被保険者区分"
    )
    tokutei_shippei = serializers.ChoiceField(
        choices=BLANK + TokuteiShippei.choices, help_text="特定疾病（第2号）"
    )
    daiko = serializers.ChoiceField(choices=Daiko.choices, help_text="申請者（代行）")
    status = serializers.ChoiceField(choices=ShinseiStatus.choices, help_text="状態")
    chosa_date = serializers.DateField(allow_null=True, help_text="認定調査日")
    ikensho_irai_date = serializers.DateField(allow_null=True, help_text="主治医意見書の依頼日")
    ikensho_juryo_date = serializers.DateField(allow_null=True, help_text="主治医意見書の受領日")
    shinsakai_date = serializers.DateField(allow_null=True, help_text="介護認定審査会の開催日")
    hantei = serializers.ChoiceField(choices=BLANK + YokaigoKubun.choices, help_text="審査会の判定")
    kettei_kigen = serializers.DateField(help_text="処理期間の期限（申請日から30日）")
    kigen_chouka = serializers.BooleanField(help_text="期限を超えている（決定済みは期限後の決定）")
    enki_tsuchi_date = serializers.DateField(allow_null=True, help_text="延期通知日")
    nintei = KaigoNinteiSerializer(allow_null=True, help_text="決定した認定（決定前は空）")


class KaigoShinseiRowSerializer(KaigoShinseiSerializer):
    atena_no = serializers.CharField(help_text="宛名番号（宛名がなければ空）")


class KaigoPersonNinteiSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField(help_text="宛名番号")
    shinsei = KaigoShinseiSerializer(many=True, help_text="申請（新しい順）")
    warning = serializers.CharField(required=False, help_text="照会アラート・支援措置の注意")


class KaigoNinteiLookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="宛名番号")


class KaigoShinseiQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ShinseiStatus.choices, required=False, help_text="状態（省略ですべて）"
    )
    page = serializers.IntegerField(min_value=1, default=1, help_text="ページ（1から）")


def _nintei(s: NinteiShinsei) -> dict[str, Any] | None:
    try:
        n: Nintei = s.nintei
    except Nintei.DoesNotExist:
        return None
    return {
        "yokaigo_kubun": n.yokaigo_kubun,
        "kettei_date": n.kettei_date,
        "yuko_start": n.yuko_start,
        "yuko_end": n.yuko_end,
        "shuryo_date": n.shuryo_date,
        "shuryo_jiyu": n.shuryo_jiyu,
    }


def shinsei_body(s: NinteiShinsei, params: ParamsByNendo) -> dict[str, Any]:
    n = _nintei(s)
    kikan = shori_kikan(
        s.shinsei_date,
        kettei_date=n["kettei_date"] if n else (None if s.is_open else s.shuryo_date),
        enki_tsuchi_date=s.enki_tsuchi_date,
        today=timezone.localdate(),
        params=params(s.shinsei_date),
    )
    return {
        "id": s.pk,
        "atena_id": s.atena_id,
        "shinsei_kubun": s.shinsei_kubun,
        "shinsei_date": s.shinsei_date,
        "hihokensha_kubun": s.hihokensha_kubun,
        "tokutei_shippei": s.tokutei_shippei,
        "daiko": s.daiko,
        "status": s.status,
        "chosa_date": s.chosa_date,
        "ikensho_irai_date": s.ikensho_irai_date,
        "ikensho_juryo_date": s.ikensho_juryo_date,
        "shinsakai_date": s.shinsakai_date,
        "hantei": s.hantei,
        "kettei_kigen": kikan.kigen,
        "kigen_chouka": kikan.over,
        "enki_tsuchi_date": s.enki_tsuchi_date,
        "nintei": n,
    }


def _bodies(rows: list[NinteiShinsei]) -> list[dict[str, Any]]:
    params = ParamsByNendo()
    return [shinsei_body(s, params) for s in rows]


class NinteiLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads("atena", ids="atena_id", screen="api.kaigo.nintei")

    @extend_schema(
        request=KaigoNinteiLookupSerializer,
        responses={200: KaigoPersonNinteiSerializer},
        summary="宛名番号で1人の要介護認定（申請・手続・認定）を照会",
        operation_id="kaigo_nintei_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = KaigoNinteiLookupSerializer(data=request.data)
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
        body: dict[str, Any] = {
            "atena_id": lookup.atena_id,
            "atena_no": person.atena_no if person else ser.validated_data["atena_no"].strip(),
            "shinsei": _bodies(shinsei_of(lookup.atena_id)),
        }
        if lookup.message:
            body["warning"] = lookup.message
        return Response(body)


class PersonNinteiView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads("atena", id_kwarg="pk", screen="api.kaigo.nintei")

    @extend_schema(
        responses={200: KaigoPersonNinteiSerializer},
        summary="宛名IDで1人の要介護認定（申請・手続・認定）",
        operation_id="kaigo_person_nintei",
    )
    def get(self, request: Request, pk: int) -> Response:
        person = person_identity(pk)
        if person is None:
            raise NotFound("その方は見つかりません。")
        return Response(
            {
                "atena_id": pk,
                "atena_no": person.atena_no,
                "shinsei": _bodies(shinsei_of(pk)),
            }
        )


class ShinseiListView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(
        "atena",
        ids="results[].atena_id",
        skip_empty=True,
        detail=lambda data: {"page": data["page"]},
        screen="api.kaigo.nintei_shinsei_list",
    )

    @extend_schema(
        parameters=[KaigoShinseiQuery],
        responses={200: page_serializer(KaigoShinseiRowSerializer)},
        summary="要介護認定の申請の一覧（状態で絞り込み、申請日の新しい順、200件ずつ）",
        operation_id="kaigo_nintei_shinsei_list",
    )
    def get(self, request: Request) -> Response:
        query = KaigoShinseiQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = shinsei_list(query.validated_data.get("status")).select_related("nintei")
        paginator = Paginator(qs, PAGE_SIZE)
        try:
            page = paginator.page(query.validated_data["page"])
        except EmptyPage as exc:
            raise NotFound("そのページはありません。") from exc
        rows = list(page.object_list)
        persons = person_identities(s.atena_id for s in rows)
        params = ParamsByNendo()
        return Response(
            {
                "count": paginator.count,
                "page": page.number,
                "results": [
                    {
                        **shinsei_body(s, params),
                        "atena_no": getattr(persons.get(s.atena_id), "atena_no", ""),
                    }
                    for s in rows
                ],
            }
        )


urlpatterns: list[URLPattern] = [
    path("nintei/shinsei/", ShinseiListView.as_view(), name="api-kaigo-nintei-shinsei-list"),
    path("nintei/lookup/", NinteiLookupView.as_view(), name="api-kaigo-nintei-lookup"),
    path("persons/<int:pk>/nintei/", PersonNinteiView.as_view(), name="api-kaigo-person-nintei"),
]
