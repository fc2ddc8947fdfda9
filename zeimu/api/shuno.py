"""REST API of the 収納 ledger (issue 18 item 7), mounted at /api/v1/zeimu/shuno/:

- ``entaikin/`` — 延滞金 試算: what one 期別 (by its 納付番号) bears if paid in full on a day,
  segment by segment (nothing is saved);
- ``lookup/`` — a taxpayer's 期別 across every 税目 with their balances, by 宛名番号;
- ``hojin-lookup/`` — a corporation's 期別 (法人住民税・事業所税) with their balances, by 法人番号.

Both are POSTs (numbers in the body, never in a URL) and write the access log; refusals are
dicts (``{"detail": …}`` or the serializer's field errors).
"""

from __future__ import annotations

from datetime import date
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
from tenants.api.rules import RuleRefused, rule_response
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Hojin, Kibetsu
from zeimu.public import kibetsu_zan
from zeimu.rules.hojin import hojin_bango_problem
from zeimu.services.shuno import balances, entaikin_of, nofu_bango_valid, taxpayer_balances

GYOMU = SHUNO_KANRI
DAY_MIN, DAY_MAX = date(2000, 1, 1), date(2100, 12, 31)


class EntaikinShisanSerializer(serializers.Serializer):
    nofu_bango = TextField(min_length=20, max_length=20, help_text="納付番号（20桁、検査数字つき）")
    paid_on = serializers.DateField(help_text="納付（予定）日（2000〜2100年）")


class ShunoLookupSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="納税義務者の宛名番号")
    on = serializers.DateField(
        required=False, help_text="この日の残高（2000〜2100年。省略: すべての記録）"
    )


class HojinShunoLookupSerializer(serializers.Serializer):
    hojin_bango = TextField(min_length=13, max_length=13, help_text="法人番号（13桁）")
    on = serializers.DateField(
        required=False, help_text="この日の残高（2000〜2100年。省略: すべての記録）"
    )


def _in_range(name: str, value: date | None) -> None:
    """A date the document allows but the ledger does not hold: 422 (no schema states it)."""
    if value is not None and not DAY_MIN <= value <= DAY_MAX:
        raise RuleRefused({name: ["日付は2000年から2100年の間で指定してください。"]})


class EntaikinView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads("zeimu.Kibetsu", record_id="kibetsu_id", screen="api.zeimu.shuno_entaikin")

    @extend_schema(
        request=EntaikinShisanSerializer,
        responses={
            200: dict,
            422: rule_response(
                "納付番号の検査数字の誤り、2000〜2100年の外の日、その年の延滞金の割合が未登録"
            ),
        },
        summary="延滞金の試算（納付番号の期別を指定日に全額納付した場合。保存しない）",
        operation_id="zeimu_shuno_entaikin",
    )
    def post(self, request: Request) -> Response:
        body = EntaikinShisanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not nofu_bango_valid(body.validated_data["nofu_bango"]):
            raise RuleRefused(
                {"nofu_bango": ["納付番号は20桁の数字で、検査数字が正しいものを指定してください。"]}
            )
        _in_range("paid_on", body.validated_data["paid_on"])
        kib = Kibetsu.objects.filter(nofu_bango=body.validated_data["nofu_bango"]).first()
        if kib is None:
            raise NotFound("この納付番号の期別はありません。")
        paid_on = body.validated_data["paid_on"]
        try:
            result = entaikin_of(kib.pk, paid_on=paid_on)
        except ValueError as exc:
            raise RuleRefused({"paid_on": [str(exc)]}) from None
        zan = balances([kib.pk], on=paid_on)[kib.pk]
        payload: dict[str, Any] = {
            "kibetsu_id": kib.pk,
            "nofu_bango": kib.nofu_bango,
            "zeimoku": kib.zeimoku,
            "zeimoku_label": kib.get_zeimoku_display(),
            "nendo": kib.nendo,
            "ki_label": kib.ki_label,
            "nouki": kib.nouki.isoformat(),
            "paid_on": paid_on.isoformat(),
            "zan": zan.zan,
            "segments": [
                {
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "days": s.days,
                    "base": s.base,
                    # per year, as 万分率 (280 = 2.8%)
                    "rate_man": int(s.rate * 10_000),
                    "later": s.later,
                    # the tax owed that a 除算期間 (地方税法第321条の2第3項・第4項) leaves out
                    "josan": s.josan,
                    "amount": s.amount,
                }
                for s in result.segments
            ],
            "total_raw": result.total_raw,
            "entaikin": result.entaikin,
        }
        return Response(payload)


class ShunoLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads("atena", record_id="atena_id", screen="api.zeimu.shuno_lookup")

    @extend_schema(
        request=ShunoLookupSerializer,
        responses={200: dict, 422: rule_response("2000〜2100年の外の日")},
        summary="宛名番号で、納税義務者の期別（すべての税目）と残高を照会",
        operation_id="zeimu_shuno_lookup",
    )
    def post(self, request: Request) -> Response:
        body = ShunoLookupSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _in_range("on", body.validated_data.get("on"))
        found = atena_resolve(body.validated_data["atena_no"])
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
            raise PermissionDenied(found.message)
        if not found.found or found.atena_id is None:
            raise NotFound(found.message)
        on = body.validated_data.get("on")
        rows = kibetsu_zan(found.atena_id, on=on)
        payload: dict[str, Any] = {
            "atena_id": found.atena_id,
            "on": on.isoformat() if on else None,
            "kibetsu": [
                {
                    "zeimoku": str(z.zeimoku),
                    "zeimoku_label": z.zeimoku.label,
                    "nendo": z.nendo,
                    "ki_label": z.ki_label,
                    "nouki": z.nouki.isoformat(),
                    "nofu_bango": z.nofu_bango,
                    "chotei": z.chotei,
                    "shuno": z.shuno,
                    "zan": z.zan,
                }
                for z in rows
            ],
            "mino": sum(z.zan for z in rows if z.zan > 0),
            "kagono": -sum(z.zan for z in rows if z.zan < 0),
        }
        if found.message:
            payload["warning"] = found.message
        return Response(payload)


class HojinShunoLookupView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    # a corporation's tax affairs are confidential (地方税法第22条): the read is logged
    access_reads = Reads("zeimu.Hojin", record_id="hojin_id", screen="api.zeimu.shuno_hojin")

    @extend_schema(
        request=HojinShunoLookupSerializer,
        responses={
            200: dict,
            422: rule_response("法人番号の検査数字の誤り、2000〜2100年の外の日"),
        },
        summary="法人番号で、法人の期別（法人住民税・事業所税）と残高を照会",
        operation_id="zeimu_shuno_hojin_lookup",
    )
    def post(self, request: Request) -> Response:
        body = HojinShunoLookupSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        bango = body.validated_data["hojin_bango"]
        problem = hojin_bango_problem(bango)
        if problem:
            raise RuleRefused({"hojin_bango": [problem]})
        on = body.validated_data.get("on")
        _in_range("on", on)
        hojin = Hojin.objects.filter(hojin_bango=bango).first()
        if hojin is None:
            raise NotFound("その法人番号の法人は登録されていません。")
        rows = taxpayer_balances(None, on=on, hojin_bango=bango)
        return Response(
            {
                "hojin_id": hojin.pk,
                "hojin_bango": bango,
                "on": on.isoformat() if on else None,
                "kibetsu": [
                    {
                        "zeimoku": k.zeimoku,
                        "zeimoku_label": k.get_zeimoku_display(),
                        "nendo": k.nendo,
                        "ki_label": k.ki_label,
                        "nouki": k.nouki.isoformat(),
                        "nofu_bango": k.nofu_bango,
                        "chotei": b.chotei,
                        "shuno": b.shuno,
                        "zan": b.zan,
                    }
                    for k, b in rows
                ],
                "mino": sum(b.zan for _, b in rows if b.zan > 0),
                "kagono": -sum(b.zan for _, b in rows if b.zan < 0),
            }
        )


urlpatterns: list[URLPattern] = [
    path("shuno/entaikin/", EntaikinView.as_view(), name="api-zeimu-shuno-entaikin"),
    path("shuno/lookup/", ShunoLookupView.as_view(), name="api-zeimu-shuno-lookup"),
    path(
        "shuno/hojin-lookup/", HojinShunoLookupView.as_view(), name="api-zeimu-shuno-hojin-lookup"
    ),
]
