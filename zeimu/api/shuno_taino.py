"""REST API of 滞納整理 (issue 18 item 6), mounted at /api/v1/zeimu/shuno/taino/:

- ``case/`` — one taxpayer's case by 宛名番号 (POST: the number in the body): every 期別 in
  arrears across every 税目 with its 督促日, 延滞金 to the day, 時効・消滅 and 執行停止, the
  担当者 and the history's kinds and dates (the 交渉記録's text stays on the screen).

Access-logged like the ledger lookup; refusals are ``{"detail": …}``.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils import timezone
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
from zeimu.services.shuno_taino import case_detail


class TainoCaseSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="滞納者の宛名番号")


def _d(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class TainoCaseView(TenantAPIView):
    gyomu_code = SHUNO_KANRI
    post_is_read = True
    access_reads = Reads("atena", record_id="atena_id", screen="api.zeimu.taino_case")

    @extend_schema(
        request=TainoCaseSerializer,
        responses={200: dict},
        summary="宛名番号で、滞納整理の事案（すべての税目の未納・延滞金・時効・経過）を照会",
        operation_id="zeimu_shuno_taino_case",
    )
    def post(self, request: Request) -> Response:
        body = TainoCaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = atena_resolve(body.validated_data["atena_no"])
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
            raise PermissionDenied(found.message)
        if not found.found or found.atena_id is None:
            raise NotFound(found.message)
        today = timezone.localdate()
        d = case_detail(found.atena_id, on=today)
        payload: dict[str, Any] = {
            "atena_id": found.atena_id,
            "on": today.isoformat(),
            "tanto": d.case.tanto_name if d.case else "",
            "mino": d.zan,
            "entaikin": d.entaikin,
            "kibetsu": [
                {
                    "kibetsu_id": x.arrear.kibetsu_id,
                    "zeimoku": x.arrear.zeimoku,
                    "zeimoku_label": x.arrear.zeimoku_label,
                    "nendo": x.arrear.nendo,
                    "ki_label": x.arrear.ki_label,
                    "nouki": _d(x.arrear.nouki),
                    "zan": x.arrear.zan,
                    "entaikin": x.entaikin,
                    "tokusoku": _d(x.tokusoku),
                    "shometsu": _d(x.shometsu.on),
                    "shometsu_reason": str(x.shometsu.reason),
                    "jiko_by": x.shometsu.jiko.by,
                    "jiko_yuyo": x.shometsu.jiko.yuyo,
                    "teishi": _d(x.shometsu.teishi_date),
                }
                for x in d.lines
            ],
            "keika": [
                {"on": _d(e.on), "kind": e.kind, "kind_label": e.get_kind_display()}
                for e in d.keika
            ],
        }
        return Response(payload)


urlpatterns: list[URLPattern] = [
    path("shuno/taino/case/", TainoCaseView.as_view(), name="api-zeimu-shuno-taino-case"),
]
