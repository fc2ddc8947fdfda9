"""法人住民税・事業所税 staff screens, mounted at /zeimu/hojin/ on a town host.

- 法人の検索: by 法人番号 (exact) or 名称 (前方一致, spaces ignored), POST, 50 a page;
- 法人の登録, a corporation with its offices and the history of its 申告 (both taxes);
- 事業所等の登録; 申告の入力 (予定・確定・修正) with 「計算して確認」 that saves nothing and
  「登録」 that stores the 申告 and posts its tax to the 収納 ledger;
- 事業所税の申告 (only in a town that levies it: elsewhere the screen says so);
- 試算: a corporation's 均等割 + 法人税割 for given figures, saving nothing.

A corporation's tax affairs are confidential (地方税法第22条): every screen that shows one
logs the corporation's id.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.generic import RedirectView

from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from zeimu.gyomu import HOJIN_JUMINZEI, JIGYOSHOZEI
from zeimu.models import Hojin, HojinShinkoku, JigyoshoShinkoku, ShinkokuKubun
from zeimu.rules.hojin import HojinRefused, hojin_bango_problem
from zeimu.services.hojin import (
    hojin_jimusho_register,
    hojin_kibetsu,
    hojin_register,
    hojin_shinkoku_enter,
    hojin_shinkoku_preview,
    jigyosho_levied,
    jigyosho_shinkoku_enter,
    meisho_key,
    shinkoku_input,
    shisan_compute,
)

GYOMU = HOJIN_JUMINZEI
HOJIN = "zeimu.Hojin"
PAGE_SIZE = 50
NOT_LEVIED = (
    "この団体は事業所税の課税団体ではありません。事業所税は指定都市等（人口30万以上の市で"
    "政令で指定する市など）だけが課税します（地方税法第701条の31）。"
)


class HojinBangoField(TextField):
    """法人番号: 13 digits with its check digit (the first)."""

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if text:
            text = text.replace("-", "").replace(" ", "")
            problem = hojin_bango_problem(text)
            if problem:
                raise forms.ValidationError(problem)
        return str(text)


# --- 検索 -------------------------------------------------------------------------------


class SearchForm(forms.Form):
    hojin_bango = HojinBangoField(label="法人番号（13桁）", required=False, max_length=15)
    meisho = TextField(label="名称（前方一致）", required=False, max_length=100)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        HOJIN,
        ids="hojin_ids[]",
        skip_empty=True,
        screen="zeimu.hojin_search",
        detail=lambda ctx: {"criteria": ctx["criteria"]},
    )
)
@require_http_methods(["GET", "POST"])
def hojin_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.POST or None)
    rows: list[Hojin] = []
    criteria = ""
    total = 0
    page_no = 1
    if request.method == "POST" and form.is_valid():
        qs = Hojin.objects.none()
        if form.cleaned_data["hojin_bango"]:
            criteria = "hojin_bango"
            qs = Hojin.objects.filter(hojin_bango=form.cleaned_data["hojin_bango"])
        elif form.cleaned_data["meisho"].strip():
            criteria = "meisho"
            qs = Hojin.objects.filter(
                meisho_key__startswith=meisho_key(form.cleaned_data["meisho"])
            )
        else:
            form.add_error(None, "法人番号か名称を入力してください。")
        try:
            page_no = max(1, int(request.POST.get("page") or 1))
        except ValueError:
            page_no = 1
        total = qs.count()
        rows = list(
            qs.order_by("meisho_key", "pk")[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
        )
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    return TemplateResponse(
        request,
        "zeimu/hojin_search.html",
        {
            "form": form,
            "rows": rows,
            "hojin_ids": [h.pk for h in rows],
            "criteria": criteria,
            "searched": request.method == "POST" and bool(criteria),
            "total": total,
            "page_no": page_no,
            "pages": pages,
        },
    )


# --- 法人の登録 -------------------------------------------------------------------------


class HojinForm(forms.Form):
    hojin_bango = HojinBangoField(label="法人番号（13桁）", max_length=15)
    meisho = TextField(label="名称", max_length=200)
    meisho_kana = TextField(label="名称フリガナ", required=False, max_length=200)
    postal_code = TextField(label="郵便番号（7桁）", required=False, max_length=8)
    shozaichi = TextField(label="本店所在地", max_length=200)
    kessan_tsuki = forms.TypedChoiceField(
        label="事業年度の終了月", coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)]
    )
    shihon = forms.IntegerField(
        label="資本金等の額（円。有しない法人は空欄）", required=False, min_value=0
    )

    def clean_postal_code(self) -> str:
        v = str(self.cleaned_data.get("postal_code") or "").replace("-", "")
        if v and not (len(v) == 7 and v.isascii() and v.isdigit()):
            raise forms.ValidationError("郵便番号は7桁の数字で入力してください。")
        return v


@gyomu_view(GYOMU)
@no_personal_data  # a form; the write logs the corporation it creates
@require_http_methods(["GET", "POST"])
def hojin_new(request: HttpRequest) -> HttpResponse:
    form = HojinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            h = hojin_register(actor=actor_from_request(request), **form.cleaned_data)
        except HojinRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "法人を登録しました。")
            return redirect("zeimu_hojin_detail", pk=h.pk)
    return TemplateResponse(
        request, "zeimu/hojin_form.html", {"form": form, "title": "法人の登録", "hojin": None}
    )


# --- 法人の内容 -------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(HOJIN, id_kwarg="pk", screen="zeimu.hojin_detail"))
@require_http_methods(["GET"])
def hojin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hojin = get_object_or_404(Hojin, pk=pk)
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "zeimu/hojin_detail.html",
        {
            "hojin": hojin,
            "jimusho": list(hojin.jimusho.order_by("kaisetsu_date", "pk")),
            "shinkoku": list(HojinShinkoku.objects.filter(hojin=hojin).order_by("-shuryo", "-pk")),
            "jigyosho": list(
                JigyoshoShinkoku.objects.filter(hojin=hojin).order_by("-shuryo", "-pk")
            ),
            "jigyosho_levied": jigyosho_levied(today),
            "kibetsu": hojin_kibetsu(hojin),
        },
    )


class JimushoForm(forms.Form):
    meisho = TextField(label="事業所等の名称", max_length=200)
    shozaichi = TextField(label="所在地", max_length=200)
    kaisetsu_date = WarekiDateField(label="開設日（例 令和6年6月3日）")
    haishi_date = WarekiDateField(label="廃止日（廃止したとき）", required=False)
    juugyosha = forms.IntegerField(label="従業者数", min_value=0, max_value=1_000_000)


@gyomu_view(GYOMU)
@logs_reads(Reads(HOJIN, id_kwarg="pk", screen="zeimu.hojin_jimusho"))
@require_http_methods(["GET", "POST"])
def jimusho_new(request: HttpRequest, pk: int) -> HttpResponse:
    hojin = get_object_or_404(Hojin, pk=pk)
    form = JimushoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["kaisetsu_date"] is None:
            form.add_error("kaisetsu_date", "開設日を入力してください。")
        else:
            try:
                hojin_jimusho_register(
                    hojin=hojin, actor=actor_from_request(request), **form.cleaned_data
                )
            except HojinRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "事業所等を登録しました。")
                return redirect("zeimu_hojin_detail", pk=hojin.pk)
    return TemplateResponse(
        request,
        "zeimu/hojin_form.html",
        {"form": form, "title": "事業所等の登録", "hojin": hojin},
    )


# --- 申告の入力 ---------------------------------------------------------------------------


class ShinkokuForm(forms.Form):
    kubun = forms.ChoiceField(label="申告区分", choices=ShinkokuKubun.choices)
    juri_date = WarekiDateField(label="申告日（受理日）")
    kaishi = WarekiDateField(label="事業年度の開始日")
    shuryo = WarekiDateField(label="事業年度の終了日")
    shihon = forms.IntegerField(
        label="資本金等の額（期末、円。有しない法人は空欄）", required=False, min_value=0
    )
    shihon_junbikin = forms.IntegerField(
        label="資本金と資本準備金の合算額（資本金等の額より大きいとき、円）",
        required=False,
        min_value=0,
    )
    juugyosha_town = forms.IntegerField(
        label="町内の事務所等の従業者数（期末。空欄は登録した事業所等から）",
        required=False,
        min_value=0,
        max_value=1_000_000,
    )
    office_from = WarekiDateField(
        label="町内に事務所等を有していた期間（から。空欄は登録した事業所等から）",
        required=False,
    )
    office_to = WarekiDateField(
        label="町内に事務所等を有していた期間（まで。空欄は登録した事業所等から）",
        required=False,
    )
    hojinzeigaku = forms.IntegerField(
        label="課税標準となる法人税額（確定・修正、円）", required=False, min_value=0
    )
    juugyosha_all = forms.IntegerField(
        label="分割基準：全従業者数（2以上の市町村に事務所等があるとき）",
        required=False,
        min_value=1,
        max_value=10_000_000,
    )
    juugyosha_bunkatsu = forms.IntegerField(
        label="分割基準：町内の従業者数（空欄は期末の従業者数）",
        required=False,
        min_value=0,
        max_value=10_000_000,
    )
    zenki_hojinzeiwari = forms.IntegerField(
        label="前事業年度の法人税割額（予定申告、円）", required=False, min_value=0
    )
    zenki_months = forms.IntegerField(
        label="前事業年度の月数（予定申告）", required=False, min_value=1, max_value=12
    )
    kinofu = forms.IntegerField(label="既納付額（円）", required=False, min_value=0, initial=0)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for name in ("juri_date", "kaishi", "shuryo"):
            if name in d and d[name] is None:
                self.add_error(name, "日付を入力してください。")
        return d


def _shinkoku_form_view(
    request: HttpRequest, hojin: Hojin, template: str, extra: dict[str, Any]
) -> HttpResponse:
    form = ShinkokuForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        kubun = d["kubun"]
        try:
            inp = shinkoku_input(kubun, d, hojin)
            if request.POST.get("action") == "save":
                sk = hojin_shinkoku_enter(
                    hojin=hojin,
                    kubun=kubun,
                    juri_date=d["juri_date"],
                    inp=inp,
                    actor=actor_from_request(request),
                )
                messages.success(
                    request,
                    f"{sk.get_kubun_display()}を登録しました（差引税額 {sk.sashihiki:,}円）。",
                )
                return redirect("zeimu_hojin_detail", pk=hojin.pk)
            preview = hojin_shinkoku_preview(hojin=hojin, kubun=kubun, inp=inp)
        except HojinRefused as exc:
            form.add_error(None, str(exc))
    return TemplateResponse(
        request, template, {"form": form, "hojin": hojin, "preview": preview, **extra}
    )


@gyomu_view(GYOMU)
@logs_reads(Reads(HOJIN, id_kwarg="pk", screen="zeimu.hojin_shinkoku"))
@require_http_methods(["GET", "POST"])
def shinkoku_new(request: HttpRequest, pk: int) -> HttpResponse:
    hojin = get_object_or_404(Hojin, pk=pk)
    return _shinkoku_form_view(request, hojin, "zeimu/hojin_shinkoku.html", {})


# --- 事業所税 ----------------------------------------------------------------------------


class JigyoshoForm(forms.Form):
    juri_date = WarekiDateField(label="申告日（受理日）")
    kaishi = WarekiDateField(label="事業年度の開始日")
    shuryo = WarekiDateField(label="事業年度の終了日")
    menseki = forms.DecimalField(
        label="事業所床面積の合計（㎡、期末）", min_value=0, max_digits=12, decimal_places=2
    )
    hikazei_menseki = forms.DecimalField(
        label="うち非課税の床面積（㎡）", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    juugyosha = forms.IntegerField(
        label="免税点の判定に用いる従業者数", min_value=0, max_value=10_000_000
    )
    kyuyo = forms.IntegerField(label="従業者給与総額（課税標準となる額、円）", min_value=0)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for name in ("juri_date", "kaishi", "shuryo"):
            if name in d and d[name] is None:
                self.add_error(name, "日付を入力してください。")
        return d


@gyomu_view(JIGYOSHOZEI)
@logs_reads(Reads(HOJIN, id_kwarg="pk", screen="zeimu.jigyosho_shinkoku"))
@require_http_methods(["GET", "POST"])
def jigyosho_new(request: HttpRequest, pk: int) -> HttpResponse:
    hojin = get_object_or_404(Hojin, pk=pk)
    levied = jigyosho_levied(timezone.localdate())
    form = JigyoshoForm(request.POST or None)
    if request.method == "POST" and not levied:
        form.is_valid()
        form.add_error(None, NOT_LEVIED)
    elif request.method == "POST" and form.is_valid():
        try:
            sk = jigyosho_shinkoku_enter(
                hojin=hojin, actor=actor_from_request(request), **form.cleaned_data
            )
        except HojinRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"事業所税の申告を登録しました（税額 {sk.gokei:,}円）。")
            return redirect("zeimu_hojin_detail", pk=hojin.pk)
    return TemplateResponse(
        request,
        "zeimu/jigyosho_shinkoku.html",
        {"form": form, "hojin": hojin, "levied": levied, "not_levied": NOT_LEVIED},
    )


# --- 試算 -------------------------------------------------------------------------------


class ShisanForm(forms.Form):
    kaishi = WarekiDateField(label="事業年度の開始日")
    shuryo = WarekiDateField(label="事業年度の終了日")
    office_from = WarekiDateField(
        label="町内に事務所等を有していた期間（から。空欄は開始日）", required=False
    )
    shihon = forms.IntegerField(
        label="資本金等の額（円。有しない法人は空欄）", required=False, min_value=0
    )
    juugyosha_town = forms.IntegerField(label="町内の従業者数", min_value=0, max_value=1_000_000)
    hojinzeigaku = forms.IntegerField(label="法人税額（円）", min_value=0, initial=0)
    juugyosha_all = forms.IntegerField(
        label="全従業者数（2以上の市町村に事務所等があるとき）",
        required=False,
        min_value=1,
        max_value=10_000_000,
    )

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for name in ("kaishi", "shuryo"):
            if name in d and d[name] is None:
                self.add_error(name, "日付を入力してください。")
        return d


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # figures typed in, no corporation
@require_http_methods(["GET", "POST"])
def hojin_shisan(request: HttpRequest) -> HttpResponse:
    form = ShisanForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = shisan_compute(form.cleaned_data)
        except HojinRefused as exc:
            form.add_error(None, str(exc))
    return TemplateResponse(request, "zeimu/hojin_shisan.html", {"form": form, "result": result})


urlpatterns: list[URLPattern] = [
    path(
        f"entry/{HOJIN_JUMINZEI}/",
        gyomu_view(HOJIN_JUMINZEI)(RedirectView.as_view(url="/zeimu/hojin/")),
        name=f"gyomu_entry_{HOJIN_JUMINZEI}",
    ),
    path(
        f"entry/{JIGYOSHOZEI}/",
        gyomu_view(JIGYOSHOZEI)(RedirectView.as_view(url="/zeimu/hojin/")),
        name=f"gyomu_entry_{JIGYOSHOZEI}",
    ),
    path("hojin/", hojin_search, name="zeimu_hojin_search"),
    path("hojin/new/", hojin_new, name="zeimu_hojin_new"),
    path("hojin/shisan/", hojin_shisan, name="zeimu_hojin_shisan"),
    path("hojin/<int:pk>/", hojin_detail, name="zeimu_hojin_detail"),
    path("hojin/<int:pk>/jimusho/", jimusho_new, name="zeimu_hojin_jimusho"),
    path("hojin/<int:pk>/shinkoku/", shinkoku_new, name="zeimu_hojin_shinkoku"),
    path("hojin/<int:pk>/jigyosho/", jigyosho_new, name="zeimu_jigyosho_shinkoku"),
]
