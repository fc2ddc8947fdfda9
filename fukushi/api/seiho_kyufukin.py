"""REST API of the 生活保護 給付金: 就労自立給付金 (生活保護法第55条の4) and 進学・就職準備給付金
(第55条の5) of one case — read (GET), 支給決定 (POST) and 支払 (POST), with the 徴収金 taken from
them on the household's 申出 (第78条の2第2項). The same rules as the screens
(fukushi/views/seiho_shuro.py) through the same services.

要配慮個人情報, as the case API (fukushi/api/seiho.py): only a staff session holding the grant
``fukushi.grants_seiho.SEIHO_CASE`` — everyone else, an API key included, gets 404 for every
case id, existing or not — and every call carries its purpose in ``X-Purpose``, kept on the
access-log row (a decision or a payment answers the row it wrote: logged as a read with the
purpose, beside the service's own 更新 row). Writing needs the 生活保護 業務's 更新 role."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.grants_seiho import SEIHO_CASE
from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import SeihoCase, SeihoShingakuKyufukin, SeihoShuroKyufukin, ShingakuKind
from fukushi.rules.seiho_shuro import Juto
from fukushi.services.seiho import SeihoRefused
from fukushi.services.seiho_shingaku import shingaku_kettei, shingaku_shiharai
from fukushi.services.seiho_shuro import shuro_kyufukin_kettei, shuro_kyufukin_shiharai
from juminkiroku.public import person_identities
from tenants.accesslog.reads import Reads, access_note
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.grants.selectors import has_grant

YEN_MAX = 10**8
RECORD_TYPE = "fukushi.SeihoCase"


def _granted(request: Request) -> bool:
    user = request.user
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(request, "api_client", None) is None
        and has_grant(user.pk, SEIHO_CASE)
    )


def _case(request: Request, pk: int) -> SeihoCase:
    """The case behind the wall (404 without the grant, existing or not), then the purpose."""
    if not _granted(request):
        raise Http404
    case = SeihoCase.objects.filter(pk=pk).first() if pk < 2**63 else None
    if case is None:
        raise Http404
    purpose_of(request)
    return case


def _refused(exc: SeihoRefused) -> RuleRefused:
    return RuleRefused({"detail": [exc.message]})


def _reads(screen: str) -> dict[str, Reads]:
    r = Reads(RECORD_TYPE, id_kwarg="pk", shown="case_no", screen=screen)
    return {"GET": r, "POST": r}


def _chosei(k: SeihoShuroKyufukin | SeihoShingakuKyufukin) -> dict[str, Any]:
    return {
        "chosei": k.chosei,
        "chosei_ho": k.chosei_henkan.get_ho_display() if k.chosei_henkan else None,
        "chosei_moshide_date": k.chosei_moshide_date,
        "shikyu_gaku": k.shikyu_gaku,
        "status": k.get_status_display(),
        "shiharai_date": k.shiharai_date,
    }


def shuro_json(k: SeihoShuroKyufukin) -> dict[str, Any]:
    return {
        "id": k.pk,
        "kettei_date": k.kettei_date,
        "shuro_jiyu": k.shuro_jiyu,
        "setai": "単身世帯" if k.tanshin else "複数世帯",
        "juto": k.juto,
        "gokei": k.gokei,
        "santei_ritsu": k.santei_ritsu,
        "santei": k.santei,
        "amount": k.amount,
        "uchiwake": k.uchiwake,
        **_chosei(k),
    }


def shingaku_json(k: SeihoShingakuKyufukin, atena_no: str) -> dict[str, Any]:
    return {
        "id": k.pk,
        "atena_no": atena_no,
        "kind": k.get_kind_display(),
        "jitakugai": k.jitakugai,
        "saki": k.saki,
        "shinsei_date": k.shinsei_date,
        "kettei_date": k.kettei_date,
        "shorei_riyu": k.shorei_riyu,
        "amount": k.amount,
        "uchiwake": k.uchiwake,
        **_chosei(k),
    }


class ChoseiFields(serializers.Serializer):
    chosei_henkan_id = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="給付金から徴収する徴収金（第77条の2・第78条）の決定のID。徴収しないときは空",
    )
    chosei_moshide_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="徴収の申出日"
    )
    chosei = serializers.IntegerField(
        min_value=0, max_value=YEN_MAX, default=0, help_text="給付金から徴収する額（円）"
    )


class JutoSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="月（その月の1日）")
    gaku = serializers.IntegerField(min_value=0, max_value=YEN_MAX, help_text="収入充当額（円）")


class ShuroKetteiSerializer(ChoseiFields):
    kettei_date = serializers.DateField(help_text="決定日")
    shuro_jiyu = TextField(
        max_length=200, help_text="保護を必要としなくなった事由（就職先・就労の状況）"
    )
    juto = serializers.ListField(
        child=JutoSerializer(), min_length=1, max_length=12, help_text="月ごとの収入充当額"
    )


class ShiharaiSerializer(serializers.Serializer):
    shiharai_date = serializers.DateField(help_text="支払日")


class ShingakuKetteiSerializer(ChoseiFields):
    atena_no = TextField(max_length=20, help_text="進学・就職する世帯員の宛名番号")
    kind = serializers.ChoiceField(choices=ShingakuKind.choices, help_text="進学・就職")
    jitakugai = serializers.BooleanField(default=False, help_text="転居して通学・通勤する")
    saki = TextField(max_length=100, help_text="進学先・就職先")
    shinsei_date = serializers.DateField(help_text="申請日")
    kettei_date = serializers.DateField(help_text="決定日")
    shorei_riyu = TextField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="18歳に達した日以後の最初の3月31日を過ぎた申請のとき、省令で定める者に当たる理由",
    )


REFUSALS = rule_response(
    "保護が廃止されていない・死亡や転出による廃止・決定が重複・世帯員でない・年齢の期限を過ぎた・"
    "額が未登録・徴収額が給付金や未納額を超える・支払済など（理由は日本語で返す）"
)


class ShuroKyufukinView(TenantAPIView):
    gyomu_code = SEIKATSU_HOGO
    access_reads = _reads("api.fukushi.seiho_shuro")

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary="就労自立給付金（生活保護法第55条の4）の支給決定と支払。操作権限「生活保護ケースの閲覧・決定」を持つ職員のみ",
        operation_id="fukushi_seiho_shuro_kyufukin",
    )
    def get(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        k = SeihoShuroKyufukin.objects.filter(case=case).select_related("chosei_henkan").first()
        access_note(request, detail={"atena_ids": [case.nushi_atena_id]})
        return Response({"case_no": case.case_no, "kyufukin": shuro_json(k) if k else None})

    @extend_schema(
        parameters=[PURPOSE],
        request=ShuroKetteiSerializer,
        responses={201: dict, 422: REFUSALS},
        summary="就労自立給付金の支給決定（ケースに1回。就労による保護廃止の後）",
        operation_id="fukushi_seiho_shuro_kyufukin_kettei",
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        ser = ShuroKetteiSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            k = shuro_kyufukin_kettei(
                case_id=case.pk,
                kettei_date=d["kettei_date"],
                shuro_jiyu=d["shuro_jiyu"],
                juto=[Juto(month=j["month"], gaku=j["gaku"]) for j in d["juto"]],
                actor=actor_from_request(request),
                chosei_henkan_id=d["chosei_henkan_id"],
                chosei_moshide_date=d["chosei_moshide_date"],
                chosei=d["chosei"],
            )
        except SeihoRefused as exc:
            raise _refused(exc) from exc
        access_note(request, detail={"atena_ids": [case.nushi_atena_id], "kind": "kettei"})
        return Response(
            {"case_no": case.case_no, "kyufukin": shuro_json(k)}, status=status.HTTP_201_CREATED
        )


class ShuroShiharaiView(TenantAPIView):
    gyomu_code = SEIKATSU_HOGO
    access_reads = _reads("api.fukushi.seiho_shuro")

    @extend_schema(
        parameters=[PURPOSE],
        request=ShiharaiSerializer,
        responses={200: dict, 422: REFUSALS},
        summary="就労自立給付金の支払（徴収の申出があれば先に徴収金へ充てる）",
        operation_id="fukushi_seiho_shuro_kyufukin_shiharai",
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        ser = ShiharaiSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            k = shuro_kyufukin_shiharai(
                case_id=case.pk,
                shiharai_date=ser.validated_data["shiharai_date"],
                actor=actor_from_request(request),
            )
        except SeihoRefused as exc:
            raise _refused(exc) from exc
        access_note(request, detail={"atena_ids": [case.nushi_atena_id], "kind": "shiharai"})
        return Response({"case_no": case.case_no, "kyufukin": shuro_json(k)})


def _atena_nos(ids: list[int]) -> dict[int, str]:
    return {i: p.atena_no for i, p in person_identities(ids).items()}


class ShingakuKyufukinView(TenantAPIView):
    gyomu_code = SEIKATSU_HOGO
    access_reads = _reads("api.fukushi.seiho_shingaku")

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary="進学・就職準備給付金（生活保護法第55条の5）の支給決定と支払。操作権限「生活保護ケースの閲覧・決定」を持つ職員のみ",
        operation_id="fukushi_seiho_shingaku_kyufukin",
    )
    def get(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        rows = list(case.shingakus.select_related("chosei_henkan").order_by("pk"))
        nos = _atena_nos([k.atena_id for k in rows])
        access_note(request, detail={"atena_ids": sorted({k.atena_id for k in rows})})
        return Response(
            {
                "case_no": case.case_no,
                "kyufukin": [shingaku_json(k, nos.get(k.atena_id, "")) for k in rows],
            }
        )

    @extend_schema(
        parameters=[PURPOSE],
        request=ShingakuKetteiSerializer,
        responses={201: dict, 422: REFUSALS},
        summary="進学・就職準備給付金の支給決定（一人に1回）",
        operation_id="fukushi_seiho_shingaku_kyufukin_kettei",
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        ser = ShingakuKetteiSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        member_ids = list(case.members.values_list("atena_id", flat=True).distinct())
        by_no = {no: i for i, no in _atena_nos(member_ids).items()}
        atena_id = by_no.get(d["atena_no"].strip())
        if atena_id is None:
            raise RuleRefused({"atena_no": ["このケースの世帯員の宛名番号ではありません。"]})
        try:
            k = shingaku_kettei(
                case_id=case.pk,
                atena_id=atena_id,
                kind=d["kind"],
                jitakugai=d["jitakugai"],
                saki=d["saki"],
                shinsei_date=d["shinsei_date"],
                kettei_date=d["kettei_date"],
                actor=actor_from_request(request),
                shorei_riyu=d["shorei_riyu"],
                chosei_henkan_id=d["chosei_henkan_id"],
                chosei_moshide_date=d["chosei_moshide_date"],
                chosei=d["chosei"],
            )
        except SeihoRefused as exc:
            raise _refused(exc) from exc
        access_note(request, detail={"atena_ids": [atena_id], "kind": "kettei"})
        return Response(
            {"case_no": case.case_no, "kyufukin": shingaku_json(k, d["atena_no"].strip())},
            status=status.HTTP_201_CREATED,
        )


class ShingakuShiharaiView(TenantAPIView):
    gyomu_code = SEIKATSU_HOGO
    access_reads = _reads("api.fukushi.seiho_shingaku")

    @extend_schema(
        parameters=[PURPOSE],
        request=ShiharaiSerializer,
        responses={200: dict, 422: REFUSALS},
        summary="進学・就職準備給付金の支払（徴収の申出があれば先に徴収金へ充てる）",
        operation_id="fukushi_seiho_shingaku_kyufukin_shiharai",
    )
    def post(self, request: Request, pk: int, kid: int) -> Response:
        case = _case(request, pk)
        ser = ShiharaiSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            k = shingaku_shiharai(
                case_id=case.pk,
                pk=kid,
                shiharai_date=ser.validated_data["shiharai_date"],
                actor=actor_from_request(request),
            )
        except SeihoRefused as exc:
            raise _refused(exc) from exc
        access_note(request, detail={"atena_ids": [k.atena_id], "kind": "shiharai"})
        nos = _atena_nos([k.atena_id])
        return Response(
            {"case_no": case.case_no, "kyufukin": shingaku_json(k, nos.get(k.atena_id, ""))}
        )


urlpatterns: list[URLPattern] = [
    path(
        "cases/<int:pk>/shuro-kyufukin/",
        ShuroKyufukinView.as_view(),
        name="api-fukushi-seiho-shuro",
    ),
    path(
        "cases/<int:pk>/shuro-kyufukin/shiharai/",
        ShuroShiharaiView.as_view(),
        name="api-fukushi-seiho-shuro-shiharai",
    ),
    path(
        "cases/<int:pk>/shingaku-kyufukin/",
        ShingakuKyufukinView.as_view(),
        name="api-fukushi-seiho-shingaku",
    ),
    path(
        "cases/<int:pk>/shingaku-kyufukin/<int:kid>/shiharai/",
        ShingakuShiharaiView.as_view(),
        name="api-fukushi-seiho-shingaku-shiharai",
    ),
]
