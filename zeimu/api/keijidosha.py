"""REST API: 軽自動車税（種別割）— a person's vehicles (as owner or user) by 宛名番号 in a POST
body with the year's assessments, one vehicle with its 異動 history and assessments, and
the 試算 of a vehicle's tax for a 年度 (nothing saved), and the 更正 of a vehicle's year
(write) through the screen's service ``kei_kosei``.

Mounted at /api/v1/zeimu/kei/. Paths carry internal ids only; every answer that names a
person is written to the access log with the 宛名 ids shown.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.public import atena_resolve, person_identities
from tenants.accesslog.reads import LOGGED_BY_SERVICE, NO_PERSONAL_DATA, Reads, access_refusal
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from zeimu.api.kotei import kosei_refusal
from zeimu.gyomu import KEI_JIDOSHAZEI
from zeimu.models import KeiFuka, KeiGreenKubun, KeiIdo, KeiNenryo, KeiSharyo, KeiShubetsu
from zeimu.rules.keijidosha import SharyoInput
from zeimu.services.keijidosha import KeiRefused, kei_kosei, kei_shisan

GYOMU = KEI_JIDOSHAZEI
ATENA = "atena"
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100


def _atena_nos(ids: set[int]) -> dict[int, str]:
    return {i: p.atena_no for i, p in person_identities(ids).items()}


def _fuka(f: KeiFuka, nos: dict[int, str]) -> dict[str, Any]:
    return {
        "id": f.pk,
        "fiscal_year": f.fiscal_year,
        "version": f.version,
        "kind": f.kind,
        "is_current": f.is_current,
        "nozeisha_atena_id": f.nozeisha_id,
        "nozeisha_atena_no": nos.get(f.nozeisha_id, ""),
        "kubun": f.kubun,
        "kubun_label": f.kubun_label,
        "zeigaku": f.zeigaku,
        "genmen_gaku": f.genmen_gaku,
        "nengaku": f.nengaku,
        "kibetsu": f.kibetsu,
        "nofu_bango": f.nofu_bango,
        "lines": f.lines,
        "reason": f.reason,
    }


def _sharyo(s: KeiSharyo) -> dict[str, Any]:
    return {
        "id": s.pk,
        "hyoshiki_bango": s.hyoshiki_bango,
        "shadai_bango": s.shadai_bango,
        "shubetsu": s.shubetsu,
        "shodo_kensa": s.shodo_kensa.isoformat()[:7] if s.shodo_kensa else None,
        "nenryo": s.nenryo,
        "hikennin": s.hikennin,
        "green_kubun": s.green_kubun,
    }


class KeiLookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="所有者・使用者の宛名番号")
    fiscal_year = serializers.IntegerField(min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX)


class KeiLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads(ATENA, ids="atena_ids[]", screen="api.zeimu.kei_lookup")

    @extend_schema(
        request=KeiLookupSerializer,
        responses={200: dict},
        summary="宛名番号で、その人が所有者・使用者である車両と年度の賦課を照会",
        operation_id="zeimu_kei_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = KeiLookupSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        found = atena_resolve(ser.validated_data["atena_no"])
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
            raise PermissionDenied(found.message)
        if not found.found:
            raise NotFound(found.message)
        atena_id = int(found.atena_id or 0)
        fy = ser.validated_data["fiscal_year"]
        sharyo_ids = set(
            KeiIdo.objects.filter(shoyusha_id=atena_id).values_list("sharyo_id", flat=True)
        ) | set(KeiIdo.objects.filter(shiyosha_id=atena_id).values_list("sharyo_id", flat=True))
        vehicles = list(
            KeiSharyo.objects.filter(pk__in=sharyo_ids).order_by("hyoshiki_bango", "pk")
        )
        fukas = {
            f.sharyo_id: f
            for f in KeiFuka.objects.filter(
                sharyo_id__in=sharyo_ids, fiscal_year=fy, is_current=True
            )
        }
        ids = {atena_id} | {f.nozeisha_id for f in fukas.values()}
        nos = _atena_nos(ids)
        body: dict[str, Any] = {
            "fiscal_year": fy,
            "atena_ids": sorted(ids),
            "results": [
                {
                    **_sharyo(s),
                    "fuka": _fuka(fukas[s.pk], nos) if s.pk in fukas else None,
                }
                for s in vehicles
            ],
        }
        if found.message:
            body["warning"] = found.message
        return Response(body)


class KeiSharyoView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(ATENA, ids="atena_ids[]", screen="api.zeimu.kei_sharyo", skip_empty=True)

    @extend_schema(
        responses={200: dict},
        summary="車両1台（種別・初度検査年月・異動の履歴・年度ごとの賦課）",
        operation_id="zeimu_kei_sharyo_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        s = KeiSharyo.objects.filter(pk=pk).first()
        if s is None:
            raise NotFound("車両が見つかりません。")
        idos = list(s.ido.order_by("ido_date", "id"))
        fukas = list(s.fuka.order_by("fiscal_year", "version"))
        ids = {i for ido in idos for i in (ido.shoyusha_id, ido.shiyosha_id) if i} | {
            f.nozeisha_id for f in fukas
        }
        nos = _atena_nos(ids)
        return Response(
            {
                **_sharyo(s),
                "atena_ids": sorted(ids),
                "ido": [
                    {
                        "kind": i.kind,
                        "ido_date": i.ido_date.isoformat(),
                        "todoke_date": i.todoke_date.isoformat(),
                        "shoyusha_atena_no": nos.get(i.shoyusha_id or 0, ""),
                        "shiyosha_atena_no": nos.get(i.shiyosha_id or 0, ""),
                        "shoyuken_ryuho": i.shoyuken_ryuho,
                    }
                    for i in idos
                ],
                "fuka": [_fuka(f, nos) for f in fukas],
            }
        )


class KeiShisanSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(
        min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX, help_text="年度（西暦、例 2026）"
    )
    shubetsu = serializers.ChoiceField(choices=KeiShubetsu.choices)
    shodo_kensa = serializers.DateField(
        required=False, allow_null=True, help_text="初度検査年月（その月の1日、例 2013-03-01）"
    )
    nenryo = serializers.ChoiceField(choices=KeiNenryo.choices, default=KeiNenryo.GASOLINE)
    hikennin = serializers.BooleanField(default=False)
    green_kubun = serializers.ChoiceField(
        choices=KeiGreenKubun.choices, default="", allow_blank=True
    )


class KeiShisanView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = NO_PERSONAL_DATA  # a vehicle's figures typed in, no person
    post_is_read = True

    @extend_schema(
        request=KeiShisanSerializer,
        responses={
            200: dict,
            422: rule_response("法令の値がない年度、または初度検査年月のない三輪・四輪など"),
        },
        summary="軽自動車税（種別割）の試算（保存しない）: 年税額・税率の区分・説明",
        operation_id="zeimu_kei_shisan",
    )
    def post(self, request: Request) -> Response:
        ser = KeiShisanSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        shodo = d.get("shodo_kensa")
        try:
            r = kei_shisan(
                fiscal_year=d["fiscal_year"],
                vehicle=SharyoInput(
                    shubetsu=d["shubetsu"],
                    shodo_kensa=shodo.replace(day=1) if shodo else None,
                    nenryo=d["nenryo"],
                    hikennin=d["hikennin"],
                    green_kubun=d["green_kubun"] or "",
                ),
            )
        except KeiRefused as exc:
            raise RuleRefused({"detail": str(exc)}) from exc
        return Response(
            {
                "fiscal_year": d["fiscal_year"],
                "zeigaku": r.zeigaku,
                "kubun": r.kubun,
                "kubun_label": r.kubun_label,
                "lines": list(r.lines),
            }
        )


class KeiKoseiSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(
        min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX, help_text="更正する年度（西暦）"
    )
    reason = TextField(max_length=200, help_text="更正の理由（200文字以内）")
    kosei_nouki = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "更正通知書の納期限（増えた税額の納期限、更正の日以後）。納税義務者の税額が増える"
            "更正（別の納税義務者への更正を含む）では必須、増えない更正では指定できない"
        ),
    )


class KeiKoseiView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = LOGGED_BY_SERVICE  # kei_kosei logs the new assessment by its ids

    @extend_schema(
        request=KeiKoseiSerializer,
        responses={
            201: dict,
            422: rule_response(
                "更正通知書の納期限（増額で未指定・減額で指定・更正の日より前）、"
                "計算し直しても変わらない、法令の値がない年度、賦課期日に所有者がいない"
            ),
        },
        summary=(
            "更正: 車両の年度の賦課を現在の台帳（異動）で計算し直し、変われば新しい賦課を作る"
            "（前の賦課は履歴、差額は収納へ）。同じ更正の二度目は変更なしとして422"
        ),
        operation_id="zeimu_kei_sharyo_kosei",
    )
    def post(self, request: Request, pk: int) -> Response:
        ser = KeiKoseiSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        if not KeiSharyo.objects.filter(pk=pk).exists():
            raise NotFound("車両が見つかりません。")
        d = ser.validated_data
        try:
            new = kei_kosei(
                sharyo_id=pk,
                fiscal_year=d["fiscal_year"],
                reason=d["reason"],
                kosei_nouki=d["kosei_nouki"],
                actor=actor_from_request(request),
            )
        except KeiRefused as exc:
            raise kosei_refusal(str(exc)) from exc
        body = _fuka(new, {})
        del body["nozeisha_atena_no"]  # ids only: the answer names no person
        body.update(
            {
                "sharyo_id": pk,
                "previous_id": KeiFuka.objects.filter(superseded_by=new)
                .values_list("pk", flat=True)
                .first(),
                "kosei_nouki": new.kosei_nouki.isoformat() if new.kosei_nouki else None,
            }
        )
        return Response(body, status=201)


urlpatterns: list[URLPattern] = [
    path("kei/lookup/", KeiLookupView.as_view(), name="api-zeimu-kei-lookup"),
    path("kei/sharyo/<int:pk>/", KeiSharyoView.as_view(), name="api-zeimu-kei-sharyo"),
    path("kei/shisan/", KeiShisanView.as_view(), name="api-zeimu-kei-shisan"),
    path("kei/sharyo/<int:pk>/kosei/", KeiKoseiView.as_view(), name="api-zeimu-kei-kosei"),
]
