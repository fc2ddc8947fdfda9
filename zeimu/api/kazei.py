"""REST API: 課税資料 (照会 and CSV取込), mounted at /api/v1/zeimu/kazei/.

The person is looked up by 宛名番号 in a POST body, never in the path, so the number
stays out of URLs and proxy logs. Every lookup is access-logged with record ids; an
import is logged by the service (one row for the file).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.public import atena_resolve
from tenants.accesslog.reads import LOGGED_BY_SERVICE, NO_PERSONAL_DATA, Reads, access_refusal
from tenants.accesslog.services import actor_from_request
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.jobs.models import JobStatus
from tenants.jobs.services import JobRefused
from tenants.selectors.jobs import with_progress
from tenants.text import NoControlCharacters
from tenants.uploads import LimitedUploadHandler, limit_uploads
from zeimu.forms.kazei import MAX_UPLOAD_BYTES, too_large_message
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import (
    KyuyoHokoku,
    NenkinHokoku,
    Shinkoku,
    ShinkokuKind,
    ShiryoImport,
    ShiryoImportStatus,
)
from zeimu.selectors.kazei import kazei_shiryo_of, shiryo_import_state
from zeimu.services.kazei_import import AlreadyImported, kazei_import_accept
from zeimu.services.kazei_layouts import KIND_CHOICES

GYOMU = KOJIN_JUMINZEI


# --- serializers -------------------------------------------------------------------


class KazeiDetailSerializer(serializers.Serializer):
    """An error with a message (404 and the like)."""

    detail = serializers.CharField()


class LookupRequestSerializer(serializers.Serializer):
    atena_no = serializers.RegexField(
        r"^\d{10}$",
        help_text="宛名番号（10桁）",
        validators=[NoControlCharacters(label="宛名番号")],
        error_messages={"invalid": "宛名番号は10桁の数字で指定してください。"},
    )
    shotoku_year = serializers.IntegerField(
        min_value=2000, help_text="所得年（西暦）。課税は翌年度（例 2024 → 令和7年度）"
    )


class KyuyoSerializer(serializers.ModelSerializer):
    shiryo_id = serializers.IntegerField(allow_null=True, help_text="取込ID（画面入力は null）")

    class Meta:
        model = KyuyoHokoku
        fields = [
            "id",
            "employer_no",
            "employer_name",
            "shiharai_kingaku",
            "shakai_hoken",
            "seimei_hoken_kojo",
            "jishin_hoken_kojo",
            "seimei_ippan_shin",
            "seimei_ippan_kyu",
            "seimei_kaigo_iryo",
            "seimei_nenkin_shin",
            "seimei_nenkin_kyu",
            "tokubetsu_choshu",
            "shiryo_id",
        ]


class NenkinSerializer(serializers.ModelSerializer):
    shiryo_id = serializers.IntegerField(allow_null=True, help_text="取込ID（画面入力は null）")

    class Meta:
        model = NenkinHokoku
        fields = [
            "id",
            "payer_no",
            "payer_name",
            "shiharai_kingaku",
            "shakai_hoken",
            "tokubetsu_choshu",
            "shiryo_id",
        ]


class HaigushaSerializer(serializers.Serializer):
    age = serializers.IntegerField(help_text="12月31日現在の年齢")
    gokei_shotoku = serializers.IntegerField(help_text="合計所得金額（円、損失は負）")
    shogai = serializers.CharField(help_text="なし・障害者・特別障害者・同居特別障害者")
    zokugara = serializers.CharField(help_text="続柄（表示用）")


class ShinzokuItemSerializer(HaigushaSerializer):
    dokyo_roshin = serializers.BooleanField(help_text="同居老親等")


class ShinkokuSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ShinkokuKind.choices)
    haigusha = HaigushaSerializer(allow_null=True)
    shinzoku = ShinzokuItemSerializer(many=True)
    shiryo_id = serializers.IntegerField(allow_null=True, help_text="取込ID（画面入力は null）")

    class Meta:
        model = Shinkoku
        fields = [
            "id",
            "kind",
            "kyuyo_shunyu",
            "nenkin_shunyu",
            "jigyo_shunyu",
            "jigyo_keihi",
            "fudosan_shunyu",
            "fudosan_keihi",
            "zatsu_shunyu",
            "zatsu_keihi",
            "shakai_hokenryo",
            "shokibo_kyosai",
            "seimei_ippan_shin",
            "seimei_ippan_kyu",
            "seimei_kaigo_iryo",
            "seimei_nenkin_shin",
            "seimei_nenkin_kyu",
            "jishin_hokenryo",
            "kyu_choki_songai_hokenryo",
            "iryohi_kojo",
            "choki_joto_shunyu",
            "choki_joto_keihi",
            "choki_tokurei",
            "choki_tokubetsu_kojo",
            "tanki_joto_shunyu",
            "tanki_joto_keihi",
            "tanki_tokurei",
            "tanki_tokubetsu_kojo",
            "haigusha",
            "shinzoku",
            "shogai",
            "kafu_hitorioya",
            "kinro_gakusei",
            "seikatsu_fujo",
            "futsu_choshu_kibo",
            "shiryo_id",
            "entered_by",
            "updated_at",
        ]


class LookupResponseSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField(help_text="宛名の内部ID")
    shotoku_year = serializers.IntegerField()
    kyuyo = KyuyoSerializer(many=True, help_text="給与支払報告書（特別徴収義務者ごと）")
    nenkin = NenkinSerializer(many=True, help_text="公的年金等支払報告書（支払者ごと）")
    shinkoku = ShinkokuSerializer(
        allow_null=True, help_text="住民税申告・確定申告（なければ null）"
    )


class ImportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=KIND_CHOICES, help_text="kyuyo・nenkin・shinkoku（レイアウトは docs/kazei_csv.md）"
    )
    file = serializers.FileField(help_text="CSV（UTF-8、1行目は見出し）")


class ImportErrorSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField(help_text="行番号（1行目が見出し。0はファイル全体）")
    field = serializers.CharField(help_text="列名（行全体の誤りは空）")
    message = serializers.CharField()


# (inline: a field called "errors" would shadow Serializer.errors on a declared class)
ImportRejectedSerializer = inline_serializer(
    name="KazeiImportRejected",
    fields={
        "detail": serializers.CharField(),
        "errors": ImportErrorSerializer(many=True),
        "truncated": serializers.BooleanField(help_text="誤りが多く、以降を省略した"),
    },
)


class ImportProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=JobStatus.choices, help_text="処理の状態")
    done = serializers.IntegerField(help_text="読み終えた行数（目安）")
    total = serializers.IntegerField(help_text="ファイルの行数（目安）")
    percent = serializers.IntegerField(min_value=0, max_value=100)


# (inline: a field called "errors" would shadow Serializer.errors on a declared class)
ImportStatusSerializer = inline_serializer(
    name="KazeiImportStatus",
    fields={
        "import_id": serializers.IntegerField(help_text="取込ID"),
        "kind": serializers.ChoiceField(choices=KIND_CHOICES),
        "file_name": serializers.CharField(),
        "status": serializers.ChoiceField(
            choices=ShiryoImportStatus.choices,
            help_text="受付済 → 取込中 → 取込済、または誤りあり（1件も登録しない）",
        ),
        "status_label": serializers.CharField(),
        "rows": serializers.IntegerField(help_text="取り込んだ件数（取込済のとき）"),
        "replaced": serializers.IntegerField(
            help_text="既存の申告を置き換えた件数（shinkoku のみ）"
        ),
        "errors": ImportErrorSerializer(many=True, help_text="誤りの一覧（誤りありのとき）"),
        "truncated": serializers.BooleanField(help_text="誤りが多く、以降を省略した"),
        "job_id": serializers.IntegerField(allow_null=True, help_text="取込処理のID"),
        "progress": ImportProgressSerializer(allow_null=True),
        "imported_at": serializers.DateTimeField(help_text="受付日時"),
    },
)


def _status_payload(shiryo: ShiryoImport) -> dict[str, Any]:
    state = shiryo_import_state(shiryo)
    progress = None
    if shiryo.job is not None:
        job = with_progress(shiryo.job)
        progress = {
            "status": job.status,
            "done": job.done_so_far,
            "total": job.total,
            "percent": job.percent,
        }
    return {
        "import_id": shiryo.pk,
        "kind": shiryo.kind,
        "file_name": shiryo.file_name,
        "status": state.value,
        "status_label": state.label,
        "rows": shiryo.rows,
        "replaced": shiryo.replaced,
        "errors": shiryo.errors,
        "truncated": shiryo.errors_truncated,
        "job_id": shiryo.job_id,
        "progress": progress,
        "imported_at": serializers.DateTimeField().to_representation(shiryo.imported_at),
    }


# --- views -------------------------------------------------------------------------


def _rejected(
    detail: str,
    errors: list[dict[str, Any]],
    truncated: bool = False,
    *,
    status: int = status.HTTP_400_BAD_REQUEST,
) -> Response:
    return Response({"detail": detail, "errors": errors, "truncated": truncated}, status=status)


class KazeiLookupAPIView(TenantAPIView):
    """One person's 課税資料 for an income year, by 宛名番号 in the body."""

    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads(
        "atena",
        record_id="atena_id",
        screen="API 課税資料照会",
        detail=lambda data: {"shotoku_year": data["shotoku_year"]},
    )

    @extend_schema(
        request=LookupRequestSerializer,
        responses={
            200: LookupResponseSerializer,
            400: OpenApiResponse(description="条件の誤り"),
            403: KazeiDetailSerializer,
            404: KazeiDetailSerializer,
            # the upper bound moves with the calendar: no schema states it
            422: rule_response("所得年が将来の年"),
        },
        summary="課税資料の照会（給与・年金支払報告書と申告）",
    )
    def post(self, request: Request) -> Response:
        body = LookupRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        year = body.validated_data["shotoku_year"]
        if year > timezone.localdate().year:
            raise RuleRefused({"shotoku_year": ["所得年に将来の年は指定できません。"]})
        lookup = atena_resolve(body.validated_data["atena_no"])
        atena_id = lookup.atena_id
        if atena_id is None:
            raise NotFound(lookup.message)
        if not lookup.found:
            access_refusal(
                request, record_type="atena", record_id=atena_id, reason="shokai_yokushi"
            )
            raise PermissionDenied(lookup.message)
        shiryo = kazei_shiryo_of(atena_id, year)
        payload = {
            "atena_id": atena_id,
            "shotoku_year": year,
            "kyuyo": KyuyoSerializer(shiryo.kyuyo, many=True).data,
            "nenkin": NenkinSerializer(shiryo.nenkin, many=True).data,
            "shinkoku": (
                ShinkokuSerializer(shiryo.shinkoku).data if shiryo.shinkoku is not None else None
            ),
        }
        return Response(payload)


