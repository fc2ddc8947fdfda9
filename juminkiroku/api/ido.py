"""REST API: 異動 (仮登録, 照会, 本登録, 差戻し).

Systems (API clients) may enter a 仮登録 (e.g. a kiosk or an online 届出 front end) with
scope ``juminkiroku:write``; 本登録 is a second person's review, so it is refused to API
clients and allowed to staff sessions holding the ``ido_approve`` grant.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.codes import IdoJiyu, IdoStatus, Sex
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Ido
from juminkiroku.selectors.ido import api_entered_by, idos_visible_to
from juminkiroku.selectors.saitennyu import saitennyu_candidates
from juminkiroku.services.ido import IdoError, PersonChange, ido_approve, ido_enter, ido_reject
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response

GYOMU = JUMINKIROKU
# What the registry refuses (juminkiroku.services.ido: IdoError), each with its message.
IDO_RULES = rule_response(
    "住民基本台帳の規則に合わない異動（異動者がいない、項目の値が正しくない、"
    "事由と世帯の指定が合わない、状態がこの操作を許さない、など）"
)


def _refusal(exc: IdoError) -> ValidationError:
    """A control character in a person's field is a 400, like anywhere in a body (the
    document's patterns say so: tenants.api.schema); the registry's rules are a 422."""
    text = [
        m
        for messages in exc.errors.values()
        for m in (messages if isinstance(messages, list) else [messages])
        if "制御文字" in str(m) or "改行やタブ" in str(m)  # tenants.text's messages
    ]
    return ValidationError(exc.errors) if text else RuleRefused(exc.errors)


class PersonChangeSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField(
        allow_null=True, help_text="既存の宛名ID（新規の人は null）"
    )
    fields = serializers.DictField(help_text="変更する項目（PersonFields の名前: 値）")  # type: ignore[assignment]
    confirmed_new = serializers.BooleanField(
        required=False,
        default=False,
        help_text="記載で、氏名・性別・生年月日が一致する除票・住登外の宛名があっても別人として"
        "新しい宛名をつくる（標準仕様書 4.1.1.2。番号が一致するときは指定しても拒否）",
    )
    saishu_toroku_jusho = TextField(
        label="最終登録住所地",
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="未届転入の最終登録住所地（住民票の記載事項ではない。標準仕様書 4.1.1.4）",
    )


class IdoCreateSerializer(serializers.Serializer):
    jiyu = serializers.ChoiceField(choices=[j for j in IdoJiyu.choices if j[0] != "T01"])
    ido_date = serializers.DateField()
    todoke_date = serializers.DateField(required=False, allow_null=True)
    persons = PersonChangeSerializer(many=True)
    setai_mode = serializers.ChoiceField(choices=["keep", "new", "existing"], default="keep")
    setai_id = serializers.IntegerField(required=False, allow_null=True)
    note = TextField(label="備考", required=False, allow_blank=True, max_length=200)
    acknowledged_alerts = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    tokurei = serializers.BooleanField(
        required=False,
        default=False,
        help_text="特例転出（マイナンバーカードによる転出。転出証明書情報をCSへ送る。"
        "標準仕様書 4.1.3.0.4）。転出（S01）のときだけ",
    )
    setainushi_fuzai_ok = serializers.BooleanField(
        required=False,
        default=False,
        help_text="世帯主が抜けて世帯員が2人以上残るとき、世帯主不在のまま異動する"
        "（標準仕様書 4.0.4）",
    )


class IdoSerializer(serializers.ModelSerializer):
    jiyu_label = serializers.CharField(source="get_jiyu_display")
    status_label = serializers.CharField(source="get_status_display")
    atena_ids = serializers.SerializerMethodField()

    class Meta:
        model = Ido
        fields = [
            "id",
            "ido_no",
            "jiyu",
            "jiyu_label",
            "ido_date",
            "todoke_date",
            "status",
            "status_label",
            "entered_by",
            "entered_at",
            "approved_by",
            "approved_at",
            "rejected_reason",
            "atena_ids",
        ]

    def get_atena_ids(self, obj: Ido) -> list[int]:
        return [t.atena_id for t in obj.targets.all()]


class RejectSerializer(serializers.Serializer):
    reason = TextField(label="差戻し理由", max_length=200)


def _visible(request: Request) -> QuerySet[Ido]:
    """The one visibility rule (``idos_visible_to``): a system sees the 仮登録 it entered
    itself and 本登録; a person their own 仮登録, or all when a reviewer."""
    client = getattr(request._request, "api_client", None)
    return idos_visible_to(
        user_id=request.user.pk if client is None else None,
        api_client_name=client.name if client is not None else None,
    ).prefetch_related("targets")


def _actor(request: Request) -> Any:
    actor = actor_from_request(request._request)
    client = getattr(request._request, "api_client", None)
    if client is not None:
        from dataclasses import replace

        actor = replace(actor, username=api_entered_by(client.name))
    return actor


class IdoListCreateView(TenantAPIView):
    gyomu_code = GYOMU
    checks_own_text = True  # TextField; person fields by clean_fields
    # The list shows which persons each 異動 concerns; a 仮登録 is logged by ido_enter.
    access_reads = {
        "GET": Reads(
            "ido",
            ids=lambda data: [row["id"] for row in data],
            detail=lambda data: {
                "atena_ids": sorted({a for row in data for a in row["atena_ids"]})
            },
            screen="API 異動一覧",
        ),
        "POST": LOGGED_BY_SERVICE,
    }

    @extend_schema(
        responses=IdoSerializer(many=True), summary="異動の一覧（仮登録は入力者と審査者のみ）"
    )
    def get(self, request: Request) -> Response:
        status_filter = request.query_params.get("status", IdoStatus.KARI)
        qs = _visible(request).filter(status=status_filter).order_by("-id")[:200]
        return Response(IdoSerializer(qs, many=True).data)

    @extend_schema(
        request=IdoCreateSerializer,
        responses={201: IdoSerializer, 422: IDO_RULES},
        summary="異動の仮登録",
    )
    def post(self, request: Request) -> Response:
        ser = IdoCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        try:
            ido = ido_enter(
                jiyu=data["jiyu"],
                ido_date=data["ido_date"],
                todoke_date=data.get("todoke_date"),
                changes=[
                    PersonChange(
                        p["atena_id"],
                        dict(p["fields"]),
                        confirmed_new=p.get("confirmed_new", False),
                        saishu_toroku_jusho=p.get("saishu_toroku_jusho", ""),
                    )
                    for p in data["persons"]
                ],
                setainushi_fuzai_ok=data.get("setainushi_fuzai_ok", False),
                tokurei=data.get("tokurei", False),
                setai_mode=data["setai_mode"],
                setai_id=data.get("setai_id"),
                note=data.get("note", ""),
                acknowledged_alerts=data.get("acknowledged_alerts") or [],
                actor=_actor(request),
            )
        except IdoError as exc:
            raise _refusal(exc) from exc
        return Response(IdoSerializer(ido).data, status=status.HTTP_201_CREATED)


class IdoDetailView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads("ido", id_kwarg="pk", shown="id", screen="API 異動照会")

    @extend_schema(responses=IdoSerializer, summary="異動の照会")
    def get(self, request: Request, pk: int) -> Response:
        ido = _visible(request).filter(pk=pk).first()
        if ido is None:
            raise NotFound()
        return Response(IdoSerializer(ido).data)


class IdoApproveView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = LOGGED_BY_SERVICE

    @extend_schema(
        request=None,
        responses={200: IdoSerializer, 422: IDO_RULES},
        summary="異動の本登録（審査者）",
    )
    def post(self, request: Request, pk: int) -> Response:
        if getattr(request._request, "api_client", None) is not None:
            raise PermissionDenied("本登録は審査者（職員）が画面から行います。")
        if not _visible(request).filter(pk=pk).exists():
            raise NotFound()
        try:
            ido = ido_approve(ido_id=pk, actor=_actor(request))
        except IdoError as exc:
            raise _refusal(exc) from exc
        return Response(IdoSerializer(ido).data)


class IdoRejectView(TenantAPIView):
    gyomu_code = GYOMU
    checks_own_text = True  # TextField
    access_reads = LOGGED_BY_SERVICE

    @extend_schema(
        request=RejectSerializer,
        responses={200: IdoSerializer, 422: IDO_RULES},
        summary="異動の差戻し",
    )
    def post(self, request: Request, pk: int) -> Response:
        ser = RejectSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        if not _visible(request).filter(pk=pk).exists():
            raise NotFound()
        try:
            ido = ido_reject(ido_id=pk, reason=ser.validated_data["reason"], actor=_actor(request))
        except IdoError as exc:
            raise _refusal(exc) from exc
        return Response(IdoSerializer(ido).data)


class SaitennyuCriteriaSerializer(serializers.Serializer):
    shimei = TextField(label="氏名", required=False, allow_blank=True, max_length=100)
    shimei_kana = TextField(label="氏名フリガナ", required=False, allow_blank=True, max_length=200)
    birth_date = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    juminhyo_code = TextField(label="住民票コード", required=False, allow_blank=True, max_length=11)
    kojin_bango = TextField(label="個人番号", required=False, allow_blank=True, max_length=12)
    zairyu_card_no = TextField(
        label="在留カード等番号", required=False, allow_blank=True, max_length=12
    )


class SaitennyuCandidateSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField()
    match = serializers.ChoiceField(
        choices=[("number", "番号が一致"), ("sanjoho", "氏名・性別・生年月日が一致")]
    )
    match_label = serializers.CharField()
    jotai = serializers.CharField()
    jotai_label = serializers.CharField()
    shimei = serializers.CharField()
    shimei_kana = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.CharField()
    jusho = serializers.CharField()
    shojo_date = serializers.DateField(allow_null=True)


class SaitennyuCandidatesView(TenantAPIView):
    """再転入者 (標準仕様書 4.1.1.2): the 除票 and 住登外 宛名 a 記載 should reuse. Criteria go
    in the body (POST), so names and numbers never reach a URL. A ``number`` match must be
    entered with its ``atena_id``; a ``sanjoho`` match with it, or with ``confirmed_new``."""

    gyomu_code = GYOMU
    checks_own_text = True  # TextField
    access_reads = {
        "POST": Reads(
            "atena", ids=lambda data: [row["atena_id"] for row in data], screen="API 再転入者照会"
        )
    }

    @extend_schema(
        request=SaitennyuCriteriaSerializer,
        responses=SaitennyuCandidateSerializer(many=True),
        summary="再転入者の候補（除票・住登外の宛名）",
    )
    def post(self, request: Request) -> Response:
        ser = SaitennyuCriteriaSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        if not any(
            data.get(k)
            for k in ("shimei", "shimei_kana", "juminhyo_code", "kojin_bango", "zairyu_card_no")
        ):
            raise ValidationError({"__all__": ["氏名・フリガナか番号を指定してください。"]})
        found = saitennyu_candidates(
            shimei=data.get("shimei", ""),
            shimei_kana=data.get("shimei_kana", ""),
            birth_date=data.get("birth_date"),
            sex=data.get("sex", ""),
            juminhyo_code=data.get("juminhyo_code", ""),
            kojin_bango=data.get("kojin_bango", ""),
            zairyu_card_no=data.get("zairyu_card_no", ""),
        )
        return Response(SaitennyuCandidateSerializer([asdict(c) for c in found], many=True).data)


urlpatterns = [
    path("ido/", IdoListCreateView.as_view(), name="api-jk-ido"),
    path(
        "ido/saitennyu-candidates/",
        SaitennyuCandidatesView.as_view(),
        name="api-jk-ido-saitennyu",
    ),
    path("ido/<int:pk>/", IdoDetailView.as_view(), name="api-jk-ido-detail"),
    path("ido/<int:pk>/approve/", IdoApproveView.as_view(), name="api-jk-ido-approve"),
    path("ido/<int:pk>/reject/", IdoRejectView.as_view(), name="api-jk-ido-reject"),
]
