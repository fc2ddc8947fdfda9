"""REST API: 住民照会, 個人番号 and 異動履歴 of one person, mounted at
/api/v1/juminkiroku/persons/<pk>/.

個人番号 is never in a response except from ``POST persons/<pk>/kojin-bango/``: a staff
session needs the 個人番号の表示 grant; an API client needs the scope
``juminkiroku:kojin_bango`` besides ``juminkiroku:read`` (or ``:write``), which the town's
administrator gives on its own, for a system registered for 個人番号利用事務. Without it
the answer is 403 and the number is absent (not masked): every other answer leaves the
field out and says only ``has_kojin_bango``. Each read is logged with
``mynumber_viewed``, each refusal as ``denied``. A person under 照会抑止 is refused (403),
and the refusal is logged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.api.common import GYOMU, DetailSerializer, person_or_404, shokai_refused
from juminkiroku.grants import Kengen
from juminkiroku.models import PERSON_FIELD_NAMES, Atena
from juminkiroku.selectors.johyo import is_moved, with_restored
from juminkiroku.selectors.person import history_entries, status_label
from tenants.accesslog.reads import Reads, access_refusal
from tenants.api.permissions import TenantAPIView
from tenants.grants.selectors import has_grant
from tenants.models.apiclient import KOJIN_BANGO_ACTION

KOJIN_BANGO_SCOPE = f"{GYOMU}:{KOJIN_BANGO_ACTION}"


class YokushiBadgeSerializer(serializers.Serializer):
    process = serializers.CharField()
    level = serializers.CharField()
    on_setai = serializers.BooleanField()


_PERSON_FIELDS = [n for n in PERSON_FIELD_NAMES if n not in ("kojin_bango", "setai_id")]


class PersonSerializer(serializers.ModelSerializer):
    """Every 住民票 item except 個人番号 (only ``has_kojin_bango`` says whether there is one)."""

    atena_id = serializers.IntegerField(source="pk")
    setai_id = serializers.IntegerField(allow_null=True)
    setai_no = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    has_kojin_bango = serializers.SerializerMethodField()

    class Meta:
        model = Atena
        fields = [
            "atena_id",
            "atena_no",
            *_PERSON_FIELDS,
            "setai_id",
            "setai_no",
            "status",
            "has_kojin_bango",
            "version",
        ]

    def get_setai_no(self, obj: Atena) -> str | None:
        return obj.setai.setai_no if obj.setai_id and obj.setai else None

    def get_status(self, obj: Atena) -> str:
        return status_label(obj)

    def get_has_kojin_bango(self, obj: Atena) -> bool:
        return bool(obj.kojin_bango)


class PersonResponseSerializer(serializers.Serializer):
    person = PersonSerializer()
    yokushi = YokushiBadgeSerializer(many=True)
    shien_sochi = serializers.BooleanField(help_text="支援措置の対象")


class KojinBangoSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    kojin_bango = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    name = serializers.CharField(source="field", help_text="項目（PersonFields の列名）")
    item = serializers.CharField(source="label", help_text="項目名")
    before = serializers.CharField()
    after = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    ido_no = serializers.CharField()
    jiyu = serializers.CharField()
    jiyu_label = serializers.CharField()
    ido_date = serializers.DateField()
    todoke_date = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    superseded = serializers.BooleanField()
    mark = serializers.CharField(help_text="無効になった版の理由（訂正・取消）")
    note = serializers.CharField()
    changes = ChangeSerializer(many=True)


def person_data(atena: Atena) -> dict[str, Any]:
    """The fields of PersonSerializer for one person (never 個人番号)."""
    data: dict[str, Any] = {"atena_id": atena.pk, "atena_no": atena.atena_no}
    for name in _PERSON_FIELDS:
        value = getattr(atena, name)
        data[name] = value.isoformat() if isinstance(value, date) else value
    data.update(
        setai_id=atena.setai_id,
        setai_no=atena.setai.setai_no if atena.setai_id and atena.setai else None,
        status=status_label(atena),
        has_kojin_bango=bool(atena.kojin_bango),
        version=atena.version,
    )
    return data


class PersonAPIView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads("atena", id_kwarg="pk", shown="person", screen="API 住民照会")

    @extend_schema(
        responses={200: PersonResponseSerializer, 403: DetailSerializer, 404: DetailSerializer},
        summary="住民照会（個人番号を除く）",
        description=(
            "個人番号は含みません（`has_kojin_bango` が記載の有無だけを示します）。"
            "個人番号は `POST persons/{id}/kojin-bango/` で、"
            f"スコープ `{KOJIN_BANGO_SCOPE}` を持つAPIキーだけが取得できます。"
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        atena, locks = person_or_404(pk)
        if locks.shokai_error:
            return shokai_refused(request, record_type="atena", record_id=pk)
        if is_moved(atena):  # 標準仕様書 9.3: a 除票 answered from the 除票用データベース
            atena = with_restored([atena])[0]
        payload = {
            "person": person_data(atena),
            "yokushi": [
                {"process": y.process, "level": y.level, "on_setai": y.setai_id is not None}
                for y in locks.yokushi
            ],
            "shien_sochi": bool(locks.shien),
        }
        # Built by hand: a ModelSerializer costs ~5 ms per call to set up its fields, a
        # quarter of the lookup's budget. PersonResponseSerializer documents the shape
        # (a test keeps the two in step).
        return Response(payload)


class PersonKojinBangoAPIView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads(
        "atena",
        id_kwarg="pk",
        shown="atena_id",
        mynumber="kojin_bango",
        screen="API 個人番号の表示",
    )

    @extend_schema(
        request=None,
        responses={200: KojinBangoSerializer, 403: DetailSerializer, 404: DetailSerializer},
        summary="個人番号の表示（記録されます）",
        description=(
            "住民照会で個人番号を返すのはこのエンドポイントだけです。APIキーにはスコープ "
            f"`{KOJIN_BANGO_SCOPE}`（管理画面の「住民基本台帳 個人番号の取得」）が、"
            "職員のセッションには操作権限「個人番号の表示」が必要です。"
            "ない場合は 403 で、個人番号は応答に含まれません（マスクした値も返しません）。"
            "取得のたびにアクセスログに「個人番号の閲覧」として記録されます。"
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        atena, locks = person_or_404(pk)
        if locks.shokai_error:
            return shokai_refused(request, record_type="atena", record_id=pk)
        client = getattr(request._request, "api_client", None)
        if client is not None and not client.may_read_kojin_bango(GYOMU):
            access_refusal(request, record_type="atena", record_id=pk, reason="no_scope")
            return Response(
                {
                    "detail": "このAPIキーには個人番号の取得が許可されていません"
                    "（住民基本台帳 個人番号の取得）。"
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        if client is None and not has_grant(
            getattr(request.user, "pk", None), Kengen.KOJIN_BANGO_VIEW
        ):
            access_refusal(request, record_type="atena", record_id=pk, reason="no_kengen")
            return Response(
                {"detail": "個人番号を表示する権限がありません。"},
                status=status.HTTP_403_FORBIDDEN,
            )
        if is_moved(atena):
            atena = with_restored([atena])[0]
        if not atena.kojin_bango:
            raise NotFound("個人番号が記載されていません。")
        return Response(
            KojinBangoSerializer({"atena_id": atena.pk, "kojin_bango": atena.kojin_bango}).data
        )


class PersonHistoryAPIView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(
        "atena",
        id_kwarg="pk",
        count=lambda entries: max(1, len(entries)),
        screen="API 異動履歴",
    )

    @extend_schema(
        responses={200: HistoryEntrySerializer(many=True), 403: DetailSerializer},
        summary="異動履歴（訂正・取消された版を含む）",
    )
    def get(self, request: Request, pk: int) -> Response:
        atena, locks = person_or_404(pk)
        if locks.shokai_error:
            return shokai_refused(request, record_type="atena", record_id=pk)
        return Response(HistoryEntrySerializer(history_entries(atena.pk), many=True).data)


urlpatterns: list[URLPattern] = [
    path("persons/<int:pk>/", PersonAPIView.as_view(), name="jk-api-person"),
    path(
        "persons/<int:pk>/kojin-bango/",
        PersonKojinBangoAPIView.as_view(),
        name="jk-api-person-kojin-bango",
    ),
    path("persons/<int:pk>/history/", PersonHistoryAPIView.as_view(), name="jk-api-person-history"),
]
