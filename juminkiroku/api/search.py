"""REST API: 住民検索 (標準仕様書 2.1), mounted at /api/v1/juminkiroku/search/.

Criteria travel in the POST body, never in a URL. The access-log row (検索) carries the
kinds of criteria (never their values), the page and the ids shown on it.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.api.common import GYOMU
from juminkiroku.codes import Sex, Zokugara
from juminkiroku.selectors.person import status_label
from juminkiroku.selectors.search import (
    MATCH_MODES,
    MINYURYOKU,
    SHOJO_JIYU,
    CriteriaError,
    SearchPage,
    criteria_from_data,
    search_log_detail,
    search_page,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.wareki import format_wareki


class SearchRequestSerializer(serializers.Serializer):
    kana = TextField(required=False, allow_blank=True, max_length=100)
    name = TextField(required=False, allow_blank=True, max_length=100)
    birth_date = TextField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="西暦（1980-05-05）または和暦（昭和55年5月5日、S55.5.5）",
    )
    address = TextField(required=False, allow_blank=True, max_length=100)
    atena_no = TextField(required=False, allow_blank=True, max_length=12)
    juminhyo_code = TextField(required=False, allow_blank=True, max_length=13)
    kojin_bango = TextField(
        required=False, allow_blank=True, max_length=14, help_text="個人番号（12桁、完全一致）"
    )
    zairyu_card_no = TextField(
        required=False, allow_blank=True, max_length=14, help_text="在留カード等番号（完全一致）"
    )
    setai_no = TextField(required=False, allow_blank=True, max_length=12, help_text="世帯番号")
    kyuuji = TextField(
        required=False, allow_blank=True, max_length=50, help_text="旧氏（先頭一致）"
    )
    tsusho = TextField(
        required=False, allow_blank=True, max_length=100, help_text="通称（先頭一致）"
    )
    shojo_jiyu = serializers.ChoiceField(
        choices=[("", ""), *[(j.value, j.label) for j in SHOJO_JIYU]],
        required=False,
        help_text="消除事由（指定すると除票も検索）",
    )
    sex = serializers.ChoiceField(choices=[("", ""), *Sex.choices], required=False)
    zokugara = serializers.ChoiceField(
        choices=[("", ""), *Zokugara.choices], required=False, help_text="続柄"
    )
    jusho_code = TextField(required=False, allow_blank=True, max_length=20, help_text="住所コード")
    katagaki = TextField(
        required=False, allow_blank=True, max_length=100, help_text="方書（部分一致）"
    )
    minyuryoku = serializers.ChoiceField(
        choices=[("", ""), *MINYURYOKU.items()],
        required=False,
        help_text="未入力の項目（その項目が空の住民）",
    )
    match = serializers.ChoiceField(
        choices=list(MATCH_MODES.items()),
        required=False,
        default="prefix",
        help_text="氏名・カナの一致の方法（prefix 前方一致、exact 完全一致、contains 部分一致）",
    )
    include_johyo = serializers.BooleanField(required=False, default=False)
    include_rireki = serializers.BooleanField(
        required=False, default=False, help_text="氏名・住所を過去の履歴からも検索"
    )
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class SearchRowSerializer(serializers.Serializer):
    masked = serializers.BooleanField(help_text="照会抑止中（本人の情報は返しません）")
    alert = serializers.BooleanField(help_text="照会アラートあり")
    atena_id = serializers.IntegerField(allow_null=True)
    atena_no = serializers.CharField(allow_null=True)
    shimei = serializers.CharField(allow_null=True)
    shimei_kana = serializers.CharField(allow_null=True)
    birth_date = serializers.DateField(allow_null=True)
    birth_date_wareki = serializers.CharField(allow_null=True)
    sex = serializers.CharField(allow_null=True)
    sex_label = serializers.CharField(allow_null=True)
    jusho = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="該当件数（count_capped のときは上限値）")
    loose = serializers.BooleanField(
        help_text="先頭一致で該当がなく、空白の前を氏の先頭・後を名の一部として検索した"
    )
    count_capped = serializers.BooleanField(
        help_text="該当が上限（1,000件）を超えた。最初の上限件数だけをページ送りできる"
    )
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = SearchRowSerializer(many=True)


def _search_row(row: Any) -> dict[str, Any]:
    if row.masked:
        empty = dict.fromkeys(
            (
                "atena_id",
                "atena_no",
                "shimei",
                "shimei_kana",
                "birth_date",
                "birth_date_wareki",
                "sex",
                "sex_label",
                "jusho",
                "status",
            )
        )
        return {"masked": True, "alert": False, **empty}
    p = row.atena
    return {
        "masked": False,
        "alert": row.alert,
        "atena_id": p.pk,
        "atena_no": p.atena_no,
        "shimei": p.shimei,
        "shimei_kana": p.shimei_kana,
        "birth_date": p.birth_date.isoformat(),
        "birth_date_wareki": format_wareki(p.birth_date),
        "sex": p.sex,
        "sex_label": p.get_sex_display(),
        "jusho": f"{p.jusho}{p.banchi}" + (f" {p.katagaki}" if p.katagaki else ""),
        "status": status_label(p),
    }


class SearchAPIView(TenantAPIView):
    """住民検索: criteria in the body, 20 per page. Never returns 個人番号."""

    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads(
        "atena",
        action=AccessAction.SEARCH,
        ids="results[].atena_id",
        count="count",
        screen="API 住民検索",
    )

    @extend_schema(
        request=SearchRequestSerializer,
        responses={
            200: SearchResponseSerializer,
            400: OpenApiResponse(description="条件の誤り"),
            422: rule_response(
                "検索条件がない、または人が入力するとおりに読んで条件にならない"
                "（生年月日が日付でない、宛名番号・住民票コードが数字でない、など）"
            ),
        },
        summary="住民検索",
    )
    def post(self, request: Request) -> Response:
        body = SearchRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            criteria = criteria_from_data(data)
        except CriteriaError as exc:
            raise RuleRefused(
                {("non_field_errors" if k == "__all__" else k): v for k, v in exc.errors.items()}
            ) from exc
        result: SearchPage = search_page(criteria, data["page"])
        access_note(request, detail=search_log_detail(criteria, result))
        payload = {
            "count": result.count,
            "count_capped": result.count_capped,
            "loose": result.loose,
            "page": result.page,
            "num_pages": result.num_pages,
            "page_size": result.per_page,
            "results": [_search_row(r) for r in result.rows],
        }
        return Response(payload)  # built by hand like PersonAPIView's (a test checks the keys)


urlpatterns: list[URLPattern] = [
    path("search/", SearchAPIView.as_view(), name="jk-api-search"),
]
