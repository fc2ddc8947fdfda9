"""REST API of 利用者負担の上限額管理 (SG-83〜SG-86), what the screens do
(fukushi/views/jogen_kanri.py), one set per 制度 under the decision's own API path
(/api/v1/fukushi/shogaisha-fukushi/tsusho/<pk>/… for 障害児通所支援, …/jiritsu/<pk>/… for
障害福祉サービス):

- GET  ``<pk>/jogen-kanri/``: the 上限額管理事業所 history and every month's result;
- POST ``<pk>/jogen-kanri/jigyosho/``: the 上限額管理事業所 from a month;
- POST ``<pk>/jogen-kanri/getsugaku/``: one month's figures per 事業所 → the result (201);
- GET  ``<pk>/jogen-kanri/<kekka_pk>/``: one result with its lines and the link of its PDF;
- GET  ``<pk>/jogen-kanri/<kekka_pk>/kekkahyo.pdf``: the 上限額管理結果票;
- POST ``jogen-kanri/torikomi/``: a file of many 受給者 and months (the layout of
  ``fukushi.services.jogen_kanri``), all or nothing.

The wall is the screens': 要配慮個人情報 (障害), so only a staff session holding the grant
``SHOGAI_TECHO`` — everyone else, an API key included, gets 404 for every id — and the
purpose in ``X-Purpose`` on every call, reads and writes (400 without it), kept on the
access-log row. A write the rules refuse is 422 with the Japanese message by field (the
import: by file, line and field), nothing written. Answers carry 受給者証番号 and internal
ids, never a name.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.paging import FIRST_YEAR, LAST_YEAR
from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.api.shogai import granted
from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.jogen_kanri import (
    JogenKanriJigyosho,
    JogenKanriKekka,
    JogenKanriKubun,
    JogenSeido,
)
from fukushi.printjobs_jogen_kanri import kekkahyo_render
from fukushi.rules.jogen_kanri import Getsugaku
from fukushi.services.jogen_kanri import (
    HEADER,
    JogenRefused,
    Jukyusha,
    jogen_kanri_kakutei,
    jogen_kanri_torikomi,
    jukyusha_get,
    kanri_jigyosho_on,
    kanri_jigyosho_set,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads, access_note
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.text import NoControlCharacters
from tenants.uploads import LimitedUploadHandler, limit_uploads

MAX_ID = 2**63 - 1
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50
_LINE = re.compile(r"^(\d+)(?:・\d+)*行目")


# --- serializers (the document) --------------------------------------------------------


class JogenJigyoshoInSerializer(serializers.Serializer):
    kaishi = serializers.DateField(help_text="適用を始める月（その月のいずれかの日）")
    jigyosho_bango = serializers.RegexField(
        r"^[0-9]{10}$",
        validators=[NoControlCharacters(label="事業所番号")],
        help_text="上限額管理事業所の事業所番号（10桁の数字）",
    )
    jigyosho_mei = TextField(
        max_length=100, label="事業所名", help_text="上限額管理事業所の名称（100文字まで）"
    )


class JogenJigyoshoSerializer(serializers.Serializer):
    kaishi_ym = serializers.DateField(help_text="適用開始年月（月の1日）")
    jigyosho_bango = serializers.CharField(help_text="事業所番号")
    jigyosho_mei = serializers.CharField(help_text="事業所名")
    created_by = serializers.CharField(help_text="処理者")


class JogenGetsugakuRowSerializer(serializers.Serializer):
    jigyosho_bango = serializers.RegexField(
        r"^[0-9]{10}$",
        validators=[NoControlCharacters(label="事業所番号")],
        help_text="事業所番号（10桁の数字）",
    )
    jigyosho_mei = TextField(max_length=100, label="事業所名", help_text="事業所名（100文字まで）")
    sohiyo = serializers.IntegerField(
        min_value=0, max_value=100_000_000, help_text="総費用額（円）"
    )
    futan = serializers.IntegerField(
        min_value=0,
        max_value=100_000_000,
        required=False,
        allow_null=True,
        help_text="事業所の利用者負担額（円。省略・null は総費用額から負担上限月額まで計算）",
    )


class JogenGetsugakuInSerializer(serializers.Serializer):
    teikyo = serializers.DateField(help_text="サービス提供年月（その月のいずれかの日）")
    rows = serializers.ListField(
        child=JogenGetsugakuRowSerializer(),
        min_length=1,
        max_length=MAX_ROWS,
        help_text=f"その月に提供した事業所（上限額管理事業所を含む。{MAX_ROWS}件まで）",
    )


class JogenMeisaiSerializer(serializers.Serializer):
    junban = serializers.IntegerField(help_text="順番（管理事業所が1）")
    jigyosho_bango = serializers.CharField(help_text="事業所番号")
    jigyosho_mei = serializers.CharField(help_text="事業所名")
    kanri = serializers.BooleanField(help_text="上限額管理事業所")
    sohiyo = serializers.IntegerField(help_text="総費用額（円）")
    futan_nyuryoku = serializers.IntegerField(
        allow_null=True, help_text="事業所の申し出た利用者負担額（円。空は申出なし）"
    )
    futan_santei = serializers.IntegerField(help_text="利用者負担額（算定・円）")
    futan_kettei = serializers.IntegerField(help_text="管理結果後利用者負担額（円）")


class JogenKekkaRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="上限額管理結果のID")
    teikyo_ym = serializers.DateField(help_text="サービス提供年月（月の1日）")
    jigyosho_bango = serializers.CharField(help_text="上限額管理事業所の事業所番号")
    jigyosho_mei = serializers.CharField(help_text="上限額管理事業所の名称")
    jogen = serializers.IntegerField(help_text="負担上限月額（円）")
    futan_ritsu = serializers.IntegerField(help_text="利用者負担の割合（総費用額に対する％）")
    kekka = serializers.ChoiceField(choices=JogenKanriKubun.choices, help_text="管理結果（1〜3）")
    kekka_label = serializers.CharField(help_text="管理結果（表示）")
    gokei_sohiyo = serializers.IntegerField(help_text="総費用額の合計（円）")
    gokei_kettei = serializers.IntegerField(help_text="管理結果後利用者負担額の合計（円）")
    torikomi = serializers.CharField(help_text="取込ファイル名（空は画面・APIの入力）")
    created_at = serializers.DateTimeField(help_text="作成日時")
    created_by = serializers.CharField(help_text="処理者")


class JogenKekkaSerializer(JogenKekkaRowSerializer):
    konkyo = serializers.ListField(
        child=serializers.CharField(), help_text="管理に用いた値と理由（文章）"
    )
    meisai = JogenMeisaiSerializer(many=True, help_text="事業所ごとの明細")
    kekkahyo_pdf = serializers.CharField(help_text="上限額管理結果票（PDF）のURL（このAPI）")


class JogenKanriSerializer(serializers.Serializer):
    seido = serializers.CharField(help_text="制度（表示）")
    kettei_id = serializers.IntegerField(help_text="支給決定・給付決定のID")
    jukyusha_bango = serializers.CharField(help_text="受給者証番号")
    futan_jogen = serializers.IntegerField(
        allow_null=True, help_text="決定の負担上限月額（円。空は未決定）"
    )
    jigyosho_genzai = JogenJigyoshoSerializer(
        allow_null=True, help_text="今日の上限額管理事業所（空はなし）"
    )
    jigyosho = JogenJigyoshoSerializer(many=True, help_text="上限額管理事業所の履歴（古い順）")
    kekka = JogenKekkaRowSerializer(many=True, help_text="月ごとの上限額管理結果（新しい順）")


class JogenFileErrorSerializer(serializers.Serializer):
    file = serializers.CharField(help_text="ファイル名")
    line = serializers.IntegerField(help_text="行番号（1行目が見出し。0はファイル全体）")
    field = serializers.CharField(help_text="項目（行全体・ファイル全体の誤りは空）")
    message = serializers.CharField()


class JogenTorikomiInSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,  # an empty file is the import's to refuse (422), not a 400
        help_text="上限額管理のファイル（UTF-8 の CSV。1行目「" + ",".join(HEADER) + "」）",
    )


TorikomiRejectedSerializer = inline_serializer(
    name="JogenKanriTorikomiRejected",
    fields={"detail": serializers.CharField(), "errors": JogenFileErrorSerializer(many=True)},
)
TorikomiDoneSerializer = inline_serializer(
    name="JogenKanriTorikomiDone",
    fields={
        "kensu": serializers.IntegerField(help_text="作成した結果の件数"),
        "results": inline_serializer(
            name="JogenKanriTorikomiRow",
            fields={
                "id": serializers.IntegerField(help_text="上限額管理結果のID"),
                "kettei_id": serializers.IntegerField(help_text="支給決定・給付決定のID"),
                "jukyusha_bango": serializers.CharField(help_text="受給者証番号"),
                "teikyo_ym": serializers.DateField(help_text="サービス提供年月（月の1日）"),
                "kekka": serializers.IntegerField(help_text="管理結果（1〜3）"),
                "kekka_label": serializers.CharField(help_text="管理結果（表示）"),
            },
            many=True,
        ),
    },
)


# --- answers -------------------------------------------------------------------------


def _jigyosho(row: JogenKanriJigyosho | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "kaishi_ym": row.kaishi_ym,
        "jigyosho_bango": row.jigyosho_bango,
        "jigyosho_mei": row.jigyosho_mei,
        "created_by": row.created_by,
    }


def _kekka_row(k: JogenKanriKekka) -> dict[str, Any]:
    meisai = list(k.meisai.all())
    return {
        "id": k.pk,
        "teikyo_ym": k.teikyo_ym,
        "jigyosho_bango": k.jigyosho_bango,
        "jigyosho_mei": k.jigyosho_mei,
        "jogen": k.jogen,
        "futan_ritsu": k.futan_ritsu,
        "kekka": k.kekka,
        "kekka_label": JogenKanriKubun(k.kekka).label,
        "gokei_sohiyo": sum(m.sohiyo for m in meisai),
        "gokei_kettei": sum(m.futan_kettei for m in meisai),
        "torikomi": k.torikomi,
        "created_at": k.created_at,
        "created_by": k.created_by,
    }


def _refused(exc: JogenRefused) -> RuleRefused:
    out: dict[str, list[str]] = {}
    for field, message in exc.errors:
        out.setdefault(field or "detail", []).append(message)
    return RuleRefused(out)


def _rejected(name: str, exc: JogenRefused) -> Response:
    errors = []
    for _, message in exc.errors:
        m = _LINE.match(message)
        errors.append(
            {"file": name, "line": int(m.group(1)) if m else 0, "field": "", "message": message}
        )
    return Response(
        {
            "detail": "上限額管理のファイルに誤りがあります。何も登録していません。",
            "errors": errors,
        },
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


def _month_in_range(value: date, name: str) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise RuleRefused({name: [f"{FIRST_YEAR}年から{LAST_YEAR}年までの月で指定してください。"]})


REFUSALS = rule_response(
    "支給決定期間外の月、上限額管理事業所の未登録・行の欠落、事業所番号の重複、"
    "利用者負担額が総費用額を超える、負担上限月額の未決定、範囲外の年"
)


def _views(seido: str) -> list[URLPattern]:
    slug = str(seido)
    label = JogenSeido(seido).label
    n = f"api-fukushi-{slug}-jogen-"

    def wall(request: Request, pk: int) -> Jukyusha:
        if not granted(request) or pk > MAX_ID:
            raise Http404
        try:
            j = jukyusha_get(seido, pk)
        except JogenRefused as exc:
            raise Http404 from exc
        purpose_of(request)
        return j

    def one(request: Request, pk: int, kekka_pk: int) -> tuple[Jukyusha, JogenKanriKekka]:
        j = wall(request, pk)
        k = (
            JogenKanriKekka.objects.filter(pk=kekka_pk, seido=seido, kettei_id=pk).first()
            if kekka_pk <= MAX_ID
            else None
        )
        if k is None:
            raise Http404
        return j, k

    def detail(k: JogenKanriKekka) -> dict[str, Any]:
        meisai = list(k.meisai.order_by("junban"))
        return _kekka_row(k) | {
            "konkyo": [str(r) for r in k.konkyo],
            "meisai": [
                {
                    "junban": m.junban,
                    "jigyosho_bango": m.jigyosho_bango,
                    "jigyosho_mei": m.jigyosho_mei,
                    "kanri": m.kanri,
                    "sohiyo": m.sohiyo,
                    "futan_nyuryoku": m.futan_nyuryoku,
                    "futan_santei": m.futan_santei,
                    "futan_kettei": m.futan_kettei,
                }
                for m in meisai
            ],
            "kekkahyo_pdf": reverse(n + "pdf", kwargs={"pk": k.kettei_id, "kekka_pk": k.pk}),
        }

    class KanriView(TenantAPIView):
        gyomu_code = SHOGAISHA_FUKUSHI
        access_reads = Reads(
            f"fukushi.{'TsushoKettei' if seido == JogenSeido.TSUSHO else 'JiritsuKettei'}",
            id_kwarg="pk",
            shown="kekka",
            screen=f"api.fukushi.{slug}_jogen_kanri",
        )

        @extend_schema(
            parameters=[PURPOSE],
            responses={200: JogenKanriSerializer},
            summary=(
                f"{label}の利用者負担上限額管理：上限額管理事業所の履歴と月ごとの管理結果。"
                "操作権限「障害者福祉（手帳・手当・自立支援給付）・心身障害者医療の閲覧・登録」を持つ職員のみ"
            ),
            operation_id=f"fukushi_{slug}_jogen_kanri",
        )
        def get(self, request: Request, pk: int) -> Response:
            j = wall(request, pk)
            k = j.kettei
            access_note(request, detail={"atena_ids": j.atena_ids})
            return Response(
                {
                    "seido": j.seido_label,
                    "kettei_id": j.pk,
                    "jukyusha_bango": k.jukyusha_bango,
                    "futan_jogen": k.futan_jogen,
                    "jigyosho_genzai": _jigyosho(
                        kanri_jigyosho_on(j, timezone.localdate().replace(day=1))
                    ),
                    "jigyosho": [
                        _jigyosho(r)
                        for r in JogenKanriJigyosho.objects.filter(
                            seido=seido, kettei_id=pk
                        ).order_by("kaishi_ym")
                    ],
                    "kekka": [
                        _kekka_row(r)
                        for r in JogenKanriKekka.objects.filter(seido=seido, kettei_id=pk)
                        .prefetch_related("meisai")
                        .order_by("-teikyo_ym")
                    ],
                }
            )

    class JigyoshoView(TenantAPIView):
        gyomu_code = SHOGAISHA_FUKUSHI
        access_reads = LOGGED_BY_SERVICE
        parser_classes = [JSONParser]

        @extend_schema(
            parameters=[PURPOSE],
            request=JogenJigyoshoInSerializer,
            responses={
                201: JogenJigyoshoSerializer,
                422: rule_response("支給決定期間外の月、範囲外の年"),
            },
            summary=(f"{label}の上限額管理事業所の登録（その月から。同じ月は置き換え）"),
            operation_id=f"fukushi_{slug}_jogen_jigyosho",
        )
        def post(self, request: Request, pk: int) -> Response:
            wall(request, pk)
            purpose = purpose_of(request)
            ser = JogenJigyoshoInSerializer(data=request.data)
            ser.is_valid(raise_exception=True)
            d = ser.validated_data
            _month_in_range(d["kaishi"], "kaishi")
            try:
                row = kanri_jigyosho_set(
                    seido=seido, pk=pk, kaishi=d["kaishi"], bango=d["jigyosho_bango"],
                    mei=d["jigyosho_mei"], actor=actor_from_request(request._request),
                    purpose=purpose,
                )  # fmt: skip
            except JogenRefused as exc:
                raise _refused(exc) from exc
            return Response(_jigyosho(row), status=status.HTTP_201_CREATED)

    class GetsugakuView(TenantAPIView):
        gyomu_code = SHOGAISHA_FUKUSHI
        access_reads = LOGGED_BY_SERVICE
        parser_classes = [JSONParser]

        @extend_schema(
            parameters=[PURPOSE],
            request=JogenGetsugakuInSerializer,
            responses={201: JogenKekkaSerializer, 422: REFUSALS},
            summary=(
                f"{label}の1か月の上限額管理：事業所ごとの総費用額・利用者負担額から管理結果を"
                "作成（同じ月は作り直し）"
            ),
            operation_id=f"fukushi_{slug}_jogen_getsugaku",
        )
        def post(self, request: Request, pk: int) -> Response:
            wall(request, pk)
            purpose = purpose_of(request)
            ser = JogenGetsugakuInSerializer(data=request.data)
            ser.is_valid(raise_exception=True)
            d = ser.validated_data
            _month_in_range(d["teikyo"], "teikyo")
            rows = [
                Getsugaku(r["jigyosho_bango"], r["jigyosho_mei"].strip(), r["sohiyo"],
                          r.get("futan"))
                for r in d["rows"]
            ]  # fmt: skip
            try:
                k = jogen_kanri_kakutei(
                    seido=seido, pk=pk, teikyo=d["teikyo"], rows=rows,
                    actor=actor_from_request(request._request), purpose=purpose,
                )  # fmt: skip
            except JogenRefused as exc:
                raise _refused(exc) from exc
            return Response(detail(k), status=status.HTTP_201_CREATED)

    class KekkaView(TenantAPIView):
        gyomu_code = SHOGAISHA_FUKUSHI
        access_reads = Reads(
            "fukushi.JogenKanriKekka",
            id_kwarg="kekka_pk",
            shown="meisai",
            screen=f"api.fukushi.{slug}_jogen_kekka",
        )

        @extend_schema(
            parameters=[PURPOSE],
            responses={200: JogenKekkaSerializer},
            summary=(
                f"{label}の上限額管理結果1件（事業所ごとの明細・管理に用いた値・結果票PDFのURL）"
            ),
            operation_id=f"fukushi_{slug}_jogen_kekka",
        )
        def get(self, request: Request, pk: int, kekka_pk: int) -> Response:
            j, k = one(request, pk, kekka_pk)
            access_note(request, detail={"atena_ids": j.atena_ids})
            return Response(detail(k))

    class KekkahyoView(TenantAPIView):
        gyomu_code = SHOGAISHA_FUKUSHI
        access_reads = Reads(
            "fukushi.JogenKanriKekka",
            action=AccessAction.PRINT,
            id_kwarg="kekka_pk",
            screen=f"api.fukushi.{slug}_jogen_pdf",
        )

        @extend_schema(
            parameters=[PURPOSE],
            responses={
                (200, "application/pdf"): OpenApiResponse(
                    response=OpenApiTypes.BINARY, description="利用者負担上限額管理結果票のPDF"
                )
            },
            summary=f"{label}の利用者負担上限額管理結果票（PDF）",
            operation_id=f"fukushi_{slug}_jogen_kekkahyo",
        )
        def get(self, request: Request, pk: int, kekka_pk: int) -> HttpResponse:
            j, k = one(request, pk, kekka_pk)
            pdf = kekkahyo_render(k, sakusei=timezone.localdate())
            access_note(request, detail={"atena_ids": j.atena_ids})
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="jogen_kanri_{k.pk}.pdf"'
            return response

    class TorikomiView(TenantAPIView):
        gyomu_code = SHOGAISHA_FUKUSHI
        access_reads = LOGGED_BY_SERVICE  # each result's row is written by the import
        parser_classes = [MultiPartParser, FormParser]
        upload: LimitedUploadHandler

        def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
            # before anything reads the body: the file streamed to disk, stopped at the limit
            if request.method == "POST":
                self.upload = limit_uploads(request, limit=MAX_UPLOAD_BYTES)
            return super().initialize_request(request, *args, **kwargs)

        @extend_schema(
            parameters=[PURPOSE],
            request={"multipart/form-data": JogenTorikomiInSerializer},
            responses={
                201: TorikomiDoneSerializer,
                422: OpenApiResponse(
                    TorikomiRejectedSerializer,
                    description="形式は正しいが規則により受け付けられない: ファイルの誤り"
                    "（行・項目）、見つからない受給者証番号、支給決定期間外の月、上限額管理事業所の"
                    "未登録、大きすぎるファイル。何も書き込まない",
                ),
            },
            summary=(
                f"{label}の上限額管理のファイルの取込（受給者証番号・月ごとに管理結果を作成。"
                "すべて受け付けるか、何も登録しない）"
            ),
            operation_id=f"fukushi_{slug}_jogen_torikomi",
        )
        def post(self, request: Request) -> Response:
            if not granted(request):
                raise Http404
            purpose = purpose_of(request)
            data = request.data  # parsed here: the handler may stop the upload at the limit
            if self.upload.exceeded:
                message = f"ファイルが大きすぎます（{MAX_UPLOAD_BYTES // 1024 // 1024}MBまで）。"
                return _rejected(self.upload.file_name or "", JogenRefused([("file", message)]))
            ser = JogenTorikomiInSerializer(data=data)
            ser.is_valid(raise_exception=True)
            f = ser.validated_data["file"]
            name = str(f.name or "")[:100]
            try:
                out = jogen_kanri_torikomi(
                    seido=seido, data=f.read(), filename=name,
                    actor=actor_from_request(request._request), purpose=purpose,
                )  # fmt: skip
            except JogenRefused as exc:
                return _rejected(name, exc)
            return Response(
                {
                    "kensu": len(out),
                    "results": [
                        {
                            "id": k.pk,
                            "kettei_id": k.kettei_id,
                            "jukyusha_bango": jukyusha_get(
                                seido, k.kettei_id
                            ).kettei.jukyusha_bango,
                            "teikyo_ym": k.teikyo_ym,
                            "kekka": k.kekka,
                            "kekka_label": JogenKanriKubun(k.kekka).label,
                        }
                        for k in out
                    ],
                },
                status=status.HTTP_201_CREATED,
            )

    camel = slug.title()
    for cls, name in (
        (KanriView, "JogenKanriView"),
        (JigyoshoView, "JogenJigyoshoView"),
        (GetsugakuView, "JogenGetsugakuView"),
        (KekkaView, "JogenKekkaView"),
        (KekkahyoView, "JogenKekkahyoView"),
        (TorikomiView, "JogenTorikomiView"),
    ):
        cls.__name__ = cls.__qualname__ = camel + name
    return [
        path(f"{slug}/jogen-kanri/torikomi/", TorikomiView.as_view(), name=n + "torikomi"),
        path(f"{slug}/<int:pk>/jogen-kanri/", KanriView.as_view(), name=n + "kanri"),
        path(f"{slug}/<int:pk>/jogen-kanri/jigyosho/", JigyoshoView.as_view(), name=n + "jigyosho"),
        path(
            f"{slug}/<int:pk>/jogen-kanri/getsugaku/",
            GetsugakuView.as_view(),
            name=n + "getsugaku",
        ),
        path(f"{slug}/<int:pk>/jogen-kanri/<int:kekka_pk>/", KekkaView.as_view(), name=n + "kekka"),
        path(
            f"{slug}/<int:pk>/jogen-kanri/<int:kekka_pk>/kekkahyo.pdf",
            KekkahyoView.as_view(),
            name=n + "pdf",
        ),
    ]


urlpatterns: list[URLPattern] = [*_views(JogenSeido.TSUSHO), *_views(JogenSeido.JIRITSU)]
