"""REST API: 固定資産税・都市計画税 — a person's 納税義務者 (単独 and 共有) by 宛名番号
in a POST body, one 納税義務者's 名寄 with the year's assessment, a parcel, a house; and the
更正 of an assessment (write), through the screen's service ``kotei_kosei``.

Mounted at /api/v1/zeimu/kotei/. Paths carry internal ids only; every answer that names
owners is written to the access log with the ids of the 納税義務者 shown.
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
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads, access_refusal
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from zeimu.gyomu import KOTEI_SHISANZEI
from zeimu.models import KoteiFuka, KoteiKaoku, KoteiKyoyusha, KoteiNozeisha, KoteiTochi
from zeimu.services.common import KOSEI_NOUKI_PROBLEMS
from zeimu.services.kotei import KoteiRefused, kotei_kosei

GYOMU = KOTEI_SHISANZEI
NOZEISHA = "zeimu.KoteiNozeisha"
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100


def _owners(nozeisha_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = list(
        KoteiKyoyusha.objects.filter(nozeisha_id__in=nozeisha_ids).order_by(
            "nozeisha_id", "-is_daihyo", "id"
        )
    )
    people = person_identities(r.atena_id for r in rows)
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        p = people.get(r.atena_id)
        out.setdefault(r.nozeisha_id, []).append(
            {
                "atena_no": p.atena_no if p else "",
                "shimei": p.shimei if p else "",
                "mochibun": [r.mochibun_bunshi, r.mochibun_bunbo],
                "is_daihyo": r.is_daihyo,
            }
        )
    return out


FUKA_FIELDS = (
    "fiscal_year", "kind", "version", "tochi_hyojun", "kaoku_hyojun", "tochi_menzei",
    "kaoku_menzei", "kazei_hyojun_kotei", "kazei_hyojun_toshi", "sanshutsu_kotei",
    "shinchiku_genmen", "kotei_zeigaku", "toshi_zeigaku", "genmen_kotei", "genmen_toshi",
    "nengaku", "kibetsu", "meisai", "lines", "reason",
)  # fmt: skip


def _fuka(f: KoteiFuka | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {"id": f.pk, **{name: getattr(f, name) for name in FUKA_FIELDS}}


class KoteiLookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="所有者の宛名番号")
    fiscal_year = serializers.IntegerField(min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX)


class KoteiYearQuery(serializers.Serializer):
    fiscal_year = serializers.IntegerField(
        min_value=FISCAL_YEAR_MIN, max_value=FISCAL_YEAR_MAX, help_text="年度（西暦）"
    )


class NozeishaLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads(NOZEISHA, ids="results[].nozeisha_id", screen="api.zeimu.kotei_nozeisha")

    @extend_schema(
        request=KoteiLookupSerializer,
        responses={200: dict},
        summary="宛名番号で、その人が所有者である納税義務者（単独・共有）と年度の賦課を照会",
        operation_id="zeimu_kotei_nozeisha_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = KoteiLookupSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        found = atena_resolve(ser.validated_data["atena_no"])
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
            raise PermissionDenied(found.message)
        if not found.found:
            raise NotFound(found.message)
        fy = ser.validated_data["fiscal_year"]
        ids = sorted(
            set(
                KoteiKyoyusha.objects.filter(atena_id=int(found.atena_id or 0)).values_list(
                    "nozeisha_id", flat=True
                )
            )
        )
        fukas = {
            f.nozeisha_id: f
            for f in KoteiFuka.objects.filter(nozeisha_id__in=ids, fiscal_year=fy, is_current=True)
        }
        owners = _owners(ids)
        body: dict[str, Any] = {
            "fiscal_year": fy,
            "results": [
                {"nozeisha_id": n, "owners": owners.get(n, []), "fuka": _fuka(fukas.get(n))}
                for n in ids
            ],
        }
        if found.message:
            body["warning"] = found.message
        return Response(body)


class NozeishaDetailView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(NOZEISHA, ids="nozeisha_id", screen="api.zeimu.kotei_nozeisha")

    @extend_schema(
        parameters=[KoteiYearQuery],
        responses={200: dict},
        summary="名寄: 納税義務者1件の所有者・土地・家屋と年度の賦課（課税明細・期別つき）",
        operation_id="zeimu_kotei_nozeisha_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        query = KoteiYearQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        nozeisha = KoteiNozeisha.objects.filter(pk=pk).first()
        if nozeisha is None:
            raise NotFound("納税義務者が見つかりません。")
        fy = query.validated_data["fiscal_year"]
        return Response(
            {
                "nozeisha_id": pk,
                "kind": nozeisha.kind,
                "owners": _owners([pk]).get(pk, []),
                "tochi": [
                    {"id": t.pk, "shozai": t.shozai, "chiban": t.chiban}
                    for t in nozeisha.tochi.order_by("shozai", "chiban")
                ],
                "kaoku": [
                    {"id": h.pk, "shozai": h.shozai, "kaoku_bango": h.kaoku_bango}
                    for h in nozeisha.kaoku.order_by("shozai", "kaoku_bango")
                ],
                "fuka": _fuka(nozeisha.fuka.filter(fiscal_year=fy, is_current=True).first()),
            }
        )


class TochiDetailView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(NOZEISHA, ids="nozeisha_id", screen="api.zeimu.kotei_tochi")

    @extend_schema(responses={200: dict}, summary="土地1筆（地目・地積・価格の推移・所有者）")
    def get(self, request: Request, pk: int) -> Response:
        t = KoteiTochi.objects.filter(pk=pk).first()
        if t is None:
            raise NotFound("土地が見つかりません。")
        return Response(
            {
                "id": t.pk,
                "nozeisha_id": t.nozeisha_id,
                "shozai": t.shozai,
                "chiban": t.chiban,
                "toki_chimoku": t.toki_chimoku,
                "genkyo_chimoku": t.genkyo_chimoku,
                "chiseki": str(t.chiseki),
                "yochi_kubun": t.yochi_kubun,
                "jutaku_kosu": t.jutaku_kosu,
                "shigaika": t.shigaika,
                "kakaku": [
                    {
                        "fiscal_year": k.fiscal_year,
                        "kakaku": k.kakaku,
                        "zennen_kotei": k.zennen_kotei,
                        "zennen_toshi": k.zennen_toshi,
                    }
                    for k in t.kakaku.order_by("fiscal_year")
                ],
                "owners": _owners([t.nozeisha_id]).get(t.nozeisha_id, []),
            }
        )


class KaokuDetailView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(NOZEISHA, ids="nozeisha_id", screen="api.zeimu.kotei_kaoku")

    @extend_schema(responses={200: dict}, summary="家屋1棟（種類・構造・床面積・建築年月日・価格）")
    def get(self, request: Request, pk: int) -> Response:
        h = KoteiKaoku.objects.filter(pk=pk).first()
        if h is None:
            raise NotFound("家屋が見つかりません。")
        return Response(
            {
                "id": h.pk,
                "nozeisha_id": h.nozeisha_id,
                "shozai": h.shozai,
                "kaoku_bango": h.kaoku_bango,
                "shurui": h.shurui,
                "kozo": h.kozo,
                "kaisu": h.kaisu,
                "yuka_menseki": str(h.yuka_menseki),
                "kyoju_menseki": str(h.kyoju_menseki),
                "kosu": h.kosu,
                "shinchiku_date": h.shinchiku_date.isoformat(),
                "choki_yuryo": h.choki_yuryo,
                "shigaika": h.shigaika,
                "kakaku": [
                    {"fiscal_year": k.fiscal_year, "kakaku": k.kakaku}
                    for k in h.kakaku.order_by("fiscal_year")
                ],
                "owners": _owners([h.nozeisha_id]).get(h.nozeisha_id, []),
            }
        )


class KoteiKoseiSerializer(serializers.Serializer):
    reason = TextField(max_length=200, help_text="更正の理由（200文字以内）")
    kosei_nouki = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "更正通知書の納期限（増えた税額の納期限、更正の日以後）。税額が増える更正では必須、"
            "増えない更正（減額など）では指定できない"
        ),
    )


def kosei_refusal(message: str) -> RuleRefused:
    """A 更正 service's refusal as a 422 naming the field it is about: the 納期限 rule's
    messages (``zeimu.services.common.kosei_nouki_problem``) name ``kosei_nouki``; the
    others (nothing changes, a superseded assessment, no law data) are ``detail``."""
    if message in KOSEI_NOUKI_PROBLEMS:
        return RuleRefused({"kosei_nouki": [message]})
    return RuleRefused({"detail": message})


class KoteiKoseiView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = LOGGED_BY_SERVICE  # kotei_kosei logs the new assessment by its ids

    @extend_schema(
        request=KoteiKoseiSerializer,
        responses={
            201: dict,
            422: rule_response(
                "更正通知書の納期限（増額で未指定・減額で指定・更正の日より前）、"
                "計算し直しても税額が変わらない、更正済みの賦課"
            ),
        },
        summary=(
            "更正: 納税義務者の年度の賦課を現在の台帳で計算し直し、変われば新しい賦課を作る"
            "（前の賦課は履歴、差額は収納へ）。同じ更正の二度目は変更なしとして422"
        ),
        operation_id="zeimu_kotei_fuka_kosei",
    )
    def post(self, request: Request, pk: int) -> Response:
        ser = KoteiKoseiSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        old = KoteiFuka.objects.filter(pk=pk).only("pk").first()
        if old is None:
            raise NotFound("賦課が見つかりません。")
        try:
            new = kotei_kosei(
                fuka_id=pk,
                reason=ser.validated_data["reason"],
                kosei_nouki=ser.validated_data["kosei_nouki"],
                actor=actor_from_request(request),
            )
        except KoteiRefused as exc:
            raise kosei_refusal(str(exc)) from exc
        body = _fuka(new) or {}
        body.update(
            {
                "nozeisha_id": new.nozeisha_id,
                "previous_id": pk,
                "kosei_nouki": new.kosei_nouki.isoformat() if new.kosei_nouki else None,
            }
        )
        return Response(body, status=201)


urlpatterns: list[URLPattern] = [
    path("kotei/nozeisha/lookup/", NozeishaLookupView.as_view(), name="api-zeimu-kotei-lookup"),
    path("kotei/nozeisha/<int:pk>/", NozeishaDetailView.as_view(), name="api-zeimu-kotei-nozeisha"),
    path("kotei/tochi/<int:pk>/", TochiDetailView.as_view(), name="api-zeimu-kotei-tochi"),
    path("kotei/kaoku/<int:pk>/", KaokuDetailView.as_view(), name="api-zeimu-kotei-kaoku"),
    path("kotei/fuka/<int:pk>/kosei/", KoteiKoseiView.as_view(), name="api-zeimu-kotei-kosei"),
]
