"""REST API of 障害者福祉: one 障害者手帳 with its history (GET), and the 心身障害者医療
試算 (POST, nothing saved, no person: any holder of the role). 要配慮個人情報: it answers
only a staff session holding the grant ``fukushi.grants_shogai.SHOGAI_TECHO``, with the
purpose of the read in the ``X-Purpose`` header (kept on the access-log row); everyone
else — an API key included — gets 404 for every id, existing or not."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.grants_shogai import SHOGAI_TECHO
from fukushi.gyomu import SHINSHIN_SHOGAISHA_IRYO, SHOGAISHA_FUKUSHI
from fukushi.models import ShinshinJukyusha, ShogaiTecho, TechoKind
from fukushi.selectors.shogai import techo_view
from fukushi.services.shinshin import ShinshinRefused, shinshin_shisan
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import NO_PERSONAL_DATA, Reads, access_note
from tenants.accesslog.services import access_record
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.grants.selectors import has_grant
from tenants.wareki import format_wareki


def granted(request: Request) -> bool:
    """A staff session (not an API key) whose user holds the grant."""
    user = request.user
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(request, "api_client", None) is None
        and has_grant(user.pk, SHOGAI_TECHO)
    )


class ShogaiTechoView(TenantAPIView):
    gyomu_code = SHOGAISHA_FUKUSHI
    access_reads = Reads(
        "fukushi.ShogaiTecho", id_kwarg="pk", shown="techo_bango", screen="api.fukushi.shogai_techo"
    )

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary="障害者手帳（等級・部位・有効期限と履歴）。操作権限「障害者福祉（手帳・手当・自立支援給付）・心身障害者医療の閲覧・登録」を持つ職員のみ",
        operation_id="fukushi_shogai_techo",
    )
    def get(self, request: Request, pk: int) -> Response:
        if not granted(request):
            raise Http404
        t = ShogaiTecho.objects.filter(pk=pk).first()
        if t is None:
            raise Http404
        purpose_of(request)
        v = techo_view(t)
        access_note(request, detail={"atena_ids": [t.atena_id]})
        body: dict[str, Any] = {
            "atena_no": v.atena_no,
            "kind": v.kind,
            "techo_bango": v.techo_bango,
            "tokyu": v.tokyu,
            "bui": v.bui,
            "kofu_date": v.kofu_date,
            "yuko_kigen": v.yuko_kigen,
            "jotai": v.jotai,
            "shuryo_date": v.shuryo_date,
            "rireki": [
                {
                    "kind": r.get_kind_display(),
                    "jiyu_date": r.jiyu_date,
                    "tokyu_mae": r.tokyu_mae,
                    "tokyu_ato": r.tokyu_ato,
                    "yuko_kigen_mae": r.yuko_kigen_mae,
                    "yuko_kigen_ato": r.yuko_kigen_ato,
                    "riyu": r.riyu,
                }
                for r in v.rireki
            ],
        }
        return Response(body)


class ShinshinJukyushaView(TenantAPIView):
    gyomu_code = SHINSHIN_SHOGAISHA_IRYO
    access_reads = Reads(
        "fukushi.ShinshinJukyusha",
        id_kwarg="pk",
        shown="jukyusha_bango",
        screen="api.fukushi.shinshin_jukyusha",
    )

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary=(
            "心身障害者医療 受給者証（番号・根拠・有効期間・状態と履歴）。"
            "操作権限「障害者福祉（手帳・手当・自立支援給付）・心身障害者医療の閲覧・登録」を持つ職員のみ"
        ),
        operation_id="fukushi_shinshin_jukyusha",
    )
    def get(self, request: Request, pk: int) -> Response:
        if not granted(request):
            raise Http404
        j = ShinshinJukyusha.objects.filter(pk=pk).first()
        if j is None:
            raise Http404
        purpose_of(request)
        access_note(request, detail={"atena_ids": [j.atena_id]})
        return Response(
            {
                "jukyusha_bango": j.jukyusha_bango,
                "konkyo": j.konkyo,
                "yuko_kaishi": j.yuko_kaishi,
                "yuko_shuryo": j.yuko_shuryo,
                "yuko_kikan": (
                    f"{format_wareki(j.yuko_kaishi)}から{format_wareki(j.yuko_shuryo)}まで"
                ),
                "jotai": j.get_jotai_display(),
                "rireki": [
                    {"kind": r.kind, "naiyo": r.naiyo, "created_at": r.created_at}
                    for r in j.rireki.all()
                ],
            }
        )


class ShinshinShisanSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="基準日")
    kind = serializers.ChoiceField(choices=TechoKind.choices, help_text="手帳の種類")
    tokyu = TextField(max_length=10, help_text="等級（身体・精神は数字）または療育の程度（例 A1）")
    age = serializers.IntegerField(min_value=0, max_value=130, help_text="年齢")
    shinki = serializers.BooleanField(default=True, help_text="新たに申請する（更新ではない）")
    gokei_shotoku = serializers.IntegerField(
        min_value=0, max_value=10**10, required=False, allow_null=True, default=None,
        help_text="本人の合計所得金額（円）。所得制限のある町で空なら「所得の資料がない」",
    )  # fmt: skip


class ShinshinShisanView(TenantAPIView):
    gyomu_code = SHINSHIN_SHOGAISHA_IRYO
    access_reads = NO_PERSONAL_DATA  # figures typed in, no person (the 試算 is logged as such)
    post_is_read = True

    @extend_schema(
        request=ShinshinShisanSerializer,
        responses={200: dict, 422: rule_response("この町の対象（条例で定める値）が未設定")},
        summary="心身障害者医療の対象の試算（この町の条例の対象・年齢・所得制限。保存しない）",
        operation_id="fukushi_shinshin_shisan",
    )
    def post(self, request: Request) -> Response:
        ser = ShinshinShisanSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            r = shinshin_shisan(
                day=d["day"],
                kind=d["kind"],
                tokyu=d["tokyu"].strip().upper(),
                age=d["age"],
                shinki=d["shinki"],
                gokei_shotoku=d["gokei_shotoku"],
            )
        except ShinshinRefused as exc:
            raise RuleRefused({"input": exc.errors}) from exc
        access_record(
            request=request,
            action=AccessAction.READ,
            gyomu=SHINSHIN_SHOGAISHA_IRYO,
            screen="api.fukushi.shinshin_shisan",
            record_type="fukushi.shinshin_shisan",
            record_count=0,
            detail={"day": d["day"].isoformat()},
        )
        return Response({"taisho": r.ok, "riyu": list(r.reasons)})


urlpatterns: list[URLPattern] = [
    path("techo/<int:pk>/", ShogaiTechoView.as_view(), name="api-fukushi-shogai-techo"),
    path(
        "shinshin/<int:pk>/", ShinshinJukyushaView.as_view(), name="api-fukushi-shinshin-jukyusha"
    ),
    path("shinshin/shisan/", ShinshinShisanView.as_view(), name="api-fukushi-shinshin-shisan"),
]