class KazeiImportAPIView(TenantAPIView):
    """A CSV of 課税資料: stored and imported by a job (all rows or none); the answer is at
    once, 202 with the import, whose state :class:`KazeiImportStatusAPIView` tells."""

    access_reads = LOGGED_BY_SERVICE  # the job logs the import; errors name no one

    gyomu_code = GYOMU
    parser_classes = [MultiPartParser, FormParser]
    upload: LimitedUploadHandler

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # before authentication or anything else can read the body: the file is streamed
        # to disk and the upload stopped at the limit
        self.upload = limit_uploads(request, limit=MAX_UPLOAD_BYTES)
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            202: ImportStatusSerializer,
            400: ImportRejectedSerializer,
            409: OpenApiResponse(ImportRejectedSerializer, description="取り込み済みのファイル"),
        },
        summary="課税資料のCSV取込（受付。取込は処理で全件か0件）",
    )
    def post(self, request: Request) -> Response:
        data = request.data  # parsed here: the handler may stop the upload at the limit
        if self.upload.exceeded:
            name = self.upload.file_name or ""
            return _rejected(
                too_large_message(),
                [{"file": name, "line": 0, "field": "", "message": too_large_message()}],
            )
        body = ImportRequestSerializer(data=data)
        if not body.is_valid():
            errors = [
                {"file": "", "line": 0, "field": name, "message": str(message)}
                for name, messages in body.errors.items()
                for message in messages
            ]
            return _rejected("入力に誤りがあります。", errors)
        upload = body.validated_data["file"]
        try:
            shiryo = kazei_import_accept(
                kind=body.validated_data["kind"],
                file_name=upload.name,
                upload=upload.file,  # streamed from the temporary file
                actor=actor_from_request(request._request),
            )
        except AlreadyImported as exc:
            return _rejected(
                str(exc),
                [
                    {"file": e.file, "line": e.line, "field": e.field, "message": e.message}
                    for e in exc.errors
                ],
                status=status.HTTP_409_CONFLICT,
            )
        except JobRefused as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(_status_payload(shiryo), status=status.HTTP_202_ACCEPTED)


class KazeiImportStatusAPIView(TenantAPIView):
    """An import's state: progress while its job runs, then the rows registered or the
    file's errors (file, line, field; never a person)."""

    access_reads = NO_PERSONAL_DATA
    gyomu_code = GYOMU

    @extend_schema(
        responses={200: ImportStatusSerializer, 404: KazeiDetailSerializer},
        summary="課税資料の取込の状態",
    )
    def get(self, request: Request, pk: int) -> Response:
        shiryo = ShiryoImport.objects.select_related("job").filter(pk=pk).first()
        if shiryo is None:
            raise NotFound("この取込はありません。")
        return Response(_status_payload(shiryo))


urlpatterns: list[URLPattern] = [
    path("kazei/lookup/", KazeiLookupAPIView.as_view(), name="api-zeimu-kazei-lookup"),
    path("kazei/import/", KazeiImportAPIView.as_view(), name="api-zeimu-kazei-import"),
    path(
        "kazei/imports/<int:pk>/",
        KazeiImportStatusAPIView.as_view(),
        name="api-zeimu-kazei-import-status",
    ),
]
