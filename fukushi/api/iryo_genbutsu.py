"""REST API of 子ども医療費助成・ひとり親家庭等医療費助成の現物給付 (IR-11), what the screens do
(fukushi/views/iryo_genbutsu.py), each 業務 at its own prefix (/api/v1/fukushi/kodomo-iryo/,
/hitorioya-iryo/): the 請求 imported (paged, by 請求月 and 審査支払機関), one 請求 with its
totals per 医療機関, its lines (paged; 返戻 only or accepted only), the import of a
month's 請求 file (multipart; the layout of ``fukushi.services.iryo_genbutsu``) and the
payment of a 請求 to the 審査支払機関's account (POST ``<id>/shiharai/``: once; the town as
振込依頼人 from its own values ``fukushi.furikomi.*``; the 全銀 file is the screen's).

The wall is the 業務's own (its role, or an API key with its read or write scope); a 請求 of
the other 業務 or of another town is 404. The lines carry 受給者番号 (要配慮: 医療), so the
purpose of the read in ``X-Purpose`` is required there and kept on the access-log row with
the 受給者' 宛名 ids. A file refused is 422 with each error's file, line and field, nothing
written."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.paging import FIRST_YEAR, LAST_YEAR, page_of
from fukushi.api.paging import PARAMETERS as PAGING
from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.gyomu import HITORIOYA_IRYO, NYUYOJI_IRYO
from fukushi.models import IryoGenbutsu, IryoGenbutsuMeisai, IryoGyomu, IryoShinsaKikan
from fukushi.services.furikomi import NOT_SET, irainin_of
from fukushi.services.iryo import IryoRefused
from fukushi.services.iryo_genbutsu import (
    SeikyuFileRefused,
    genbutsu_kikan,
    genbutsu_shiharai,
    genbutsu_torikomi,
)
from tenants import zengin
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads, access_note
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.uploads import LimitedUploadHandler, limit_uploads
from tenants.wareki import fiscal_year_of

MAX_ID = 2**63 - 1
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class GenbutsuRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="請求のID")
    shinsa_kikan = serializers.ChoiceField(
        choices=IryoShinsaKikan.choices, help_text="審査支払機関"
    )
    shinsa_kikan_label = serializers.CharField(help_text="審査支払機関（表示）")
    seikyu_tsuki = serializers.DateField(help_text="請求月（1日）")
    kensu = serializers.IntegerField(help_text="件数")
    henrei_kensu = serializers.IntegerField(help_text="返戻の件数")
    josei_gokei = serializers.IntegerField(help_text="助成額の合計（円）")
    shiharai_date = serializers.DateField(allow_null=True, help_text="支払日（空は未払）")
    created_at = serializers.DateTimeField(help_text="取込日時")


class KikanSerializer(serializers.Serializer):
    kikan_code = serializers.CharField(help_text="医療機関コード")
    kikan_mei = serializers.CharField(help_text="医療機関名")
    kensu = serializers.IntegerField(help_text="受け付けた件数")
    josei = serializers.IntegerField(help_text="助成額（円）")


class GenbutsuDetailSerializer(GenbutsuRowSerializer):
    kikan = KikanSerializer(many=True, help_text="医療機関ごとの件数・助成額（返戻を除く）")


class MeisaiSerializer(serializers.Serializer):
    gyo = serializers.IntegerField(help_text="請求ファイルの行")
    jukyusha_bango = serializers.CharField(help_text="受給者番号")
    shinryo_tsuki = serializers.DateField(help_text="診療月（1日）")
    kikan_code = serializers.CharField(help_text="医療機関コード")
    kikan_mei = serializers.CharField(help_text="医療機関名")
    iryohi = serializers.IntegerField(help_text="医療費の総額（円）")
    futan = serializers.IntegerField(help_text="一部負担金相当額（円）")
    ichibu_futan = serializers.IntegerField(help_text="町の一部負担金（円）")
    josei_gaku = serializers.IntegerField(help_text="助成額（円）")
    henrei_riyu = serializers.CharField(help_text="返戻の理由（空は受付）")


class TorikomiSerializer(serializers.Serializer):
    shinsa_kikan = serializers.ChoiceField(
        choices=IryoShinsaKikan.choices, help_text="審査支払機関"
    )
    seikyu_tsuki = serializers.DateField(help_text="請求月（その月のいずれかの日）")
    file = serializers.FileField(
        allow_empty_file=True,  # an empty file is the import's to refuse (422), not a 400
        help_text="請求ファイル（UTF-8 の CSV。1行目「診療月,医療機関コード,医療機関名,"
        "受給者番号,医療費総額,一部負担金相当額」）",
    )


class GenbutsuShiharaiInputSerializer(serializers.Serializer):
    shiharai_date = serializers.DateField(help_text="支払日（取組日）")
    kinyu_kikan = TextField(
        max_length=4, label="金融機関コード", help_text="審査支払機関の口座：金融機関コード（4桁）"
    )
    shiten = TextField(max_length=3, label="支店コード", help_text="支店コード（3桁）")
    yokin_shumoku = serializers.ChoiceField(
        choices=list(zengin.SHUMOKU.items()), help_text="預金種目"
    )
    koza_bango = TextField(max_length=7, label="口座番号", help_text="口座番号（7桁）")
    meigi_kana = TextField(max_length=30, label="口座名義", help_text="口座名義（半角カナ）")


class FileErrorSerializer(serializers.Serializer):
    file = serializers.CharField(help_text="ファイル名")
    line = serializers.IntegerField(help_text="行番号（1行目が見出し。0はファイル全体）")
    field = serializers.CharField(help_text="項目（行全体・ファイル全体の誤りは空）")
    message = serializers.CharField()


# (inline: a field called "errors" would shadow Serializer.errors on a declared class)
TorikomiRejectedSerializer = inline_serializer(
    name="GenbutsuTorikomiRejected",
    fields={"detail": serializers.CharField(), "errors": FileErrorSerializer(many=True)},
)


def _row(g: IryoGenbutsu) -> dict[str, Any]:
    return {
        "id": g.pk,
        "shinsa_kikan": g.shinsa_kikan,
        "shinsa_kikan_label": g.get_shinsa_kikan_display(),
        "seikyu_tsuki": g.seikyu_tsuki,
        "kensu": g.kensu,
        "henrei_kensu": g.henrei_kensu,
        "josei_gokei": g.josei_gokei,
        "shiharai_date": g.shiharai_date,
        "created_at": g.created_at,
    }


def _detail(g: IryoGenbutsu) -> dict[str, Any]:
    return _row(g) | {
        "kikan": [
            {"kikan_code": k.kikan_code, "kikan_mei": k.kikan_mei, "kensu": k.kensu,
             "josei": k.josei}
            for k in genbutsu_kikan(g)
        ],
    }  # fmt: skip


def _month_param(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).replace(day=1)
    except ValueError:
        raise ValidationError({name: ["請求月（YYYY-MM-DD）を指定してください。"]}) from None


def _views(code: str, prefix: str) -> list[URLPattern]:
    label = IryoGyomu(code).label
    slug = prefix.replace("-", "_")

    def one(pk: int) -> IryoGenbutsu:
        g = IryoGenbutsu.objects.filter(pk=pk, gyomu=code).first() if pk <= MAX_ID else None
        if g is None:
            raise Http404
        return g

    class ListView(TenantAPIView):
        gyomu_code = code
        # GET: 請求 totals only (no person; the 請求 listed are logged); POST: the import
        # logs itself
        access_reads = {
            "GET": Reads(
                "fukushi.IryoGenbutsu",
                ids="results[].id",
                skip_empty=True,
                screen=f"api.fukushi.{slug}_genbutsu_list",
            ),
            "POST": LOGGED_BY_SERVICE,
        }
        parser_classes = [MultiPartParser, FormParser]

        @extend_schema(
            parameters=[
                OpenApiParameter(
                    "seikyu_tsuki", OpenApiTypes.DATE, description="請求月（その月の1日）"
                ),
                OpenApiParameter(
                    "shinsa_kikan",
                    OpenApiTypes.STR,
                    enum=IryoShinsaKikan.values,
                    description="審査支払機関（" + "・".join(IryoShinsaKikan.labels) + "）",
                ),
                *PAGING,
            ],
            responses={200: page_serializer(GenbutsuRowSerializer)},
            summary=f"{label}の現物給付の請求（取込済み）の一覧。ページ送り",
            operation_id=f"fukushi_{slug}_genbutsu_list",
        )
        def get(self, request: Request) -> Response:
            qs: QuerySet[IryoGenbutsu] = IryoGenbutsu.objects.filter(gyomu=code)
            tsuki = _month_param(request, "seikyu_tsuki")
            if tsuki is not None:
                qs = qs.filter(seikyu_tsuki=tsuki)
            kikan = request.query_params.get("shinsa_kikan", "")
            if kikan:
                if kikan not in IryoShinsaKikan.values:
                    raise ValidationError({"shinsa_kikan": ["審査支払機関が正しくありません。"]})
                qs = qs.filter(shinsa_kikan=kikan)
            page, head = page_of(request, qs.order_by("-seikyu_tsuki", "-pk"))
            return Response(head | {"results": [_row(g) for g in page]})

        upload: LimitedUploadHandler

        def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
            # before anything reads the body: the file streamed to disk, stopped at the limit
            if request.method == "POST":
                self.upload = limit_uploads(request, limit=MAX_UPLOAD_BYTES)
            return super().initialize_request(request, *args, **kwargs)

        @extend_schema(
            request={"multipart/form-data": TorikomiSerializer},
            responses={
                201: GenbutsuDetailSerializer,
                422: OpenApiResponse(
                    TorikomiRejectedSerializer,
                    description="形式は正しいが規則により受け付けられない: "
                    "ファイルの誤り（行・項目）、取込済みの請求月・審査支払機関、"
                    "大きすぎるファイル。何も書き込まない",
                ),
            },
            summary=f"{label}の現物給付の請求ファイルの取込（受給者証と照合、返戻を判定）",
            operation_id=f"fukushi_{slug}_genbutsu_torikomi",
        )
        def post(self, request: Request) -> Response:
            data = request.data  # parsed here: the handler may stop the upload at the limit
            if self.upload.exceeded:
                message = f"ファイルが大きすぎます（{MAX_UPLOAD_BYTES // 1024 // 1024}MBまで）。"
                return _rejected(self.upload.file_name or "", [(0, "", message)], message)
            ser = TorikomiSerializer(data=data)
            ser.is_valid(raise_exception=True)
            d = ser.validated_data
            name = d["file"].name or ""
            if not FIRST_YEAR <= d["seikyu_tsuki"].year <= LAST_YEAR:
                message = f"請求月は{FIRST_YEAR}年から{LAST_YEAR}年までの月にしてください。"
                return _rejected(name, [(0, "seikyu_tsuki", message)], message)
            try:
                g = genbutsu_torikomi(
                    gyomu=code,
                    shinsa_kikan=d["shinsa_kikan"],
                    seikyu_tsuki=d["seikyu_tsuki"],
                    data=d["file"].read(),
                    actor=actor_from_request(request._request),
                )
            except SeikyuFileRefused as exc:
                return _rejected(name, exc.lines, "請求ファイルに誤りがあります。")
            except IryoRefused as exc:
                return _rejected(
                    name, [(0, f, m) for f, m in exc.errors], " ".join(m for _, m in exc.errors)
                )
            return Response(_detail(g), status=status.HTTP_201_CREATED)

    class DetailView(TenantAPIView):
        gyomu_code = code
        access_reads = Reads(
            "fukushi.IryoGenbutsu", id_kwarg="pk", shown="id", screen=f"api.fukushi.{slug}_genbutsu"
        )

        @extend_schema(
            responses={200: GenbutsuDetailSerializer},
            summary=f"{label}の現物給付の請求1件（医療機関ごとの件数・助成額、返戻の件数、支払）",
            operation_id=f"fukushi_{slug}_genbutsu_detail",
        )
        def get(self, request: Request, pk: int) -> Response:
            return Response(_detail(one(pk)))

    class ShiharaiView(TenantAPIView):
        gyomu_code = code
        access_reads = LOGGED_BY_SERVICE  # the payment (its totals only) is logged by the service

        @extend_schema(
            request=GenbutsuShiharaiInputSerializer,
            responses={
                200: GenbutsuDetailSerializer,
                422: rule_response(
                    "支払済み、支払う助成額がない、口座・振込依頼人の誤り、振込依頼人が未設定、"
                    f"支払日が{FIRST_YEAR}〜{LAST_YEAR}年の外"
                ),
            },
            summary=f"{label}の現物給付の請求の支払（審査支払機関の口座へ。一度だけ）",
            operation_id=f"fukushi_{slug}_genbutsu_shiharai",
        )
        def post(self, request: Request, pk: int) -> Response:
            g = one(pk)
            ser = GenbutsuShiharaiInputSerializer(data=request.data)
            ser.is_valid(raise_exception=True)
            d = ser.validated_data
            if not FIRST_YEAR <= d["shiharai_date"].year <= LAST_YEAR:
                raise RuleRefused(
                    {
                        "shiharai_date": [
                            f"{FIRST_YEAR}年から{LAST_YEAR}年までの日付で指定してください。"
                        ]
                    }
                )
            irainin = irainin_of(fiscal_year_of(d["shiharai_date"]))
            if irainin is None:
                raise RuleRefused({"irainin": [NOT_SET + "。"]})
            try:
                g = genbutsu_shiharai(
                    genbutsu=g,
                    shiharai_date=d["shiharai_date"],
                    irainin=irainin,
                    koza=zengin.Account(
                        d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"], d["koza_bango"],
                        d["meigi_kana"],
                    ),
                    actor=actor_from_request(request._request),
                )  # fmt: skip
            except IryoRefused as exc:
                out: dict[str, list[str]] = {}
                for field, message in exc.errors:
                    out.setdefault(field or "detail", []).append(message)
                raise RuleRefused(out) from exc
            return Response(_detail(g))

    class MeisaiView(TenantAPIView):
        gyomu_code = code
        access_reads = Reads(
            "fukushi.IryoGenbutsu",
            id_kwarg="pk",
            shown="results",
            screen=f"api.fukushi.{slug}_genbutsu_meisai",
        )

        @extend_schema(
            parameters=[
                PURPOSE,
                OpenApiParameter(
                    "henrei",
                    OpenApiTypes.BOOL,
                    description="true: 返戻の行だけ、false: 受け付けた行だけ（省略：すべて）",
                ),
                *PAGING,
            ],
            responses={200: page_serializer(MeisaiSerializer)},
            summary=f"{label}の現物給付の請求の明細（受給者番号・診療月・医療機関・助成額・返戻の理由）。"
            "ページ送り",
            operation_id=f"fukushi_{slug}_genbutsu_meisai",
        )
        def get(self, request: Request, pk: int) -> Response:
            g = one(pk)
            purpose_of(request)
            henrei = request.query_params.get("henrei", "")
            if henrei not in ("", "true", "false"):
                raise ValidationError({"henrei": ["henrei は true か false で指定してください。"]})
            qs: QuerySet[IryoGenbutsuMeisai] = g.meisai.select_related("jukyusha")
            if henrei == "true":
                qs = qs.exclude(henrei_riyu="")
            elif henrei == "false":
                qs = qs.filter(henrei_riyu="")
            page, head = page_of(request, qs.order_by("gyo", "pk"))
            access_note(
                request,
                detail={
                    "atena_ids": sorted({m.jukyusha.atena_id for m in page if m.jukyusha}),
                    "page": head["page"],
                },
            )
            return Response(
                head
                | {
                    "results": [
                        {
                            "gyo": m.gyo,
                            "jukyusha_bango": m.jukyusha_bango,
                            "shinryo_tsuki": m.shinryo_tsuki,
                            "kikan_code": m.kikan_code,
                            "kikan_mei": m.kikan_mei,
                            "iryohi": m.iryohi,
                            "futan": m.futan,
                            "ichibu_futan": m.ichibu_futan,
                            "josei_gaku": m.josei_gaku,
                            "henrei_riyu": m.henrei_riyu,
                        }
                        for m in page
                    ]
                }
            )

    for cls, name in ((ListView, "GenbutsuView"), (DetailView, "GenbutsuDetailView"),
                      (MeisaiView, "GenbutsuMeisaiView"),
                      (ShiharaiView, "GenbutsuShiharaiView")):  # fmt: skip
        cls.__name__ = cls.__qualname__ = slug.title().replace("_", "") + name
    return [
        path(f"{prefix}/genbutsu/", ListView.as_view(), name=f"api-fukushi-{prefix}-genbutsu"),
        path(
            f"{prefix}/genbutsu/<int:pk>/",
            DetailView.as_view(),
            name=f"api-fukushi-{prefix}-genbutsu-detail",
        ),
        path(
            f"{prefix}/genbutsu/<int:pk>/shiharai/",
            ShiharaiView.as_view(),
            name=f"api-fukushi-{prefix}-genbutsu-shiharai",
        ),
        path(
            f"{prefix}/genbutsu/<int:pk>/meisai/",
            MeisaiView.as_view(),
            name=f"api-fukushi-{prefix}-genbutsu-meisai",
        ),
    ]


def _rejected(name: str, lines: list[tuple[int, str, str]], detail: str) -> Response:
    return Response(
        {
            "detail": detail,
            "errors": [
                {"file": name, "line": line, "field": field, "message": message}
                for line, field, message in lines
            ],
        },
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


urlpatterns: list[URLPattern] = [
    *_views(NYUYOJI_IRYO, "kodomo-iryo"),
    *_views(HITORIOYA_IRYO, "hitorioya-iryo"),
]
