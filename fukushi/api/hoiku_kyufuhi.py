"""REST API of 施設型給付費・地域型保育給付費 (HK-13; mounted at /api/v1/fukushi/hoiku/kyufuhi/),
what the 施設型給付費 screen shows (fukushi/views/hoiku_kyufu.py): the 給付費 of a month per
施設 (paged: 人数, 公定価格, 利用者負担, 給付費) and one 施設's month with each child's line;
the 施設's 請求 (実績報告: 児童数, 請求額) of a month, received (POST) and listed, and the
month's 審査 run (POST ``shinsa/``: the 算定 made and every 請求 not yet 一致 judged against
it; the 施設 that have not claimed answered). Each 算定 is the computation of the month
(``kyufuhi_of_month``), refused (422) naming the 施設 and クラス when a 公定価格 or a child's
保育料 is missing.

The wall is the 業務's (子ども・子育て支援): its role, or an API key with its read scope; a
施設 of another town is 404. The computation logs its read of the children (the service);
the 施設's lines are logged again as what this answer showed (their 宛名 ids)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.paging import FIRST_YEAR, LAST_YEAR, page_of
from fukushi.api.paging import PARAMETERS as PAGING
from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import HoikuKyufuhiSeikyu, HoikuShisetsu, KyufuhiSeikyuJotai
from fukushi.services.hoiku_kyufu import KyufuhiRefused, ShisetsuKyufu, kyufuhi_of_month
from fukushi.services.hoiku_kyufu_seikyu import MAX_GAKU, seikyu_shinsa, seikyu_uketsuke
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads
from tenants.accesslog.services import actor_from_request
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response
from tenants.params.services import ParameterMissing

PREFIX = "hoiku/kyufuhi/"
MAX_ID = 2**63 - 1

MONTH = OpenApiParameter(
    "month",
    OpenApiTypes.DATE,
    required=True,
    description="給付費の月（その月のいずれかの日。例 2025-06-01）",
)
REFUSED = rule_response(
    "公定価格・子どもの保育料が未登録（施設とクラスを示す）、無償化前の1号、"
    f"月が{FIRST_YEAR}〜{LAST_YEAR}年の外"
)


def month_of(request: Request) -> date:
    """The month asked for (``month``: any day of it), its first day."""
    raw = request.query_params.get("month", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"month": ["給付費の月（YYYY-MM-DD）を指定してください。"]}) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise RuleRefused(
            {"month": [f"{FIRST_YEAR}年から{LAST_YEAR}年までの月を指定してください。"]}
        )
    return day.replace(day=1)


def computed(request: Request, month: date) -> list[ShisetsuKyufu]:
    """The month's 給付費 per 施設, a refusal as 422 (the 施設 and クラス named)."""
    try:
        return kyufuhi_of_month(month, actor=actor_from_request(request._request))
    except KyufuhiRefused as exc:
        raise RuleRefused({"month": [m for _, m in exc.errors]}) from exc
    except ParameterMissing as exc:
        raise RuleRefused({"month": [f"この月の年度の値が登録されていません（{exc}）。"]}) from exc


class KyufuhiShisetsuSerializer(serializers.Serializer):
    shisetsu_id = serializers.IntegerField(help_text="施設のID")
    code = serializers.CharField(help_text="施設番号")
    name = serializers.CharField(help_text="施設名")
    shubetsu = serializers.CharField(help_text="施設の種別（表示）")
    ninzu = serializers.IntegerField(help_text="その月に在籍した子どもの数")
    tochu = serializers.IntegerField(help_text="月の途中に入所・退所した子ども（日割）の数")
    kotei_gokei = serializers.IntegerField(help_text="公定価格の合計（日割後、円）")
    futan_gokei = serializers.IntegerField(help_text="利用者負担の合計（円）")
    kyufuhi = serializers.IntegerField(help_text="給付費（円）")


class KyufuhiLineSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField(help_text="子どもの宛名ID")
    class_age = serializers.IntegerField(help_text="クラス年齢（4月1日の年齢）")
    hitsuyoryo = serializers.CharField(help_text="保育標準時間・保育短時間・教育標準時間（1号）")
    kotei_getsugaku = serializers.IntegerField(help_text="公定価格（月額、円）")
    nissu = serializers.IntegerField(allow_null=True, help_text="日割：在籍した開所日数")
    bunbo = serializers.IntegerField(allow_null=True, help_text="日割：基準日数")
    kotei = serializers.IntegerField(help_text="その月の公定価格（日割後、円）")
    futan = serializers.IntegerField(help_text="利用者負担（円）")
    kyufu = serializers.IntegerField(help_text="給付費（円、0未満にしない）")


