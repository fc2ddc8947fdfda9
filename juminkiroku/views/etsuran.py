"""住民基本台帳の一部の写しの閲覧 (標準仕様書 9.5): the request record (受付), its decision by
another clerk (審査), and the 閲覧用写し as PDF or CSV of an approved request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.codes import Sex
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import EtsuranSeikyu
from juminkiroku.models.etsuran import EtsuranJunjo, EtsuranSeikyushaKubun, EtsuranStatus
from juminkiroku.services.etsuran import (
    EtsuranError,
    etsuran_decide,
    etsuran_output,
    etsuran_request_create,
    joken_text,
)
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logged_by_service, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, WarekiDateInput
from tenants.models import RoleLevel
from tenants.textguard import checks_own_text

GYOMU = JUMINKIROKU
LIST_MAX = 100


class SeikyuForm(forms.Form):
    seikyusha_kubun = forms.ChoiceField(
        label="請求者の区分", choices=EtsuranSeikyushaKubun.choices, widget=forms.RadioSelect
    )
    seikyusha_shimei = TextField(label="請求者（機関名・氏名・法人名）", max_length=100)
    seikyusha_jusho = TextField(label="請求者の住所・所在地", max_length=200)
    mokuteki = TextField(label="利用の目的", max_length=400)
    jusho_prefix = TextField(
        label="対象の住所", max_length=200, help_text="この文字で始まる住所の住民が対象です。"
    )
    birth_from = WarekiDateField(label="生年月日（から）", required=False, widget=WarekiDateInput())
    birth_to = WarekiDateField(label="生年月日（まで）", required=False, widget=WarekiDateInput())
    sex = forms.ChoiceField(label="性別", required=False, choices=[("", "指定なし"), *Sex.choices])
    junjo = forms.ChoiceField(
        label="並び順", choices=EtsuranJunjo.choices, initial=EtsuranJunjo.JUSHO
    )


class DecideForm(forms.Form):
    note = TextField(label="審査の理由", max_length=200, required=False)


class OutputForm(forms.Form):
    fmt = forms.ChoiceField(
        label="出力形式", choices=[("pdf", "PDF"), ("csv", "CSV")], widget=forms.RadioSelect
    )
    encoding = CsvEncodingField()


@checks_own_text  # TextField form
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(Reads("etsuran_seikyu", ids="rows[].pk", screen="閲覧の請求", skip_empty=True))
@require_http_methods(["GET", "POST"])
def etsuran_home(request: HttpRequest) -> HttpResponse:
    form = SeikyuForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                seikyu = etsuran_request_create(
                    seikyusha_kubun=data["seikyusha_kubun"],
                    seikyusha_shimei=data["seikyusha_shimei"],
                    seikyusha_jusho=data["seikyusha_jusho"],
                    mokuteki=data["mokuteki"],
                    jusho_prefix=data["jusho_prefix"],
                    birth_from=data["birth_from"],
                    birth_to=data["birth_to"],
                    sex=data["sex"],
                    junjo=data["junjo"],
                    actor=actor_from_request(request),
                )
            except EtsuranError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"閲覧の請求（請求番号 {seikyu.pk}）を受け付けました。")
                return redirect("juminkiroku_etsuran_detail", pk=seikyu.pk)
        status = 400
    rows = list(EtsuranSeikyu.objects.order_by("-entered_at", "-id")[:LIST_MAX])
    return TemplateResponse(
        request, "juminkiroku/etsuran/home.html", {"form": form, "rows": rows}, status=status
    )


def _seikyu(pk: int) -> EtsuranSeikyu:
    seikyu = EtsuranSeikyu.objects.filter(pk=pk).first()
    if seikyu is None:
        raise Http404
    return seikyu


def _detail_context(seikyu: EtsuranSeikyu, request: HttpRequest) -> dict[str, Any]:
    user_id = getattr(request.user, "pk", None)
    return {
        "seikyu": seikyu,
        "joken": joken_text(seikyu),
        "can_decide": seikyu.status == EtsuranStatus.SHINSEI and seikyu.entered_by_id != user_id,
        "can_output": seikyu.status == EtsuranStatus.SHONIN,
        "decide_form": DecideForm(),
        "output_form": OutputForm(initial={"fmt": "pdf"}),
    }


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(Reads("etsuran_seikyu", id_kwarg="pk", screen="閲覧の請求の詳細"))
@require_http_methods(["GET"])
def etsuran_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seikyu = _seikyu(pk)
    return TemplateResponse(
        request, "juminkiroku/etsuran/detail.html", _detail_context(seikyu, request)
    )


@checks_own_text  # DecideForm (TextField)
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logged_by_service  # etsuran_decide logs the decision, then redirects
@require_POST
def etsuran_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    seikyu = _seikyu(pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for msg in errors:
                messages.error(request, str(msg))
        return redirect("juminkiroku_etsuran_detail", pk=seikyu.pk)
    try:
        etsuran_decide(
            seikyu_id=seikyu.pk,
            approve="approve" in request.POST,
            note=form.cleaned_data["note"] or "",
            actor=actor_from_request(request),
        )
    except EtsuranError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "審査の結果を記録しました。")
    return redirect("juminkiroku_etsuran_detail", pk=seikyu.pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logged_by_service  # etsuran_output logs the 印刷 / 抽出 with the persons' ids
@require_POST
def etsuran_output_view(request: HttpRequest, pk: int) -> HttpResponse:
    seikyu = _seikyu(pk)
    form = OutputForm(request.POST)
    context = _detail_context(seikyu, request)
    context["output_form"] = form
    if not form.is_valid():
        return TemplateResponse(request, "juminkiroku/etsuran/detail.html", context, status=400)
    try:
        name, ctype, content, _ = etsuran_output(
            seikyu_id=seikyu.pk,
            fmt=form.cleaned_data["fmt"],
            encoding=form.cleaned_data["encoding"],
            actor=actor_from_request(request),
        )
    except EtsuranError as exc:
        context["error"] = str(exc)
        return TemplateResponse(request, "juminkiroku/etsuran/detail.html", context, status=400)
    response = HttpResponse(content, content_type=ctype)
    disposition = "inline" if name.endswith(".pdf") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("etsuran/", etsuran_home, name="juminkiroku_etsuran"),
    path("etsuran/<int:pk>/", etsuran_detail, name="juminkiroku_etsuran_detail"),
    path("etsuran/<int:pk>/decide/", etsuran_decide_view, name="juminkiroku_etsuran_decide"),
    path("etsuran/<int:pk>/output/", etsuran_output_view, name="juminkiroku_etsuran_output"),
]
