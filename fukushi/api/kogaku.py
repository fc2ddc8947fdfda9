"""REST API of 高額障害福祉サービス等給付費 (SG-87), what the screens do (fukushi/views/kogaku.py),
under /api/v1/fukushi/shogaisha-fukushi/kogaku/:

- GET  ``kogaku/``: the applications (paged; by 状態 and 対象年月);
- POST ``kogaku/``: an application (the 申請者's 宛名番号, the month, the 利用者負担 lines by the
  town's record ids, the account) → calculated (201), every figure in ``konkyo``;
- GET  ``kogaku/<pk>/``: one application with its lines;
- POST ``kogaku/<pk>/kettei/``: the 決定 (支給 or 却下 with its reason);
- POST ``kogaku/shiharai/``: the payment of every decided, unpaid application in one run (the
  town as 振込依頼人 from its values ``fukushi.furikomi.*``); the 全銀 file and the 決定通知書
  are the screens' (files).

The wall is the screens': 要配慮個人情報 (障害), so only a staff session holding the grant
``SHOGAI_TECHO`` — everyone else, an API key included, gets 404 — and the purpose in
``X-Purpose`` on every call (400 without it), kept on the access-log row. A write the rules
refuse is 422 with the Japanese message by field, nothing written. Answers carry 宛名番号 and
internal ids, never a name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.paging import FIRST_YEAR, LAST_YEAR, page_of
from fukushi.api.paging import PARAMETERS as PAGING
from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.api.shogai import granted
from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.kogaku import KogakuJotai, KogakuShiharai, KogakuShinsei
from fukushi.rules.kogaku import HOSOGU, KUBUN_LABELS, SERVICE
from fukushi.services.furikomi import NOT_SET, irainin_of
from fukushi.services.jogen_kanri import nengetsu
from fukushi.services.kogaku import (
    KogakuRefused,
    ShinseiLine,
    kettei_words,
    kogaku_kettei,
    kogaku_shiharai,
    kogaku_shinsei,
)
from juminkiroku.public import atena_resolve, person_identities
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads, access_note
from tenants.accesslog.services import actor_from_request
from tenants.api.fields import TextField
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.text import NoControlCharacters
from tenants.wareki import fiscal_year_of

MAX_ID = 2**63 - 1
RECORD_TYPE = "fukushi.KogakuShinsei"
PREFIX = "kogaku/"


# --- serializers (the document) --------------------------------------------------------


def _digits(n: int, label: str) -> serializers.RegexField:
    return serializers.RegexField(
        rf"^[0-9]{{{n}}}$",
        validators=[NoControlCharacters(label=label)],
        help_text=f"{label}（{n}桁の数字）",
    )


class KogakuKozaSerializer(serializers.Serializer):
    kinyu_kikan = _digits(4, "金融機関コード")
    shiten = _digits(3, "支店コード")
    yokin_shumoku = serializers.ChoiceField(
        choices=list(zengin.SHUMOKU.items()), help_text="預金種目"
    )
    koza_bango = _digits(7, "口座番号")
    meigi_kana = TextField(max_length=30, label="口座名義", help_text="口座名義（半角カナ）")


class KogakuLineInSerializer(serializers.Serializer):
    kubun = serializers.ChoiceField(
        choices=[(SERVICE, KUBUN_LABELS[SERVICE]), (HOSOGU, KUBUN_LABELS[HOSOGU])],
        help_text="区分（service＝障害福祉サービス、hosogu＝補装具費）",
    )
    record_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="町の記録のID（障害福祉サービスは支給決定のID、補装具費は給付のID）",
    )
    gaku = serializers.IntegerField(
        min_value=0,
        max_value=10_000_000,
        required=False,
        allow_null=True,
        help_text="領収書の利用者負担額（円。その月の上限額管理結果のない障害福祉サービスのみ）",
    )


class KogakuShinseiInSerializer(serializers.Serializer):
    shinseisha_atena_no = serializers.RegexField(
        r"^[0-9]{1,12}$",
        validators=[NoControlCharacters(label="宛名番号")],
        help_text="申請者の宛名番号",
    )
    taisho = serializers.DateField(help_text="対象年月（その月のいずれかの日）")
    shinsei_date = serializers.DateField(help_text="申請日（対象年月の末日より後）")
    lines = serializers.ListField(
        child=KogakuLineInSerializer(),
        min_length=1,
        max_length=20,
        help_text="合算する利用者負担（申請者本人と配偶者の記録。20件まで）",
    )
    koza = KogakuKozaSerializer(help_text="振込先（申請者の口座）")


class KogakuKetteiInSerializer(serializers.Serializer):
    kekka = serializers.ChoiceField(
        choices=[("shikyu", "支給"), ("kyakka", "却下")], help_text="決定（支給・却下）"
    )
    kettei_date = serializers.DateField(help_text="決定日（申請日以後）")
    riyu = TextField(
        max_length=200, required=False, label="却下の理由", help_text="却下の理由（却下のとき必須）"
    )


class KogakuShiharaiInSerializer(serializers.Serializer):
    shiharai_date = serializers.DateField(help_text="支払日（取組日）")


class KogakuMeisaiSerializer(serializers.Serializer):
    junban = serializers.IntegerField(help_text="順番")
    atena_no = serializers.CharField(help_text="利用者の宛名番号")
    kubun = serializers.CharField(help_text="区分（表示）")
    record_id = serializers.IntegerField(help_text="根拠の記録のID")
    gaku = serializers.IntegerField(help_text="利用者負担額（円）")
    gassan = serializers.BooleanField(help_text="合算した（false は合算しない：理由は内容に）")
    naiyo = serializers.CharField(help_text="内容（合算しない理由を含む）")


class KogakuRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="申請のID")
    shinseisha_atena_no = serializers.CharField(help_text="申請者の宛名番号")
    taisho_ym = serializers.DateField(help_text="対象年月（月の1日）")
    taisho = serializers.CharField(help_text="対象年月（和暦）")
    shinsei_date = serializers.DateField(help_text="申請日")
    gassan = serializers.IntegerField(help_text="合算額（円）")
    kijungaku = serializers.IntegerField(help_text="世帯の基準額（円）")
    shikyu_gaku = serializers.IntegerField(help_text="支給額（円）")
    jotai = serializers.ChoiceField(choices=KogakuJotai.choices, help_text="状態")
    jotai_label = serializers.CharField(help_text="状態（表示）")
    kettei_date = serializers.DateField(allow_null=True, help_text="決定日（未決定は空）")
    kettei = serializers.CharField(help_text="決定（文章。未決定は空）")
    shiharai_date = serializers.DateField(allow_null=True, help_text="支払日（未払は空）")


class KogakuSerializer(KogakuRowSerializer):
    konkyo = serializers.ListField(
        child=serializers.CharField(), help_text="算定に用いた値と計算（文章）"
    )
    meisai = KogakuMeisaiSerializer(many=True, help_text="合算した・しなかった利用者負担")
    kyakka_riyu = serializers.CharField(help_text="却下の理由")


class KogakuShiharaiSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="支払のID")
    shiharai_date = serializers.DateField(help_text="支払日")
    kensu = serializers.IntegerField(help_text="件数")
    gokei = serializers.IntegerField(help_text="合計額（円）")
    shinsei_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="支払った申請のID"
    )


# --- answers -------------------------------------------------------------------------


def _row(s: KogakuShinsei, atena_no: str) -> dict[str, Any]:
    return {
        "id": s.pk,
        "shinseisha_atena_no": atena_no,
        "taisho_ym": s.taisho_ym,
        "taisho": nengetsu(s.taisho_ym),
        "shinsei_date": s.shinsei_date,
        "gassan": s.gassan,
        "kijungaku": s.kijungaku,
        "shikyu_gaku": s.shikyu_gaku,
        "jotai": s.jotai,
        "jotai_label": s.get_jotai_display(),
        "kettei_date": s.kettei_date,
        "kettei": kettei_words(s),
        "shiharai_date": s.shiharai.shiharai_date if s.shiharai else None,
    }


def _detail(s: KogakuShinsei) -> dict[str, Any]:
    meisai = list(s.meisai.order_by("junban"))
    people = person_identities({s.shinseisha_atena_id, *(m.atena_id for m in meisai)})

    def no(atena_id: int) -> str:
        return getattr(people.get(atena_id), "atena_no", "")

    return _row(s, no(s.shinseisha_atena_id)) | {
        "konkyo": [str(r) for r in s.konkyo],
        "meisai": [
            {
                "junban": m.junban,
                "atena_no": no(m.atena_id),
                "kubun": KUBUN_LABELS.get(m.kubun, ""),
                "record_id": m.record_id,
                "gaku": m.gaku,
                "gassan": m.gassan,
                "naiyo": m.naiyo,
            }
            for m in meisai
        ],
        "kyakka_riyu": s.kyakka_riyu,
    }


def _refused(exc: KogakuRefused) -> RuleRefused:
    out: dict[str, list[str]] = {}
    for field, message in exc.errors:
        out.setdefault(field or "detail", []).append(message)
    return RuleRefused(out)


def _in_range(value: date, name: str) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise RuleRefused(
            {name: [f"{FIRST_YEAR}年から{LAST_YEAR}年までの日付で指定してください。"]}
        )


def _wall(request: Request) -> str:
    if not granted(request):
        raise Http404
    return purpose_of(request)


def _one(pk: int) -> KogakuShinsei:
    s = (
        KogakuShinsei.objects.select_related("shiharai").filter(pk=pk).first()
        if pk <= MAX_ID
        else None
    )
    if s is None:
        raise Http404
    return s


WALL = (
    "操作権限「障害者福祉（手帳・手当・自立支援給付）・心身障害者医療の閲覧・登録」を持つ職員のみ"
)


class KogakuListView(TenantAPIView):
    gyomu_code = SHOGAISHA_FUKUSHI
    parser_classes = [JSONParser]
    access_reads = {
        "GET": Reads(
            RECORD_TYPE,
            action=AccessAction.SEARCH,
            ids="results[].id",
            skip_empty=True,
            screen="api.fukushi.kogaku_list",
        ),
        "POST": LOGGED_BY_SERVICE,
    }

    @extend_schema(
        parameters=[
            PURPOSE,
            OpenApiParameter(
                "jotai", {"type": "string", "enum": list(KogakuJotai.values)}, description="状態"
            ),
            OpenApiParameter(
                "taisho",
                {"type": "string", "format": "date"},
                description="対象年月（その月のいずれかの日）",
            ),
            *PAGING,
        ],
        responses={200: page_serializer(KogakuRowSerializer)},
        summary=f"高額障害福祉サービス等給付費の申請の一覧（新しい月から）。{WALL}",
        operation_id="fukushi_kogaku_list",
    )
    def get(self, request: Request) -> Response:
        _wall(request)
        qs = KogakuShinsei.objects.select_related("shiharai")
        jotai = request.query_params.get("jotai", "")
        if jotai:
            if jotai not in KogakuJotai.values:
                raise ValidationError({"jotai": ["状態が正しくありません。"]})
            qs = qs.filter(jotai=jotai)
        raw = request.query_params.get("taisho", "")
        if raw:
            try:
                taisho = date.fromisoformat(raw)
            except ValueError as exc:
                raise ValidationError(
                    {"taisho": ["日付（YYYY-MM-DD）で指定してください。"]}
                ) from exc
            if not FIRST_YEAR <= taisho.year <= LAST_YEAR:  # a query: 400, as its format
                raise ValidationError(
                    {"taisho": [f"{FIRST_YEAR}年から{LAST_YEAR}年までの日付で指定してください。"]}
                )
            qs = qs.filter(taisho_ym=taisho.replace(day=1))
        page, head = page_of(request, qs.order_by("-taisho_ym", "-pk"))
        people = person_identities(s.shinseisha_atena_id for s in page)
        return Response(
            head
            | {
                "results": [
                    _row(s, getattr(people.get(s.shinseisha_atena_id), "atena_no", ""))
                    for s in page
                ]
            }
        )

    @extend_schema(
        parameters=[PURPOSE],
        request=KogakuShinseiInSerializer,
        responses={
            201: KogakuSerializer,
            422: rule_response(
                "申請者が町にいない・見つからない記録・配偶者でない人の記録・負担上限月額を超える"
                "領収書の額・上限額管理結果と合わない額・課税世帯でない世帯・障害児通所支援・"
                "申請日が対象年月の末日以前・口座の誤り・基準額の未設定・範囲外の年"
            ),
        },
        summary=f"高額障害福祉サービス等給付費の申請（合算と支給額の算定）。{WALL}",
        operation_id="fukushi_kogaku_shinsei",
    )
    def post(self, request: Request) -> Response:
        purpose = _wall(request)
        ser = KogakuShinseiInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        _in_range(d["taisho"], "taisho")
        _in_range(d["shinsei_date"], "shinsei_date")
        found = atena_resolve(d["shinseisha_atena_no"])
        if not found.found or found.atena_id is None:
            raise RuleRefused(
                {"shinseisha_atena_no": [found.message or "その宛名番号の方は見つかりません。"]}
            )
        k = d["koza"]
        try:
            s = kogaku_shinsei(
                shinseisha_atena_id=found.atena_id,
                taisho=d["taisho"],
                shinsei_date=d["shinsei_date"],
                lines=[
                    ShinseiLine(ln["kubun"], ln["record_id"], ln.get("gaku")) for ln in d["lines"]
                ],
                account=zengin.Account(k["kinyu_kikan"], k["shiten"], k["yokin_shumoku"],
                                       k["koza_bango"], k["meigi_kana"]),
                actor=actor_from_request(request._request),
                purpose=purpose,
            )  # fmt: skip
        except KogakuRefused as exc:
            raise _refused(exc) from exc
        return Response(_detail(s), status=status.HTTP_201_CREATED)


class KogakuView(TenantAPIView):
    gyomu_code = SHOGAISHA_FUKUSHI
    access_reads = Reads(RECORD_TYPE, id_kwarg="pk", shown="id", screen="api.fukushi.kogaku")

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: KogakuSerializer},
        summary=f"高額障害福祉サービス等給付費の申請1件（明細・算定に用いた値・決定・支払）。{WALL}",
        operation_id="fukushi_kogaku",
    )
    def get(self, request: Request, pk: int) -> Response:
        _wall(request)
        s = _one(pk)
        ids = sorted({s.shinseisha_atena_id, *s.meisai.values_list("atena_id", flat=True)})
        access_note(request, detail={"atena_ids": ids})
        return Response(_detail(s))


class KogakuKetteiView(TenantAPIView):
    gyomu_code = SHOGAISHA_FUKUSHI
    access_reads = LOGGED_BY_SERVICE
    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[PURPOSE],
        request=KogakuKetteiInSerializer,
        responses={
            200: KogakuSerializer,
            422: rule_response(
                "決定済み・決定日が申請日より前・支給額0円の支給・理由のない却下・範囲外の年"
            ),
        },
        summary=f"高額障害福祉サービス等給付費の決定（支給・却下）。{WALL}",
        operation_id="fukushi_kogaku_kettei",
    )
    def post(self, request: Request, pk: int) -> Response:
        purpose = _wall(request)
        _one(pk)
        ser = KogakuKetteiInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        _in_range(d["kettei_date"], "kettei_date")
        try:
            s = kogaku_kettei(
                pk=pk,
                shikyu=d["kekka"] == "shikyu",
                kettei_date=d["kettei_date"],
                riyu=d.get("riyu") or "",
                actor=actor_from_request(request._request),
                purpose=purpose,
            )
        except KogakuRefused as exc:
            raise _refused(exc) from exc
        return Response(_detail(_one(s.pk)))


class KogakuShiharaiView(TenantAPIView):
    gyomu_code = SHOGAISHA_FUKUSHI
    access_reads = LOGGED_BY_SERVICE  # the run's row is written by its service (seal_run)
    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[PURPOSE],
        request=KogakuShiharaiInSerializer,
        responses={
            201: KogakuShiharaiSerializer,
            422: rule_response(
                "支払う申請（支給決定済・未払）がない、振込依頼人が未設定、範囲外の年"
            ),
        },
        summary=(
            "高額障害福祉サービス等給付費の支払（支給決定済で未払の申請すべてを1回の総合振込に）。"
            f"{WALL}"
        ),
        operation_id="fukushi_kogaku_shiharai",
    )
    def post(self, request: Request) -> Response:
        _wall(request)
        ser = KogakuShiharaiInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        day = ser.validated_data["shiharai_date"]
        _in_range(day, "shiharai_date")
        irainin = irainin_of(fiscal_year_of(day))
        if irainin is None:
            raise RuleRefused({"irainin": [NOT_SET + "。"]})
        try:
            run: KogakuShiharai = kogaku_shiharai(
                shiharai_date=day, irainin=irainin, actor=actor_from_request(request._request)
            )
        except KogakuRefused as exc:
            raise _refused(exc) from exc
        return Response(
            {
                "id": run.pk,
                "shiharai_date": run.shiharai_date,
                "kensu": run.kensu,
                "gokei": run.gokei,
                "shinsei_ids": list(run.shinsei.order_by("pk").values_list("pk", flat=True)),
            },
            status=status.HTTP_201_CREATED,
        )


urlpatterns: list[URLPattern] = [
    path(PREFIX, KogakuListView.as_view(), name="api-fukushi-kogaku-list"),
    path(f"{PREFIX}shiharai/", KogakuShiharaiView.as_view(), name="api-fukushi-kogaku-shiharai"),
    path(f"{PREFIX}<int:pk>/", KogakuView.as_view(), name="api-fukushi-kogaku"),
    path(f"{PREFIX}<int:pk>/kettei/", KogakuKetteiView.as_view(), name="api-fukushi-kogaku-kettei"),
]
