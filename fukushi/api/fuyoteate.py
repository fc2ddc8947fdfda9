"""REST API of 児童扶養手当 (mounted at /api/v1/fukushi/jido-fuyo-teate/): the 試算 (POST,
figures typed in, nothing saved), and — read only, as the 児童手当 API — the list of 受給者
(paged) and one 受給者 with this month's judgement, the 公的年金等 of the 併給調整, the
未払分の請求, the 差止, the 未支払の手当 (a 受給者 who died) and the 返還金 of a 過払, and the
history.

Scopes: the 業務's read scope for all three; every answer that shows a person is written to
the access log (``Reads``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoJotai,
    FuyoJukyusha,
    FuyoKabaraiJotai,
    FuyoMishikyuKettei,
    FuyoNenkinShurui,
    FuyoShikkakuJiyu,
)
from fukushi.services.fuyoteate import FuyoteateRefused, month_result
from fukushi.services.fuyoteate_shisan import ShisanRefused, fuyoteate_shisan, shisan_json
from juminkiroku.public import person_identities
from tenants.accesslog.reads import NO_PERSONAL_DATA, Reads
from tenants.api.pages import page_serializer
from tenants.api.permissions import TenantAPIView
from tenants.api.rules import RuleRefused, rule_response

MAX_GIMUSHA = 6
PAGE_SIZE = 200


def _yen(text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=10_000_000_000, default=0, help_text=text
    )


def _nin(text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=20, default=0, help_text=text)


class KojoSerializer(serializers.Serializer):
    """The 諸控除 (施行令第4条) of one person."""

    kyuyo_shotoku = _yen("前年の給与所得（給与所得控除後、円）")
    nenkin_shotoku = _yen("前年の公的年金等に係る雑所得（円）")
    sonota_shotoku = _yen("その他の所得（円）")
    fuyo_shinzoku = _nin("扶養親族等の数")
    rojin = _nin("老人扶養親族（老人控除対象配偶者）の数")
    shogaisha = _nin("障害者控除の対象の数")
    tokubetsu_shogaisha = _nin("特別障害者控除の対象の数")
    kinro_gakusei = serializers.BooleanField(default=False, help_text="勤労学生控除")
    kafu = serializers.BooleanField(default=False, help_text="寡婦控除")
    hitorioya = serializers.BooleanField(default=False, help_text="ひとり親控除")
    zasson = _yen("雑損控除の額（円）")
    iryohi = _yen("医療費控除の額（円）")
    shokibo_kyosai = _yen("小規模企業共済等掛金控除の額（円）")
    haigusha_tokubetsu = _yen("配偶者特別控除の額（円）")


class JukyushaSerializer(KojoSerializer):
    yoikuhi = _yen("受け取った養育費の年額（円）")
    tokutei = _nin("特定扶養親族・16歳以上19歳未満の控除対象扶養親族の数")
    fubo = serializers.BooleanField(
        default=True,
        help_text="受給資格者が父又は母（false: 養育者。寡婦・ひとり親控除を控除する）",
    )


class FuyoteateShisanInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, help_text="手当の月の年（西暦）"
    )
    month = serializers.IntegerField(min_value=1, max_value=12, help_text="手当の月")
    jido_su = serializers.IntegerField(min_value=1, max_value=20, help_text="対象児童の数")
    jukyusha = JukyushaSerializer(help_text="受給資格者")
    # a ListField, so that the document states maxItems (a nested many=True does not)
    fuyo_gimusha = serializers.ListField(
        child=KojoSerializer(),
        max_length=MAX_GIMUSHA,
        default=list,
        help_text="生計を同じくする配偶者・扶養義務者",
    )
    ichibu_teishi = serializers.BooleanField(
        default=False, help_text="一部支給停止（法第13条の3、5年等経過・適用除外事由届出なし）"
    )
    nenkin_getsugaku = serializers.IntegerField(
        min_value=0,
        max_value=1_000_000,
        default=0,
        help_text="併給調整する公的年金等の月額（円。障害基礎年金等は子の加算部分、法第13条の2）",
    )


class FuyoteateShisanView(TenantAPIView):
    gyomu_code = JIDO_FUYO_TEATE
    access_reads = NO_PERSONAL_DATA  # figures typed in, no person
    post_is_read = True

    @extend_schema(
        request=FuyoteateShisanInputSerializer,
        responses={
            200: dict,
            422: rule_response(
                "手当の月の年度の額が未登録（令和8年度以降・令和5年度以前）、"
                "または扶養親族等の数の内訳が合わない"
            ),
        },
        summary="児童扶養手当の試算（保存しない）: 所得額・限度額・全部/一部支給の判定と月額",
    )
    def post(self, request: Request) -> Response:
        ser = FuyoteateShisanInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            result = fuyoteate_shisan(ser.validated_data)
        except ShisanRefused as exc:
            raise RuleRefused({"detail": " ".join(exc.errors)}) from exc
        return Response(shisan_json(result))


class FuyoListQuery(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, default=1, help_text="ページ（1から）")


class FuyoJukyushaRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="受給者（認定）のID")
    atena_id = serializers.IntegerField(help_text="受給者の宛名ID")
    atena_no = serializers.CharField(help_text="宛名番号")
    jukyusha_bango = serializers.CharField(help_text="証書番号")
    jotai = serializers.ChoiceField(choices=FuyoJotai.choices, help_text="状態")
    shikyu_kaishi = serializers.DateField(help_text="支給開始月（その月の1日）")
    shikyu_shuryo = serializers.DateField(
        allow_null=True, help_text="支給終了月（この月分まで支給。空は受給中）"
    )


class FuyoNenkinOutSerializer(serializers.Serializer):
    shurui = serializers.ChoiceField(choices=FuyoNenkinShurui.choices, help_text="年金の種類")
    kaishi = serializers.DateField(help_text="調整する最初の月")
    shuryo = serializers.DateField(allow_null=True, help_text="調整する最後の月（空は継続）")
    getsugaku = serializers.IntegerField(help_text="調整する年金の月額（円）")


class FuyoMiharaiOutSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="請求された手当の月")
    gaku = serializers.IntegerField(help_text="その月の手当額（円）")
    seikyu_date = serializers.DateField(help_text="請求日")
    shiharai_tsuki = serializers.DateField(
        allow_null=True, help_text="支払った支払月（空は次の支払で支払）"
    )


class FuyoSashitomeOutSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="差し止めた手当の月")
    kaijo_shiharai_tsuki = serializers.DateField(
        allow_null=True, help_text="差止を解除して支払った支払月（空は差止中）"
    )
    kaijo_gaku = serializers.IntegerField(allow_null=True, help_text="解除して支払った額（円）")


class FuyoTsukiGakuSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="手当の月（その月の1日）")
    gaku = serializers.IntegerField(help_text="その月の額（円）")


class FuyoMishikyuOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="未支払の手当の請求のID")
    seikyusha_atena_id = serializers.IntegerField(help_text="請求者（監護等児童）の宛名ID")
    seikyu_date = serializers.DateField(help_text="請求日")
    tsuki = FuyoTsukiGakuSerializer(many=True, help_text="未支払の月と額")
    gaku = serializers.IntegerField(help_text="未支払の手当の額（円）")
    kettei = serializers.ChoiceField(choices=FuyoMishikyuKettei.choices, help_text="決定")
    kettei_date = serializers.DateField(allow_null=True, help_text="決定日（空は未決定）")
    fushikyu_riyu = serializers.CharField(help_text="不支給の理由")
    shiharai_tsuki = serializers.DateField(allow_null=True, help_text="支払った支払月（空は未払）")


class FuyoKabaraiOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="返還金のID")
    kettei_date = serializers.DateField(help_text="決定日")
    tsuki = FuyoTsukiGakuSerializer(many=True, help_text="過払の月と支払った額")
    gaku = serializers.IntegerField(help_text="返還金の額（円）")
    nofu_gaku = serializers.IntegerField(help_text="納付済額（円）")
    zangaku = serializers.IntegerField(help_text="残額（円）")
    nouki = serializers.DateField(help_text="納期限")
    jotai = serializers.ChoiceField(choices=FuyoKabaraiJotai.choices, help_text="状態")


class FuyoRirekiOutSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="種類")
    naiyo = serializers.CharField(help_text="内容")
    created_at = serializers.DateTimeField(help_text="記録日時")


class FuyoKongetsuSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="今月（1日）")
    hantei = serializers.CharField(allow_null=True, help_text="判定（支給期間の外・計算不能は空）")
    getsugaku = serializers.IntegerField(allow_null=True, help_text="月額（円）")
    teishi_gaku = serializers.IntegerField(allow_null=True, help_text="一部支給停止の額（円）")
    heikyu_gaku = serializers.IntegerField(
        allow_null=True, help_text="公的年金等との併給調整で支給しない額（円）"
    )
    error = serializers.CharField(help_text="計算できない理由（あれば）")


class FuyoJukyushaDetailSerializer(FuyoJukyushaRowSerializer):
    seikyu_date = serializers.DateField(help_text="認定請求日")
    shikkaku_jiyu = serializers.ChoiceField(
        choices=[("", "なし"), *FuyoShikkakuJiyu.choices], help_text="喪失事由"
    )
    shikkaku_date = serializers.DateField(allow_null=True, help_text="喪失事由の日")
    jido_su = serializers.IntegerField(help_text="対象児童の数")
    fubo = serializers.BooleanField(help_text="父又は母（false: 養育者）")
    kongetsu = FuyoKongetsuSerializer()
    nenkin = FuyoNenkinOutSerializer(many=True)
    miharai = FuyoMiharaiOutSerializer(many=True)
    sashitome = FuyoSashitomeOutSerializer(many=True)
    mishikyu = FuyoMishikyuOutSerializer(
        many=True, help_text="未支払の手当の請求（死亡した受給者）"
    )
    kabarai = FuyoKabaraiOutSerializer(many=True, help_text="過払の返還金")
    rireki = FuyoRirekiOutSerializer(many=True)


def _row(j: FuyoJukyusha, atena_no: str) -> dict[str, Any]:
    return {
        "id": j.pk,
        "atena_id": j.atena_id,
        "atena_no": atena_no,
        "jukyusha_bango": j.jukyusha_bango,
        "jotai": j.jotai,
        "shikyu_kaishi": j.shikyu_kaishi,
        "shikyu_shuryo": j.shikyu_shuryo,
    }


def _kongetsu(j: FuyoJukyusha) -> dict[str, Any]:
    month = timezone.localdate().replace(day=1)
    out: dict[str, Any] = {
        "month": month,
        "hantei": None,
        "getsugaku": None,
        "teishi_gaku": None,
        "heikyu_gaku": None,
        "error": "",
    }
    try:
        r = month_result(j, month)
    except FuyoteateRefused as exc:
        out["error"] = str(exc)
        return out
    if r is None:
        out["error"] = "この月は支給期間の外です。"
        return out
    out.update(
        hantei=r.hantei.value,
        getsugaku=r.getsugaku,
        teishi_gaku=r.teishi_gaku,
        heikyu_gaku=r.heikyu_gaku,
    )
    return out


class FuyoJukyushaListView(TenantAPIView):
    gyomu_code = JIDO_FUYO_TEATE
    access_reads = Reads(
        "atena",
        ids="results[].atena_id",
        skip_empty=True,
        detail=lambda data: {"page": data["page"]},
        screen="api.fukushi.fuyoteate_list",
    )

    @extend_schema(
        parameters=[FuyoListQuery],
        responses={200: page_serializer(FuyoJukyushaRowSerializer)},
        summary="児童扶養手当の受給者の一覧（証書番号順、200件ずつ）",
        operation_id="fukushi_fuyoteate_jukyusha_list",
    )
    def get(self, request: Request) -> Response:
        query = FuyoListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = Paginator(FuyoJukyusha.objects.order_by("jukyusha_bango"), PAGE_SIZE)
        try:
            page = paginator.page(query.validated_data["page"])
        except EmptyPage as exc:
            raise NotFound("そのページはありません。") from exc
        rows = list(page.object_list)
        persons = person_identities(j.atena_id for j in rows)
        return Response(
            {
                "count": paginator.count,
                "page": page.number,
                "results": [
                    _row(j, persons[j.atena_id].atena_no if j.atena_id in persons else "")
                    for j in rows
                ],
            }
        )


class FuyoJukyushaDetailView(TenantAPIView):
    gyomu_code = JIDO_FUYO_TEATE
    access_reads = Reads("atena", ids="atena_id", screen="api.fukushi.fuyoteate_detail")

    @extend_schema(
        responses={200: FuyoJukyushaDetailSerializer},
        summary="児童扶養手当の受給者1件：今月分の判定・公的年金等・未払分の請求・差止・"
        "未支払の手当・返還金・履歴",
        operation_id="fukushi_fuyoteate_jukyusha_detail",
    )
    def get(self, request: Request, pk: int) -> Response:
        j = FuyoJukyusha.objects.filter(pk=pk).first() if pk < 2**63 else None
        if j is None:
            raise NotFound("その受給者は見つかりません。")
        person = person_identities([j.atena_id]).get(j.atena_id)
        body = _row(j, person.atena_no if person else "")
        body.update(
            seikyu_date=j.seikyu_date,
            shikkaku_jiyu=j.shikkaku_jiyu,
            shikkaku_date=j.shikkaku_date,
            jido_su=j.jido_su,
            fubo=j.fubo,
            kongetsu=_kongetsu(j),
            nenkin=[
                {
                    "shurui": n.shurui,
                    "kaishi": n.kaishi,
                    "shuryo": n.shuryo,
                    "getsugaku": n.getsugaku,
                }
                for n in j.nenkin.order_by("kaishi")
            ],
            miharai=[
                {
                    "month": m.month,
                    "gaku": m.gaku,
                    "seikyu_date": m.seikyu_date,
                    "shiharai_tsuki": m.shiharai.shiharai_tsuki if m.shiharai else None,
                }
                for m in j.miharai.select_related("shiharai").order_by("month")
            ],
            sashitome=[
                {
                    "month": st.month,
                    "kaijo_shiharai_tsuki": st.kaijo_shiharai.shiharai_tsuki
                    if st.kaijo_shiharai
                    else None,
                    "kaijo_gaku": st.kaijo_gaku,
                }
                for st in j.sashitome.select_related("kaijo_shiharai").order_by("month")
            ],
            mishikyu=[
                {
                    "id": c.pk,
                    "seikyusha_atena_id": c.seikyusha_atena_id,
                    "seikyu_date": c.seikyu_date,
                    "tsuki": [
                        {"month": date.fromisoformat(str(t["month"])), "gaku": int(str(t["gaku"]))}
                        for t in c.tsuki
                    ],
                    "gaku": c.gaku,
                    "kettei": c.kettei,
                    "kettei_date": c.kettei_date,
                    "fushikyu_riyu": c.fushikyu_riyu,
                    "shiharai_tsuki": c.shiharai.shiharai_tsuki if c.shiharai else None,
                }
                for c in j.mishikyu.select_related("shiharai").order_by("pk")
            ],
            kabarai=[
                {
                    "id": k.pk,
                    "kettei_date": k.kettei_date,
                    "tsuki": [
                        {"month": t.month, "gaku": t.gaku}
                        for t in sorted(k.tsuki.all(), key=lambda t: t.month)
                    ],
                    "gaku": k.gaku,
                    "nofu_gaku": k.nofu_gaku,
                    "zangaku": k.gaku - k.nofu_gaku,
                    "nouki": k.nouki,
                    "jotai": k.jotai,
                }
                for k in j.kabarai.prefetch_related("tsuki").order_by("pk")
            ],
            rireki=[
                {"kind": r.kind, "naiyo": r.naiyo, "created_at": r.created_at}
                for r in j.rireki.order_by("pk")
            ],
        )
        return Response(body)


urlpatterns: list[URLPattern] = [
    path(
        "jido-fuyo-teate/jukyusha/",
        FuyoJukyushaListView.as_view(),
        name="api-fukushi-fuyoteate-list",
    ),
    path(
        "jido-fuyo-teate/jukyusha/<int:pk>/",
        FuyoJukyushaDetailView.as_view(),
        name="api-fukushi-fuyoteate-detail",
    ),
    path(
        "jido-fuyo-teate/shisan/",
        FuyoteateShisanView.as_view(),
        name="api-fukushi-fuyoteate-shisan",
    ),
]