class KyufuhiDetailSerializer(KyufuhiShisetsuSerializer):
    month = serializers.DateField(help_text="給付費の月（1日）")
    lines = KyufuhiLineSerializer(many=True, help_text="子どもごとの行")


class KyufuhiPageSerializer(page_serializer(KyufuhiShisetsuSerializer)):  # type: ignore[misc]
    month = serializers.DateField(help_text="給付費の月（1日）")
    gokei = serializers.IntegerField(help_text="全施設の給付費の合計（円）")


def shisetsu_row(shisetsu: HoikuShisetsu, s: ShisetsuKyufu | None) -> dict[str, Any]:
    lines = s.lines if s is not None else []
    return {
        "shisetsu_id": shisetsu.pk,
        "code": shisetsu.code,
        "name": shisetsu.name,
        "shubetsu": shisetsu.get_shubetsu_display(),
        "ninzu": len(lines),
        "tochu": s.tochu if s is not None else 0,
        "kotei_gokei": sum(ln.kotei for ln in lines),
        "futan_gokei": sum(ln.futan for ln in lines),
        "kyufuhi": s.total if s is not None else 0,
    }


class KyufuhiListView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    access_reads = LOGGED_BY_SERVICE  # the computation logs its read of the children

    @extend_schema(
        parameters=[MONTH, *PAGING],
        responses={200: KyufuhiPageSerializer, 422: REFUSED},
        summary="施設型給付費の月の一覧（施設ごとの人数・公定価格・利用者負担・給付費）。ページ送り",
        operation_id="fukushi_hoiku_kyufuhi_list",
    )
    def get(self, request: Request) -> Response:
        month = month_of(request)
        rows = computed(request, month)
        page, head = page_of(request, rows)
        return Response(
            head
            | {
                "month": month,
                "gokei": sum(s.total for s in rows),
                "results": [shisetsu_row(s.shisetsu, s) for s in page],
            }
        )


class KyufuhiDetailView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    access_reads = Reads(
        "atena", ids="lines[].atena_id", skip_empty=True, screen="api.fukushi.hoiku_kyufuhi"
    )

    @extend_schema(
        parameters=[MONTH],
        responses={200: KyufuhiDetailSerializer, 422: REFUSED},
        summary="施設型給付費：1施設の月（子どもごとの公定価格・日割・利用者負担・給付費）",
        operation_id="fukushi_hoiku_kyufuhi_detail",
    )
    def get(self, request: Request, pk: int) -> Response:
        shisetsu = HoikuShisetsu.objects.filter(pk=pk).first() if pk <= MAX_ID else None
        if shisetsu is None:
            raise NotFound("その施設は見つかりません。")
        month = month_of(request)
        found = [s for s in computed(request, month) if s.shisetsu.pk == shisetsu.pk]
        s = found[0] if found else None
        return Response(
            shisetsu_row(shisetsu, s)
            | {
                "month": month,
                "lines": [
                    {
                        "atena_id": ln.atena_id,
                        "class_age": ln.class_age,
                        "hitsuyoryo": ln.hitsuyoryo,
                        "kotei_getsugaku": ln.kotei_getsugaku,
                        "nissu": ln.nissu,
                        "bunbo": ln.bunbo,
                        "kotei": ln.kotei,
                        "futan": ln.futan,
                        "kyufu": ln.kyufu,
                    }
                    for ln in (s.lines if s is not None else [])
                ],
            }
        )


def _refused(exc: KyufuhiRefused) -> RuleRefused:
    out: dict[str, list[str]] = {}
    for field, message in exc.errors:
        out.setdefault(field or "detail", []).append(message)
    return RuleRefused(out)


def _first_of(d: date, name: str) -> date:
    if not FIRST_YEAR <= d.year <= LAST_YEAR:
        raise RuleRefused(
            {name: [f"{FIRST_YEAR}年から{LAST_YEAR}年までの日付で指定してください。"]}
        )
    return d.replace(day=1)


class SeikyuSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="請求のID")
    shisetsu_id = serializers.IntegerField(help_text="施設のID")
    code = serializers.CharField(help_text="施設番号")
    name = serializers.CharField(help_text="施設名")
    month = serializers.DateField(help_text="給付費の月（1日）")
    uketsuke_date = serializers.DateField(help_text="受付日")
    seikyu_ninzu = serializers.IntegerField(help_text="請求の児童数")
    seikyu_gaku = serializers.IntegerField(help_text="請求額（円）")
    jotai = serializers.ChoiceField(choices=KyufuhiSeikyuJotai.choices, help_text="状態")
    jotai_label = serializers.CharField(help_text="状態（表示）")
    shinsa_date = serializers.DateField(allow_null=True, help_text="審査日（空は未審査）")
    santei_ninzu = serializers.IntegerField(allow_null=True, help_text="算定の児童数")
    santei_gaku = serializers.IntegerField(allow_null=True, help_text="算定額（円）")
    sagaku = serializers.IntegerField(allow_null=True, help_text="差額（請求額−算定額、円）")


class SeikyuInputSerializer(serializers.Serializer):
    shisetsu_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="施設のID")
    month = serializers.DateField(help_text="給付費の月（その月のいずれかの日）")
    uketsuke_date = serializers.DateField(help_text="受付日")
    ninzu = serializers.IntegerField(min_value=0, max_value=10_000, help_text="請求の児童数")
    gaku = serializers.IntegerField(min_value=0, max_value=MAX_GAKU, help_text="請求額（円）")


class ShinsaInputSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="給付費の月（その月のいずれかの日）")
    shinsa_date = serializers.DateField(help_text="審査日")


class MiSeikyuSerializer(serializers.Serializer):
    shisetsu_id = serializers.IntegerField(help_text="施設のID")
    code = serializers.CharField(help_text="施設番号")
    name = serializers.CharField(help_text="施設名")
    ninzu = serializers.IntegerField(help_text="算定の児童数")
    gaku = serializers.IntegerField(help_text="算定額（円）")


class ShinsaKekkaSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="給付費の月（1日）")
    shinsa = SeikyuSerializer(many=True, help_text="この審査で判定した請求")
    mi_seikyu = MiSeikyuSerializer(
        many=True, help_text="給付費があるのに請求のない施設（記録しない）"
    )


def seikyu_row(q: HoikuKyufuhiSeikyu) -> dict[str, Any]:
    return {
        "id": q.pk,
        "shisetsu_id": q.shisetsu_id,
        "code": q.shisetsu.code,
        "name": q.shisetsu.name,
        "month": q.month,
        "uketsuke_date": q.uketsuke_date,
        "seikyu_ninzu": q.seikyu_ninzu,
        "seikyu_gaku": q.seikyu_gaku,
        "jotai": q.jotai,
        "jotai_label": q.get_jotai_display(),
        "shinsa_date": q.shinsa_date,
        "santei_ninzu": q.santei_ninzu,
        "santei_gaku": q.santei_gaku,
        "sagaku": q.sagaku,
    }


SEIKYU_REFUSED = rule_response(
    "審査済み（一致）の請求の変更、児童数0人の請求額、施設がない、"
    f"日付が{FIRST_YEAR}〜{LAST_YEAR}年の外"
)


