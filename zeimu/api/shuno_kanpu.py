"""REST API of 還付 and 口座振替 (issue 18 items 3, 4), mounted at /api/v1/zeimu/shuno/:

- ``kanpu/lookup/`` — a taxpayer's 還付 decisions (amount, 還付加算金, dates), by 宛名番号;
- ``koza/lookup/`` — a taxpayer's 口座振替 registrations with their history, by 宛名番号.

POSTs (the number in the body, never in a URL), read-only, access-logged.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.public import atena_resolve
from tenants.accesslog.reads import Reads, access_refusal
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Kanpu, KozaToroku

GYOMU = SHUNO_KANRI


class AtenaLookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="納税義務者の宛名番号")


def _atena_id(request: Request) -> int:
    body = AtenaLookupSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    found = atena_resolve(body.validated_data["atena_no"])
    if found.atena_id is not None and not found.found:
        access_refusal(
            request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
        )
        raise PermissionDenied(found.message)
    if not found.found or found.atena_id is None:
        raise NotFound(found.message)
    return found.atena_id


class KanpuLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads("atena", record_id="atena_id", screen="api.zeimu.shuno_kanpu")

    @extend_schema(
        request=AtenaLookupSerializer,
        responses={200: dict},
        summary="宛名番号で、納税義務者の還付（還付金・還付加算金・決定日・支払日）を照会",
        operation_id="zeimu_shuno_kanpu_lookup",
    )
    def post(self, request: Request) -> Response:
        atena_id = _atena_id(request)
        rows = Kanpu.objects.filter(atena_id=atena_id).select_related("kibetsu").order_by("pk")
        payload: dict[str, Any] = {
            "atena_id": atena_id,
            "kanpu": [
                {
                    "zeimoku": k.kibetsu.zeimoku,
                    "zeimoku_label": k.kibetsu.get_zeimoku_display(),
                    "nendo": k.kibetsu.nendo,
                    "ki_label": k.kibetsu.ki_label,
                    "nofu_bango": k.kibetsu.nofu_bango,
                    "kettei_date": k.kettei_date.isoformat(),
                    "shiharai_hoho": k.shiharai_hoho,
                    "shiharai_hoho_label": k.get_shiharai_hoho_display(),
                    "shiharai_date": k.shiharai_date.isoformat(),
                    "amount": k.amount,
                    "kasankin": k.kasankin,
                    "jiyu": k.jiyu,
                    "jiyu_label": k.get_jiyu_display(),
                }
                for k in rows
            ],
        }
        return Response(payload)


class KozaLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads("atena", record_id="atena_id", screen="api.zeimu.shuno_koza")

    @extend_schema(
        request=AtenaLookupSerializer,
        responses={200: dict},
        summary="宛名番号で、納税義務者の口座振替の登録（履歴を含む）を照会",
        operation_id="zeimu_shuno_koza_lookup",
    )
    def post(self, request: Request) -> Response:
        atena_id = _atena_id(request)
        rows = KozaToroku.objects.filter(atena_id=atena_id).order_by("zeimoku", "-kaishi_date")
        payload: dict[str, Any] = {
            "atena_id": atena_id,
            "toroku": [
                {
                    "zeimoku": t.zeimoku,
                    "zeimoku_label": t.get_zeimoku_display(),
                    "kinyu_kikan": t.kinyu_kikan,
                    "shiten": t.shiten,
                    "yokin_shumoku": t.yokin_shumoku,
                    "yokin_shumoku_label": t.get_yokin_shumoku_display(),
                    "koza_bango": t.koza_bango,
                    "meigi_kana": t.meigi_kana,
                    "kaishi_date": t.kaishi_date.isoformat(),
                    "teishi_date": t.teishi_date.isoformat() if t.teishi_date else None,
                    "teishi_reason": t.teishi_reason,
                    "source": t.source,
                }
                for t in rows
            ],
        }
        return Response(payload)


urlpatterns: list[URLPattern] = [
    path("shuno/kanpu/lookup/", KanpuLookupView.as_view(), name="api-zeimu-shuno-kanpu-lookup"),
    path("shuno/koza/lookup/", KozaLookupView.as_view(), name="api-zeimu-shuno-koza-lookup"),
]
