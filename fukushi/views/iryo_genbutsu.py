"""医療費助成の現物給付 screens, one set per 業務 (mounted by ``fukushi.views.iryo.iryo_views``
under the 業務's own prefix): the 請求 imported so far and the import form; one 請求 with its
返戻 lines, its 支払 list per 医療機関, the payment to the 審査支払機関 and its 全銀 file.

Paths carry internal ids only; the 請求's lines show 受給者番号, never names; reads of a
請求 are logged, the writes and the file by their service or decorator.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.models import IryoGenbutsu, IryoGyomu, IryoShinsaKikan
from fukushi.services.iryo import IryoRefused
from fukushi.services.iryo_genbutsu import (
    HEADER,
    genbutsu_file,
    genbutsu_kikan,
    genbutsu_shiharai,
    genbutsu_torikomi,
)
from fukushi.views.furikomi import IraininForm, furikomi_response
from tenants import zengin
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class TorikomiForm(forms.Form):
    shinsa_kikan = forms.ChoiceField(label="審査支払機関", choices=IryoShinsaKikan.choices)
    seikyu_tsuki = WarekiDateField(label="請求月（その月の日付）", help_text="例 令和7年10月1日")
    file = forms.FileField(label="請求ファイル（CSV、当社定義の様式）")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます（50MBまで）。")
        return f


class GenbutsuShiharaiForm(IraininForm):
    field_order = [
        "shiharai_date", "kinyu_kikan", "kikan_shiten", "kikan_shumoku", "kikan_koza",
        "kikan_meigi",
    ]  # fmt: skip
    shiharai_date = WarekiDateField(label="支払日（取組日）", help_text="例 令和7年10月20日")
    kinyu_kikan = TextField(label="審査支払機関の口座：金融機関コード（4桁）", max_length=4)
    kikan_shiten = TextField(label="支店コード（3桁）", max_length=3)
    kikan_shumoku = forms.ChoiceField(label="預金種目", choices=list(zengin.SHUMOKU.items()))
    kikan_koza = TextField(label="口座番号（7桁）", max_length=7)
    kikan_meigi = TextField(label="口座名義（半角カナ）", max_length=30)

    def koza(self) -> zengin.Account:
        d = self.cleaned_data
        return zengin.Account(
            d["kinyu_kikan"], d["kikan_shiten"], d["kikan_shumoku"], d["kikan_koza"],
            d["kikan_meigi"],
        )  # fmt: skip


def genbutsu_views(code: str, slug: str) -> list[URLPattern]:
    title = IryoGyomu(code).label
    n = f"fukushi_{slug}_"

    def can_write(request: HttpRequest) -> bool:
        return bool(getattr(request, "role_levels", {}).get(code, 0) >= RoleLevel.WRITE)

    def errors(request: HttpRequest, exc: IryoRefused) -> None:
        for _, message in exc.errors:
            messages.error(request, message)

    @gyomu_view(code, write_level=RoleLevel.READ)
    @no_personal_data  # the list shows 請求 totals only; the import is logged by its service
    @require_http_methods(["GET", "POST"])
    def genbutsu_list(request: HttpRequest) -> HttpResponse:
        form = TorikomiForm(request.POST or None, request.FILES or None)
        if request.method == "POST":
            if not can_write(request):
                return HttpResponse(status=403)
            if form.is_valid() and form.cleaned_data["seikyu_tsuki"] is None:
                form.add_error("seikyu_tsuki", "請求月を入力してください。")
            if form.is_valid():
                d = form.cleaned_data
                try:
                    g = genbutsu_torikomi(
                        gyomu=code, shinsa_kikan=d["shinsa_kikan"],
                        seikyu_tsuki=d["seikyu_tsuki"], data=d["file"].read(),
                        actor=actor_from_request(request),
                    )  # fmt: skip
                except IryoRefused as exc:
                    errors(request, exc)
                else:
                    messages.success(
                        request,
                        f"請求を取り込みました：{g.kensu}件（返戻 {g.henrei_kensu}件）、"
                        f"助成額 {g.josei_gokei:,}円",
                    )
                    return redirect(n + "genbutsu_detail", pk=g.pk)
        rows = IryoGenbutsu.objects.filter(gyomu=code).order_by("-seikyu_tsuki", "-pk")[:60]
        return TemplateResponse(
            request,
            "fukushi/iryo/genbutsu.html",
            {"title": title, "n": n, "can_write": can_write(request), "form": form,
             "rows": rows, "header": ",".join(HEADER)},
        )  # fmt: skip

    @gyomu_view(code, write_level=RoleLevel.READ)
    @logs_reads(Reads("fukushi.IryoGenbutsu", id_kwarg="pk", screen=f"fukushi.{slug}_genbutsu"))
    @require_GET
    def genbutsu_detail(request: HttpRequest, pk: int) -> HttpResponse:
        g = get_object_or_404(IryoGenbutsu, pk=pk, gyomu=code)
        return TemplateResponse(
            request,
            "fukushi/iryo/genbutsu_detail.html",
            {"title": title, "n": n, "can_write": can_write(request), "g": g,
             "kikan": genbutsu_kikan(g), "henrei": g.meisai.exclude(henrei_riyu=""),
             "form": GenbutsuShiharaiForm()},
        )  # fmt: skip

    @gyomu_view(code, level=RoleLevel.WRITE)
    @no_personal_data  # a write (logged by its service)
    @require_POST
    def genbutsu_pay(request: HttpRequest, pk: int) -> HttpResponse:
        g = get_object_or_404(IryoGenbutsu, pk=pk, gyomu=code)
        form = GenbutsuShiharaiForm(request.POST)
        if form.is_valid() and form.cleaned_data["shiharai_date"] is None:
            form.add_error("shiharai_date", "支払日を入力してください。")
        if not form.is_valid():
            for field, errs in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for e in errs:
                    messages.error(request, f"{label}：{e}" if label else str(e))
            return redirect(n + "genbutsu_detail", pk=pk)
        try:
            genbutsu_shiharai(
                genbutsu=g, shiharai_date=form.cleaned_data["shiharai_date"],
                irainin=form.irainin(), koza=form.koza(), actor=actor_from_request(request),
            )  # fmt: skip
        except IryoRefused as exc:
            errors(request, exc)
        else:
            messages.success(request, "支払を記録しました。総合振込ファイルを作成できます。")
        return redirect(n + "genbutsu_detail", pk=pk)

    @gyomu_view(code, level=RoleLevel.WRITE)
    @logs_reads(
        Reads("fukushi.IryoGenbutsu", action=AccessAction.EXPORT, id_kwarg="pk",
              screen=f"fukushi.{slug}_genbutsu_furikomi")
    )  # fmt: skip
    @require_GET
    def genbutsu_furikomi(request: HttpRequest, pk: int) -> HttpResponse:
        g = get_object_or_404(IryoGenbutsu, pk=pk, gyomu=code)
        try:
            data = genbutsu_file(g)
        except IryoRefused as exc:
            errors(request, exc)
            return redirect(n + "genbutsu_detail", pk=pk)
        return furikomi_response(data, f"{slug}_genbutsu_{g.pk}.txt")

    return [
        path("genbutsu/", genbutsu_list, name=n + "genbutsu"),
        path("genbutsu/<int:pk>/", genbutsu_detail, name=n + "genbutsu_detail"),
        path("genbutsu/<int:pk>/shiharai/", genbutsu_pay, name=n + "genbutsu_shiharai"),
        path("genbutsu/<int:pk>/furikomi.txt", genbutsu_furikomi, name=n + "genbutsu_furikomi"),
    ]
