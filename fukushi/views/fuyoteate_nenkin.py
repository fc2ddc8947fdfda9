"""児童扶養手当 screens on the 受給者's page (mounted with fukushi.views.fuyoteate at
/fukushi/jido-fuyo-teate/): a 公的年金等 for the 併給調整 (法第13条の2), a claim for past
months unpaid (時効: 法第22条), the 資格喪失 entered by the clerk and the 資格喪失通知書.

Paths carry internal ids only; each write is logged by its service (the PDF as PRINT).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import FuyoJukyusha, FuyoNenkinShurui, FuyoShikkakuJiyu
from fukushi.services.fuyoteate import FuyoteateRefused
from fukushi.services.fuyoteate_nenkin import miharai_seikyu, nenkin_record
from fukushi.services.fuyoteate_shikkaku import (
    SHIKKAKU_TODOKE_JIYU,
    shikkaku_todoke,
    shikkaku_tsuchi,
)
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel

GYOMU = JIDO_FUYO_TEATE
DETAIL = "fukushi_fuyoteate_detail"


class NenkinForm(forms.Form):
    shurui = forms.ChoiceField(label="年金の種類", choices=FuyoNenkinShurui.choices)
    kaishi = WarekiDateField(
        label="調整する最初の月（その月のいずれかの日）", help_text="例 令和7年4月1日"
    )
    shuryo = WarekiDateField(
        label="調整する最後の月（空欄は継続）", required=False, help_text="例 令和8年3月1日"
    )
    getsugaku = forms.IntegerField(
        label="調整する年金の月額（円。障害基礎年金等は子の加算部分の月額）",
        min_value=1,
        max_value=1_000_000,
    )


class MiharaiForm(forms.Form):
    month_from = WarekiDateField(label="請求する最初の月", help_text="例 令和7年1月1日")
    month_to = WarekiDateField(label="請求する最後の月", help_text="例 令和7年2月1日")
    seikyu_date = WarekiDateField(label="請求日", help_text="例 令和8年12月7日")


class ShikkakuForm(forms.Form):
    jiyu = forms.ChoiceField(
        label="喪失の事由", choices=[(j.value, j.label) for j in SHIKKAKU_TODOKE_JIYU]
    )
    jiyu_date = WarekiDateField(label="事由の生じた日", help_text="例 令和8年11月20日")


def _refused(request: HttpRequest, exc: FuyoteateRefused) -> None:
    for _, message in exc.errors:
        messages.error(request, message)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者
@require_POST
def nenkin(request: HttpRequest, pk: int) -> HttpResponse:
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    form = NenkinForm(request.POST)
    if not form.is_valid() or form.cleaned_data["kaishi"] is None:
        if form.is_valid():
            messages.error(request, "調整する最初の月を入力してください。")
        message_form_errors(request, form)
        return redirect(DETAIL, pk=pk)
    d = form.cleaned_data
    try:
        row = nenkin_record(
            jukyusha=j,
            shurui=FuyoNenkinShurui(d["shurui"]),
            kaishi=d["kaishi"],
            shuryo=d["shuryo"],
            getsugaku=d["getsugaku"],
            actor=actor_from_request(request),
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"公的年金等（{row.get_shurui_display()}）を登録しました。")
    return redirect(DETAIL, pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者
@require_POST
def miharai(request: HttpRequest, pk: int) -> HttpResponse:
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    form = MiharaiForm(request.POST)
    if not form.is_valid() or None in form.cleaned_data.values():
        if form.is_valid():
            messages.error(request, "請求する月と請求日を入力してください。")
        message_form_errors(request, form)
        return redirect(DETAIL, pk=pk)
    d = form.cleaned_data
    try:
        rows = miharai_seikyu(
            jukyusha=j,
            month_from=d["month_from"],
            month_to=d["month_to"],
            seikyu_date=d["seikyu_date"],
            actor=actor_from_request(request),
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            f"未払分の請求を受け付けました（{len(rows)}か月分 "
            f"{sum(r.gaku for r in rows):,}円、次の支払で支払います）。",
        )
    return redirect(DETAIL, pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者
@require_POST
def shikkaku(request: HttpRequest, pk: int) -> HttpResponse:
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    form = ShikkakuForm(request.POST)
    if not form.is_valid() or form.cleaned_data["jiyu_date"] is None:
        if form.is_valid():
            messages.error(request, "事由の生じた日を入力してください。")
        message_form_errors(request, form)
        return redirect(DETAIL, pk=pk)
    try:
        shikkaku_todoke(
            jukyusha=j,
            jiyu=FuyoShikkakuJiyu(form.cleaned_data["jiyu"]),
            jiyu_date=form.cleaned_data["jiyu_date"],
            today=timezone.localdate(),
            actor=actor_from_request(request),
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "資格喪失を記録しました。資格喪失通知書を作成できます。")
    return redirect(DETAIL, pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the PDF is logged (PRINT) and recorded by its service
@require_POST
def shikkaku_tsuchi_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """児童扶養手当資格喪失通知書 (POST, with its history row), returned as the PDF."""
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    try:
        pdf = shikkaku_tsuchi(
            jukyusha=j, tsuchi_date=timezone.localdate(), actor=actor_from_request(request)
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
        return redirect(DETAIL, pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fuyoteate_shikkaku_{j.pk}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/nenkin/", nenkin, name="fukushi_fuyoteate_nenkin"),
    path("<int:pk>/miharai/", miharai, name="fukushi_fuyoteate_miharai"),
    path("<int:pk>/shikkaku/", shikkaku, name="fukushi_fuyoteate_shikkaku"),
    path(
        "<int:pk>/shikkaku-tsuchi/",
        shikkaku_tsuchi_pdf,
        name="fukushi_fuyoteate_shikkaku_tsuchi",
    ),
]
