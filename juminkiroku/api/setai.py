"""REST API: 世帯照会, now or as of a date, mounted at /api/v1/juminkiroku/setai/<pk>/.

A household under 照会抑止 is refused (403, logged); a member under 照会抑止 is returned
masked, without id, and is not in the access-log row's ids (nothing of theirs was shown).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.api.common import (
    DATE_RULE,
    GYOMU,
    DetailSerializer,
    parse_date,
    shokai_refused,
)
from juminkiroku.models import Setai
from juminkiroku.selectors.person import (
    MemberRow,
    household_members,
    household_members_on,
    setai_get,
    setai_shokai_blocked,
)
from tenants.accesslog.reads import Reads
from tenants.api.permissions import TenantAPIView


class MemberSerializer(serializers.Serializer):
    masked = serializers.BooleanField()
    atena_id = serializers.IntegerField(allow_null=True)
    shimei = serializers.CharField(allow_null=True)
    shimei_kana = serializers.CharField(allow_null=True)
    zokugara = serializers.CharField(allow_null=True)
    zokugara_label = serializers.CharField(allow_null=True)
    setai_order = serializers.IntegerField()
    birth_date = serializers.DateField(allow_null=True)
    sex = serializers.CharField(allow_null=True)


class SetaiResponseSerializer(serializers.Serializer):
    setai_id = serializers.IntegerField()
    setai_no = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    members = MemberSerializer(many=True)


def _member(m: MemberRow) -> dict[str, Any]:
    if m.masked:
        return {
            "masked": True,
            "atena_id": None,
            "shimei": None,
            "shimei_kana": None,
            "zokugara": None,
            "zokugara_label": None,
            "setai_order": m.person.setai_order,
            "birth_date": None,
            "sex": None,
        }
    p = m.person
    return {
        "masked": False,
        "atena_id": m.atena_id,
        "shimei": p.shimei,
        "shimei_kana": p.shimei_kana,
        "zokugara": p.zokugara,
        "zokugara_label": p.get_zokugara_display(),
        "setai_order": p.setai_order,
        "birth_date": p.birth_date,
        "sex": p.sex,
    }


class SetaiAPIView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(
        "setai",
        id_kwarg="pk",
        ids="members[].atena_id",
        ids_key="atena_ids",
        count=lambda data: max(1, len(data["members"])),
        detail=lambda data: {"as_of": data["as_of"]} if data["as_of"] else {},
        screen="API 世帯照会",
    )

    @extend_schema(
        parameters=[
            OpenApiParameter("on", str, required=False, description="基準日（省略時は現在）")
        ],
        responses={
            200: SetaiResponseSerializer,
            403: DetailSerializer,
            404: DetailSerializer,
            422: DATE_RULE,
        },
        summary="世帯照会（現在または基準日時点）",
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            setai: Setai = setai_get(pk)
        except Setai.DoesNotExist as exc:
            raise NotFound("世帯が見つかりません。") from exc
        if setai_shokai_blocked(setai.pk):
            return shokai_refused(request, record_type="setai", record_id=pk)
        on_text = request.query_params.get("on", "")
        as_of = parse_date(on_text, "on") if on_text else None
        members = household_members_on(setai.pk, as_of) if as_of else household_members(setai.pk)
        payload = {
            "setai_id": setai.pk,
            "setai_no": setai.setai_no,
            "as_of": as_of,
            "members": [_member(m) for m in members],
        }
        return Response(SetaiResponseSerializer(payload).data)


urlpatterns: list[URLPattern] = [
    path("setai/<int:pk>/", SetaiAPIView.as_view(), name="jk-api-setai"),
]
