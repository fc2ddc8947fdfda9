"""REST API: 住民検索, 住民照会, 個人番号, 異動履歴, 世帯, and the as-of resident list.

Mounted at /api/v1/juminkiroku/. Criteria, dates of an extraction and reveals are POST
bodies; ids are the only things in paths. Every call logs with record ids.

個人番号 is never in a response except from ``POST persons/<pk>/kojin-bango/``: a staff
session needs the 個人番号の表示 grant; an API client needs the ``juminkiroku:read``
scope (systems are registered for 個人番号利用事務 when their key is issued). Either way
the row is logged with ``mynumber_viewed``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.codes import Sex
from juminkiroku.grants import Kengen
from juminkiroku.models import PERSON_FIELD_NAMES, Atena, Setai
from juminkiroku.selectors.asof import residents_on
from juminkiroku.selectors.person import (
    MemberRow,
    PersonLocks,
    history_entries,
    household_members,
    household_members_on,
    person_with_locks,
    setai_get,
    setai_shokai_blocked,
    status_label,
)
from juminkiroku.selectors.search import (
    CriteriaError,
    SearchPage,
    criteria_from_data,
    search_log_detail,
    search_page,
    shokai_flags_for,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import access_record
from tenants.api.permissions import TenantAPIView
from tenants.grants.selectors import has_grant
from tenants.wareki import format_wareki, parse_wareki

GYOMU = "juminkiroku"
SHOKAI_YOKUSHI_MESSAGE = "照会抑止が設定されています"
RESIDENTS_PAGE_SIZE = 500


# --- serializers -------------------------------------------------------------------


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SearchRequestSerializer(serializers.Serializer):
    kana = serializers.CharField(required=False, allow_blank=True, max_length=100)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    birth_date = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="西暦（1980-05-05）または和暦（昭和55年5月5日、S55.5.5）",
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=100)
    atena_no = serializers.CharField(required=False, allow_blank=True, max_length=12)
    juminhyo_code = serializers.CharField(required=False, allow_blank=True, max_length=13)
    sex = serializers.ChoiceField(choices=[("", ""), *Sex.choices], required=False)
    include_johyo = serializers.BooleanField(required=False, default=False)
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


class ResidentsOnRequestSerializer(serializers.Serializer):
    date = serializers.CharField(max_length=20, help_text="基準日（西暦または和暦）")
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class ResidentSerializer(serializers.Serializer):
    """One resident's version valid on the date (no 個人番号)."""

    atena_id = serializers.IntegerField()
    setai_id = serializers.IntegerField(allow_null=True)
    shimei = serializers.CharField()
    shimei_kana = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.CharField()
    shubetsu = serializers.CharField()
    postal_code = serializers.CharField()
    jusho_code = serializers.CharField()
    jusho = serializers.CharField()
    banchi = serializers.CharField()
    katagaki = serializers.CharField()
    zokugara = serializers.CharField()
    setai_order = serializers.IntegerField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    shokai_yokushi = serializers.BooleanField(help_text="照会抑止（エラー）中の住民")


class ResidentsOnResponseSerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = ResidentSerializer(many=True)


# --- helpers ---------------------------------------------------------------------


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


def _purpose(request: Request) -> str:
    return request.headers.get("X-Purpose", "")[:200]


def _person_or_404(pk: int) -> tuple[Atena, PersonLocks]:
    try:
        return person_with_locks(pk)
    except Atena.DoesNotExist as exc:
        raise NotFound("宛名が見つかりません。") from exc


def _denied(
    request: Request, *, screen: str, record_type: str, record_id: int, reason: str
) -> Response:
    access_record(
        request=request._request,
        action=AccessAction.DENIED,
        gyomu=GYOMU,
        screen=screen,
        record_type=record_type,
        record_id=record_id,
        detail={"reason": reason},
    )
    return Response({"detail": SHOKAI_YOKUSHI_MESSAGE}, status=status.HTTP_403_FORBIDDEN)


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


def _parse_date(text: str, field: str) -> date:
    try:
        return parse_wareki(text)
    except ValueError as exc:
        raise ValidationError({field: [str(exc)]}) from exc


# --- views -----------------------------------------------------------------------


