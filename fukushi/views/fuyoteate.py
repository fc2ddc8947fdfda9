"""児童扶養手当 staff screens, mounted at /fukushi/jido-fuyo-teate/: the 受給者 list, one
受給者 (認定の内容・現況届・履歴), the 認定, the 現況届, the 支払 (奇数月) with its 全銀 総合振込
file, and the 試算.

Paths carry internal ids only; every screen that shows a person writes its access-log row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import RedirectView

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoGenkyoJotai,
    FuyoJotai,
    FuyoJukyusha,
    FuyoShiharai,
    FuyoShikkakuJiyu,
)
from fukushi.rules.fuyoteate_gimusha import ichibu_teishi_kaishi
from fukushi.services.fuyoteate import (
    FuyoteateRefused,
    genkyo_todoke_record,
    jukyusha_nintei,
    month_result,
    shiharai_file,
    shiharai_run,
)
from fukushi.services.fuyoteate_shisan import ShisanRefused, fuyoteate_shisan, shisan_json
from fukushi.views import fuyoteate_henkan as henkan_views
from fukushi.views import fuyoteate_kabarai_bunno as bunno_views
from fukushi.views import fuyoteate_kabarai_tokusoku as tokusoku_views
from fukushi.views import fuyoteate_nenkin as nenkin_views
from fukushi.views import fuyoteate_todoke as todoke
from fukushi.views.furikomi import IraininForm, furikomi_response
from juminkiroku.public import atena_resolve, person_identities
from tenants import zengin
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.wareki import format_wareki_year

GYOMU = JIDO_FUYO_TEATE
RECORD_TYPE = "fukushi.FuyoJukyusha"
MONTHS = [(m, f"{m}月") for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _errors(request: HttpRequest, exc: FuyoteateRefused) -> None:
    for _, message in exc.errors:
        messages.error(request, message)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", ids="rows[].atena_id", screen="fukushi.fuyoteate_list", skip_empty=True))
@require_GET
def jukyusha_list(request: HttpRequest) -> HttpResponse:
    rows = list(FuyoJukyusha.objects.order_by("jukyusha_bango")[:200])
    people = person_identities(r.atena_id for r in rows)
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/list.html",
        {
            "rows": [
                {"j": r, "atena_id": r.atena_id, "person": people.get(r.atena_id)} for r in rows
            ],
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", screen="fukushi.fuyoteate_detail"))
@require_GET
def jukyusha_detail(request: HttpRequest, pk: int) -> HttpResponse:
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    person = person_identities([j.atena_id]).get(j.atena_id)
    this_month = timezone.localdate().replace(day=1)
    try:
        kongetsu = month_result(j, this_month)
        kongetsu_error = ""
    except FuyoteateRefused as exc:
        kongetsu, kongetsu_error = None, str(exc)
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/detail.html",
        {
            "j": j,
            "person": person,
            "kongetsu_month": this_month,
            "kongetsu": kongetsu,
            "kongetsu_error": kongetsu_error,
            "teishi_kaishi": ichibu_teishi_kaishi(
                shikyu_kaishi=j.shikyu_kaishi, yoken_gaito=j.yoken_gaito_date, sansai=j.sansai_date
            ),
            "tekiyo_jogai": j.tekiyo_jogai.order_by("-todoke_date"),
            "gimusha_shuki": j.gimusha.order_by("-shotoku_nendo", "pk"),
            "sashitome": j.sashitome.select_related("kaijo_shiharai").order_by("month"),
            "tekiyo_form": todoke.TekiyoJogaiForm(initial={"todoke_date": timezone.localdate()}),
            "gimusha_form": todoke.GimushaForm(),
            "genkyo": j.genkyo.order_by("-nen"),
            "rireki": j.rireki.all(),
            "shiharai": j.shiharai.select_related("shiharai").order_by("-shiharai__shiharai_tsuki"),
            "genkyo_form": GenkyoForm(initial={"uketsuke_date": timezone.localdate()}),
            "nenkin": j.nenkin.order_by("-kaishi"),
            "miharai": j.miharai.select_related("shiharai").order_by("month"),
            "nenkin_form": nenkin_views.NenkinForm(),
            "miharai_form": nenkin_views.MiharaiForm(initial={"seikyu_date": timezone.localdate()}),
            "shikkaku_form": nenkin_views.ShikkakuForm(),
            "can_write": _can_write(request) and j.jotai == FuyoJotai.JUKYU,
            "can_print_shikkaku": _can_write(request) and j.jotai == FuyoJotai.SHIKKAKU,
            # links to the 未支払の手当 (a death) and the 過払・返還金 (any 喪失)
            "is_shikkaku": j.jotai == FuyoJotai.SHIKKAKU,
            "is_shibo": j.shikkaku_jiyu == FuyoShikkakuJiyu.SHIBO,
            # past months may be claimed after the end too (within the 時効)
            "can_claim": _can_write(request),
        },
    )


#: the service's field names that the form calls otherwise
_FIELD_OF = {"atena_id": "atena_no"}


class NinteiForm(forms.Form):
    atena_no = TextField(label="受給者の宛名番号", max_length=20)
    seikyu_date = WarekiDateField(label="認定請求日", help_text="例 令和7年6月10日")
    jido_su = forms.IntegerField(label="対象児童の数", min_value=1, max_value=20)
    fuyo_shinzoku = forms.IntegerField(label="扶養親族等の数", min_value=0, max_value=20)
    rojin = forms.IntegerField(
        label="うち老人扶養親族等", min_value=0, max_value=20, initial=0, required=False
    )
    tokutei = forms.IntegerField(
        label="うち特定扶養親族等", min_value=0, max_value=20, initial=0, required=False
    )
    yoikuhi = forms.IntegerField(label="養育費の年額（円）", min_value=0, initial=0, required=False)
    fubo = forms.BooleanField(
        label="受給者は父又は母（養育者のときは外す）", required=False, initial=True
    )
    yoken_gaito_date = WarekiDateField(
        label="支給要件に該当した日（離婚の日など。一部支給停止の7年の起算）",
        required=False,
        help_text="例 令和2年4月1日",
    )
    sansai_date = WarekiDateField(
        label="認定請求の日に3歳未満の児童がいるとき、その児童が3歳に達する日",
        required=False,
        help_text="例 令和9年5月9日",
    )
    kinyu_kikan = TextField(label="金融機関コード（4桁）", max_length=4)
    shiten = TextField(label="支店コード（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(label="預金種目", choices=list(zengin.SHUMOKU.items()))
    koza_bango = TextField(label="口座番号（7桁）", max_length=7)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a form; the write is logged by its service
@require_http_methods(["GET", "POST"])
def nintei(request: HttpRequest) -> HttpResponse:
    form = NinteiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        found = atena_resolve(d["atena_no"])
        if not found.found or found.atena_id is None:
            form.add_error("atena_no", found.message or "宛名番号が見つかりません。")
        else:
            try:
                j = jukyusha_nintei(
                    atena_id=found.atena_id,
                    seikyu_date=d["seikyu_date"],
                    jido_su=d["jido_su"],
                    fuyo_shinzoku=d["fuyo_shinzoku"],
                    rojin=d["rojin"] or 0,
                    tokutei=d["tokutei"] or 0,
                    yoikuhi=d["yoikuhi"] or 0,
                    fubo=bool(d["fubo"]),
                    yoken_gaito_date=d["yoken_gaito_date"],
                    sansai_date=d["sansai_date"],
                    account=zengin.Account(
                        d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"], d["koza_bango"],
                        d["meigi_kana"],
                    ),
                    actor=actor_from_request(request),
                )  # fmt: skip
            except FuyoteateRefused as exc:
                for name, message in exc.errors:
                    form.add_error(
                        _FIELD_OF.get(name, name)
                        if _FIELD_OF.get(name, name) in form.fields
                        else None,
                        message,
                    )
            else:
                messages.success(request, f"認定しました（証書番号 {j.jukyusha_bango}）。")
                return redirect("fukushi_fuyoteate_detail", pk=j.pk)
    return TemplateResponse(request, "fukushi/fuyoteate/nintei.html", {"form": form})


class GenkyoForm(forms.Form):
    uketsuke_date = WarekiDateField(label="現況届の受付日", help_text="例 令和7年8月5日")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者
@require_POST
def genkyo(request: HttpRequest, pk: int) -> HttpResponse:
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    form = GenkyoForm(request.POST)
    if not form.is_valid() or form.cleaned_data["uketsuke_date"] is None:
        messages.error(request, "受付日を正しく入力してください。")
        return redirect("fukushi_fuyoteate_detail", pk=pk)
    day = form.cleaned_data["uketsuke_date"]
    # a 届 received before August is a late one of last year's when that one is missing
    late = j.genkyo.filter(nen=day.year - 1, jotai=FuyoGenkyoJotai.MITEISHUTSU).exists()
    nen = day.year - 1 if day.month < 8 and late else day.year
    try:
        g = genkyo_todoke_record(
            jukyusha=j, nen=nen, uketsuke_date=day, actor=actor_from_request(request)
        )
    except FuyoteateRefused as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, f"現況届を受け付けました：{g.get_hantei_display()} 11月分 {g.getsugaku:,}円"
        )
    return redirect("fukushi_fuyoteate_detail", pk=pk)


def _shiharai_tsuki_choices() -> list[tuple[str, str]]:
    """The 支払月 (odd months) from 令和6年 to next year, as 令和7年11月 (value 2025-11)."""
    last = timezone.localdate().year + 1
    return [
        (f"{y}-{m:02d}", f"{format_wareki_year(y)}{m}月")
        for y in range(last, 2023, -1)
        for m in (11, 9, 7, 5, 3, 1)
    ]


class ShiharaiForm(IraininForm):
    field_order = ["shiharai_tsuki", "shiharai_date"]
    shiharai_tsuki = forms.ChoiceField(label="支払月", choices=_shiharai_tsuki_choices)
    shiharai_date = WarekiDateField(label="支払日（取組日）", help_text="例 令和7年9月11日")


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # runs and their totals only
@require_http_methods(["GET", "POST"])
def shiharai(request: HttpRequest) -> HttpResponse:
    form = ShiharaiForm(request.POST or None)
    if request.method == "POST":
        if not _can_write(request):
            return HttpResponse(status=403)
        if form.is_valid() and form.cleaned_data["shiharai_date"] is not None:
            d = form.cleaned_data
            try:
                out = shiharai_run(
                    shiharai_tsuki=date(
                        int(d["shiharai_tsuki"][:4]), int(d["shiharai_tsuki"][5:]), 1
                    ),
                    shiharai_date=d["shiharai_date"],
                    irainin=form.irainin(),
                    actor=actor_from_request(request),
                )  # fmt: skip
            except FuyoteateRefused as exc:
                _errors(request, exc)
            else:
                run = out.shiharai
                messages.success(request, f"支払を作成しました：{run.kensu}件 {run.gokei:,}円")
                for _, reason in out.refused:
                    messages.warning(request, f"支払から除いた受給者があります：{reason}")
                return redirect("fukushi_fuyoteate_shiharai")
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/shiharai.html",
        {
            "form": form,
            "runs": FuyoShiharai.objects.order_by("-shiharai_tsuki")[:24],
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "fukushi.FuyoShiharai",
        action=AccessAction.EXPORT,
        id_kwarg="pk",
        screen="fukushi.fuyoteate_furikomi",
    )
)
@require_GET
def furikomi_file(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(FuyoShiharai, pk=pk)
    name = f"fuyoteate_furikomi_{run.shiharai_tsuki:%Y%m}.txt"
    return furikomi_response(shiharai_file(run), name)


class ShisanForm(forms.Form):
    nendo = NendoField(before=3)
    month = forms.TypedChoiceField(label="手当の月", coerce=int, choices=MONTHS)
    jido_su = forms.IntegerField(label="対象児童の数", min_value=1, max_value=20, initial=1)
    fuyo_shinzoku = forms.IntegerField(label="扶養親族等の数", min_value=0, max_value=20, initial=1)
    kyuyo_shotoku = forms.IntegerField(label="前年の給与所得（円）", min_value=0, required=False)
    nenkin_shotoku = forms.IntegerField(
        label="公的年金等に係る所得（円）", min_value=0, required=False
    )
    sonota_shotoku = forms.IntegerField(label="その他の所得（円）", min_value=0, required=False)
    yoikuhi = forms.IntegerField(label="養育費の年額（円）", min_value=0, required=False)
    gimusha_shotoku = forms.IntegerField(
        label="同居の扶養義務者の所得（給与所得等、円）", min_value=0, required=False
    )
    gimusha_fuyo = forms.IntegerField(
        label="扶養義務者の扶養親族等の数", min_value=0, max_value=20, required=False
    )
    ichibu_teishi = forms.BooleanField(
        label="一部支給停止の対象（支給開始から5年等を経過し、適用除外事由届出がない）",
        required=False,
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # figures typed in, no person; nothing saved
@require_http_methods(["GET", "POST"])
def shisan(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ShisanForm(
        request.POST or None,
        initial={"nendo": today.year if today.month >= 4 else today.year - 1, "month": today.month},
    )
    answer: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        year = d["nendo"] + (1 if d["month"] <= 3 else 0)
        data: dict[str, Any] = {
            "year": year,
            "month": d["month"],
            "jido_su": d["jido_su"],
            "jukyusha": {
                "kyuyo_shotoku": d["kyuyo_shotoku"] or 0,
                "nenkin_shotoku": d["nenkin_shotoku"] or 0,
                "sonota_shotoku": d["sonota_shotoku"] or 0,
                "yoikuhi": d["yoikuhi"] or 0,
                "fuyo_shinzoku": d["fuyo_shinzoku"],
            },
            "fuyo_gimusha": (
                [{"kyuyo_shotoku": d["gimusha_shotoku"], "fuyo_shinzoku": d["gimusha_fuyo"] or 0}]
                if d["gimusha_shotoku"] is not None
                else []
            ),
        }
        data["ichibu_teishi"] = bool(d["ichibu_teishi"])
        try:
            r = fuyoteate_shisan(data)
            answer = {**shisan_json(r), "teishi_gaku": r.teishi_gaku}
        except ShisanRefused as exc:
            for e in exc.errors:
                messages.error(request, e)
    return TemplateResponse(
        request, "fukushi/fuyoteate/shisan.html", {"form": form, "answer": answer}
    )


urlpatterns: list[URLPattern] = [
    path(
        "entry/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/fukushi/jido-fuyo-teate/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("", jukyusha_list, name="fukushi_fuyoteate_list"),
    path("<int:pk>/", jukyusha_detail, name="fukushi_fuyoteate_detail"),
    path("<int:pk>/genkyo/", genkyo, name="fukushi_fuyoteate_genkyo"),
    path("nintei/", nintei, name="fukushi_fuyoteate_nintei"),
    path("shiharai/", shiharai, name="fukushi_fuyoteate_shiharai"),
    path("shiharai/<int:pk>/furikomi.txt", furikomi_file, name="fukushi_fuyoteate_furikomi"),
    path("shisan/", shisan, name="fukushi_fuyoteate_shisan"),
]

urlpatterns += todoke.urlpatterns  # 届出: 現況届・適用除外事由届出・扶養義務者
urlpatterns += nenkin_views.urlpatterns  # 併給調整・未払分の請求・資格喪失と通知書
urlpatterns += henkan_views.urlpatterns  # 未支払の手当・過払の返還金
urlpatterns += tokusoku_views.urlpatterns  # 返還金の納付書・督促
urlpatterns += bunno_views.urlpatterns  # 返還金の分割納付
