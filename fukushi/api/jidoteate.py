"""REST API: 児童手当 (mounted at /api/v1/fukushi/jidoteate/): the list of 受給者 (paged), one
受給者's 認定 with its children and history, and the 試算 (POST, nothing saved).

Scopes: ``jido_teate:read`` for all three (the 試算 is a read that saves nothing). Every
answer that shows a person is written to the access log; the 試算 writes a row that says a
試算 was made (its month; no person)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import (
    JidoteateJukyusha,
    JukyushaStatus,
    RirekiKind,
    ShometsuJiyu,
    ShotokuKubunChoice,
)
from fukushi.rules import jidoteate as rules
from fukushi.selectors.jidoteate import getsugaku, jido_of, jukyusha_current, rireki_of
from juminkiroku.public import person_identities
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import NO_PERSONAL_DATA, Reads
from tenants.accesslog.services import access_record
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response

GYOMU = JIDO_TEATE
PAGE_SIZE = 200
MAX_CHILDREN = 12


class JidoteateJukyushaRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="受給者（認定）のID")
    atena_id = serializers.IntegerField(help_text="受給者の宛名ID")
    atena_no = serializers.CharField(help_text="宛名番号")
    jukyusha_no = serializers.CharField(help_text="受給者番号")
    shikyu_start = serializers.DateField(help_text="支給開始月（その月の1日）")
    koumuin = serializers.BooleanField(help_text="公務員（所属庁から支給、町の支払に含めない）")


class JidoteateListQuery(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, default=1, help_text="ページ（1から）")


class JidoteateJidoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    atena_id = serializers.IntegerField(allow_null=True, help_text="児童の宛名ID（町外は空）")
    birth_date = serializers.DateField(help_text="生年月日")
    kanshu = serializers.BooleanField(help_text="大学生年代の監護相当・生計費の負担")
    start_month = serializers.DateField(help_text="算定開始月")
    end_month = serializers.DateField(allow_null=True, help_text="算定終了月の翌月（空は継続）")


class JidoteateRirekiSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RirekiKind.choices, help_text="種類")
    effective_month = serializers.DateField(help_text="適用月")
    jiyu = serializers.CharField(help_text="事由")
    ido_id = serializers.IntegerField(allow_null=True, help_text="住民記録の異動ID")
    created_at = serializers.DateTimeField(help_text="記録日時")


class JidoteateDetailSerializer(JidoteateJukyushaRowSerializer):
    status = serializers.ChoiceField(choices=JukyushaStatus.choices, help_text="状態")
    seikyu_date = serializers.DateField(help_text="認定請求日")
    shikyu_end = serializers.DateField(
        allow_null=True, help_text="消滅月（この月分から支給しない）"
    )
    shometsu_jiyu = serializers.ChoiceField(
        choices=[("", "なし"), *ShometsuJiyu.choices], help_text="消滅事由"
    )
    shotoku_kubun = serializers.ChoiceField(
        choices=ShotokuKubunChoice.choices, help_text="所得の区分（令和6年9月分まで）"
    )
    getsugaku = serializers.IntegerField(
        allow_null=True, help_text="今月分の手当額（円、制度の値が未登録なら空）"
    )
    jido = JidoteateJidoSerializer(many=True)
    rireki = JidoteateRirekiSerializer(many=True)


class JidoteateShisanChildSerializer(serializers.Serializer):
    birth_date = serializers.DateField(help_text="生年月日")
    kanshu = serializers.BooleanField(
        default=False, help_text="大学生年代で監護相当・生計費の負担あり（第3子の数え方）"
    )


class JidoteateShisanInputSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="何月分の手当か（その月のいずれかの日）")
    children = serializers.ListField(
        child=JidoteateShisanChildSerializer(),
        min_length=1,
        max_length=MAX_CHILDREN,
        help_text="児童と大学生年代の子",
    )
    shotoku = serializers.IntegerField(
        min_value=0,
        max_value=10**11,
        required=False,
        help_text="児童手当の所得額（円、令和6年9月分までの所得制限の判定）",
    )
    fuyo_su = serializers.IntegerField(
        min_value=0, max_value=20, default=0, help_text="扶養親族等の数（令和6年9月分まで）"
    )


class JidoteateShisanChildResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="入力の何番目の子か（0から）")
    order = serializers.IntegerField(help_text="第何子として数えたか（0: 数えない）")
    amount = serializers.IntegerField(help_text="月額（円、0は支給の対象外）")


class JidoteateShisanResultSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="手当の月（1日）")
    seido = serializers.CharField(help_text="適用した制度")
    shotoku_kubun = serializers.ChoiceField(choices=ShotokuKubunChoice.choices)
    children = JidoteateShisanChildResultSerializer(many=True)
    total = serializers.IntegerField(help_text="月額の合計（円）")


def _detail(row: JidoteateJukyusha, atena_no: str) -> dict[str, Any]:
    jido = jido_of([row.pk]).get(row.pk, [])
    try:
        amount: int | None = getsugaku(row, jido, timezone.localdate())
    except rules.SeidoMissing:
        amount = None
    return {
        "id": row.pk,
        "atena_id": row.atena_id,
        "atena_no": atena_no,
        "jukyusha_no": row.jukyusha_no,
        "shikyu_start": row.shikyu_start,
        "koumuin": row.koumuin,
        "status": row.status,
        "seikyu_date": row.seikyu_date,
        "shikyu_end": row.shikyu_end,
        "shometsu_jiyu": row.shometsu_jiyu,
        "shotoku_kubun": row.shotoku_kubun,
        "getsugaku": amount,
        "jido": [
            {
                "id": j.pk,
                "atena_id": j.atena_id,
                "birth_date": j.birth_date,
                "kanshu": j.kanshu,
                "start_month": j.start_month,
                "end_month": j.end_month,
            }
            for j in jido
        ],
        "rireki": [
            {
                "kind": r.kind,
                "effective_month": r.effective_month,
                "jiyu": r.jiyu,
                "ido_id": r.ido_id,
                "created_at": r.created_at,
            }
            for r in rireki_of([row.pk]).get(row.pk, [])
        ],
    }


class JukyushaListView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(
        "atena",
        ids="results[].atena_id",
        skip_empty=True,
        detail=lambda data: {"page": data["page"]},
        screen="api.fukushi.jidoteate_list",
    )

    @extend_schema(
        parameters=[JidoteateListQuery],
        responses={200: page_serializer(JidoteateJukyushaRowSerializer)},
        summary="児童手当の認定を受けている受給者の一覧（受給者番号順、200件ずつ）",
        operation_id="fukushi_jidoteate_jukyusha_list",
    )
    def get(self, request: Request) -> Response:
        query = JidoteateListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = Paginator(jukyusha_current().order_by("jukyusha_no"), PAGE_SIZE)
        try:
            page = paginator.page(query.validated_data["page"])
        except EmptyPage as exc:
            raise NotFound("そのページはありません。") from exc
        rows = list(page.object_list)
        persons = person_identities(j.atena_id for j in rows)
        return Response(
            {
                "count": paginator.count,
                "page": page.number,
                "results": [
                    {
                        "id": j.pk,
                        "atena_id": j.atena_id,
                        "atena_no": persons[j.atena_id].atena_no if j.atena_id in persons else "",
                        "jukyusha_no": j.jukyusha_no,
                        "shikyu_start": j.shikyu_start,
                        "koumuin": j.koumuin,
                    }
                    for j in rows
                ],
            }
        )


class JukyushaDetailView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads("atena", ids="atena_id", screen="api.fukushi.jidoteate_detail")

    @extend_schema(
        responses={200: JidoteateDetailSerializer},
        summary="児童手当の受給者（認定）1件：児童・履歴・今月分の手当額",
        operation_id="fukushi_jidoteate_jukyusha_detail",
    )
    def get(self, request: Request, pk: int) -> Response:
        row = JidoteateJukyusha.objects.filter(pk=pk).first() if pk < 2**63 else None
        if row is None:
            raise NotFound("その受給者は見つかりません。")
        person = person_identities([row.atena_id]).get(row.atena_id)
        return Response(_detail(row, person.atena_no if person else ""))


class ShisanView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = NO_PERSONAL_DATA  # birth dates typed in, no person (logged as a 試算)
    post_is_read = True

    @extend_schema(
        request=JidoteateShisanInputSerializer,
        responses={
            200: JidoteateShisanResultSerializer,
            422: rule_response(
                "その月の児童手当の制度の値が登録されていない、または生年月日・月が範囲外"
            ),
        },
        summary="児童手当の月額の試算（保存しない）",
        operation_id="fukushi_jidoteate_shisan",
    )
    def post(self, request: Request) -> Response:
        ser = JidoteateShisanInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        month: date = rules.month_start(d["month"])
        children = [
            rules.Child(c["birth_date"], c["kanshu"], i) for i, c in enumerate(d["children"])
        ]
        problem = rules.shisan_problem(month, [c.birth_date for c in children])
        if problem:
            raise RuleRefused({"children": [problem]})
        try:
            seido = rules.seido_of(month)
            kubun = rules.ShotokuKubun.IKA
            if d.get("shotoku") is not None:
                kubun = rules.shotoku_hantei(month, shotoku=d["shotoku"], fuyo_su=d["fuyo_su"])
            amounts = {a.key: a for a in rules.month_amounts(children, month, shotoku_kubun=kubun)}
        except rules.SeidoMissing as exc:
            raise RuleRefused({"month": [str(exc)]}) from exc
        access_record(
            request=request,
            action=AccessAction.READ,
            gyomu=GYOMU,
            screen="api.fukushi.jidoteate_shisan",
            record_type="fukushi.jidoteate_shisan",
            record_count=0,
            detail={"month": month.isoformat()},
        )
        rows = [
            {
                "index": c.key,
                "order": amounts[c.key].order if c.key in amounts else 0,
                "amount": amounts[c.key].amount if c.key in amounts else 0,
            }
            for c in children
        ]
        return Response(
            {
                "month": month,
                "seido": seido.name,
                "shotoku_kubun": kubun.value,
                "children": rows,
                "total": sum(r["amount"] for r in rows),
            }
        )


urlpatterns: list[URLPattern] = [
    path("jidoteate/jukyusha/", JukyushaListView.as_view(), name="api-fukushi-jidoteate-list"),
    path(
        "jidoteate/jukyusha/<int:pk>/",
        JukyushaDetailView.as_view(),
        name="api-fukushi-jidoteate-detail",
    ),
    path("jidoteate/shisan/", ShisanView.as_view(), name="api-fukushi-jidoteate-shisan"),
]