class SeikyuView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    # the 請求 of 施設 (児童数 and amounts, no person: the 請求 listed are logged); the
    # receipt is logged by its service
    access_reads = {
        "GET": Reads(
            "fukushi.HoikuKyufuhiSeikyu",
            ids="results[].id",
            skip_empty=True,
            screen="api.fukushi.hoiku_kyufuhi_seikyu_list",
        ),
        "POST": LOGGED_BY_SERVICE,
    }

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month", OpenApiTypes.DATE, description="給付費の月（その月のいずれかの日）"
            ),
            OpenApiParameter(
                "jotai",
                OpenApiTypes.STR,
                enum=KyufuhiSeikyuJotai.values,
                description="状態（" + "・".join(KyufuhiSeikyuJotai.labels) + "）",
            ),
            *PAGING,
        ],
        responses={200: page_serializer(SeikyuSerializer), 422: REFUSED},
        summary="施設型給付費の請求（実績報告）の一覧（月・状態で絞り込み）。ページ送り",
        operation_id="fukushi_hoiku_kyufuhi_seikyu_list",
    )
    def get(self, request: Request) -> Response:
        qs = HoikuKyufuhiSeikyu.objects.select_related("shisetsu")
        if request.query_params.get("month", ""):
            qs = qs.filter(month=month_of(request))
        jotai = request.query_params.get("jotai", "")
        if jotai:
            if jotai not in KyufuhiSeikyuJotai.values:
                raise ValidationError({"jotai": ["状態が正しくありません。"]})
            qs = qs.filter(jotai=jotai)
        page, head = page_of(request, qs.order_by("-month", "shisetsu__code"))
        return Response(head | {"results": [seikyu_row(q) for q in page]})

    @extend_schema(
        request=SeikyuInputSerializer,
        responses={201: SeikyuSerializer, 422: SEIKYU_REFUSED},
        summary="施設型給付費の請求（実績報告）の受付・訂正（未審査に戻る）",
        operation_id="fukushi_hoiku_kyufuhi_seikyu_uketsuke",
    )
    def post(self, request: Request) -> Response:
        ser = SeikyuInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        month = _first_of(d["month"], "month")
        _first_of(d["uketsuke_date"], "uketsuke_date")
        shisetsu = HoikuShisetsu.objects.filter(pk=d["shisetsu_id"]).first()
        if shisetsu is None:
            raise RuleRefused({"shisetsu_id": ["その施設は見つかりません。"]})
        try:
            q = seikyu_uketsuke(
                shisetsu=shisetsu,
                month=month,
                uketsuke_date=d["uketsuke_date"],
                ninzu=d["ninzu"],
                gaku=d["gaku"],
                actor=actor_from_request(request._request),
            )
        except KyufuhiRefused as exc:
            raise _refused(exc) from exc
        return Response(seikyu_row(q), status=status.HTTP_201_CREATED)


class ShinsaView(TenantAPIView):
    gyomu_code = KODOMO_KOSODATE
    access_reads = LOGGED_BY_SERVICE  # the 審査 and the 算定's read of the children

    @extend_schema(
        request=ShinsaInputSerializer,
        responses={
            200: ShinsaKekkaSerializer,
            422: rule_response(
                "審査する請求がない、審査日が受付日より前、算定できない（公定価格・保育料が未登録）、"
                f"日付が{FIRST_YEAR}〜{LAST_YEAR}年の外"
            ),
        },
        summary="施設型給付費の請求の審査（月の算定をして、未審査・差異ありの請求を判定）",
        operation_id="fukushi_hoiku_kyufuhi_shinsa",
    )
    def post(self, request: Request) -> Response:
        ser = ShinsaInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        month = _first_of(d["month"], "month")
        _first_of(d["shinsa_date"], "shinsa_date")
        try:
            kekka = seikyu_shinsa(
                month=month,
                shinsa_date=d["shinsa_date"],
                actor=actor_from_request(request._request),
            )
        except KyufuhiRefused as exc:
            raise _refused(exc) from exc
        except ParameterMissing as exc:
            raise RuleRefused(
                {"month": [f"この月の年度の値が登録されていません（{exc}）。"]}
            ) from exc
        return Response(
            {
                "month": kekka.month,
                "shinsa": [seikyu_row(q) for q in kekka.judged],
                "mi_seikyu": [
                    {"shisetsu_id": m.shisetsu.pk, "code": m.shisetsu.code,
                     "name": m.shisetsu.name, "ninzu": m.ninzu, "gaku": m.gaku}
                    for m in kekka.mi_seikyu
                ],
            }
        )  # fmt: skip


urlpatterns: list[URLPattern] = [
    path(f"{PREFIX}seikyu/", SeikyuView.as_view(), name="api-fukushi-hoiku-kyufuhi-seikyu"),
    path(f"{PREFIX}shinsa/", ShinsaView.as_view(), name="api-fukushi-hoiku-kyufuhi-shinsa"),
    path(PREFIX, KyufuhiListView.as_view(), name="api-fukushi-hoiku-kyufuhi-list"),
    path(
        f"{PREFIX}<int:pk>/", KyufuhiDetailView.as_view(), name="api-fukushi-hoiku-kyufuhi-detail"
    ),
]
