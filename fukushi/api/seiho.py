"""REST API of 生活保護: the 試算 of the 最低生活費 (POST, nothing saved, no person) and one
case (GET). A case is 要配慮個人情報: it answers only a staff session holding the grant
``fukushi.grants_seiho.SEIHO_CASE``, with the purpose of the read in the ``X-Purpose``
header (kept on the access-log row); everyone else — an API key included — gets 404 for
every case id, existing or not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.grants_seiho import SEIHO_CASE
from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import SeihoCase
from fukushi.rules.seiho import SHOGAI_LABELS, TOKI_KU_LABELS
from fukushi.rules.seiho_kasan import NINSANPU_LABELS
from fukushi.rules.seiho_params import KYUCHI_LABELS
from fukushi.selectors.seiho import case_view
from fukushi.services.seiho import MemberInput, SeihoRefused, Setai, compute, meisai_json
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import NO_PERSONAL_DATA, Reads, access_note
from tenants.accesslog.services import access_record
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.grants.selectors import has_grant

YEN_MAX = 10**8
MAX_MEMBERS = 10


def _yen(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=YEN_MAX, default=0, help_text=help_text)


class ShisanMemberSerializer(serializers.Serializer):
    seinengappi = serializers.DateField(help_text="生年月日")
    shogai = serializers.ChoiceField(
        choices=[("", "なし"), *SHOGAI_LABELS.items()], default="", help_text="障害者加算"
    )
    shuro_shunyu = _yen("就労収入（月額・円）")
    shuro_keihi = _yen("就労の必要経費（月額・円）")
    shinki_shuro = serializers.BooleanField(default=False, help_text="新規就労控除の期間")
    sonota_shunyu = _yen("その他の収入（認定額・月額・円）")
    ninsanpu = serializers.ChoiceField(
        choices=[("", "なし"), *NINSANPU_LABELS.items()], default="", help_text="妊産婦加算の区分"
    )
    joji_zaitaku = serializers.BooleanField(
        default=False, help_text="療養のため常時在宅せざるを得ない（冬季加算の特別基準）"
    )
    kaigo_hokenryo = _yen("介護保険料加算: 普通徴収の介護保険料（月額・円、65歳以上）")


class ShisanSerializer(serializers.Serializer):
    kijunbi = serializers.DateField(help_text="計算する月のいずれかの日")
    kyuchi = serializers.ChoiceField(choices=list(KYUCHI_LABELS.items()), help_text="級地")
    toki_ku = serializers.ChoiceField(
        choices=list(TOKI_KU_LABELS.items()), help_text="冬季加算の地区（1〜6 = Ⅰ〜Ⅵ区）"
    )
    jutaku_chiiki = TextField(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="住宅扶助の地域（家賃があるとき。例 kanagawa_sonota）",
    )
    yachin = _yen("家賃（月額・円）")
    hitorioya = serializers.BooleanField(default=False, help_text="ひとり親世帯（母子加算）")
    toki_tokubetsu = serializers.BooleanField(
        default=False, help_text="冬季加算の特別基準（常時在宅の世帯員・乳児がいるとき1.3倍まで）"
    )
    shomenseki = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        default=None,
        help_text="住居の床面積（専有面積・㎡）。単身で15㎡以下は床面積別の限度額",
    )
    shomen_tadashigaki = serializers.BooleanField(
        default=False, help_text="床面積別の限度額によらない（社援発0414第9号のただし書）"
    )
    setaiin = serializers.ListField(
        child=ShisanMemberSerializer(),
        min_length=1,
        max_length=MAX_MEMBERS,
        help_text="世帯員",
    )


class SeihoShisanView(TenantAPIView):
    gyomu_code = SEIKATSU_HOGO
    access_reads = NO_PERSONAL_DATA  # figures typed in, no person (the 試算 is logged as such)
    post_is_read = True

    @extend_schema(
        request=ShisanSerializer,
        responses={
            200: dict,
            422: rule_response(
                "その月の生活保護基準が未登録、世帯員の生年月日が基準日より後、住宅扶助の地域が不明など"
            ),
        },
        summary="最低生活費・収入認定額・保護費の試算（保存しない）",
        operation_id="fukushi_seiho_shisan",
    )
    def post(self, request: Request) -> Response:
        ser = ShisanSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        members = d["setaiin"]
        births: dict[int, date] = {i: m["seinengappi"] for i, m in enumerate(members)}
        inputs = [
            MemberInput(
                atena_id=i,
                shogai=m["shogai"],
                shuro_shunyu=m["shuro_shunyu"],
                shuro_keihi=m["shuro_keihi"],
                shinki_shuro=m["shinki_shuro"],
                sonota_shunyu=m["sonota_shunyu"],
                ninsanpu=m["ninsanpu"],
                joji_zaitaku=m["joji_zaitaku"],
                kaigo_hokenryo=m["kaigo_hokenryo"],
            )
            for i, m in enumerate(members)
        ]
        setai = Setai(
            kyuchi=d["kyuchi"],
            toki_ku=d["toki_ku"],
            jutaku_chiiki=d["jutaku_chiiki"],
            yachin=d["yachin"],
            hitorioya=d["hitorioya"],
            toki_tokubetsu=d["toki_tokubetsu"],
            shomenseki=d["shomenseki"],
            shomen_tadashigaki=d["shomen_tadashigaki"],
        )
        try:
            r = compute(setai, inputs, births, d["kijunbi"])
        except SeihoRefused as exc:
            raise RuleRefused({"input": [exc.message]}) from exc
        access_record(
            request=request,
            action=AccessAction.READ,
            gyomu=SEIKATSU_HOGO,
            screen="api.fukushi.seiho_shisan",
            record_type="fukushi.seiho_shisan",
            record_count=0,
            detail={"kijunbi": d["kijunbi"].isoformat()},
        )
        return Response(
            {
                "saitei_seikatsuhi": r.saitei_seikatsuhi,
                "seikatsu_fujo": r.seikatsu_fujo,
                "kasan": r.kasan,
                "jutaku_fujo": r.jutaku_fujo,
                "shunyu_nintei": r.shunyu_nintei,
                "hogohi": r.hogohi,
                "yohi": r.yohi,
                "meisai": meisai_json(r),
                "unconfirmed": list(r.unconfirmed),
            }
        )


class SeihoCaseView(TenantAPIView):
    gyomu_code = SEIKATSU_HOGO
    access_reads = Reads(
        "fukushi.SeihoCase", id_kwarg="pk", shown="case_no", screen="api.fukushi.seiho_case"
    )

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary="生活保護ケース（世帯員・決定の履歴）。操作権限「生活保護ケースの閲覧・決定」を持つ職員のみ",
        operation_id="fukushi_seiho_case",
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request.user
        if not (
            getattr(user, "is_authenticated", False)
            and getattr(request, "api_client", None) is None
            and has_grant(user.pk, SEIHO_CASE)
        ):
            raise Http404
        case = SeihoCase.objects.filter(pk=pk).first()
        if case is None:
            raise Http404
        purpose_of(request)
        v = case_view(case)
        access_note(request, detail={"atena_ids": v.atena_ids})
        body: dict[str, Any] = {
            "case_no": v.case_no,
            "status": v.status,
            "kaishi_date": case.kaishi_date,
            "haishi_date": case.haishi_date,
            "kyuchi": v.kyuchi,
            "fujo": v.fujo,
            "members": [
                {
                    "atena_no": m.atena_no,
                    "from_date": m.from_date,
                    "to_date": m.to_date,
                }
                for m in v.members
            ],
            "ketteis": [
                {
                    "kind": k.get_kind_display(),
                    "tekiyo_date": k.tekiyo_date,
                    "kettei_date": k.kettei_date,
                    "riyu": k.riyu,
                    "saitei_seikatsuhi": k.saitei_seikatsuhi,
                    "shunyu_nintei": k.shunyu_nintei,
                    "hogohi": k.hogohi,
                }
                for k in v.ketteis
            ],
        }
        return Response(body)


urlpatterns: list[URLPattern] = [
    path("shisan/", SeihoShisanView.as_view(), name="api-fukushi-seiho-shisan"),
    path("cases/<int:pk>/", SeihoCaseView.as_view(), name="api-fukushi-seiho-case"),
]
