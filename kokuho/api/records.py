"""Read-only REST API of 国保税 賦課, 給付, 後期高齢者医療 and 国民年金 (issue 15 item 8).
Mounted at /api/v1/kokuho/.

A person is named by 宛名番号 in a POST body (never in a path or a query); the registry's
照会 checks apply (a 照会抑止 refuses, logged as denied; an alert comes back as
``warning``). Every answer that shows a person writes one access-log row naming every
person shown (the platform's ``Reads``). No 口座番号, no 個人番号, no other person's 所得.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.public import atena_resolve, person_identities, residents_among
from kokuho.gyomu import KOKI_IRYO, KOKUHO_FUKA, KOKUHO_KYUFU, KOKUMIN_NENKIN
from kokuho.models import (
    GendoNintei,
    KokiHokenryo,
    KokiShikaku,
    KokuhoFuka,
    Kyufu,
    NenkinShinsei,
    NenkinTodoke,
    Shikaku,
)
from tenants.accesslog.reads import Reads, access_refusal
from tenants.api.fields import TextField
from tenants.api.permissions import TenantAPIView

PAGE_SIZE = 200


class AtenaNoSerializer(serializers.Serializer):
    atena_no = TextField(max_length=12, help_text="宛名番号")


class FukaLookupSerializer(AtenaNoSerializer):
    fiscal_year = serializers.IntegerField(
        min_value=2000, max_value=2100, help_text="年度（西暦、例 2025 = 令和7年度）"
    )


def resolve(request: Request, atena_no: str) -> tuple[int, str]:
    """宛名番号 → (宛名 id, warning) after the 照会 checks; 403 (logged) or 404 otherwise."""
    lookup = atena_resolve(atena_no)
    if lookup.atena_id is not None and not lookup.found:
        access_refusal(
            request, record_type="atena", record_id=lookup.atena_id, reason="shokai_yokushi"
        )
        raise PermissionDenied(lookup.message)
    if lookup.atena_id is None:
        raise NotFound("その宛名番号の方は見つかりません。")
    return lookup.atena_id, lookup.message


def _numbers(ids: list[int]) -> dict[int, str]:
    return {pk: p.atena_no for pk, p in person_identities(ids).items()}


def _head(body: dict[str, Any], atena_id: int, atena_no: str, warning: str) -> dict[str, Any]:
    out = {"atena_id": atena_id, "atena_no": atena_no, **body}
    if warning:
        out["warning"] = warning
    return out


# --- 賦課 -----------------------------------------------------------------------------------


class KubunSerializer(serializers.Serializer):
    kubun = serializers.CharField(help_text="区分（iryo 医療分、shien 後期高齢者支援金等分…）")
    kubun_name = serializers.CharField(help_text="区分の名前")
    shotokuwari = serializers.IntegerField(help_text="所得割額（年額）")
    shisanwari = serializers.IntegerField(help_text="資産割額（年額）")
    kintowari = serializers.IntegerField(help_text="均等割額（軽減後、年額）")
    byodowari = serializers.IntegerField(help_text="平等割額（軽減後、年額）")
    nengaku = serializers.IntegerField(help_text="課税限度額の前の年額")
    gendo = serializers.IntegerField(help_text="課税限度額")
    zeigaku = serializers.IntegerField(help_text="月割・端数処理の後の税額")


class KibetsuSerializer(serializers.Serializer):
    ki = serializers.IntegerField(help_text="期")
    ki_name = serializers.CharField(help_text="期の名前")
    due = serializers.CharField(help_text="納期限（YYYY-MM-DD）")
    amount = serializers.IntegerField(help_text="期別税額")


class FukaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fiscal_year = serializers.IntegerField(help_text="年度")
    setai_id = serializers.IntegerField(help_text="世帯ID（住民記録）")
    version = serializers.IntegerField(help_text="版（更正ごとに1増える）")
    santei = serializers.CharField(help_text="算定区分（hon 本算定、kari 仮算定、kosei 更正）")
    santei_label = serializers.CharField(help_text="算定区分の名前")
    kijun_date = serializers.DateField(help_text="算定基準日")
    nozei_gimusha_id = serializers.IntegerField(help_text="納税義務者（世帯主）の宛名ID")
    nozei_gimusha_atena_no = serializers.CharField(help_text="納税義務者の宛名番号")
    gisei = serializers.BooleanField(help_text="擬制世帯主")
    hihokensha_su = serializers.IntegerField(help_text="被保険者数")
    keigen_wari = serializers.IntegerField(help_text="法定軽減（割、0 はなし）")
    hantei_shotoku = serializers.IntegerField(help_text="軽減判定所得")
    nengaku = serializers.IntegerField(help_text="年税額")
    kanou = serializers.IntegerField(help_text="過納額")
    kubun = KubunSerializer(many=True, help_text="区分ごとの内訳")
    kibetsu = KibetsuSerializer(many=True, help_text="期別")
    lines = serializers.ListField(child=serializers.CharField(), help_text="計算の説明")


class FukaLookupAnswerSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField(help_text="宛名番号")
    fiscal_year = serializers.IntegerField()
    households = FukaSerializer(many=True, help_text="その人の国保世帯の現在の賦課（年度内）")
    warning = serializers.CharField(required=False, help_text="照会アラート・支援措置の注意")


class FukaListQuery(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="年度")
    page = serializers.IntegerField(min_value=1, default=1, help_text="ページ（1から）")


class FukaRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    setai_id = serializers.IntegerField()
    nozei_gimusha_id = serializers.IntegerField()
    nozei_gimusha_atena_no = serializers.CharField()
    version = serializers.IntegerField()
    santei = serializers.CharField()
    hihokensha_su = serializers.IntegerField()
    keigen_wari = serializers.IntegerField()
    nengaku = serializers.IntegerField()


class FukaPageSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    count = serializers.IntegerField(help_text="その年度の現在の賦課の数（全ページ）")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = FukaRowSerializer(many=True)


def _kubun(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "kubun": k.get("kubun", ""),
            "kubun_name": k.get("label", ""),
            "shotokuwari": int(k.get("shotokuwari_total", 0)),
            "shisanwari": int(k.get("shisanwari_total", 0)),
            "kintowari": int(k.get("kintowari_total", 0)),
            "byodowari": int(k.get("byodowari_after", 0)),
            "nengaku": int(k.get("nengaku", 0)),
            "gendo": int(k.get("gendo", 0)),
            "zeigaku": int(k.get("zeigaku", 0)),
        }
        for k in result.get("kubun", [])
    ]


def fuka_json(f: KokuhoFuka, numbers: dict[int, str]) -> dict[str, Any]:
    result = (f.detail or {}).get("result") or {}
    return {
        "id": f.pk,
        "fiscal_year": f.fiscal_year,
        "setai_id": f.setai_id,
        "version": f.version,
        "santei": f.santei,
        "santei_label": f.get_santei_display(),
        "kijun_date": f.kijun_date,
        "nozei_gimusha_id": f.nozei_gimusha_id,
        "nozei_gimusha_atena_no": numbers.get(f.nozei_gimusha_id, ""),
        "gisei": f.gisei,
        "hihokensha_su": f.hihokensha_su,
        "keigen_wari": f.keigen_wari,
        "hantei_shotoku": f.hantei_shotoku,
        "nengaku": f.nengaku,
        "kanou": f.kanou,
        "kubun": _kubun(result),
        "kibetsu": [
            {
                "ki": int(k.get("ki", 0)),
                "ki_name": str(k.get("label", "")),
                "due": str(k.get("due", "")),
                "amount": int(k.get("amount", 0)),
            }
            for k in f.kibetsu
        ],
        "lines": [str(x) for x in result.get("lines", [])],
    }


def fuka_of_person(atena_id: int, fiscal_year: int) -> list[KokuhoFuka]:
    """The current 賦課 of the year of every 国保世帯 the person was insured in, or is the
    納税義務者 of (擬制世帯主)."""
    setai_ids = set(
        Shikaku.objects.filter(atena_id=atena_id, setai_id__isnull=False).values_list(
            "setai_id", flat=True
        )
    )
    resident = residents_among([atena_id], timezone.localdate()).get(atena_id)
    if resident is not None and resident.setai_id:
        setai_ids.add(resident.setai_id)
    return list(
        KokuhoFuka.objects.filter(fiscal_year=fiscal_year, is_current=True)
        .filter(Q(setai_id__in=setai_ids) | Q(nozei_gimusha_id=atena_id))
        .order_by("setai_id")
    )


def _fuka_ids(data: Any) -> list[int]:
    return [data["atena_id"], *(h["nozei_gimusha_id"] for h in data["households"])]


class FukaLookupView(TenantAPIView):
    gyomu_code = KOKUHO_FUKA
    post_is_read = True
    access_reads = Reads("atena", ids=_fuka_ids, shown="households", screen="api.kokuho.fuka")

    @extend_schema(
        request=FukaLookupSerializer,
        responses={200: FukaLookupAnswerSerializer},
        summary="宛名番号で、その人の国保世帯の国保税（区分ごとの内訳・期別）を照会",
        operation_id="kokuho_fuka_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = FukaLookupSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        atena_id, warning = resolve(request, ser.validated_data["atena_no"])
        fy = ser.validated_data["fiscal_year"]
        rows = fuka_of_person(atena_id, fy)
        numbers = _numbers([atena_id, *(f.nozei_gimusha_id for f in rows)])
        body = {"fiscal_year": fy, "households": [fuka_json(f, numbers) for f in rows]}
        return Response(_head(body, atena_id, numbers.get(atena_id, ""), warning))


class FukaListView(TenantAPIView):
    gyomu_code = KOKUHO_FUKA
    access_reads = Reads(
        "atena",
        ids="results[].nozei_gimusha_id",
        skip_empty=True,
        detail=lambda data: {"fiscal_year": data["fiscal_year"], "page": data["page"]},
        screen="api.kokuho.fuka_list",
    )

    @extend_schema(
        parameters=[FukaListQuery],
        responses={200: FukaPageSerializer},
        summary="年度の国保税の賦課の一覧（現在の版、世帯ID順、200件ずつ）",
        operation_id="kokuho_fuka_list",
    )
    def get(self, request: Request) -> Response:
        query = FukaListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        fy = query.validated_data["fiscal_year"]
        qs = KokuhoFuka.objects.filter(fiscal_year=fy, is_current=True).order_by("setai_id")
        paginator = Paginator(
            qs.only(
                "setai_id", "nozei_gimusha_id", "version", "santei", "hihokensha_su",
                "keigen_wari", "nengaku",
            ),
            PAGE_SIZE,
        )  # fmt: skip
        try:
            page = paginator.page(query.validated_data["page"])
        except EmptyPage as exc:
            raise NotFound("そのページはありません。") from exc
        rows = list(page.object_list)
        numbers = _numbers([f.nozei_gimusha_id for f in rows])
        return Response(
            {
                "fiscal_year": fy,
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "results": [
                    {
                        "id": f.pk,
                        "setai_id": f.setai_id,
                        "nozei_gimusha_id": f.nozei_gimusha_id,
                        "nozei_gimusha_atena_no": numbers.get(f.nozei_gimusha_id, ""),
                        "version": f.version,
                        "santei": f.santei,
                        "hihokensha_su": f.hihokensha_su,
                        "keigen_wari": f.keigen_wari,
                        "nengaku": f.nengaku,
                    }
                    for f in rows
                ],
            }
        )


# --- 給付 -----------------------------------------------------------------------------------


class KyufuSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="給付の種類（kogaku, shussan, sosai）")
    kind_label = serializers.CharField(help_text="給付の種類の名前")
    status = serializers.CharField(help_text="状態（shinsei, kettei, fushikyu, shiharai）")
    status_label = serializers.CharField(help_text="状態の名前")
    shinsei_date = serializers.DateField(help_text="申請日")
    jiyu_date = serializers.DateField(help_text="事由の日（診療月の初日、出産日、死亡日）")
    kettei_date = serializers.DateField(allow_null=True, help_text="決定日")
    shikyu_gaku = serializers.IntegerField(help_text="支給額")
    fushikyu_riyu = serializers.CharField(help_text="不支給の理由")
    shiharai_date = serializers.DateField(allow_null=True, help_text="支払日")


class NinteiSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shinsei_date = serializers.DateField(help_text="申請日")
    nendo = serializers.IntegerField(help_text="所得の年度")
    kubun = serializers.CharField(help_text="所得区分")
    status = serializers.CharField(help_text="状態（hantei, kofu, kyakka）")
    status_label = serializers.CharField(help_text="状態の名前")
    kyakka_riyu = serializers.CharField(help_text="却下の理由")
    yuko_from = serializers.DateField(allow_null=True, help_text="適用開始日")
    yuko_to = serializers.DateField(allow_null=True, help_text="有効期限")


class KyufuAnswerSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField(help_text="宛名番号")
    kyufu = KyufuSerializer(many=True, help_text="その人が対象者または申請者の給付")
    nintei = NinteiSerializer(many=True, help_text="限度額適用認定")
    warning = serializers.CharField(required=False, help_text="照会アラート・支援措置の注意")


class KyufuLookupView(TenantAPIView):
    gyomu_code = KOKUHO_KYUFU
    post_is_read = True
    access_reads = Reads("atena", ids="atena_id", screen="api.kokuho.kyufu")

    @extend_schema(
        request=AtenaNoSerializer,
        responses={200: KyufuAnswerSerializer},
        summary="宛名番号で1人の給付の申請・決定・支払と限度額適用認定を照会",
        operation_id="kokuho_kyufu_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = AtenaNoSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        atena_id, warning = resolve(request, ser.validated_data["atena_no"])
        kyufu = (
            Kyufu.objects.filter(Q(taishosha_atena_id=atena_id) | Q(shinseisha_atena_id=atena_id))
            .select_related("shiharai")
            .order_by("shinsei_date", "id")
        )
        nintei = GendoNintei.objects.filter(atena_id=atena_id).order_by("shinsei_date", "id")
        body = {
            "kyufu": [
                {
                    "id": k.pk,
                    "kind": k.kind,
                    "kind_label": k.get_kind_display(),
                    "status": k.status,
                    "status_label": k.get_status_display(),
                    "shinsei_date": k.shinsei_date,
                    "jiyu_date": k.jiyu_date,
                    "kettei_date": k.kettei_date,
                    "shikyu_gaku": k.shikyu_gaku,
                    "fushikyu_riyu": k.fushikyu_riyu,
                    "shiharai_date": k.shiharai.shiharai_date if k.shiharai else None,
                }
                for k in kyufu
            ],
            "nintei": [
                {
                    "id": n.pk,
                    "shinsei_date": n.shinsei_date,
                    "nendo": n.nendo,
                    "kubun": n.kubun,
                    "status": n.status,
                    "status_label": n.get_status_display(),
                    "kyakka_riyu": n.kyakka_riyu,
                    "yuko_from": n.yuko_from,
                    "yuko_to": n.yuko_to,
                }
                for n in nintei
            ],
        }
        return Response(_head(body, atena_id, _numbers([atena_id]).get(atena_id, ""), warning))


# --- 後期高齢者医療 -------------------------------------------------------------------------


class KokiPeriodSerializer(serializers.Serializer):
    hihokensha_bango = serializers.CharField(help_text="被保険者番号（広域連合が付番するまで空）")
    shutoku_date = serializers.DateField(help_text="資格取得日")
    shutoku_jiyu = serializers.CharField(help_text="取得事由（言葉）")
    soshitsu_date = serializers.DateField(allow_null=True, help_text="資格喪失日")
    soshitsu_jiyu = serializers.CharField(help_text="喪失事由（言葉）")


class KokiKibetsuSerializer(serializers.Serializer):
    ki = serializers.IntegerField(help_text="期")
    choshu_hoho = serializers.CharField(help_text="徴収方法（言葉）")
    nokigen = serializers.DateField(help_text="納期限")
    chotei_gaku = serializers.IntegerField(help_text="調定額")


class KokiHokenryoSerializer(serializers.Serializer):
    nendo = serializers.IntegerField(help_text="年度")
    hihokensha_bango = serializers.CharField(help_text="被保険者番号")
    nengaku = serializers.IntegerField(help_text="年額（広域連合が賦課）")
    choshu = serializers.CharField(help_text="徴収方法")
    kibetsu = KokiKibetsuSerializer(many=True)


class KokiAnswerSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField(help_text="宛名番号")
    shikaku = KokiPeriodSerializer(many=True, help_text="後期高齢者医療の資格")
    hokenryo = KokiHokenryoSerializer(many=True, help_text="取り込んだ保険料（現在の値）")
    warning = serializers.CharField(required=False, help_text="照会アラート・支援措置の注意")


class KokiLookupView(TenantAPIView):
    gyomu_code = KOKI_IRYO
    post_is_read = True
    access_reads = Reads("atena", ids="atena_id", screen="api.kokuho.koki")

    @extend_schema(
        request=AtenaNoSerializer,
        responses={200: KokiAnswerSerializer},
        summary="宛名番号で1人の後期高齢者医療の資格と取り込んだ保険料（期別）を照会",
        operation_id="kokuho_koki_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = AtenaNoSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        atena_id, warning = resolve(request, ser.validated_data["atena_no"])
        periods = KokiShikaku.objects.filter(atena_id=atena_id).order_by("shutoku_date", "id")
        hokenryo = (
            KokiHokenryo.objects.filter(atena_id=atena_id, is_current=True)
            .prefetch_related("kibetsu")
            .order_by("nendo")
        )
        body = {
            "shikaku": [
                {
                    "hihokensha_bango": s.hihokensha_bango,
                    "shutoku_date": s.shutoku_date,
                    "shutoku_jiyu": s.get_shutoku_jiyu_display(),
                    "soshitsu_date": s.soshitsu_date,
                    "soshitsu_jiyu": s.get_soshitsu_jiyu_display() if s.soshitsu_jiyu else "",
                }
                for s in periods
            ],
            "hokenryo": [
                {
                    "nendo": h.nendo,
                    "hihokensha_bango": h.hihokensha_bango,
                    "nengaku": h.nengaku,
                    "choshu": h.choshu,
                    "kibetsu": [
                        {
                            "ki": k.ki,
                            "choshu_hoho": k.get_choshu_hoho_display(),
                            "nokigen": k.nokigen,
                            "chotei_gaku": k.chotei_gaku,
                        }
                        for k in sorted(h.kibetsu.all(), key=lambda k: (k.nokigen, k.ki))
                    ],
                }
                for h in hokenryo
            ],
        }
        return Response(_head(body, atena_id, _numbers([atena_id]).get(atena_id, ""), warning))


# --- 国民年金 -------------------------------------------------------------------------------


class NenkinTodokeSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="届の種類（言葉）")
    jiyu = serializers.CharField(help_text="事由（言葉）")
    gaito_date = serializers.DateField(help_text="該当年月日")
    todoke_date = serializers.DateField(help_text="届出日")
    shubetsu_mae = serializers.CharField(help_text="変更前の種別（言葉）")
    shubetsu_go = serializers.CharField(help_text="変更後の種別（言葉）")
    hokoku_zumi = serializers.BooleanField(help_text="日本年金機構への報告ファイルに入れた")


class NenkinShinseiSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="申請の種類（言葉）")
    nendo = serializers.IntegerField(help_text="年度（7月から翌年6月まで）")
    shinsei_date = serializers.DateField(help_text="申請日")
    hantei = serializers.CharField(help_text="町の所得審査の結果（言葉）")
    hokoku_zumi = serializers.BooleanField(help_text="日本年金機構への報告ファイルに入れた")


class NenkinAnswerSerializer(serializers.Serializer):
    atena_id = serializers.IntegerField()
    atena_no = serializers.CharField(help_text="宛名番号")
    todoke = NenkinTodokeSerializer(many=True, help_text="資格取得・喪失・種別変更の届")
    shinsei = NenkinShinseiSerializer(many=True, help_text="免除・納付猶予・学生納付特例の申請")
    warning = serializers.CharField(required=False, help_text="照会アラート・支援措置の注意")


class NenkinLookupView(TenantAPIView):
    gyomu_code = KOKUMIN_NENKIN
    post_is_read = True
    access_reads = Reads("atena", ids="atena_id", screen="api.kokuho.nenkin")

    @extend_schema(
        request=AtenaNoSerializer,
        responses={200: NenkinAnswerSerializer},
        summary="宛名番号で1人の国民年金の届と免除等の申請を照会（配偶者・世帯主の所得は含まない）",
        operation_id="kokuho_nenkin_lookup",
    )
    def post(self, request: Request) -> Response:
        ser = AtenaNoSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        atena_id, warning = resolve(request, ser.validated_data["atena_no"])
        todoke = NenkinTodoke.objects.filter(atena_id=atena_id).order_by("todoke_date", "id")
        shinsei = NenkinShinsei.objects.filter(atena_id=atena_id).order_by("shinsei_date", "id")
        body = {
            "todoke": [
                {
                    "kind": t.get_kind_display(),
                    "jiyu": t.get_jiyu_display(),
                    "gaito_date": t.gaito_date,
                    "todoke_date": t.todoke_date,
                    "shubetsu_mae": t.get_shubetsu_mae_display(),
                    "shubetsu_go": t.get_shubetsu_go_display(),
                    "hokoku_zumi": t.hokoku_id is not None,
                }
                for t in todoke
            ],
            "shinsei": [
                {
                    "kind": s.get_kind_display(),
                    "nendo": s.nendo,
                    "shinsei_date": s.shinsei_date,
                    "hantei": s.get_hantei_display(),
                    "hokoku_zumi": s.hokoku_id is not None,
                }
                for s in shinsei
            ],
        }
        return Response(_head(body, atena_id, _numbers([atena_id]).get(atena_id, ""), warning))


urlpatterns: list[URLPattern] = [
    path("fuka/lookup/", FukaLookupView.as_view(), name="api-kokuho-fuka-lookup"),
    path("fuka/", FukaListView.as_view(), name="api-kokuho-fuka-list"),
    path("kyufu/lookup/", KyufuLookupView.as_view(), name="api-kokuho-kyufu-lookup"),
    path("koki/lookup/", KokiLookupView.as_view(), name="api-kokuho-koki-lookup"),
    path("nenkin/lookup/", NenkinLookupView.as_view(), name="api-kokuho-nenkin-lookup"),
]
