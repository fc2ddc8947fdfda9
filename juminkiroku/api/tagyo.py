"""REST API: other business systems register their items of a person (標準仕様書 7.2.2,
the API half of 7.2.1), mounted at /api/v1/juminkiroku/tagyo/.

``POST tagyo/`` carries the 宛名番号 in the body (never in the URL), the 業務 and exactly
its items; what is sent replaces what 住民記録 holds for that 業務 (an item left out
becomes empty), and the same items sent again change nothing. An API key needs the
scope ``juminkiroku:tagyo`` (「他業務情報の登録」), which read and write do not imply: a
国保 system may register its items without being able to enter a 異動. A staff session
needs the 更新 role of 住民記録. The write and its access-log row are one transaction
(juminkiroku.services.tagyo).
"""

from __future__ import annotations

from datetime import date

from django.core.validators import RegexValidator
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.api.common import GYOMU
from juminkiroku.models import Atena
from juminkiroku.models.tagyo import NenkinShubetsu, TagyoKind, TagyoKubun
from juminkiroku.rules.tagyo import tagyo_check
from juminkiroku.services.tagyo import TagyoError, tagyo_set
from tenants import tagyo
from tenants.accesslog.reads import LOGGED_BY_SERVICE
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.atena_bango import is_valid_number

TAGYO_ACTION = "tagyo"
TAGYO_SCOPE = f"{GYOMU}:{TAGYO_ACTION}"
_MONTH = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", "年月は YYYY-MM の形式にしてください。")


class TagyoInSerializer(serializers.Serializer):
    atena_no = TextField(
        label="宛名番号",
        max_length=12,
        validators=[RegexValidator(r"^\d{1,12}$", "宛名番号は数字で指定してください。")],
    )
    kind = serializers.ChoiceField(
        choices=TagyoKind.choices, help_text="業務（選挙人名簿、国保、後期、介護、年金、児童手当）"
    )
    gaito = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="該当の有無（選挙人名簿は登録の有無）。児童手当にはありません。",
    )
    shutoku_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="資格取得年月日（国保・後期・介護・年金）",
    )
    soshitsu_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="資格喪失年月日（国保・後期・介護・年金）",
    )
    kiso_nenkin_no = TextField(
        label="基礎年金番号",
        required=False,
        allow_blank=True,
        default="",
        max_length=10,
        validators=[RegexValidator(r"^\d{10}$", "基礎年金番号は10桁の数字にしてください。")],
        help_text="基礎年金番号（年金のみ、10桁）",
    )
    nenkin_shubetsu = serializers.ChoiceField(
        choices=NenkinShubetsu.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="被保険者種別（年金のみ）: 1 第1号、2 第2号、3 第3号、4 任意加入",
    )
    shubetsu_henko_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="種別変更年月日（年金のみ）"
    )
    kaishi_ym = TextField(
        label="受給開始年月",
        required=False,
        allow_blank=True,
        default="",
        max_length=7,
        validators=[_MONTH],
        help_text="受給開始年月 YYYY-MM（児童手当のみ）",
    )
    shuryo_ym = TextField(
        label="受給終了年月",
        required=False,
        allow_blank=True,
        default="",
        max_length=7,
        validators=[_MONTH],
        help_text="受給終了年月 YYYY-MM（児童手当のみ）",
    )
    shutsusho = TextField(
        label="送信元システム",
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="画面に出所として表示するシステム名。省略時はAPIキーのシステム名",
    )


class TagyoOutSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    kind = serializers.CharField()
    changed = serializers.BooleanField(help_text="登録内容が変わったか（同じ内容の再送は false）")
    gaito = serializers.BooleanField(allow_null=True)
    shutoku_date = serializers.DateField(allow_null=True)
    soshitsu_date = serializers.DateField(allow_null=True)
    kiso_nenkin_no = serializers.CharField()
    nenkin_shubetsu = serializers.CharField()
    shubetsu_henko_date = serializers.DateField(allow_null=True)
    kaishi_ym = serializers.CharField(allow_null=True, help_text="YYYY-MM")
    shuryo_ym = serializers.CharField(allow_null=True, help_text="YYYY-MM")


TAGYO_RULES = rule_response(
    "宛名番号の検査数字が誤り・該当する宛名がない、業務にない項目の指定、"
    "資格喪失年月日が資格取得年月日より前、受給終了年月が受給開始年月より前、"
    "種別変更年月日に被保険者種別がない"
)


def _month(text: str) -> date | None:
    return date.fromisoformat(f"{text}-01") if text else None


class TagyoRegisterView(TenantAPIView):
    gyomu_code = GYOMU
    # An API key needs juminkiroku:tagyo (GyomuPermission); a staff session the 更新 role.
    scope_action = TAGYO_ACTION
    checks_own_text = True  # TextField
    access_reads = LOGGED_BY_SERVICE

    @extend_schema(
        request=TagyoInSerializer,
        responses={200: TagyoOutSerializer, 422: TAGYO_RULES},
        summary="他業務情報の登録（選挙・国保・後期・介護・年金・児童手当）",
        description=(
            f"スコープ `{TAGYO_SCOPE}` が必要です（参照・更新には含まれません）。"
            "送った業務の項目で登録内容を置き換えます（省略した項目は空になります）。"
            "同じ内容の再送は何も変えません。被保険者証の記号番号・投票区などは受け付けません。"
        ),
    )
    def post(self, request: Request) -> Response:
        ser = TagyoInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        if not is_valid_number(data["atena_no"]):
            raise RuleRefused({"atena_no": ["宛名番号の検査数字が正しくありません。"]})
        atena_id = (
            Atena.objects.filter(atena_no=data["atena_no"]).values_list("pk", flat=True).first()
        )
        if atena_id is None:
            raise RuleRefused({"atena_no": ["宛名番号に該当する宛名がありません。"]})
        values = {n: data.get(n) for n in tagyo.ITEMS}
        values["kaishi_ym"] = _month(data["kaishi_ym"])
        values["shuryo_ym"] = _month(data["shuryo_ym"])
        # An item that is not the 業務's is refused by the rules (a 422, not a silent drop).
        clean, problems = tagyo_check(data["kind"], values)
        if problems:
            raise RuleRefused(problems)
        actor = actor_from_request(request._request)
        try:
            result = tagyo_set(
                atena_id=atena_id,
                kind=data["kind"],
                values=values,
                shutsusho=data["shutsusho"] or actor.api_client or actor.username,
                kubun=TagyoKubun.API,
                actor=actor,
            )
        except TagyoError as exc:
            raise RuleRefused(exc.errors) from exc
        body = {"atena_id": atena_id, "kind": data["kind"], "changed": result.changed}
        for name in tagyo.ITEMS:
            value = clean[name]
            if name in tagyo.MONTH_ITEMS:
                value = value.strftime("%Y-%m") if value else None
            body[name] = value
        return Response(TagyoOutSerializer(body).data)


urlpatterns: list[URLPattern] = [
    path("tagyo/", TagyoRegisterView.as_view(), name="jk_api_tagyo"),
]