class SearchAPIView(TenantAPIView):
    """住民検索: criteria in the body, 20 per page. Never returns 個人番号."""

    gyomu_code = GYOMU
    post_is_read = True

    @extend_schema(
        request=SearchRequestSerializer,
        responses={200: SearchResponseSerializer, 400: OpenApiResponse(description="条件の誤り")},
        summary="住民検索",
    )
    def post(self, request: Request) -> Response:
        body = SearchRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            criteria = criteria_from_data(data)
        except CriteriaError as exc:
            raise ValidationError(
                {("non_field_errors" if k == "__all__" else k): v for k, v in exc.errors.items()}
            ) from exc
        result: SearchPage = search_page(criteria, data["page"])
        access_record(
            request=request._request,
            action=AccessAction.SEARCH,
            gyomu=GYOMU,
            screen="API 住民検索",
            record_type="atena",
            record_count=result.count,
            purpose=_purpose(request),
            detail=search_log_detail(criteria, result),
        )
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


class PersonAPIView(TenantAPIView):
    gyomu_code = GYOMU

    @extend_schema(
        responses={200: PersonResponseSerializer, 403: DetailSerializer, 404: DetailSerializer},
        summary="住民照会（個人番号を除く）",
    )
    def get(self, request: Request, pk: int) -> Response:
        atena, locks = _person_or_404(pk)
        if locks.shokai_error:
            return _denied(
                request,
                screen="API 住民照会",
                record_type="atena",
                record_id=pk,
                reason="shokai_yokushi",
            )
        access_record(
            request=request._request,
            action=AccessAction.READ,
            gyomu=GYOMU,
            screen="API 住民照会",
            record_type="atena",
            record_id=atena.pk,
            purpose=_purpose(request),
        )
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

    @extend_schema(
        request=None,
        responses={200: KojinBangoSerializer, 403: DetailSerializer, 404: DetailSerializer},
        summary="個人番号の表示（記録されます）",
    )
    def post(self, request: Request, pk: int) -> Response:
        atena, locks = _person_or_404(pk)
        if locks.shokai_error:
            return _denied(
                request,
                screen="API 個人番号の表示",
                record_type="atena",
                record_id=pk,
                reason="shokai_yokushi",
            )
        is_client = getattr(request._request, "api_client", None) is not None
        if not is_client and not has_grant(
            getattr(request.user, "pk", None), Kengen.KOJIN_BANGO_VIEW
        ):
            access_record(
                request=request._request,
                action=AccessAction.DENIED,
                gyomu=GYOMU,
                screen="API 個人番号の表示",
                record_type="atena",
                record_id=pk,
                detail={"reason": "no_kengen"},
            )
            return Response(
                {"detail": "個人番号を表示する権限がありません。"},
                status=status.HTTP_403_FORBIDDEN,
            )
        if not atena.kojin_bango:
            raise NotFound("個人番号が記載されていません。")
        access_record(
            request=request._request,
            action=AccessAction.READ,
            gyomu=GYOMU,
            screen="API 個人番号の表示",
            record_type="atena",
            record_id=pk,
            mynumber_viewed=True,
            purpose=_purpose(request),
        )
        return Response(
            KojinBangoSerializer({"atena_id": atena.pk, "kojin_bango": atena.kojin_bango}).data
        )


class PersonHistoryAPIView(TenantAPIView):
    gyomu_code = GYOMU

    @extend_schema(
        responses={200: HistoryEntrySerializer(many=True), 403: DetailSerializer},
        summary="異動履歴（訂正・取消された版を含む）",
    )
    def get(self, request: Request, pk: int) -> Response:
        atena, locks = _person_or_404(pk)
        if locks.shokai_error:
            return _denied(
                request,
                screen="API 異動履歴",
                record_type="atena",
                record_id=pk,
                reason="shokai_yokushi",
            )
        entries = history_entries(atena.pk)
        access_record(
            request=request._request,
            action=AccessAction.READ,
            gyomu=GYOMU,
            screen="API 異動履歴",
            record_type="atena",
            record_id=atena.pk,
            record_count=max(1, len(entries)),
            purpose=_purpose(request),
        )
        return Response(HistoryEntrySerializer(entries, many=True).data)


