"""障害児通所支援: the 多子軽減 判定 and the 放課後等デイサービス extension to 満20歳, posted from a
decision's screen (fukushi/views/tsusho.py ``detail``), behind the same wall (the 業務's 更新
role, the grant ``SHOGAI_TECHO``, the purpose given for the record); the services write the
history and the access-log rows."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.services.tsusho import TsushoRefused
from fukushi.services.tsusho_tashi import tsusho_enchou, tsusho_tashi_nintei
from fukushi.views.tsusho import DATE_HELP, _flash, _write_guard
from tenants.access import gyomu_view
from tenants.accesslog.reads import logged_by_service
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel

GYOMU = SHOGAISHA_FUKUSHI


class TashiForm(forms.Form):
    jiyu_date = WarekiDateField(label="判定日", help_text=DATE_HELP)
    ani_ane = forms.IntegerField(
        label="生計を同じくする兄・姉の数", min_value=0, max_value=20, initial=0
    )
    ani_ane_shugakumae = forms.IntegerField(
        label="うち保育所・幼稚園等・障害児通所支援に通う就学前の兄・姉の数",
        min_value=0,
        max_value=20,
        initial=0,
    )


class EnchouForm(forms.Form):
    jiyu_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    shuryo = WarekiDateField(label="延長後の給付決定期間の終了日", help_text=DATE_HELP)
    zaigaku = forms.BooleanField(
        label="学校教育法第1条の学校（幼稚園・大学を除く）に在学していることを確認した",
        required=False,
    )
    riyu = TextField(label="引き続き放課後等デイサービスが必要と認める理由", max_length=200)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # tsusho_tashi_nintei writes the access-log row
@require_POST
def tashi(request: HttpRequest, pk: int) -> HttpResponse:
    if (r := _write_guard(request, pk)) is not None:
        return r
    form = TashiForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            k = tsusho_tashi_nintei(
                pk=pk,
                day=d["jiyu_date"],
                ani_ane=d["ani_ane"],
                ani_ane_shugakumae=d["ani_ane_shugakumae"],
                actor=actor_from_request(request),
            )
        except TsushoRefused as exc:
            _flash(request, exc)
        else:
            messages.success(
                request, f"多子軽減を判定しました（第{k.tashi_dai}子、総費用の{k.futan_ritsu}％）。"
            )
    else:
        message_form_errors(request, form)
    return redirect("fukushi_tsusho_detail", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # tsusho_enchou writes the access-log row
@require_POST
def enchou(request: HttpRequest, pk: int) -> HttpResponse:
    if (r := _write_guard(request, pk)) is not None:
        return r
    form = EnchouForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            tsusho_enchou(
                pk=pk,
                day=d["jiyu_date"],
                shuryo=d["shuryo"],
                riyu=d["riyu"],
                zaigaku=bool(d.get("zaigaku")),
                actor=actor_from_request(request),
            )
        except TsushoRefused as exc:
            _flash(request, exc)
        else:
            messages.success(request, "給付決定期間を延長しました。")
    else:
        message_form_errors(request, form)
    return redirect("fukushi_tsusho_detail", pk=pk)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/tashi/", tashi, name="fukushi_tsusho_tashi"),
    path("<int:pk>/enchou/", enchou, name="fukushi_tsusho_enchou"),
]
