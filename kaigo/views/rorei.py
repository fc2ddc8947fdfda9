"""老齢福祉年金の受給 on the person's 介護保険 page: 登録 from the 年金証書, 受給終了, 取消
(kaigo.services.rorei). The page itself (kaigo.views.shikaku.person) shows the records
and their history; these views only write, then go back to it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from juminkiroku.public import person_identity
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import RoreiKakunin
from kaigo.services.rorei import RoreiRefused, rorei_shuryo, rorei_torikeshi, rorei_toroku
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel

DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")


class RoreiTorokuForm(forms.Form):
    kaishi_date = WarekiDateField(label="受給開始日（年金証書の支給開始）", help_text=DATE_HELP)
    kakunin = forms.ChoiceField(label="確認方法", choices=RoreiKakunin.choices)
    shorui = TextField(
        label="確認した書類（年金証書の記号番号・備考）", max_length=100, required=False
    )


class RoreiKoshinForm(forms.Form):
    record = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        label="操作",
        choices=[("shuryo", "受給終了を登録"), ("torikeshi", "誤登録として取り消す")],
        widget=forms.RadioSelect,
    )
    shuryo_date = WarekiDateField(
        label="受給終了日（受給終了のとき、最後に受給した日）", help_text=DATE_HELP, required=False
    )
    riyu = TextField(label="理由（取消のときは必須）", max_length=200, required=False)


def _done(request: HttpRequest, pk: int, form: forms.Form, act: Any) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("kaigo_person", pk=pk)
    try:
        messages.success(request, act(form.cleaned_data))
    except RoreiRefused as exc:
        messages.error(request, str(exc))
    return redirect("kaigo_person", pk=pk)


@gyomu_view(KAIGO_HOKEN, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def rorei_toroku_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)

    def act(d: dict[str, Any]) -> str:
        rorei_toroku(
            atena_id=pk,
            kaishi_date=d["kaishi_date"],
            kakunin=d["kakunin"],
            shorui=d.get("shorui") or "",
            actor=actor,
        )
        return (
            "老齢福祉年金の受給を登録しました。"
            "賦課済みの年度は更正候補の抽出で更正の対象になります。"
        )

    return _done(request, pk, RoreiTorokuForm(request.POST), act)


@gyomu_view(KAIGO_HOKEN, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def rorei_koshin_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)

    def act(d: dict[str, Any]) -> str:
        if d["action"] == "shuryo":
            if d.get("shuryo_date") is None:
                raise RoreiRefused("受給終了日を入力してください。")
            rorei_shuryo(
                atena_id=pk,
                record_id=d["record"],
                shuryo_date=d["shuryo_date"],
                riyu=d.get("riyu") or "",
                actor=actor,
            )
            return "老齢福祉年金の受給終了を登録しました。"
        rorei_torikeshi(atena_id=pk, record_id=d["record"], riyu=d.get("riyu") or "", actor=actor)
        return "老齢福祉年金の受給の登録を取り消しました。"

    return _done(request, pk, RoreiKoshinForm(request.POST), act)


urlpatterns: list[URLPattern] = [
    path("person/<int:pk>/rorei/", rorei_toroku_view, name="kaigo_rorei_toroku"),
    path("person/<int:pk>/rorei/koshin/", rorei_koshin_view, name="kaigo_rorei_koshin"),
]