class SetaiAPIView(TenantAPIView):
    gyomu_code = GYOMU

    @extend_schema(
        parameters=[
            OpenApiParameter("on", str, required=False, description="基準日（省略時は現在）")
        ],
        responses={200: SetaiResponseSerializer, 403: DetailSerializer, 404: DetailSerializer},
        summary="世帯照会（現在または基準日時点）",
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            setai: Setai = setai_get(pk)
        except Setai.DoesNotExist as exc:
            raise NotFound("世帯が見つかりません。") from exc
        if setai_shokai_blocked(setai.pk):
            return _denied(
                request,
                screen="API 世帯照会",
                record_type="setai",
                record_id=pk,
                reason="shokai_yokushi",
            )
        on_text = request.query_params.get("on", "")
        as_of = _parse_date(on_text, "on") if on_text else None
        members = household_members_on(setai.pk, as_of) if as_of else household_members(setai.pk)
        detail: dict[str, Any] = {"atena_ids": [m.atena_id for m in members if not m.masked]}
        if as_of:
            detail["as_of"] = as_of.isoformat()
        access_record(
            request=request._request,
            action=AccessAction.READ,
            gyomu=GYOMU,
            screen="API 世帯照会",
            record_type="setai",
            record_id=setai.pk,
            record_count=max(1, len(members)),
            purpose=_purpose(request),
            detail=detail,
        )
        payload = {
            "setai_id": setai.pk,
            "setai_no": setai.setai_no,
            "as_of": as_of,
            "members": [_member(m) for m in members],
        }
        return Response(SetaiResponseSerializer(payload).data)


class ResidentsOnAPIView(TenantAPIView):
    """Who lived in the town on a date (賦課期日, 基準日), in pages, for the tax modules."""

    gyomu_code = GYOMU
    post_is_read = True

    @extend_schema(
        request=ResidentsOnRequestSerializer,
        responses={200: ResidentsOnResponseSerializer},
        summary="基準日時点の住民一覧",
    )
    def post(self, request: Request) -> Response:
        body = ResidentsOnRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        day = _parse_date(body.validated_data["date"], "date")
        qs = (
            residents_on(day)
            .order_by("atena_id")
            .only("atena", "setai", "valid_from", "valid_to", *_RESIDENT_COLUMNS)
        )
        page = Paginator(qs, RESIDENTS_PAGE_SIZE).get_page(body.validated_data["page"])
        versions = list(page.object_list)
        flags = shokai_flags_for([(v.atena_id, v.setai_id) for v in versions])
        access_record(
            request=request._request,
            action=AccessAction.EXPORT,
            gyomu=GYOMU,
            screen="API 基準日時点の住民一覧",
            record_type="atena",
            record_count=len(versions),
            purpose=_purpose(request),
            detail={"as_of": day.isoformat(), "page": page.number},
        )
        results = [
            {
                **{name: getattr(v, name) for name in _RESIDENT_COLUMNS},
                "atena_id": v.atena_id,
                "setai_id": v.setai_id,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "shokai_yokushi": v.atena_id in flags.error,
            }
            for v in versions
        ]
        payload = {
            "date": day,
            "count": page.paginator.count,
            "page": page.number,
            "num_pages": page.paginator.num_pages,
            "page_size": RESIDENTS_PAGE_SIZE,
            "results": results,
        }
        return Response(ResidentsOnResponseSerializer(payload).data)


_RESIDENT_COLUMNS = (
    "shimei",
    "shimei_kana",
    "birth_date",
    "sex",
    "shubetsu",
    "postal_code",
    "jusho_code",
    "jusho",
    "banchi",
    "katagaki",
    "zokugara",
    "setai_order",
)


urlpatterns: list[URLPattern] = [
    path("search/", SearchAPIView.as_view(), name="jk-api-search"),
    path("persons/<int:pk>/", PersonAPIView.as_view(), name="jk-api-person"),
    path(
        "persons/<int:pk>/kojin-bango/",
        PersonKojinBangoAPIView.as_view(),
        name="jk-api-person-kojin-bango",
    ),
    path("persons/<int:pk>/history/", PersonHistoryAPIView.as_view(), name="jk-api-person-history"),
    path("setai/<int:pk>/", SetaiAPIView.as_view(), name="jk-api-setai"),
    path("residents-on/", ResidentsOnAPIView.as_view(), name="jk-api-residents-on"),
]
